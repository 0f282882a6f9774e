"""Scalar types of the policy language.

Each type is a string in YAML with one regular expression that both pydantic and the generated
JSON Schema enforce, so the schema an editor uses and the model `validate` uses agree (a test
checks it). The model then turns the string into the value the code works with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from reconciler import dates

_UNIT_MINUTES = {"m": 1, "h": 60, "d": 60 * 24, "w": 60 * 24 * 7}


@dataclass(frozen=True, order=True)
class Duration:
    """A span written as one number and one unit: `10m`, `24h`, `3d`, `1w`."""

    minutes: int
    text: str = field(default="", compare=False)  # as written, for messages: 24h stays 24h

    @classmethod
    def parse(cls, text: str) -> Duration:
        return cls(int(text[:-1]) * _UNIT_MINUTES[text[-1]], text)

    @property
    def timedelta(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    def split(self) -> tuple[int, str]:
        """The largest unit that divides the span evenly, with its count: (1, 'w')."""
        if self.minutes == 0:
            return 0, "m"
        for unit in ("w", "d", "h", "m"):
            size = _UNIT_MINUTES[unit]
            if self.minutes % size == 0:
                return self.minutes // size, unit
        raise AssertionError("minutes always divide")  # pragma: no cover

    def __add__(self, other: Duration) -> Duration:
        return Duration(self.minutes + other.minutes)

    def __str__(self) -> str:
        if self.text:
            return self.text
        count, unit = self.split()
        return f"{count}{unit}"


def _pattern_type(
    *,
    name: str,
    pattern: str,
    message: str,
    convert: Any = None,
    serialize: Any = str,
    json_extra: dict[str, Any] | None = None,
) -> Any:
    """A string type checked by `pattern`, reported with `message`, then `convert`ed."""
    regex = re.compile(pattern)
    zero = re.compile(r"0+[mhdw]") if name == "duration" else None

    def check(value: str) -> Any:
        shown = _shown(value)
        if zero and zero.fullmatch(value):
            raise PydanticCustomError(name, "'{value}' must be longer than zero", {"value": shown})
        if not regex.fullmatch(value):  # fullmatch: a trailing newline fails too
            raise PydanticCustomError(name, message + _why_not(value), {"value": shown})
        return convert(value) if convert else value

    class _Marker:
        @classmethod
        def __get_pydantic_core_schema__(
            cls, _source: Any, _handler: GetCoreSchemaHandler
        ) -> core_schema.CoreSchema:
            return core_schema.no_info_after_validator_function(
                check,
                core_schema.str_schema(strict=True),
                serialization=core_schema.plain_serializer_function_ser_schema(serialize),
            )

        @classmethod
        def __get_pydantic_json_schema__(
            cls, _schema: core_schema.CoreSchema, _handler: GetJsonSchemaHandler
        ) -> dict[str, Any]:
            return {"type": "string", "pattern": pattern, **(json_extra or {})}

    _Marker.__name__ = name
    return _Marker


def _shown(value: str, limit: int = 60) -> str:
    """`value` fit for a one-line message: invisible characters escaped, long values cut."""
    text = "".join(
        c if (c.isprintable() and c.isascii()) or c.isalpha() else _escape(c) for c in value
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}"


def _why_not(value: str) -> str:
    """What a user cannot see in the value: a hidden or look-alike character, or its length."""
    odd = next((c for c in value if not c.isascii()), None)
    if odd is not None:
        return f"; it contains U+{ord(odd):04X}, which is not allowed here"
    if len(value) > 100:
        return f"; it is {len(value):,} characters long"
    return ""


def _parse_date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date", "'{value}' is not a calendar date", {"value": value}
        ) from None
    if not dates.in_range(day):
        raise PydanticCustomError(
            "date",
            "'{value}' is out of range: reconcile handles dates from {span}",
            {"value": value, "span": dates.SPAN},
        )
    return day


# An address as mail servers, OpsGenie and Slack take it: RFC 5321's lengths (64 before the @,
# 254 in all), ASCII only (an internationalised domain is written in its xn-- form), so that a
# zero-width space or a full-width letter pasted from a chat cannot make a second "same" person.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = (
    r"^(?=[^@]{1,64}@)(?=.{3,254}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@"
    + _LABEL
    + r"(?:\."
    + _LABEL
    + r")+$"
)

DURATION_PATTERN = r"^[1-9][0-9]{0,5}[mhdw]$"

DurationText = Annotated[
    Duration,
    _pattern_type(
        name="duration",
        pattern=DURATION_PATTERN,
        message="'{value}' is not a duration: write a whole number and a unit, "
        "m, h, d or w, such as '10m', '24h' or '1w'",
        convert=Duration.parse,
        json_extra={"description": "A whole number and a unit: m, h, d or w (10m, 24h, 1w)."},
    ),
]

Email = Annotated[
    str,
    _pattern_type(
        name="email",
        pattern=EMAIL_PATTERN,
        message="'{value}' is not an email address: ASCII only, at most 64 characters before "
        "the @ and 254 in all",
        convert=str.lower,  # OpsGenie lower-cases usernames; so do we, before comparing.
        json_extra={"format": "email"},
    ),
]

TimeOfDay = Annotated[
    time,
    _pattern_type(
        name="time_of_day",
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        message="'{value}' is not a time of day: write 24-hour HH:MM, such as '10:00'",
        convert=time.fromisoformat,
        serialize=lambda t: t.strftime("%H:%M"),
    ),
]

CalendarDate = Annotated[
    date,
    _pattern_type(
        name="date",
        pattern=r"^2[01][0-9]{2}-[0-9]{2}-[0-9]{2}$",  # 2000 to 2199: see reconciler.dates
        message="'{value}' is not a date from 2000-01-01 to 2199-12-31: write YYYY-MM-DD",
        convert=_parse_date,
        serialize=lambda d: d.isoformat(),
        json_extra={"format": "date"},
    ),
]


@dataclass(frozen=True)
class Moment:
    """A local date, or a local date and time, in the policy's time zone."""

    day: date
    clock: time | None = None  # None: the whole day

    def __str__(self) -> str:
        return self.day.isoformat() + (f" {self.clock:%H:%M}" if self.clock else "")


def _parse_moment(value: str) -> Moment:
    day, _, clock = value.partition(" ")
    if not clock:
        return Moment(_parse_date(day))
    hours, minutes = (int(part) for part in clock.split(":"))
    return Moment(_parse_date(day), time(hours, minutes))


LocalMoment = Annotated[
    Moment,
    _pattern_type(
        name="moment",
        pattern=r"^2[01][0-9]{2}-[0-9]{2}-[0-9]{2}( ([01][0-9]|2[0-3]):[0-5][0-9])?$",
        message="'{value}' is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM)",
        convert=_parse_moment,
        serialize=str,
        json_extra={},
    ),
]

TimeZoneName = Annotated[
    str,
    _pattern_type(
        name="time_zone",
        pattern=r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$",
        message="'{value}' is not an IANA time zone name, such as 'America/Chicago'",
    ),
]

TeamName = Annotated[
    str,
    _pattern_type(
        name="team_name",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$",
        message="'{value}' is not a valid OpsGenie team name: use letters, digits, "
        "spaces, '.', '-' and '_', at most 100 characters",
    ),
]

SlackChannelName = Annotated[
    str,
    _pattern_type(
        name="slack_channel_name",
        pattern=r"^[a-z0-9_-]{1,80}$",
        message="'{value}' is not a name Slack accepts for a channel: lower-case letters, "
        "digits, '-' and '_' only, at most 80 characters, without the leading '#'",
    ),
]

SlackHandle = Annotated[
    str,
    _pattern_type(
        name="slack_handle",
        pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$",
        message="'{value}' is not a handle Slack accepts for a user group: lower-case "
        "letters, digits, '.', '-' and '_', starting with a letter or digit, without '@'",
    ),
]

SlackUserRef = Annotated[
    str,
    _pattern_type(
        name="slack_user",
        pattern=r"^([UW][A-Z0-9]{2,}|" + EMAIL_PATTERN[1:-1] + ")$",
        message="'{value}' is neither a Slack user id (U…) nor an email address",
    ),
]

Url = Annotated[
    str,
    _pattern_type(
        name="url",
        pattern=r"^https?://[^\s]+$",
        message="'{value}' is not an http(s) link",
        json_extra={"format": "uri"},
    ),
]

ObjectRef = Annotated[
    str,
    _pattern_type(
        name="object_ref",
        pattern=r"^[a-z_]+:.+$",
        message="'{value}' does not name an object: write KIND:NAME, "
        "such as 'slack_channel:incidents'",
    ),
]
