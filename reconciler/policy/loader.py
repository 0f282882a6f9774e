"""Reading policy YAML into plain data while remembering where every node came from.

ruamel.yaml composes the node graph (with its C parser where installed); we build the Python
values ourselves, which lets us refuse duplicate keys, bound alias expansion (billion laughs) and
record the line and column of every key and value for error messages.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from reconciler.errors import ReconcileError
from reconciler.files import UnreadableFile, read_bounded

try:  # the C parser is ~10x faster; the pure one gives the same nodes.
    from ruamel.yaml.cyaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's wheels
    from ruamel.yaml.main import SafeLoader as _Loader  # type: ignore[assignment,attr-defined]

MAX_FILE_BYTES = 256 * 1024
MAX_NODES = 20_000  # values after alias expansion; a real team file has a few hundred
MAX_DEPTH = 50  # nesting; a policy is about six levels deep
# The C parser recurses once per level while composing, before our builder counts levels, and
# 40,000 nested brackets (80 KB) overflow its stack: a segmentation fault, no message. So a cheap
# scan refuses deep nesting first. Its bound is looser than MAX_DEPTH (it estimates from the text);
# the builder still gives the exact answer for anything the scan lets through.
SCAN_DEPTH = 4 * MAX_DEPTH
_DEEP_BLOCK = re.compile(r"^(?:[ \t]|[-?:](?=[ \t]|$)){" + f"{SCAN_DEPTH}" + ",}", re.MULTILINE)

Path_ = tuple[str | int, ...]
Position = tuple[int, int]


class LoadError(ReconcileError):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Document:
    """A loaded policy file: its data and where each path's key and value stand."""

    file: str
    data: Any
    value_positions: dict[Path_, Position] = field(default_factory=dict)
    key_positions: dict[Path_, Position] = field(default_factory=dict)

    def position(self, loc: Path_, *, of_key: bool = False) -> Position:
        """The nearest known position of `loc`: itself, else its closest ancestor."""
        loc = tuple(loc)
        while loc:
            if of_key and loc in self.key_positions:
                return self.key_positions[loc]
            if loc in self.value_positions:
                return self.value_positions[loc]
            loc = loc[:-1]
        return self.value_positions.get((), (1, 1))


def load_file(path: Path, display: str | None = None) -> Document:
    display = display or str(path)
    try:
        raw = read_bounded(path, MAX_FILE_BYTES, "policy file")
    except UnreadableFile as exc:
        raise LoadError(exc.reason) from None
    return load_bytes(raw, display)


def load_bytes(raw: bytes, display: str) -> Document:
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(
            f"file is {len(raw):,} bytes; policy files are limited to {MAX_FILE_BYTES:,}"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            f"file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded", line, column
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    _refuse_deep_nesting(text)
    try:
        loader = _Loader(io.StringIO(text))
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        parts = [str(p) for p in (exc.problem, exc.context) if p]
        if parts and parts[0].startswith("but "):  # "expected X" reads before "but found Y"
            parts.reverse()
        message = " ".join(parts) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise LoadError(f"YAML syntax error: {message}", line, column) from None
    except ReaderError as exc:  # a character YAML forbids, such as NUL
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise LoadError(f"YAML cannot contain the character U+{char:04X}", line, column) from None
    except YAMLError as exc:  # pragma: no cover - every other YAML error carries a mark
        raise LoadError(f"YAML error: {exc}") from None
    if node is None:
        raise LoadError("file is empty: a policy needs at least a 'team'")
    doc = Document(display, None)
    doc.data = _Builder(doc).build(node, ())
    if not isinstance(doc.data, dict):
        line, column = _pos(node)
        raise LoadError("the top level must be a mapping of keys such as 'team:'", line, column)
    return doc


def _refuse_deep_nesting(text: str) -> None:
    """Refuse text nested deeper than SCAN_DEPTH before the C parser recurses into it."""
    deep = _DEEP_BLOCK.search(text)
    if deep:
        line = text.count("\n", 0, deep.start()) + 1
        raise LoadError(_too_deep(), line, SCAN_DEPTH + 1)
    if text.count("[") + text.count("{") <= SCAN_DEPTH:
        return  # cannot nest that deep in flow style: the usual case, and free
    depth = 0
    line, line_start = 1, 0
    comment = False
    for i, char in enumerate(text):
        if char == "\n":
            line, line_start, comment = line + 1, i + 1, False
        elif comment:
            continue
        elif char == "#" and (i == line_start or text[i - 1] in " \t"):
            comment = True
        elif char in "[{":
            depth += 1
            if depth > SCAN_DEPTH:
                raise LoadError(_too_deep(), line, i - line_start + 1)
        elif char in "]}":
            depth = max(0, depth - 1)


def _too_deep() -> str:
    return f"the document nests deeper than {MAX_DEPTH} levels; a policy is about six deep"


def _pos(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
# The tags a policy may carry: YAML's core schema, plus the timestamp the parser gives a date.
# Anything else (`!foo`, `!!binary`, `!!python/...`) would be silently read as something else.
_KNOWN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.count = 0

    def build(self, node: Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, column = _pos(node)
            raise LoadError(
                f"the document expands to more than {MAX_NODES:,} values "
                "(aliases nested too deep?)",
                line,
                column,
            )
        if len(path) > MAX_DEPTH:
            line, column = _pos(node)
            raise LoadError(
                f"the document nests deeper than {MAX_DEPTH} levels (a recursive alias?)",
                line,
                column,
            )
        self.doc.value_positions.setdefault(path, _pos(node))
        if node.tag not in _KNOWN_TAGS:
            raise LoadError(
                f"unknown YAML tag {node.tag!r}: a policy holds plain values, lists and mappings",
                *_pos(node),
            )
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return _scalar(node)

    def _mapping(self, node: MappingNode, path: Path_) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, column = _pos(key_node)
                raise LoadError("keys must be plain values, not lists or mappings", line, column)
            if key_node.tag not in _KNOWN_TAGS:
                raise LoadError(f"unknown YAML tag {key_node.tag!r} on a key", *_pos(key_node))
            key = _scalar(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            key_pos = _pos(key_node)
            if key in first_seen:
                raise LoadError(
                    f"duplicate key {key!r} (first defined at line {first_seen[key][0]})",
                    *key_pos,
                )
            first_seen[key] = key_pos
            self.doc.key_positions[(*path, key)] = key_pos
            result[key] = self.build(value_node, (*path, key))
        return result


def _scalar(node: ScalarNode) -> Any:
    """Scalars typed as YAML 1.2 core; dates and everything else stay strings."""
    tag, value = node.tag, node.value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() == "true"
    if tag == _INT:
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == _FLOAT:
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    return value
