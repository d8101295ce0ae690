"""Outcomes (Section E): what the child will achieve, and how everyone will know.

Each outcome follows the outcome template: the outcome itself, the steps towards it,
success criteria in four parts (what success looks like, how it is measured, when, and
who measures), and the ids of the needs it addresses. The provision that serves it
points back at it from :mod:`ehcp_kit.provision`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from ._fields import MODEL_CONFIG, DateField, Identifier, IdList
from .areas import PreparingForAdulthood, normalise_pfa_area

__all__ = ["Outcome", "Step", "SuccessCriterion"]


class Step(BaseModel):
    """A shorter-term outcome on the way to the main one."""

    model_config = MODEL_CONFIG

    text: str = Field(min_length=1)
    target: str = ""


class SuccessCriterion(BaseModel):
    """One row of the success criteria: the Achievable, Measurable and Time elements."""

    model_config = MODEL_CONFIG

    what_success_looks_like: str = ""
    how_measured: str = ""
    when_measured: str = ""
    who_measures: str = ""

    def missing_parts(self) -> list[str]:
        """Names of the parts left empty, for the check that criteria are complete."""
        return [name for name, value in self if not value]


class Outcome(BaseModel):
    """One outcome sought for the child (Section E)."""

    model_config = MODEL_CONFIG

    id: Identifier
    text: str = Field(min_length=1)
    need_ids: IdList = []
    timescale: str = ""
    target_date: DateField | None = None
    long_term: bool = False
    preparing_for_adulthood: list[PreparingForAdulthood] = []
    steps: list[Step] = []
    success_criteria: list[SuccessCriterion] = []

    @field_validator("preparing_for_adulthood", mode="before")
    @classmethod
    def _normalise_pfa(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.split(";") if part.strip()]
        if isinstance(value, list):
            return [normalise_pfa_area(item) for item in value]
        return value

    @property
    def timescale_text(self) -> str:
        """The words to resolve: the timescale column, or else the outcome text itself."""
        return self.timescale or self.text
