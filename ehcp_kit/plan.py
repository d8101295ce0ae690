"""The plan model: one child's plan, with explicit links between its parts.

The golden thread runs from aspirations (Section A) to needs (B, C, D), to outcomes (E),
to provision (F, G, H). The model holds those links as ids and refuses a plan whose
links point at nothing, so that every check and document can follow them both ways.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from ._fields import MODEL_CONFIG, DateField, Identifier
from .areas import AreaOfNeed, normalise_area
from .errors import TimescaleError
from .outcomes import Outcome
from .provision import Provision
from .timescales import DEFAULT_CALENDAR, Resolution, SchoolCalendar, resolve, year_group

__all__ = ["Child", "Need", "Plan"]


class Child(BaseModel):
    """The child or young person, as far as the outcomes section needs them."""

    model_config = MODEL_CONFIG

    id: Identifier
    name: str = Field(min_length=1)
    date_of_birth: DateField
    year_group_override: int | None = Field(default=None, ge=-2, le=14)
    pronouns: str = "they/them"
    aspirations: list[str] = []
    upn: str | None = None
    nhs_number: str | None = None

    @field_validator("aspirations", mode="before")
    @classmethod
    def _split_aspirations(cls, value: object) -> object:
        # A spreadsheet cell holds aspirations one per line.
        if isinstance(value, str):
            return [line.strip() for line in value.splitlines() if line.strip()]
        return value if value is not None else []


class Need(BaseModel):
    """A need in Section B (special educational), C (health) or D (social care)."""

    model_config = MODEL_CONFIG

    id: Identifier
    area: AreaOfNeed
    description: str = ""

    @field_validator("area", mode="before")
    @classmethod
    def _normalise_area(cls, value: object) -> object:
        return normalise_area(value) if isinstance(value, str) else value

    @property
    def section(self) -> str:
        return self.area.section


class Plan(BaseModel):
    """The outcomes part of one child's EHC plan, with its needs and provision."""

    model_config = MODEL_CONFIG

    child: Child
    authority: str = ""
    plan_date: DateField
    review_date: DateField | None = None
    status: Literal["draft", "final"] = "draft"
    needs: list[Need] = []
    outcomes: list[Outcome] = []
    provision: list[Provision] = []

    @model_validator(mode="after")
    def _check_links(self) -> Plan:
        problems = []
        for kind, items in (
            ("need", self.needs), ("outcome", self.outcomes), ("provision", self.provision)
        ):
            for item_id, count in Counter(item.id for item in items).items():
                if count > 1:
                    problems.append(f"{kind} id {item_id!r} is used {count} times")

        need_ids = {need.id for need in self.needs}
        outcome_ids = {outcome.id for outcome in self.outcomes}
        for outcome in self.outcomes:
            for need_id in outcome.need_ids:
                if need_id not in need_ids:
                    problems.append(f"outcome {outcome.id!r} names need {need_id!r}, "
                                    "which does not exist")
        for item in self.provision:
            for need_id in item.need_ids:
                if need_id not in need_ids:
                    problems.append(f"provision {item.id!r} names need {need_id!r}, "
                                    "which does not exist")
            for outcome_id in item.outcome_ids:
                if outcome_id not in outcome_ids:
                    problems.append(f"provision {item.id!r} names outcome {outcome_id!r}, "
                                    "which does not exist")

        if self.review_date is not None and self.review_date < self.plan_date:
            problems.append(f"review date {self.review_date} is before the plan date "
                            f"{self.plan_date}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # Lookups that follow the golden thread.

    def need(self, need_id: str) -> Need:
        return next(need for need in self.needs if need.id == need_id)

    def outcome(self, outcome_id: str) -> Outcome:
        return next(outcome for outcome in self.outcomes if outcome.id == outcome_id)

    def provision_for(self, outcome: Outcome) -> list[Provision]:
        """The provision items that say they serve ``outcome``."""
        return [item for item in self.provision if outcome.id in item.outcome_ids]

    def needs_of(self, outcome: Outcome) -> list[Need]:
        return [need for need in self.needs if need.id in outcome.need_ids]

    def areas_of(self, outcome: Outcome) -> list[AreaOfNeed]:
        """The areas of need an outcome addresses, in the order they first appear."""
        return list(dict.fromkeys(need.area for need in self.needs_of(outcome)))

    # Time.

    def year_group(self, on: date | None = None) -> int:
        """The child's national curriculum year on ``on`` (default: the plan date)."""
        return year_group(
            self.child.date_of_birth,
            on or self.plan_date,
            override=self.child.year_group_override,
            override_on=self.plan_date,
        )

    def resolve_timescale(
        self, outcome: Outcome, calendar: SchoolCalendar = DEFAULT_CALENDAR
    ) -> Resolution:
        """The date an outcome falls due for this child.

        An explicit ``target_date`` wins; otherwise the timescale column is resolved,
        or failing that the outcome text. Raises :class:`TimescaleError` when neither
        holds a phrase the resolver knows.
        """
        if outcome.target_date is not None:
            text = outcome.timescale or outcome.target_date.isoformat()
            return Resolution(outcome.target_date, "target-date", (0, len(text)), text,
                              "the target date given in the plan")
        return resolve(
            outcome.timescale_text,
            date_of_birth=self.child.date_of_birth,
            plan_date=self.plan_date,
            year_group_override=self.child.year_group_override,
            calendar=calendar,
        )

    def target_date(self, outcome: Outcome) -> date | None:
        """The date an outcome falls due, or ``None`` when it cannot be resolved."""
        try:
            return self.resolve_timescale(outcome).date
        except TimescaleError:
            return None
