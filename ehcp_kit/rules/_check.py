"""Running the rules: over one statement, one provision item, or a whole plan."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from ..config import Config
from ..errors import DataError, Location
from ..outcomes import Outcome
from ..plan import Child, Plan
from ..provision import Provision
from ._model import Finding, Hit, Rule
from ._statement import Statement

_DEFAULT = Config()
_DATE_RULES = ("timescale-unresolved", "timescale-past", "timescale-beyond-phase",
               "beyond-age-25")


def _rules(scopes: tuple[str, ...], config: Config) -> list[Rule]:
    return [rule for rule in config.enabled_rules if rule.scope in scopes]


def _finding(rule: Rule, hit: Hit, config: Config, **where: str | None) -> Finding:
    return Finding(
        code=rule.code,
        slug=rule.slug,
        severity=config.severity_of(rule),  # type: ignore[arg-type]
        message=hit.message,
        span=hit.span,
        field=hit.field or where.get("field"),
        item_id=hit.item_id or where.get("item_id"),
        child_id=where.get("child_id"),
        suggestion=hit.suggestion,
    )


def _run(rules: Iterable[Rule], statement: Statement) -> Iterator[tuple[Rule, Hit]]:
    for rule in rules:
        for hit in rule.check(statement):
            yield rule, hit


def check_outcome(
    text: str,
    *,
    date_of_birth: date | None = None,
    plan_date: date | None = None,
    config: Config | None = None,
) -> list[Finding]:
    """Check the words of one outcome; with a date of birth and plan date, its dates too.

    Returns the findings in rule order, each with the span of the words that triggered
    it in ``text``. Raises :class:`~ehcp_kit.errors.DataError` when the date of birth is
    not before the plan date.
    """
    config = config or _DEFAULT
    if date_of_birth is not None and plan_date is not None and date_of_birth >= plan_date:
        # No child can have a plan before they are born; their dates would mean nothing.
        raise DataError([(Location("date of birth"), f"{date_of_birth.isoformat()!r} is not "
                          f"before the plan date {plan_date.isoformat()!r}")])
    statement = Statement(text, config)
    findings = [_finding(rule, hit, config)
                for rule, hit in _run(_rules(("outcome", "text"), config), statement)]
    if date_of_birth is not None and plan_date is not None:
        findings.extend(_date_findings(text, date_of_birth, plan_date, config))
    return findings


def _date_findings(text: str, date_of_birth: date, plan_date: date,
                   config: Config) -> list[Finding]:
    """The timescale rules, run on a one-outcome plan for a child born on that date."""
    plan = Plan(
        child=Child(id="child", name="child", date_of_birth=date_of_birth),
        plan_date=plan_date,
        outcomes=[Outcome(id="statement", text=text)],
    )
    findings = []
    for rule in _rules(("plan",), config):
        if rule.slug in _DATE_RULES:
            for hit in rule.check(plan, config):
                message = hit.message.replace("outcome 'statement'", "this outcome")
                hit = hit._replace(message=message, field=None, item_id=None)
                findings.append(_finding(rule, hit, config))
    return findings


def check_provision(text: str, *, config: Config | None = None) -> list[Finding]:
    """Check the words of one provision statement."""
    config = config or _DEFAULT
    statement = Statement(text, config)
    return [_finding(rule, hit, config)
            for rule, hit in _run(_rules(("provision", "text"), config), statement)]


# The parts of a provision item read as one statement, in this order.
_PROVISION_PARTS = ("what", "who", "how_often", "how_long", "group_size", "period")


def check_provision_item(
    item: Provision, config: Config | None = None, *, child_id: str | None = None
) -> list[Finding]:
    """Check one provision item, reading its parts together as one statement.

    Each finding's ``field`` names the part its words are in (``provision[P2].how_often``)
    and its span is into that part; a finding about something missing names the part
    where it belongs.
    """
    config = config or _DEFAULT
    text, parts = _join_parts(item)
    statement = Statement(text, config)
    findings = []
    for rule, hit in _run(_rules(("provision", "text"), config), statement):
        part, span = _locate(parts, hit.span, rule.field_hint or "what")
        findings.append(_finding(rule, hit._replace(span=span), config,
                                 field=f"provision[{item.id}].{part}", item_id=item.id,
                                 child_id=child_id))
    for part in ("what", "source"):
        value = getattr(item.resources, part)
        findings.extend(_identifiers(value, f"provision[{item.id}].resources.{part}",
                                     item.id, child_id, config))
    return findings


def _join_parts(item: Provision) -> tuple[str, list[tuple[str, int, int]]]:
    pieces: list[str] = []
    parts: list[tuple[str, int, int]] = []
    position = 0
    for name in _PROVISION_PARTS:
        value = getattr(item, name)
        if not value:
            continue
        if pieces:
            pieces.append(". ")
            position += 2
        pieces.append(value)
        parts.append((name, position, position + len(value)))
        position += len(value)
    return "".join(pieces), parts


def _locate(parts: list[tuple[str, int, int]], span: tuple[int, int] | None,
            home: str) -> tuple[str, tuple[int, int] | None]:
    """The part a span falls in, and the span within it."""
    if span is None:
        return home, None
    for name, start, end in parts:
        if start <= span[0] < end or (span[0] == end and span[1] == end):
            return name, (span[0] - start, min(span[1], end) - start)
    return home, None


def _identifiers(text: str, field: str, item_id: str | None, child_id: str | None,
                 config: Config) -> list[Finding]:
    """The personal-identifier rule alone, for free text outside outcomes and provision."""
    if not text:
        return []
    rules = [rule for rule in _rules(("text",), config) if rule.slug == "personal-identifier"]
    statement = Statement(text, config)
    return [_finding(rule, hit, config, field=field, item_id=item_id, child_id=child_id)
            for rule, hit in _run(rules, statement)]


def check_plan(plan: Plan, *, config: Config | None = None) -> list[Finding]:
    """Check a whole plan: every outcome, every provision item, the links and the dates.

    Findings come outcome by outcome, then provision, then other free text, then the
    whole-plan rules; each carries the child's id, the item's id and the field.
    """
    config = config or _DEFAULT
    child_id = plan.child.id
    findings: list[Finding] = []

    # Outcomes: their own words, then the free text around them.
    outcome_rules = _rules(("outcome", "text"), config)
    for outcome in plan.outcomes:
        given = bool(outcome.timescale) or outcome.target_date is not None
        statement = Statement(outcome.text, config, timescale_given=given)
        for rule, hit in _run(outcome_rules, statement):
            findings.append(_finding(rule, hit, config, field=f"outcomes[{outcome.id}].text",
                                     item_id=outcome.id, child_id=child_id))
        findings.extend(_outcome_free_text(outcome, child_id, config))

    for item in plan.provision:
        findings.extend(check_provision_item(item, config, child_id=child_id))

    # Free text elsewhere: aspirations and need descriptions.
    for index, aspiration in enumerate(plan.child.aspirations):
        findings.extend(_identifiers(aspiration, f"child.aspirations[{index}]", None, child_id,
                                     config))
    for need in plan.needs:
        findings.extend(_identifiers(need.description, f"needs[{need.id}].description",
                                     need.id, child_id, config))

    for rule in _rules(("plan",), config):
        for hit in rule.check(plan, config):
            findings.append(_finding(rule, hit, config, child_id=child_id))
    return findings


def _outcome_free_text(outcome: Outcome, child_id: str, config: Config) -> list[Finding]:
    base = f"outcomes[{outcome.id}]"
    texts = [(outcome.timescale, f"{base}.timescale")]
    for index, step in enumerate(outcome.steps):
        texts += [(step.text, f"{base}.steps[{index}].text"),
                  (step.target, f"{base}.steps[{index}].target")]
    for index, criterion in enumerate(outcome.success_criteria):
        for part, value in criterion:
            texts.append((value, f"{base}.success_criteria[{index}].{part}"))
    findings = []
    for text, field in texts:
        findings.extend(_identifiers(text, field, outcome.id, child_id, config))
    return findings
