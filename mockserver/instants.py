"""RFC 3339 date-times as comparable instants, for any year and any number of digits.

`datetime` cannot hold the seed's 7 fractional digits, year 0 or a leap second, and
comparing extreme aware datetimes can overflow; an instant here is plain integers.
"""

from __future__ import annotations

import re
from datetime import datetime

Instant = tuple[int, int]  # (seconds since 1970-01-01T00:00:00Z, fraction in 10**-12 s)

_FRACTION_DIGITS = 12
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,
)


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_instant(text: str) -> Instant | None:
    """The instant of an RFC 3339 date-time with offset; None when `text` is not one."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction, offset = match.group(7) or "", match.group(8)
    seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    if offset not in ("Z", "z"):
        sign = 1 if offset[0] == "+" else -1
        seconds -= sign * (int(offset[1:3]) * 3600 + int(offset[4:6]) * 60)
    frac = int((fraction[:_FRACTION_DIGITS]).ljust(_FRACTION_DIGITS, "0"))
    return seconds, frac


def instant_of(moment: datetime) -> Instant:
    """The instant of an aware datetime (a naive one is taken as UTC)."""
    offset = moment.utcoffset()
    shift = int(offset.total_seconds()) if offset is not None else 0
    seconds = (
        days_from_civil(moment.year, moment.month, moment.day) * 86400
        + moment.hour * 3600
        + moment.minute * 60
        + moment.second
        - shift
    )
    return seconds, moment.microsecond * 10 ** (_FRACTION_DIGITS - 6)
