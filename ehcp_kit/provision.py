"""Provision (Sections F, G, H1 and H2): what will be done to meet needs and outcomes.

Special educational provision in Section F is a duty the authority must secure, so each
item records what happens, who does it, how often, for how long, in what group, and the
resources behind it, with the ids of the needs and outcomes it serves.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ._fields import MODEL_CONFIG, Identifier, IdList

__all__ = ["Provision", "Resources", "SECTIONS"]

SECTIONS = {
    "F": "Special educational provision",
    "G": "Health provision",
    "H1": "Social care provision (Chronically Sick and Disabled Persons Act 1970, s2)",
    "H2": "Other social care provision",
}


class Resources(BaseModel):
    """The support behind a provision and how it is secured (set by the SEN panel)."""

    model_config = MODEL_CONFIG

    what: str = ""
    source: str = ""


class Provision(BaseModel):
    """One item of provision: an intervention, who delivers it and how much of it."""

    model_config = MODEL_CONFIG

    id: Identifier
    section: Literal["F", "G", "H1", "H2"] = "F"
    what: str = Field(min_length=1)
    who: str = ""
    how_often: str = ""
    how_long: str = ""
    group_size: str = ""
    period: str = ""
    need_ids: IdList = []
    outcome_ids: IdList = []
    resources: Resources = Resources()

    @property
    def full_text(self) -> str:
        """Every part of the provision as one statement, for the wording checks."""
        parts = [self.what, self.who, self.how_often, self.how_long, self.group_size]
        return ". ".join(part.rstrip(".") for part in parts if part)
