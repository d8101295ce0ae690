"""Areas of need, with the aliases authorities use for them.

The SEND Code of Practice (2015, paragraph 6.28) names four broad areas of special
educational need. Authorities word them differently ("Physical and/or sensory",
"SEMH"), so input is matched against aliases and stored under one canonical name.
Health (Section C) and social care (Section D) needs sit beside the four.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = [
    "AreaOfNeed",
    "CENSUS_CODES",
    "PFA_AREAS",
    "PreparingForAdulthood",
    "normalise_area",
    "normalise_pfa_area",
]


class AreaOfNeed(StrEnum):
    COMMUNICATION_AND_INTERACTION = "Communication and interaction"
    COGNITION_AND_LEARNING = "Cognition and learning"
    SOCIAL_EMOTIONAL_MENTAL_HEALTH = "Social, emotional and mental health difficulties"
    SENSORY_AND_PHYSICAL = "Sensory and/or physical needs"
    HEALTH = "Health"
    SOCIAL_CARE = "Social care"

    @property
    def section(self) -> str:
        """The plan section that records a need in this area (B, C or D)."""
        if self is AreaOfNeed.HEALTH:
            return "C"
        if self is AreaOfNeed.SOCIAL_CARE:
            return "D"
        return "B"

    @property
    def is_educational(self) -> bool:
        return self.section == "B"


# School census codes for the primary type of need, and the broad area each refines.
CENSUS_CODES: dict[str, AreaOfNeed] = {
    "SPLD": AreaOfNeed.COGNITION_AND_LEARNING,
    "MLD": AreaOfNeed.COGNITION_AND_LEARNING,
    "SLD": AreaOfNeed.COGNITION_AND_LEARNING,
    "PMLD": AreaOfNeed.COGNITION_AND_LEARNING,
    "SLCN": AreaOfNeed.COMMUNICATION_AND_INTERACTION,
    "ASD": AreaOfNeed.COMMUNICATION_AND_INTERACTION,
    "SEMH": AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH,
    "HI": AreaOfNeed.SENSORY_AND_PHYSICAL,
    "VI": AreaOfNeed.SENSORY_AND_PHYSICAL,
    "MSI": AreaOfNeed.SENSORY_AND_PHYSICAL,
    "PD": AreaOfNeed.SENSORY_AND_PHYSICAL,
}
# "OTH" (other difficulty or disability) refines no broad area, so it is not an alias:
# the area must be stated, not guessed.


def _key(text: str) -> str:
    """Reduce a label to lower-case words so that punctuation and '&' do not matter."""
    text = text.lower().replace("&", " and ").replace("/", " ")
    return " ".join(re.findall(r"[a-z0-9]+", text))


_ALIASES: dict[str, AreaOfNeed] = {}


def _alias(area: AreaOfNeed, *labels: str) -> None:
    for label in (area.value, area.name, *labels):
        _ALIASES[_key(label)] = area


_alias(
    AreaOfNeed.COMMUNICATION_AND_INTERACTION,
    "communication and interaction", "communication", "c and i", "ci",
    # The census records autism under ASD, in this area; ASC is the newer name for it.
    "autism", "autistic spectrum condition", "asc",
)
_alias(
    AreaOfNeed.COGNITION_AND_LEARNING,
    "cognition and learning", "learning", "c and l", "cl",
)
_alias(
    AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH,
    "social emotional and mental health", "social emotional and mental health difficulties",
    "social, emotional and mental health", "semh", "semh difficulties",
)
_alias(
    AreaOfNeed.SENSORY_AND_PHYSICAL,
    "sensory and or physical", "sensory and physical", "physical and or sensory",
    "physical and sensory", "sensory and or physical needs", "physical and or sensory needs",
    "sensory physical", "physical sensory",  # "Sensory/physical", "Physical/sensory"
    "sensory", "physical", "s and p", "sp",
)
_alias(AreaOfNeed.HEALTH, "health needs", "health care", "healthcare", "section c")
_alias(AreaOfNeed.SOCIAL_CARE, "social care needs", "care", "section d")
for _code, _area in CENSUS_CODES.items():
    _ALIASES.setdefault(_key(_code), _area)

# The school census's names for its codes, which exports often carry instead of the code.
_CENSUS_NAMES: dict[str, str] = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SLCN": "Speech, language and communication needs",
    "ASD": "Autistic spectrum disorder",
    "SEMH": "Social, emotional and mental health",
    "HI": "Hearing impairment",
    "VI": "Visual impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
}
for _code, _name in _CENSUS_NAMES.items():
    for _label in (_name, _name.replace("difficulty", "difficulties")):
        _ALIASES.setdefault(_key(_label), CENSUS_CODES[_code])


def normalise_area(label: str | AreaOfNeed) -> AreaOfNeed:
    """Return the canonical area for ``label``, or raise ``ValueError`` naming it."""
    if isinstance(label, AreaOfNeed):
        return label
    area = _ALIASES.get(_key(str(label)))
    if area is None:
        known = ", ".join(repr(a.value) for a in AreaOfNeed)
        raise ValueError(f"unknown area of need {label!r}; expected one of {known}")
    return area


class PreparingForAdulthood(StrEnum):
    EMPLOYMENT = "Employment and higher education"
    INDEPENDENT_LIVING = "Independent living"
    COMMUNITY = "Friends, relationships and community"
    GOOD_HEALTH = "Good health"


PFA_AREAS = tuple(PreparingForAdulthood)

_PFA_ALIASES: dict[str, PreparingForAdulthood] = {}
for _pfa, _labels in {
    PreparingForAdulthood.EMPLOYMENT: (
        "employment", "employment and education", "higher education", "education",
        "work", "paid employment",
    ),
    PreparingForAdulthood.INDEPENDENT_LIVING: ("independent living", "independence"),
    PreparingForAdulthood.COMMUNITY: (
        "community", "friends", "friends relationships and community",
        "community inclusion", "relationships",
    ),
    PreparingForAdulthood.GOOD_HEALTH: ("health", "good health", "being healthy"),
}.items():
    for _label in (_pfa.value, _pfa.name, *_labels):
        _PFA_ALIASES[_key(_label)] = _pfa


def normalise_pfa_area(label: str | PreparingForAdulthood) -> PreparingForAdulthood:
    """Return the canonical Preparing for Adulthood area for ``label``."""
    if isinstance(label, PreparingForAdulthood):
        return label
    area = _PFA_ALIASES.get(_key(str(label)))
    if area is None:
        known = ", ".join(repr(a.value) for a in PreparingForAdulthood)
        raise ValueError(
            f"unknown Preparing for Adulthood area {label!r}; expected one of {known}"
        )
    return area
