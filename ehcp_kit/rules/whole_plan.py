"""Rules that read a whole plan: the golden thread, the counts and the dates.

Aspirations lead to needs, needs to outcomes, outcomes to provision. The plan model holds
those links as ids, so these rules can follow them both ways. The date rules resolve
each outcome's timescale for this child with :meth:`Plan.resolve_timescale`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..areas import PreparingForAdulthood
from ..config import Config
from ..errors import TimescaleError
from ..outcomes import Outcome
from ..plan import Plan
from ..timescales import (
    DEFAULT_CALENDAR,
    KEY_STAGE_LAST_YEAR,
    academic_year,
    birthday,
    find_timescale,
    key_stage_of,
)
from ._model import Hit, rule

GOLDEN_THREAD = (
    "SEND Code of Practice 0-25 (2015), paragraphs 9.61 and 9.69 (outcomes and provision "
    "linked to needs)"
)
PLAN_TEMPLATE = "Local-authority outcome template (outcome, steps, success criteria)"


@rule(
    "E301", "need-without-provision", "error", "plan",
    summary="A need in Section B, C or D has no provision to meet it.",
    explanation=(
        "Every need the plan identifies must be met by provision: Section F must specify "
        "provision for each special educational need in Section B. A need with nothing "
        "against it is a gap the family can appeal."
    ),
    source=GOLDEN_THREAD,
    poor="Need N2 (sensory and physical) is named by no provision item, directly or "
         "through an outcome.",
    improved="Provision P3 (occupational therapy programme) names need N2.",
)
def need_without_provision(plan: Plan, config: Config) -> Iterator[Hit]:
    served: set[str] = set()
    for item in plan.provision:
        served.update(item.need_ids)
        for outcome_id in item.outcome_ids:
            served.update(plan.outcome(outcome_id).need_ids)
    for need in plan.needs:
        if need.id not in served:
            yield Hit(f"need {need.id!r} ({need.area.value}) has no provision, directly or "
                      "through an outcome", field=f"needs[{need.id}]", item_id=need.id)


@rule(
    "E302", "outcome-without-need", "warning", "plan",
    summary="An outcome is not linked to any need.",
    explanation=(
        "An outcome should answer a need identified in Sections B to D; an outcome with "
        "no need behind it cannot show why it is in the plan."
    ),
    source=GOLDEN_THREAD,
    poor="Outcome O3 lists no need ids.",
    improved="Outcome O3 lists need N1.",
)
def outcome_without_need(plan: Plan, config: Config) -> Iterator[Hit]:
    for outcome in plan.outcomes:
        if not outcome.need_ids:
            yield Hit(f"outcome {outcome.id!r} is linked to no need",
                      field=f"outcomes[{outcome.id}].need_ids", item_id=outcome.id)


@rule(
    "E303", "outcome-without-provision", "warning", "plan",
    summary="No provision item serves an outcome.",
    explanation=(
        "An outcome nobody is resourced to work towards is unlikely to be met. Each "
        "outcome should be served by at least one item of provision."
    ),
    source=GOLDEN_THREAD,
    poor="No provision item names outcome O2.",
    improved="Provision P1 names outcome O2.",
)
def outcome_without_provision(plan: Plan, config: Config) -> Iterator[Hit]:
    for outcome in plan.outcomes:
        if not plan.provision_for(outcome):
            yield Hit(f"no provision serves outcome {outcome.id!r}",
                      field=f"outcomes[{outcome.id}]", item_id=outcome.id)


@rule(
    "E304", "provision-without-outcome", "warning", "plan",
    summary="A provision item serves no outcome.",
    explanation=(
        "Provision that serves no outcome is a warning sign: either an outcome is missing "
        "or the provision is not needed. Link it to the outcome it works towards."
    ),
    source=GOLDEN_THREAD,
    poor="Provision P4 lists no outcome ids.",
    improved="Provision P4 lists outcome O1.",
)
def provision_without_outcome(plan: Plan, config: Config) -> Iterator[Hit]:
    for item in plan.provision:
        if not item.outcome_ids:
            yield Hit(f"provision {item.id!r} serves no outcome",
                      field=f"provision[{item.id}].outcome_ids", item_id=item.id)


@rule(
    "E305", "area-without-outcome", "warning", "plan",
    summary="An area of need has no outcome.",
    explanation=(
        "There should be at least one outcome for each area of need the plan identifies, "
        "so that every area is worked on and reviewed."
    ),
    source=GOLDEN_THREAD + "; local-authority outcome guidance",
    poor="Needs in communication and interaction, but no outcome linked to any of them.",
    improved="Outcome O2 is linked to the communication and interaction need.",
)
def area_without_outcome(plan: Plan, config: Config) -> Iterator[Hit]:
    covered = {area for outcome in plan.outcomes for area in plan.areas_of(outcome)}
    for need in plan.needs:
        if need.area not in covered:
            covered.add(need.area)
            yield Hit(f"no outcome addresses {need.area.value.lower()!r}",
                      field=f"needs[{need.id}]", item_id=need.id)


@rule(
    "E306", "too-many-outcomes", "warning", "plan",
    summary="The plan has more outcomes than can be managed (default: more than 10).",
    explanation=(
        "A plan with too many outcomes is hard to deliver and to review; authorities "
        "expect about 3 to 8. The threshold is a setting (``max-outcomes``)."
    ),
    source="Local-authority outcome guidance (good practice, not law)",
    poor="A plan with 12 outcomes.",
    improved="A plan with 6 outcomes, one or more for each area of need.",
)
def too_many_outcomes(plan: Plan, config: Config) -> Iterator[Hit]:
    count = len(plan.outcomes)
    if count > config.max_outcomes:
        yield Hit(f"{count} outcomes is more than {config.max_outcomes}: combine or "
                  "prioritise them", field="outcomes")


# Words that show an outcome works towards a Preparing for Adulthood area, used when the
# outcome is not tagged. Tags are preferred; the words are a fallback.
_PFA_WORDS = {
    PreparingForAdulthood.EMPLOYMENT: re.compile(
        r"\b(?:jobs?|work\s+experience|employ\w*|careers?|college|university|apprentice\w*|"
        r"internships?|volunteer\w*|further\s+education|courses?|interviews?|workplace|"
        r"traineeships?|CV)\b", re.I),
    PreparingForAdulthood.INDEPENDENT_LIVING: re.compile(
        r"\b(?:travel\w*|bus|train|cook\w*|meals?|money|budget\w*|shopping|shop|laundry|"
        r"washing|dress\w*|self-care|household|road\s+safety|live\s+independently|"
        r"independent\s+living|bank|timetable)\b", re.I),
    PreparingForAdulthood.COMMUNITY: re.compile(
        r"\b(?:friends?\w*|relationships?|community|clubs?|social\w*|peers?|leisure|youth|"
        r"teams?|neighbours?|activities\s+outside)\b", re.I),
    PreparingForAdulthood.GOOD_HEALTH: re.compile(
        r"\b(?:health\w*|diet|exercise|medication|medical|medicine|GP|dentist|diabetes|"
        r"sleep|fitness|well-?being|hygiene|epilepsy|asthma|physio\w*)\b", re.I),
}


def pfa_areas(outcome: Outcome) -> set[PreparingForAdulthood]:
    """The Preparing for Adulthood areas an outcome works towards: tags, else words."""
    if outcome.preparing_for_adulthood:
        return set(outcome.preparing_for_adulthood)
    return {area for area, words in _PFA_WORDS.items() if words.search(outcome.text)}


@rule(
    "E307", "pfa-missing", "warning", "plan",
    summary="From Year 9, no outcome works towards one of the four Preparing for Adulthood "
            "areas.",
    explanation=(
        "From Year 9 every review must consider preparing for adulthood, and the plan "
        "should carry outcomes towards employment and higher education, independent "
        "living, friends, relationships and community, and good health. An outcome counts "
        "when it is tagged with the area, or, untagged, when its words name the area "
        "(\"college\", \"travel\", \"friends\", \"healthy\")."
    ),
    source="SEND Code of Practice 0-25 (2015), paragraphs 8.9-8.12 and 9.69",
    poor="A Year 10 plan whose outcomes are all about reading and maths.",
    improved="A Year 10 plan with an outcome towards each of the four areas.",
)
def pfa_missing(plan: Plan, config: Config) -> Iterator[Hit]:
    year = plan.year_group()
    if year < 9:
        return
    covered = set().union(*(pfa_areas(outcome) for outcome in plan.outcomes))
    for area in PreparingForAdulthood:
        if area not in covered:
            yield Hit(f"in Year {year}, no outcome works towards {area.value.lower()!r}",
                      field="outcomes")


@rule(
    "E308", "steps-missing", "warning", "plan",
    summary="An outcome has no steps towards it.",
    explanation=(
        "Steps are shorter-term outcomes that lead to the main one, each expected to stay "
        "relevant for about a year. They make progress visible at each annual review."
    ),
    source=PLAN_TEMPLATE,
    poor="Outcome O1 (end of Key Stage 3) with no steps.",
    improved="Outcome O1 with a step for the end of Year 7 and one for the end of Year 8.",
)
def steps_missing(plan: Plan, config: Config) -> Iterator[Hit]:
    for outcome in plan.outcomes:
        if not outcome.steps:
            yield Hit(f"outcome {outcome.id!r} has no steps towards it",
                      field=f"outcomes[{outcome.id}].steps", item_id=outcome.id)


@rule(
    "E309", "criteria-incomplete", "warning", "plan",
    summary="A part of an outcome's success criteria is empty.",
    explanation=(
        "The four parts of the success criteria (what success looks like, how it is "
        "measured, when, and who measures) are what make the outcome achievable, "
        "measurable and time-bound in practice. Each needs filling in."
    ),
    source=PLAN_TEMPLATE,
    poor="Outcome O1 whose success criteria leave \"Who will measure this?\" empty.",
    improved="Outcome O1 with all four parts filled in.",
)
def criteria_incomplete(plan: Plan, config: Config) -> Iterator[Hit]:
    for outcome in plan.outcomes:
        if not outcome.success_criteria:
            yield Hit(f"outcome {outcome.id!r} has no success criteria",
                      field=f"outcomes[{outcome.id}].success_criteria", item_id=outcome.id)
        for index, criterion in enumerate(outcome.success_criteria):
            for part in criterion.missing_parts():
                yield Hit(f"outcome {outcome.id!r}: {part.replace('_', ' ')!r} is empty",
                          field=f"outcomes[{outcome.id}].success_criteria[{index}].{part}",
                          item_id=outcome.id)


def _resolved(plan: Plan, outcome: Outcome) -> tuple[date | None, str | None]:
    """The date an outcome falls due, or ``None`` and why not."""
    try:
        return plan.resolve_timescale(outcome).date, None
    except TimescaleError as error:
        return None, str(error)


def _timescale_field(outcome: Outcome) -> str:
    if outcome.target_date is not None and not outcome.timescale:
        return f"outcomes[{outcome.id}].target_date"
    return f"outcomes[{outcome.id}].{'timescale' if outcome.timescale else 'text'}"


@rule(
    "E310", "timescale-unresolved", "warning", "plan",
    summary="An outcome's timescale cannot be turned into a date for this child.",
    explanation=(
        "The timescale phrase is there but cannot be resolved (\"by the end of Year 15\", "
        "or a form the resolver does not know), so nobody can tell when the outcome falls "
        "due. Outcomes with no timescale at all are reported by no-timescale instead."
    ),
    source="SEND Code of Practice 0-25 (2015), paragraph 9.69",
    poor="An outcome whose timescale column says \"by the end of Year 15\".",
    improved="An outcome whose timescale column says \"by the end of Year 11\".",
)
def timescale_unresolved(plan: Plan, config: Config) -> Iterator[Hit]:
    for outcome in plan.outcomes:
        if outcome.target_date is None and find_timescale(outcome.timescale_text) is None:
            continue  # no-timescale reports it (or the timescale column has no phrase)
        when, why = _resolved(plan, outcome)
        if when is None:
            yield Hit(f"cannot resolve the timescale of outcome {outcome.id!r}: {why}",
                      field=_timescale_field(outcome), item_id=outcome.id)


@rule(
    "E311", "timescale-past", "error", "plan",
    summary="An outcome falls due before the plan date.",
    explanation=(
        "An outcome whose date has already passed when the plan is issued cannot be "
        "worked towards; usually it has been carried over from an earlier plan."
    ),
    source="SEND Code of Practice 0-25 (2015), paragraph 9.69",
    poor="A plan dated March 2026 with an outcome \"by July 2025\".",
    improved="A plan dated March 2026 with an outcome \"by July 2027\".",
)
def timescale_past(plan: Plan, config: Config) -> Iterator[Hit]:
    for outcome in plan.outcomes:
        when, _ = _resolved(plan, outcome)
        if when is not None and when < plan.plan_date:
            yield Hit(f"outcome {outcome.id!r} falls due on {when.isoformat()}, before the "
                      f"plan date {plan.plan_date.isoformat()}",
                      field=_timescale_field(outcome), item_id=outcome.id)


def next_stage_end(plan: Plan) -> date | None:
    """The end of the key stage after the one the child is in on the plan date.

    ``None`` from Year 12 on, where there is no next key stage (the age-25 limit
    applies instead), and when that end lies past the last date the calendar can hold.
    """
    year = plan.year_group()
    stages = list(KEY_STAGE_LAST_YEAR)
    current = key_stage_of(year)
    if current is None or stages.index(current) + 1 >= len(stages):
        return None
    last_year = KEY_STAGE_LAST_YEAR[stages[stages.index(current) + 1]]
    start = academic_year(plan.plan_date) + (last_year - year)
    try:
        return DEFAULT_CALENDAR.end_of_academic_year(start)
    except ValueError:  # a plan dated near the year 9999: no date after it can exist
        return None


@rule(
    "E312", "timescale-beyond-phase", "warning", "plan",
    summary="An outcome falls due after the end of the next key stage.",
    explanation=(
        "Outcomes typically last for a phase or stage of education. One set further ahead "
        "than the end of the next key stage is too distant to plan provision for or to "
        "review; mark it long-term if that is intended."
    ),
    source="SEND Code of Practice 0-25 (2015), paragraph 9.69; local-authority guidance",
    poor="A Year 3 child with an outcome \"by the end of Key Stage 4\".",
    improved="A Year 3 child with an outcome \"by the end of Key Stage 2\".",
)
def timescale_beyond_phase(plan: Plan, config: Config) -> Iterator[Hit]:
    limit = next_stage_end(plan)
    if limit is None:
        return
    for outcome in plan.outcomes:
        when, _ = _resolved(plan, outcome)
        if when is not None and when > limit and not outcome.long_term:
            yield Hit(f"outcome {outcome.id!r} falls due on {when.isoformat()}, after the end "
                      f"of the next key stage ({limit.isoformat()}); mark it long-term if "
                      "that is intended",
                      field=_timescale_field(outcome), item_id=outcome.id)


def age_25_limit(date_of_birth: date) -> date:
    """The end of the academic year in which a young person turns 25.

    ``date.max`` for someone born so near the year 9999 that the end cannot be written
    as a date: no outcome can fall due after it.
    """
    try:
        return DEFAULT_CALENDAR.end_of_academic_year(academic_year(birthday(date_of_birth, 25)))
    except ValueError:
        return date.max


@rule(
    "E313", "beyond-age-25", "error", "plan",
    summary="An outcome falls due after the plan can last (the end of the academic year "
            "in which the young person turns 25).",
    explanation=(
        "An EHC plan can continue to the end of the academic year in which the young "
        "person turns 25, and no later. An outcome due after that can never be reviewed."
    ),
    source="Children and Families Act 2014, section 46; SEND Code of Practice 0-25 (2015), "
           "paragraph 9.152",
    poor="A young person born in 2003 with an outcome \"by July 2030\".",
    improved="A young person born in 2003 with an outcome \"by July 2027\".",
)
def beyond_age_25(plan: Plan, config: Config) -> Iterator[Hit]:
    limit = age_25_limit(plan.child.date_of_birth)
    for outcome in plan.outcomes:
        when, _ = _resolved(plan, outcome)
        if when is not None and when > limit:
            yield Hit(f"outcome {outcome.id!r} falls due on {when.isoformat()}, after the "
                      f"plan must end ({limit.isoformat()})",
                      field=_timescale_field(outcome), item_id=outcome.id)
