"""The exceptions ehcp-kit raises.

Every error the package raises on purpose derives from :class:`EhcpKitError`, so a
caller can catch them all at once. Each also subclasses the built-in it behaves like,
so code that already catches ``ValueError`` or ``LookupError`` keeps working::

    EhcpKitError
    ├── DataError (ValueError)          bad input data, with where it was found
    ├── TimescaleError (ValueError)     a timescale phrase that cannot be resolved
    └── MissingDependencyError (ImportError)  an optional extra is not installed
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DataError",
    "EhcpKitError",
    "Location",
    "MissingDependencyError",
    "TimescaleError",
]


class EhcpKitError(Exception):
    """Base class for every error ehcp-kit raises on purpose."""


@dataclass(frozen=True)
class Location:
    """Where a value came from: enough for an analyst to find it and fix it."""

    file: str
    sheet: str | None = None
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            # In a sheet or CSV file (which have rows) a field is a column.
            parts.append(f"{'column' if self.row is not None else 'field'} {self.field!r}")
        return ", ".join(parts)


class DataError(EhcpKitError, ValueError):
    """Input data that cannot become a valid plan.

    ``problems`` holds one ``(location, message)`` pair per fault, so that a loader can
    report every fault in a child's record at once instead of one per run.
    """

    def __init__(self, problems: list[tuple[Location, str]], child_id: str | None = None):
        self.problems = problems
        self.child_id = child_id
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))


class TimescaleError(EhcpKitError, ValueError):
    """A timescale phrase that the resolver cannot turn into a date."""


class MissingDependencyError(EhcpKitError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""
