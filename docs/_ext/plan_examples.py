"""Small plans that show each whole-plan rule, for the rule reference.

A whole-plan rule's poor and improved examples describe a plan in words ("Outcome O3
lists no need ids"). To keep those pages honest too, each rule here has a pair of small
plans built from one sound base plan: the poor plan has the fault the words describe and
the improved plan has it mended. The handbook build checks both with
:func:`ehcp_kit.rules.check_plan` and fails if the rule does not fire on the poor plan
or fires on the improved one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ehcp_kit import Plan

PLAN_DATE = "2026-03-02"

# A Year 4 child (born January 2017) with two needs, two outcomes and two provision items,
# every link in place: the whole-plan rules find nothing in it.
BORN_YEAR_4 = "2017-01-15"


def _outcome(outcome_id: str, need_id: str, text: str, timescale: str) -> dict[str, Any]:
    return {
        "id": outcome_id,
        "text": text,
        "need_ids": [need_id],
        "timescale": timescale,
        "steps": [{"text": "A first step, reviewed at the annual review.",
                   "target": "Within 12 months"}],
        "success_criteria": [{
            "what_success_looks_like": "The child does it in class, as described.",
            "how_measured": "A tally of 10 observed occasions each half term.",
            "when_measured": "Each half term",
            "who_measures": "Class teacher",
        }],
    }


def _provision(item_id: str, need_id: str, outcome_id: str | None) -> dict[str, Any]:
    return {
        "id": item_id,
        "what": "A structured programme for the need it names.",
        "who": "Teaching assistant trained in the programme",
        "how_often": "3 times a week",
        "how_long": "20 minutes",
        "group_size": "1:1",
        "need_ids": [need_id],
        "outcome_ids": [outcome_id] if outcome_id else [],
    }


def base_plan(born: str = BORN_YEAR_4) -> dict[str, Any]:
    """The sound plan every example starts from, as plain data."""
    return {
        "child": {"id": "HANDBOOK-1", "name": "Alex", "date_of_birth": born},
        "plan_date": PLAN_DATE,
        "needs": [
            {"id": "N1", "area": "Communication and interaction"},
            {"id": "N2", "area": "Cognition and learning"},
        ],
        "outcomes": [
            _outcome("O1", "N1", "Alex will ask a classmate to join a game on 3 days out of 5.",
                     "By the end of Year 6"),
            _outcome("O2", "N2", "Alex will read a 200-word passage with no more than 5 errors.",
                     "By the end of Year 6"),
        ],
        "provision": [_provision("P1", "N1", "O1"), _provision("P2", "N2", "O2")],
    }


def _timescale(text: str, born: str = BORN_YEAR_4) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        data = base_plan(born)
        data["outcomes"][0]["timescale"] = text
        return data
    return build


def _edit(change: Callable[[dict[str, Any]], None], born: str = BORN_YEAR_4):
    def build() -> dict[str, Any]:
        data = base_plan(born)
        change(data)
        return data
    return build


def _outcomes(count: int):
    def change(data: dict[str, Any]) -> None:
        data["outcomes"] = [
            _outcome(f"O{number}", "N1" if number % 2 else "N2",
                     f"Alex will do task {number} on 4 out of 5 occasions.",
                     "By the end of Year 6")
            for number in range(1, count + 1)
        ]
        data["provision"][0]["outcome_ids"] = [f"O{n}" for n in range(1, count + 1, 2)]
        data["provision"][1]["outcome_ids"] = [f"O{n}" for n in range(2, count + 1, 2)]
    return change


BORN_YEAR_10 = "2011-01-15"
BORN_2003 = "2003-01-15"


def _pfa(tagged: bool):
    def change(data: dict[str, Any]) -> None:
        data["outcomes"][0]["text"] = ("Alex will read a 300-word passage aloud with no more "
                                       "than 6 errors.")
        data["outcomes"][1]["text"] = "Alex will solve 4 out of 5 problems with fractions."
        for outcome in data["outcomes"]:
            outcome["timescale"] = "By the end of Year 11"
            outcome["steps"][0]["target"] = "By the end of Year 10"
        if tagged:
            data["outcomes"][0]["preparing_for_adulthood"] = [
                "Employment and higher education", "Independent living"]
            data["outcomes"][1]["preparing_for_adulthood"] = [
                "Friends, relationships and community", "Good health"]
    return change


def _young_adult(last_outcome: str):
    """A young person of 23: outcomes towards all four adulthood areas, the first due then."""

    def change(data: dict[str, Any]) -> None:
        _pfa(tagged=True)(data)
        for outcome in data["outcomes"]:
            outcome["timescale"] = "By July 2027"
        data["outcomes"][0]["timescale"] = last_outcome
    return change


def _who_missing(data: dict[str, Any]) -> None:
    data["outcomes"][0]["success_criteria"][0]["who_measures"] = ""


BORN_YEAR_3 = "2018-01-15"
BORN_YEAR_6 = "2015-01-15"
BORN_YEAR_8 = "2013-01-15"


def _sensory_need(served: bool):
    """Need N2 is sensory and physical; only the improved plan has provision for it."""

    def change(data: dict[str, Any]) -> None:
        data["needs"][1]["area"] = "Sensory and/or physical needs"
        data["provision"].pop()
        if served:
            item = _provision("P3", "N2", "O2")
            item["what"] = "Occupational therapy programme."
            data["provision"].append(item)
    return change


def _third_outcome(need_ids: list[str]):
    def change(data: dict[str, Any]) -> None:
        outcome = _outcome("O3", "N1", "Alex will name 5 feelings shown in pictures.",
                           "By the end of Year 6")
        outcome["need_ids"] = need_ids
        data["outcomes"].append(outcome)
        data["provision"][0]["outcome_ids"].append("O3")
    return change


def _unserved_o2(data: dict[str, Any]) -> None:
    data["provision"][1]["outcome_ids"] = ["O1"]


def _p1_serves_o2(data: dict[str, Any]) -> None:
    data["provision"][1]["outcome_ids"] = ["O1"]
    data["provision"][0]["outcome_ids"] = ["O1", "O2"]


def _unlinked_provision(data: dict[str, Any]) -> None:
    data["provision"].append(_provision("P4", "N1", None))


def _linked_provision(data: dict[str, Any]) -> None:
    data["provision"].append(_provision("P4", "N1", "O1"))


def _communication_without_outcome(data: dict[str, Any]) -> None:
    data["outcomes"][0]["need_ids"] = ["N2"]


def _communication_through_o2(data: dict[str, Any]) -> None:
    data["outcomes"][0]["need_ids"] = ["N2"]
    data["outcomes"][1]["need_ids"] = ["N2", "N1"]


def _key_stage_3_outcome(steps: list[str]):
    def change(data: dict[str, Any]) -> None:
        data["outcomes"][0]["timescale"] = "By the end of Key Stage 3"
        data["outcomes"][0]["steps"] = [
            {"text": f"Alex will ask a classmate to join a game on {days} days out of 5.",
             "target": target}
            for days, target in zip((1, 2), steps, strict=False)
        ]
    return change


def _timescales(first: str, second: str):
    def change(data: dict[str, Any]) -> None:
        data["outcomes"][0]["timescale"] = first
        data["outcomes"][1]["timescale"] = second
    return change


# For each whole-plan rule: a builder for the poor plan and one for the improved plan,
# shaped like the rule's own poor and improved examples (the same ids and year groups).
PLAN_EXAMPLES: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[], dict[str, Any]]]] = {
    "need-without-provision": (_edit(_sensory_need(served=False)),
                               _edit(_sensory_need(served=True))),
    "outcome-without-need": (_edit(_third_outcome([])), _edit(_third_outcome(["N1"]))),
    "outcome-without-provision": (_edit(_unserved_o2), _edit(_p1_serves_o2)),
    "provision-without-outcome": (_edit(_unlinked_provision), _edit(_linked_provision)),
    "area-without-outcome": (_edit(_communication_without_outcome),
                             _edit(_communication_through_o2)),
    "too-many-outcomes": (_edit(_outcomes(12)), _edit(_outcomes(6))),
    "pfa-missing": (_edit(_pfa(tagged=False), BORN_YEAR_10),
                    _edit(_pfa(tagged=True), BORN_YEAR_10)),
    "steps-missing": (_edit(_key_stage_3_outcome([]), BORN_YEAR_6),
                      _edit(_key_stage_3_outcome(["By the end of Year 7", "By the end of Year 8"]),
                            BORN_YEAR_6)),
    "criteria-incomplete": (_edit(_who_missing), base_plan),
    "timescale-unresolved": (
        _edit(_timescales("By the end of Year 15", "By the end of Year 9"), BORN_YEAR_8),
        _edit(_timescales("By the end of Year 11", "By the end of Year 9"), BORN_YEAR_8),
    ),
    "timescale-past": (_timescale("By July 2025"), _timescale("By July 2027")),
    "timescale-beyond-phase": (_timescale("By the end of Key Stage 4", BORN_YEAR_3),
                               _timescale("By the end of Key Stage 2", BORN_YEAR_3)),
    "beyond-age-25": (_edit(_young_adult("By July 2030"), BORN_2003),
                      _edit(_young_adult("By July 2027"), BORN_2003)),
}


def build(slug: str, version: str) -> Plan:
    """The poor or improved plan for a whole-plan rule, validated by the plan model."""
    poor, improved = PLAN_EXAMPLES[slug]
    return Plan.model_validate((poor if version == "poor" else improved)())


def describe_plan(plan: Plan) -> list[str]:
    """The plan in a few lines a reader can take in at a glance."""
    lines = [f"Child born {plan.child.date_of_birth:%B %Y}, in Year {plan.year_group()} on a "
             f"plan dated {date.fromisoformat(PLAN_DATE):%-d %B %Y}."]
    for need in plan.needs:
        lines.append(f"Need {need.id}: {need.area.value}.")
    for outcome in plan.outcomes:
        links = ", ".join(outcome.need_ids) or "no need"
        targets = ", ".join(step.target for step in outcome.steps if step.target)
        parts = [f"Outcome {outcome.id} (needs: {links}; timescale: "
                 f"{outcome.timescale or 'none'}; steps: {len(outcome.steps)}"
                 + (f", due {targets}" if targets else "")]
        if outcome.preparing_for_adulthood:
            parts.append("; Preparing for Adulthood: "
                         + ", ".join(area.value for area in outcome.preparing_for_adulthood))
        missing = {part for criterion in outcome.success_criteria
                   for part in criterion.missing_parts()}
        if missing:
            parts.append("; empty: " + ", ".join(sorted(part.replace("_", " ")
                                                        for part in missing)))
        lines.append("".join(parts) + f"): {outcome.text}")
    for item in plan.provision:
        lines.append(f"Provision {item.id} (needs: {', '.join(item.need_ids) or 'none'}; "
                     f"outcomes: {', '.join(item.outcome_ids) or 'none'}): {item.what}")
    return lines
