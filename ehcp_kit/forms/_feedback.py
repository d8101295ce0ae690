"""The feedback beside a form: what the checks found, where, why, and when it falls due.

The forms call these on every edit, so they do only what one outcome or one provision
item needs: the rule library's checks and a little HTML. Everything here is plain
functions over models and findings, so the tests can check the feedback without any
widget.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..errors import TimescaleError
from ..outcomes import Outcome
from ..plan import Child, Plan
from ..provision import Provision
from ..rules import Finding, check_plan, check_provision_item
from ..timescales import Resolution

__all__ = [
    "ChildDates",
    "DATE_RULES",
    "LINK_RULES",
    "Part",
    "describe_resolution",
    "feedback_html",
    "highlight",
    "outcome_findings",
    "provision_findings",
    "resolve_outcome",
]

# Rules about the dates an outcome falls due: they need the child's dates to mean anything.
DATE_RULES = frozenset({"timescale-unresolved", "timescale-past", "timescale-beyond-phase",
                        "beyond-age-25"})
# Rules about links to the rest of the plan, which one outcome on its own cannot judge;
# the plan form shows them for the whole plan.
LINK_RULES = frozenset({"outcome-without-need", "outcome-without-provision"})

# Stand-in dates for checking words alone, before the child's dates are filled in; the
# findings that depend on them (DATE_RULES) are dropped.
_STAND_IN_BIRTH = date(2016, 9, 1)
_STAND_IN_PLAN = date(2025, 9, 1)

_SEVERITY_WORDS = {"error": "Must fix", "warning": "Should fix", "info": "Note"}
_SEVERITY_COLOURS = {"error": "#b00020", "warning": "#8a5300", "info": "#2f5f8a"}
_MARK_STYLE = "background:#ffe066;color:#000;padding:0 1px;border-radius:2px"


@dataclass(frozen=True)
class ChildDates:
    """What a timescale needs to know about a child to become a date."""

    date_of_birth: date | None = None
    plan_date: date | None = None
    year_group_override: int | None = None

    @property
    def given(self) -> bool:
        return self.date_of_birth is not None and self.plan_date is not None

    @property
    def complete(self) -> bool:
        """Both dates given, and the child born before the plan date."""
        return self.given and self.date_of_birth < self.plan_date  # type: ignore[operator]

    def plan_for(self, outcome: Outcome) -> Plan:
        """A plan holding only ``outcome``, for this child (stand-in dates if unknown)."""
        birth = self.date_of_birth if self.complete else _STAND_IN_BIRTH
        plan_date = self.plan_date if self.complete else _STAND_IN_PLAN
        if birth >= plan_date:  # refused by the date inputs; checked here all the same
            birth, plan_date = _STAND_IN_BIRTH, _STAND_IN_PLAN
        child = Child(id="child", name="child", date_of_birth=birth,
                      year_group_override=self.year_group_override if self.complete else None)
        alone = outcome.model_copy(update={"need_ids": []})
        return Plan(child=child, plan_date=plan_date, outcomes=[alone])


@dataclass(frozen=True)
class Part:
    """One field of a form, as the feedback shows it: its label, its place, its text."""

    label: str
    field: str
    text: str


# ---------------------------------------------------------------------------------------
# Running the checks
# ---------------------------------------------------------------------------------------


def outcome_findings(outcome: Outcome, child: ChildDates) -> list[Finding]:
    """What ``ehcp-kit check`` would say about this outcome, leaving out its links.

    The outcome is checked as part of a plan for the child, so a timescale given in its
    own field counts and the date rules see the child's year group. Without the child's
    dates, only the rules that read words are kept.
    """
    plan = child.plan_for(outcome)
    prefix = f"outcomes[{outcome.id}]"
    found = [finding for finding in check_plan(plan)
             if (finding.field or "").startswith(prefix) and finding.slug not in LINK_RULES]
    if not child.complete:
        found = [finding for finding in found if finding.slug not in DATE_RULES]
    return found


def provision_findings(item: Provision) -> list[Finding]:
    """What ``ehcp-kit check`` says about one provision item's words, part by part."""
    return check_provision_item(item)


def resolve_outcome(outcome: Outcome, child: ChildDates) -> Resolution | str:
    """The date the outcome falls due for this child, or why there is none."""
    if child.given and not child.complete:
        return "No date yet: the date of birth must be before the plan date."
    if not child.complete:
        return "Enter the child's date of birth and the plan date to see when this falls due."
    try:
        return child.plan_for(outcome).resolve_timescale(outcome)
    except TimescaleError as error:
        return f"No date yet: {error}."


def describe_resolution(resolution: Resolution | str) -> str:
    """A sentence for the feedback panel about the date an outcome falls due."""
    if isinstance(resolution, str):
        return html.escape(resolution)
    when = f"{resolution.date.day} {resolution.date:%B %Y}"
    return (f"Falls due on <strong>{when}</strong> for this child "
            f"({html.escape(resolution.explanation)}).")


# ---------------------------------------------------------------------------------------
# Showing them
# ---------------------------------------------------------------------------------------


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` as HTML, with ``<mark>`` around each span (overlapping spans merged).

    Everything a person typed is escaped, so a ``<`` in an outcome is shown, not obeyed.
    """
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(len(text), end)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])

    pieces, position = [], 0
    for start, end in merged:
        pieces.append(html.escape(text[position:start]))
        pieces.append(f'<mark style="{_MARK_STYLE}">{html.escape(text[start:end])}</mark>')
        position = end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


def feedback_html(
    parts: Sequence[Part],
    findings: Sequence[Finding],
    *,
    when: str | None = None,
    empty: str = "No findings: this passes the checks.",
) -> str:
    """The feedback panel: each part that has findings, highlighted, with the reasons.

    A finding is shown under the part its ``field`` names (or the longest part name it
    starts with, for "outcomes[O1].steps" and the like); ``when`` is a sentence about
    the date it falls due, already HTML.
    """
    by_part: dict[str, list[Finding]] = {part.field: [] for part in parts}
    others: list[Finding] = []
    for finding in findings:
        home = _home(finding.field or "", parts)
        (by_part[home] if home else others).append(finding)

    sections = []
    for part in parts:
        if by_part[part.field]:
            sections.append(_part_section(part, by_part[part.field]))
    if others:
        sections.append(_reasons(others, ""))
    if not sections:
        sections.append(f'<p style="color:#1b5e20">&#10003; {html.escape(empty)}</p>')
    if when:
        sections.append(f'<p class="ehcp-when">{when}</p>')
    return ('<div class="ehcp-feedback" role="status" aria-live="polite">'
            + "".join(sections) + "</div>")


def _home(field: str, parts: Sequence[Part]) -> str | None:
    exact = [part.field for part in parts if part.field == field]
    if exact:
        return exact[0]
    containing = [part.field for part in parts if field.startswith(part.field)]
    return max(containing, key=len) if containing else None


def _part_section(part: Part, findings: list[Finding]) -> str:
    spans = [finding.span for finding in findings if finding.span is not None]
    shown = ""
    if spans and part.text:
        shown = (f'<blockquote style="margin:0.2em 0 0.4em 0;padding-left:0.6em;'
                 f'border-left:3px solid #ccc">{highlight(part.text, spans)}</blockquote>')
    heading = f"<strong>{html.escape(part.label)}</strong>"
    return f'<div class="ehcp-part">{heading}{shown}{_reasons(findings, part.text)}</div>'


def _reasons(findings: list[Finding], text: str) -> str:
    items = []
    for finding in findings:
        colour = _SEVERITY_COLOURS[finding.severity]
        words = ""
        if finding.span is not None and text:
            start, end = finding.span
            words = f"&ldquo;{html.escape(text[start:end])}&rdquo;: "
        items.append(
            f'<li class="ehcp-finding ehcp-{finding.severity}" data-slug="{finding.slug}">'
            f'<span style="color:{colour};font-weight:bold">'
            f"{_SEVERITY_WORDS[finding.severity]}</span> {words}"
            f"{html.escape(finding.message)} "
            f'<span style="color:#555">({finding.code} {finding.slug})</span></li>'
        )
    return '<ul style="margin:0.2em 0;padding-left:1.2em">' + "".join(items) + "</ul>"
