"""What a rule is, what a finding is, and the register that holds every rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# Where a rule looks: the words of an outcome, the words of a provision item, any free
# text in the plan, or the plan as a whole (links, counts, dates).
Scope = Literal["outcome", "provision", "text", "plan"]

HANDBOOK = "https://ehcp-kit.readthedocs.io/en/latest/rules/{slug}.html"


@dataclass(frozen=True)
class Finding:
    """One fault (or note) a rule found, with where it is.

    ``span`` is the ``(start, end)`` character range of the words that triggered the
    rule in the text that was checked, or ``None`` when the fault is something missing.
    ``field`` says where in a plan the text came from (``"outcomes[O1].text"``).
    """

    code: str
    slug: str
    severity: Severity
    message: str
    span: tuple[int, int] | None = None
    field: str | None = None
    item_id: str | None = None
    child_id: str | None = None
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON-ready values (``span`` as a list or ``None``)."""
        return {
            "code": self.code,
            "slug": self.slug,
            "severity": self.severity,
            "message": self.message,
            "span": None if self.span is None else list(self.span),
            "field": self.field,
            "item_id": self.item_id,
            "child_id": self.child_id,
            "suggestion": self.suggestion,
        }

    def describe(self) -> str:
        """One line for a terminal, in the shape linters use."""
        where = self.field or ""
        if self.span is not None:
            where = f"{where}:{self.span[0]}-{self.span[1]}" if where else (
                f"{self.span[0]}-{self.span[1]}"
            )
        prefix = f"{where}  " if where else ""
        return f"{prefix}{self.code} [{self.severity}] {self.slug}: {self.message}"


class Hit(NamedTuple):
    """What a rule's check returns: the rest of the finding comes from the rule."""

    message: str
    span: tuple[int, int] | None = None
    field: str | None = None
    item_id: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class Rule:
    """A quality rule: a stable code and slug, and everything a reader needs to act.

    ``poor_example`` is real text the rule flags and ``improved_example`` real text it
    does not; for whole-plan rules (``scope == "plan"``) both describe a plan instead.
    """

    code: str
    slug: str
    severity: Severity
    scope: Scope
    summary: str
    explanation: str
    source: str
    poor_example: str
    improved_example: str
    check: Callable[..., Iterable[Hit]] = field(repr=False, compare=False)
    field_hint: str = ""

    @property
    def help_url(self) -> str:
        """The rule's page in the handbook."""
        return HANDBOOK.format(slug=self.slug)

    def to_dict(self) -> dict[str, str]:
        """The rule as plain values, for ``ehcp-kit rules --format json`` and the handbook."""
        return {
            "code": self.code,
            "slug": self.slug,
            "severity": self.severity,
            "scope": self.scope,
            "summary": self.summary,
            "explanation": self.explanation,
            "source": self.source,
            "help_url": self.help_url,
            "poor_example": self.poor_example,
            "improved_example": self.improved_example,
        }


_REGISTER: dict[str, Rule] = {}


def rule(
    code: str,
    slug: str,
    severity: Severity,
    scope: Scope,
    *,
    summary: str,
    explanation: str,
    source: str,
    poor: str,
    improved: str,
    field_hint: str = "",
) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    """Register the decorated check function as a rule.

    Codes and slugs must be unique: reviewers, dashboards and configuration files name
    rules by them, so a clash would make one rule silently stand for another.
    """

    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        for existing in _REGISTER.values():
            if existing.code == code or existing.slug == slug:
                raise ValueError(f"rule {code!r} ({slug!r}) clashes with {existing.code!r}")
        _REGISTER[slug] = Rule(code, slug, severity, scope, summary, explanation, source,
                               poor, improved, check, field_hint)
        return check

    return register


def registered_rules() -> tuple[Rule, ...]:
    """Every registered rule, in code order."""
    return tuple(sorted(_REGISTER.values(), key=lambda item: item.code))
