"""One statement under check, with the readings several rules share worked out once."""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING

from ..timescales import TimescaleMatch, find_timescale
from .frequency import Frequency, parse_frequency

if TYPE_CHECKING:
    from ..config import Config


class Statement:
    """The text of one outcome or provision statement, and what rules read from it.

    ``timescale_given`` is true when the plan holds the outcome's timescale in its own
    column (or a target date), so the text itself need not carry one.
    """

    def __init__(self, text: str, config: Config, *, timescale_given: bool = False) -> None:
        self.text = text
        self.config = config
        self.timescale_given = timescale_given

    @cached_property
    def frequency(self) -> Frequency:
        return parse_frequency(self.text, school_weeks=self.config.school_weeks)

    @cached_property
    def timescale(self) -> TimescaleMatch | None:
        return find_timescale(self.text)

    @cached_property
    def without_timescale(self) -> str:
        """The text with its time anchors blanked out, so their numbers count for nothing."""
        return _TIME_REFERENCES.sub(lambda match: " " * len(match.group(0)), self.text)


# Numbers that belong to a time anchor, not to a measure of success.
_TIME_REFERENCES = re.compile(
    r"\b(?:year|key\s+stage|ks|age|aged|phase\s+of|stage\s+of)\s*\d{1,2}\b"
    r"|\b(?:is|turns?|reaches|am|are)\s+\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)\s+birthday\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z][a-z]+\s+\d{4}\b"
    r"|\b(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b"
    r"|\b\d{1,2}/\d{1,2}/\d{4}\b"
    r"|\b(?:within|in|over)\s+(?:the\s+next\s+)?\w+\s+(?:days?|weeks?|months?|years?|terms?)\b"
    r"|\b\d{1,2}\s*-\s*19\b|\bpost\s*-?\s*16\b",
    re.I,
)
