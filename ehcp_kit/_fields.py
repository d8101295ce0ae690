"""Field types shared by the plan model."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict

# Models reject unknown fields, so a misspelt column or key is reported, not dropped.
MODEL_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_UK_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")
# Names Windows keeps for devices, whatever follows a dot: a folder called "CON" or
# "aux.1" cannot be made there, and a name ending in "." loses the dot.
_WINDOWS_RESERVED = re.compile(r"(?i)(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?")


def _check_identifier(value: str) -> str:
    # An id becomes a folder name in batch output, so it must not be able to climb out,
    # and must make the same folder on Windows and macOS as on Linux.
    if not _ID.fullmatch(value) or ".." in value:
        raise ValueError(
            f"{_shorten(value)} is not a usable id: use 1-64 letters, digits, '.', '_' or "
            "'-', starting with a letter or digit"
        )
    if _WINDOWS_RESERVED.fullmatch(value) or value.endswith("."):
        raise ValueError(
            f"{value!r} is not a usable id: Windows cannot make a folder of that name "
            "(CON, PRN, AUX, NUL, COM1-9 and LPT1-9 are reserved, and a final '.' is dropped)"
        )
    return value


def _shorten(value: str, limit: int = 40) -> str:
    """A value for a message: in full when short, else its start and its length."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value)} characters)"


def _coerce_date(value: Any) -> Any:
    """Accept the date forms analysts' exports carry, and refuse a time of day."""
    # A bare number is not a date: pydantic would read it as seconds since 1970, and a
    # spreadsheet serial day number would silently become a day in 1970.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date; write it as 2026-07-31 or 31/07/2026")
    if isinstance(value, str) and value.strip().isdigit():
        raise ValueError(f"{value!r} is not a date; write it as 2026-07-31 or 31/07/2026")
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError(f"{value.isoformat()!r} carries a time of day; give a date")
        return value.date()
    if isinstance(value, time):
        raise ValueError(f"{value.isoformat()!r} is a time of day, not a date")
    if isinstance(value, str):
        # Built here rather than by pydantic, so that "2027-13-01" is refused with the
        # reason ("month must be in 1..12") instead of a hint at the format it is in.
        match = _UK_DATE.fullmatch(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        match = _ISO_DATE.fullmatch(value)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    return value


def _split_ids(value: Any) -> Any:
    """Accept "N1, N2" or "N1;N2" as well as a list, as spreadsheets hold lists in a cell."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,;\s]+", value) if part.strip()]
    return value


Identifier = Annotated[str, AfterValidator(_check_identifier)]
IdList = Annotated[list[Identifier], BeforeValidator(_split_ids)]
DateField = Annotated[date, BeforeValidator(_coerce_date)]
