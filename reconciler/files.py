"""Reading and writing the files a user names: bounded, regular files only, never over an input.

Every file reconcile reads from a path a user gave (a policy, a plan, a sandbox) goes through
`read_bounded`: a FIFO, a device or a directory is refused before it is read (a symlink to
/dev/zero would otherwise be read for ever), and never more than the limit plus one byte is read.
Every file it writes (`plan --out`, `import --out`) goes through `write_output`: never over a
file the command read, never over an existing file unless asked, and through a temporary file
renamed into place, so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from reconciler.errors import ReconcileError


class UnreadableFile(ReconcileError):
    """A file that cannot or must not be read; `reason` says why, without the path."""

    def __init__(self, path: Path, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def read_bounded(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of regular file `path`, refusing anything else or anything over `limit`."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UnreadableFile(path, f"no such {what}") from None
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the {what}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(path, f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise UnreadableFile(
                path, f"the {what} is {info.st_size:,} bytes; {what}s are limited to {limit:,}"
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the size can change between fstat and read
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile(path, f"the {what} is larger than the limit of {limit:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read the {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"  # pragma: no cover - every other kind is one of the above


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_output(
    path: Path,
    text: str,
    *,
    inputs: Iterable[Path] = (),
    force: bool = False,
    replaceable: Callable[[Path], bool] = lambda _path: False,
    option: str = "--out",
) -> None:
    """Write `text` to `path` atomically, unless that would destroy something a user needs.

    Refused: a path that is one of `inputs` (even through a link or with --force), and an existing
    file unless `force` or `replaceable(path)` says it is only an older copy of this output.
    """
    for source in inputs:
        if same_file(path, source):
            raise ReconcileError(
                f"{option} {path}: that is an input of this command ({source}); "
                "refusing to write over it"
            )
    if path.is_dir():
        raise ReconcileError(f"{option} {path}: is a directory")
    if path.exists() and not (force or replaceable(path)):
        raise ReconcileError(
            f"{option} {path}: the file exists; refusing to replace it (add --force to replace it)"
        )
    if path.exists() and not path.is_file():
        raise ReconcileError(f"{option} {path}: not a regular file; refusing to write to it")
    directory = path.parent if str(path.parent) else Path(".")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        # mkstemp makes the file private; give it the mode a plain write would have had.
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode) if path.exists() else _default_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise ReconcileError(
            f"{option} {path}: cannot write the file: {exc.strerror or exc}"
        ) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
