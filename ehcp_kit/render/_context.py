"""The values a document template sees: one child's plan as plain text, in reading order.

Every renderer takes its content from :func:`document_context`, so the Word document,
the HTML page and the PDF say the same things in the same order. The variables are
listed in the docstring of :mod:`ehcp_kit.render`, for authorities writing their own
Word template.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import TimescaleError
from ..outcomes import Outcome
from ..plan import Plan
from ..provision import SECTIONS, Provision
from ._branding import Branding

if TYPE_CHECKING:
    from ..config import Config

__all__ = [
    "appendix_context", "branding_context", "clean_text", "document_context", "long_date",
    "page_reference", "plan_context",
]

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)

# Characters that XML 1.0 forbids (a Word document is XML) and lone surrogates, which
# cannot be written as UTF-8. Tab and newline are kept: they show as tab and line break.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def long_date(day: date | None) -> str:
    """A date as people in England write it ("31 July 2028"), or "" for no date.

    Month names come from a table, not the locale, so the documents read the same on
    every machine.
    """
    if day is None:
        return ""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def clean_text(text: str) -> str:
    """Free text made safe to write into any document, and otherwise left as it was.

    Line endings become ``\\n`` and characters no document may hold (control
    characters other than tab and newline) are dropped; everything else, including
    ``&``, ``<``, quotes and backslashes, is kept for the templates to escape.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWRITABLE.sub("", text)


def plan_context(plan: Plan) -> dict[str, Any]:
    """One child's plan as the dictionary of plain values the document templates use.

    Dates are already written out, timescales already resolved, and the provision
    serving each outcome already looked up, so a template only has to lay things out.
    The child's date of birth and identifiers such as a UPN are left out on purpose:
    the outcomes section does not need them.
    """
    child = plan.child
    return {
        "authority": clean_text(plan.authority),
        "status": plan.status,
        "plan_date": long_date(plan.plan_date),
        "plan_date_iso": plan.plan_date.isoformat(),
        "review_date": long_date(plan.review_date),
        "review_date_iso": plan.review_date.isoformat() if plan.review_date else "",
        "child": {
            "id": child.id,
            "name": clean_text(child.name),
            "pronouns": clean_text(child.pronouns),
        },
        "aspirations": [clean_text(aspiration) for aspiration in child.aspirations],
        "outcomes": [
            _outcome_context(plan, outcome, number)
            for number, outcome in enumerate(plan.outcomes, start=1)
        ],
    }


def _outcome_context(plan: Plan, outcome: Outcome, number: int) -> dict[str, Any]:
    # When the outcome falls due, or why that cannot be said.
    try:
        resolution = plan.resolve_timescale(outcome)
    except TimescaleError as error:
        timescale = outcome.timescale
        when = {"resolved": False, "target_date": "", "target_date_iso": "",
                "resolution": str(error)}
    else:
        timescale = outcome.timescale or resolution.text
        when = {"resolved": True, "target_date": long_date(resolution.date),
                "target_date_iso": resolution.date.isoformat(),
                "resolution": resolution.explanation}

    actions = plan.provision_for(outcome)
    return {
        "number": number,
        "id": outcome.id,
        "text": clean_text(outcome.text),
        "areas": [area.value for area in plan.areas_of(outcome)],
        "needs": [
            {"id": need.id, "area": need.area.value, "section": need.section,
             "description": clean_text(need.description)}
            for need in plan.needs_of(outcome)
        ],
        "preparing_for_adulthood": [area.value for area in outcome.preparing_for_adulthood],
        "timescale": clean_text(timescale),
        **{key: clean_text(value) if isinstance(value, str) else value
           for key, value in when.items()},
        "steps": [
            {"text": clean_text(step.text), "target": clean_text(step.target)}
            for step in outcome.steps
        ],
        "success_criteria": [
            {name: clean_text(value) for name, value in criterion}
            for criterion in outcome.success_criteria
        ],
        "actions": [_action_context(item) for item in actions],
        "resources": [
            {"provision_id": item.id, "what": clean_text(item.resources.what),
             "source": clean_text(item.resources.source)}
            for item in actions
        ],
    }


def _action_context(item: Provision) -> dict[str, Any]:
    how_often = clean_text(item.how_often)
    period = clean_text(item.period)
    return {
        "id": item.id,
        "section": item.section,
        "section_name": SECTIONS[item.section],
        "what": clean_text(item.what),
        "who": clean_text(item.who),
        "how_often": how_often,
        "period": period,
        "frequency": "; ".join(part for part in (how_often, period) if part),
        "how_long": clean_text(item.how_long),
        "group_size": clean_text(item.group_size),
    }


# The names at the top of every document's context: plan_context's, then the rest.
CONTEXT_NAMES = frozenset({
    "authority", "status", "plan_date", "plan_date_iso", "review_date", "review_date_iso",
    "child", "aspirations", "outcomes", "reference", "branding", "appendix",
})


def document_context(
    plan: Plan, branding: Branding, *, appendix: bool = False, config: Config | None = None
) -> dict[str, Any]:
    """Everything a document template sees: the plan, the branding and the appendix.

    ``appendix`` is ``None`` in the context unless asked for, so a template can say
    ``{% if appendix %}``; the quality checks run only when it is.
    """
    context = plan_context(plan)
    context["reference"] = page_reference(plan)
    context["branding"] = branding_context(branding, plan)
    context["appendix"] = appendix_context(plan, config) if appendix else None
    return context


def page_reference(plan: Plan) -> str:
    """What every page header says beside the authority: the child's reference, never
    their name, and whether the plan is still a draft."""
    return f"Reference {plan.child.id}" + (" · Draft" if plan.status == "draft" else "")


def branding_context(branding: Branding, plan: Plan) -> dict[str, Any]:
    """The branding as template values; each renderer adds its own form of the logo."""
    logo = branding.logo
    return {
        "name": clean_text(branding.authority_for(plan.authority)),
        "contact": clean_text(branding.contact),
        "introduction": clean_text(branding.introduction),
        "my_outcomes_introduction": clean_text(branding.my_outcomes_introduction),
        "logo": "",
        "logo_text": clean_text(logo.text) if logo else "",
        "colours": {name: getattr(branding.colours, name)
                    for name in branding.colours.__dataclass_fields__},
    }


def appendix_context(plan: Plan, config: Config | None = None) -> dict[str, Any]:
    """The quality appendix: the rule library's findings and the hours a year per area.

    The checks run with ``config`` (the defaults when ``None``), as the batch's
    ``findings.csv`` does, so the appendix and the batch reports agree.
    """
    from ..config import Config
    from ..rules import check_plan, provision_hours

    config = config or Config()
    findings = check_plan(plan, config=config)
    hours = provision_hours(plan, school_weeks=config.school_weeks)
    return {
        "findings": [
            {"code": finding.code, "slug": finding.slug, "severity": finding.severity,
             "where": _where(finding.field, finding.span),
             "message": clean_text(finding.message)}
            for finding in findings
        ],
        "hours": [{"area": area.value, "hours": _hours(value)}
                  for area, value in hours.by_area.items()],
        "total_hours": _hours(hours.total),
        "unquantified": list(hours.unquantified),
        "school_weeks": config.school_weeks,
    }


def _where(field: str | None, span: tuple[int, int] | None) -> str:
    """Where a finding is, as findings.csv says it: the field, then the characters."""
    where = field or "the whole plan"
    if span is not None:
        where += f", characters {span[0]}-{span[1]}"
    return where


def _hours(value: float) -> str:
    # As provision_hours.csv writes them, so the two can be compared by eye.
    return f"{value:g}"
