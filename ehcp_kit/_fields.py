"""Field types shared by the plan model."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict

# Models reject unknown fields, so a misspelt column or key is reported, not dropped.
MODEL_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_UK_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")


def _check_identifier(value: str) -> str:
    # An id becomes a folder name in batch output, so it must not be able to climb out.
    if not _ID.fullmatch(value) or ".." in value:
        raise ValueError(
            f"{value!r} is not a usable id: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return value


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
    if isinstance(value, str):
        match = _UK_DATE.fullmatch(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
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
