"""IANA time zones: which names exist, and which are aliases of another.

OpsGenie rewrites an alias such as `US/Central` to its canonical zone, so a policy that says the
alias would show a difference for ever. The alias table comes from the `tzdata` package's
`tzdata.zi` link lines, the same source the zone data itself comes from.
"""

from __future__ import annotations

import difflib
import functools
import zoneinfo
from importlib import resources


@functools.cache
def _links() -> dict[str, str]:
    links: dict[str, str] = {}
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - tzdata is a dependency
        return links
    for line in text.splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


@functools.cache
def _names() -> frozenset[str]:
    """Every IANA zone and link name, from the tzdata package's list.

    Not whatever the zoneinfo folder happens to hold: `localtime` and `posixrules` are files there
    (the machine's own zone, a rules template), not zones any vendor knows. `Factory` is tzdata's
    placeholder zone ("-00"), never a real place.
    """
    try:
        text = resources.files("tzdata").joinpath("zones").read_text("utf-8")
        names = set(text.split())
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - tzdata is a dependency
        names = set(zoneinfo.available_timezones()) - {"localtime", "posixrules"}
    return frozenset(names - {"Factory"})


@functools.cache
def zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone called `name`, or None if no such IANA zone exists."""
    if name not in _names():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        return None


def canonical(name: str) -> str | None:
    """The canonical name of zone `name` (itself unless it is an alias), or None if unknown."""
    if zone(name) is None:
        return None
    return _links().get(name, name)


def suggest(name: str) -> str | None:
    """The known zone name closest to a misspelt one."""
    close = difflib.get_close_matches(name, sorted(_names()), n=1, cutoff=0.6)
    return close[0] if close else None
