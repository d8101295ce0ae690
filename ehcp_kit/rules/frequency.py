"""Reading how often and for how long a provision happens, as numbers.

Provision in Section F must be quantified, and an authority wants to know what it has
committed to: so "2 x 45 minutes per week" becomes 2 sessions a week of 45 minutes,
and from that 58.5 hours in a school year of 39 weeks. The reader is deliberately
literal: it reports only what the words say and leaves a number unknown (``None``)
rather than guess it. It never invents an amount.

Conventions, all in terms of school weeks (a setting, default 39):

- "daily" is 5 sessions a week (school days), "twice daily" 10;
- "fortnightly" is 0.5 a week and "monthly" 0.25 (once every four school weeks);
- "termly" is 3 a year, "each half term" 6 a year, "annually" 1 a year;
- an amount with a period and no count ("3 hours weekly", "25 hours per week") is a
  total for the period, not one session; an amount per day is one session a day;
- "in every lesson", "full-time", "throughout the school day" say how often and how
  long (the lesson, the day) but give no number; nor does a single occasion ("once
  before the next review").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ..areas import AreaOfNeed
    from ..plan import Plan
    from ..provision import Provision

__all__ = ["DEFAULT_SCHOOL_WEEKS", "Frequency", "ProvisionHours", "parse_frequency",
           "provision_hours"]

DEFAULT_SCHOOL_WEEKS: Final = 39

_NUMBER_WORDS: Final = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30, "forty": 40,
    "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
}
_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
NUMBER: Final = rf"(?:\d+(?:\.\d+)?|(?:{_WORDS})\b)"
_MINUTES = r"(?:minutes?|mins?)\b"
_HOURS = r"(?:hours?|hrs?)\b"
_UNIT = rf"(?:{_MINUTES}|{_HOURS})"
_SESSION = r"(?:sessions?|lessons?|slots?|periods?|visits?|blocks?|appointments?|groups?)"
_PERIOD = r"(day|week|fortnight|month|half[\s-]?term|term|year|school\s+day|school\s+week)"
_EVERY = r"(?:a|per|each|every|an|in\s+a|in\s+each)"
_ADVERB = r"(daily|weekly|fortnightly|monthly|half[\s-]?termly|termly|yearly|annually)"
_COUNT = (
    rf"(once|twice|thrice|(?:{NUMBER})\s*(?:times?|x\b|sessions?|lessons?|visits?|days?"
    r"|mornings?|afternoons?|slots?|periods?|appointments?))"
)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# "2 x 45 minutes", "three 20-minute sessions", "2 sessions of 30 minutes", "2 x 1 hour".
_COUNT_AND_LENGTH = _compile(
    rf"\b({NUMBER})\s*(?:x|×|\*)\s*({NUMBER}|half\s+an?)[\s-]*({_UNIT})"
    rf"|\b({NUMBER})\s+({NUMBER}|half)[\s-]*({_UNIT})[\s-]*(?:long\s+)?{_SESSION}"
    rf"|\b({NUMBER})\s+{_SESSION}\s+(?:of|lasting)\s+({NUMBER}|half\s+an?)\s*({_UNIT})"
)
# "3 times a week", "twice weekly", "on 4 days a week", "one session per fortnight".
_COUNT_PER_PERIOD = _compile(rf"\b{_COUNT}\s+(?:{_EVERY}\s+{_PERIOD}\b|{_ADVERB})")
# "daily", "every week", "each half term", "every two weeks", "every other week".
_PERIOD_ALONE = _compile(
    rf"\b{_ADVERB}"
    rf"|\b(?:every|each|per|a|once\s+a|once\s+per|once\s+every)\s+"
    rf"(?:(other|second|{NUMBER})\s+)?(school\s+day|working\s+day|{_PERIOD[1:-1]})s?\b(?!\s*\d)"
    r"|\b(?:every|each)\s+(morning|afternoon|lunchtime|break\s*time)\b"
)
# Named school days: "each Monday", "on Tuesdays and Thursdays" (a day a week each).
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WEEKDAYS = _compile(
    rf"\b(?:every|each)\s+{_DAY}(?:\s*(?:,|and|&)\s*{_DAY})*\b"
    rf"|\bon\s+{_DAY}s(?:\s*(?:,|and|&)\s*{_DAY}s)*\b"
)
# A single occasion: "once before the next review", "a one-off assessment".
_ONE_OFF = _compile(r"\bonce\s+(?=(?:before|during|by|in|at|on|after|when)\b)|\bone[\s-]off\b")
# "for 30 minutes", "20-minute", "45 mins", "an hour", "half an hour", "1.5 hours".
_LENGTH = _compile(rf"\b(half\s+an?\s+hour|(?:{NUMBER})[\s-]*{_UNIT}(?:\s+and\s+a\s+half)?)")
# A period of weeks the whole provision lasts: "for 6 weeks", "a 10-week block".
_SPAN_OF_WEEKS = _compile(
    rf"\b(?:for|over)\s+(?:a\s+period\s+of\s+)?({NUMBER})\s+weeks?\b"
    rf"|\b({NUMBER})[\s-]*weeks?\s+(?:block|programme|course)"
)
# Wording that fixes both when and how long without a number.
_THROUGHOUT = _compile(
    r"\b(?:full[\s-]?time|all\s+day|at\s+all\s+times|throughout\s+(?:the|each|every)\s+"
    r"(?:school\s+)?(?:day|week)|(?:the\s+)?whole\s+school\s+day"
    r"|(?:in|during|for|across|at)\s+(?:all|every|each)\s+(?:of\s+(?:his|her|their|my)\s+)?"
    r"(?:\w+\s+){0,2}?(?:lessons?|classes|subjects|sessions|tests?|exams?|examinations?"
    r"|assessments?|written\s+work|work|activities|break\s*times?|lunch\s*times?|"
    r"playtimes?|unstructured\s+times?|transitions?)"
    r"|(?:at|during)\s+(?:break\s*times?\s+and\s+lunch\s*times?|lunch\s*times|break\s*times)"
    r"|(?:every|each)\s+(?:hour|lesson))\b"
)


def _number(text: str) -> float:
    text = text.lower().strip()
    if text.startswith("half"):
        return 0.5
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text])
    return float(text)


def _minutes(amount: str, unit: str) -> float:
    """Minutes in an amount such as ("1.5", "hours") or ("half an", "hour")."""
    value = _number(amount)
    return value * 60 if unit.lower().startswith("h") else value


def _length_minutes(phrase: str) -> float:
    """Minutes in a length phrase found by ``_LENGTH``."""
    phrase = phrase.lower()
    if phrase.startswith("half"):
        return 30.0
    match = re.match(rf"({NUMBER})[\s-]*({_UNIT})", phrase, re.I)
    assert match is not None  # the phrase came from _LENGTH
    minutes = _minutes(match.group(1), match.group(2))
    if phrase.endswith("and a half"):
        minutes += 30 if match.group(2).startswith("h") else 0.5
    return minutes


def _per_week(period: str, school_weeks: int) -> float:
    """How many times a period comes round in one school week."""
    period = " ".join(period.lower().replace("-", " ").split())
    if period in ("day", "school day", "working day", "daily", "morning", "afternoon",
                  "lunchtime", "break time", "breaktime"):
        return 5.0
    if period in ("week", "school week", "weekly"):
        return 1.0
    if period in ("fortnight", "fortnightly"):
        return 0.5
    if period in ("month", "monthly"):
        return 0.25
    if period in ("half term", "halfterm", "half termly", "halftermly"):
        return 6 / school_weeks
    if period in ("term", "termly"):
        return 3 / school_weeks
    return 1 / school_weeks  # year, yearly, annually


def _count(word: str) -> float:
    word = word.lower()
    if word == "once":
        return 1.0
    if word == "twice":
        return 2.0
    if word == "thrice":
        return 3.0
    return _number(re.match(NUMBER, word, re.I).group(0))  # type: ignore[union-attr]


@dataclass(frozen=True)
class Frequency:
    """How often and how long a provision happens, as far as its words say.

    ``sessions_per_week`` and ``minutes_per_session`` are ``None`` when the words do not
    give them; ``minutes_per_week`` is given directly ("3 hours weekly") or is sessions
    times minutes. ``frequency_span`` and ``duration_span`` point at the words read.
    """

    sessions_per_week: float | None = None
    minutes_per_session: float | None = None
    minutes_per_week: float | None = None
    weeks: float | None = None
    frequency_span: tuple[int, int] | None = None
    duration_span: tuple[int, int] | None = None
    throughout: bool = False
    school_weeks: int = DEFAULT_SCHOOL_WEEKS

    @property
    def has_frequency(self) -> bool:
        """Whether the words say how often (a number, or "in every lesson")."""
        return self.frequency_span is not None or self.throughout

    @property
    def has_duration(self) -> bool:
        """Whether the words say how long: per session, per period, or "full-time"."""
        return self.duration_span is not None or self.throughout

    @property
    def hours_per_year(self) -> float | None:
        """Hours over the school year (or over the stated number of weeks, if shorter)."""
        if self.minutes_per_week is None:
            return None
        weeks = self.weeks if self.weeks is not None else self.school_weeks
        return round(self.minutes_per_week * weeks / 60, 2)


def parse_frequency(text: str, *, school_weeks: int = DEFAULT_SCHOOL_WEEKS) -> Frequency:
    """Read how often, how long and how much a provision statement says, as numbers.

    "2 x 45 minutes per week" gives 2 sessions a week of 45 minutes (58.5 hours a year
    at 39 school weeks); "every two weeks" gives 0.5 sessions a week and no length.
    Whatever the words do not say stays ``None``.
    """
    sessions: float | None = None
    minutes: float | None = None
    total: float | None = None
    frequency_span: tuple[int, int] | None = None
    duration_span: tuple[int, int] | None = None

    # Lengths need a unit; skipping the length patterns when there is none keeps a check
    # of a whole form well under a millisecond.
    lowered = text.lower()
    has_unit = "min" in lowered or "hour" in lowered or "hr" in lowered

    # Step 1: a count and a length together ("2 x 45 minutes", "three 20-minute sessions").
    combined = _COUNT_AND_LENGTH.search(text) if has_unit else None
    if combined:
        groups = combined.groups()
        count, amount, unit = next(groups[i:i + 3] for i in (0, 3, 6) if groups[i] is not None)
        minutes = _minutes(amount, unit)
        duration_span = combined.span()
        period = _period_after(text, combined.end())
        sessions = _number(count) * (_per_week(period[0], school_weeks) if period else 1.0)
        frequency_span = (combined.start(), period[1] if period else combined.end())

    # Step 2: a count per period ("twice a week", "on 4 days a week").
    if sessions is None:
        counted = _COUNT_PER_PERIOD.search(text)
        if counted:
            every = counted.group(2) or counted.group(3)
            sessions = _count(counted.group(1)) * _per_week(every, school_weeks)
            frequency_span = counted.span()

    # Step 3: a length: per session, per day (one session a day) or a total per period.
    length = _LENGTH.search(text) if has_unit and minutes is None else None
    if length:
        amount = _length_minutes(length.group(1))
        duration_span = length.span()
        period = _period_after(text, length.end())
        if period is None or _per_week(period[0], school_weeks) == 5.0:
            minutes = amount
        else:
            total = amount * _per_week(period[0], school_weeks)
        if period is not None:
            if sessions is None and total is None:
                sessions = 5.0  # an amount a day: one session each school day
            if frequency_span is None:
                frequency_span = (length.start(), period[1])

    # Step 4: a period on its own ("daily", "every two weeks", "each half term").
    if frequency_span is None:
        alone = _PERIOD_ALONE.search(text)
        weekdays = None if alone else _WEEKDAYS.search(text)
        one_off = None if alone or weekdays else _ONE_OFF.search(text)
        if alone:
            sessions, frequency_span = _period_alone(alone, school_weeks), alone.span()
        elif weekdays:
            sessions = float(len(set(re.findall(_DAY, weekdays.group(0).lower()))))
            frequency_span = weekdays.span()
        elif one_off:
            frequency_span = one_off.span()

    if total is None and sessions is not None and minutes is not None:
        total = sessions * minutes
    return Frequency(
        sessions_per_week=None if sessions is None else round(sessions, 4),
        minutes_per_session=minutes,
        minutes_per_week=None if total is None else round(total, 4),
        weeks=_weeks(text),
        frequency_span=frequency_span,
        duration_span=duration_span,
        throughout=_THROUGHOUT.search(text) is not None,
        school_weeks=school_weeks,
    )


_PERIOD_AFTER = _compile(
    rf"\s*,?\s*(?:{_EVERY}\s+{_PERIOD}\b|{_ADVERB}|(?:each|every)\s+(working\s+day))"
)


def _period_after(text: str, position: int) -> tuple[str, int] | None:
    """A period right after ``position`` ("per week", "weekly"), with where it ends."""
    match = _PERIOD_AFTER.match(text, position)
    if not match:
        return None
    period = next(group for group in match.groups() if group)
    return period, match.end()


def _period_alone(match: re.Match[str], school_weeks: int) -> float:
    """Sessions a week for a bare period: "weekly", "every two weeks", "each half term"."""
    adverb, every, period, daypart = match.groups()
    if adverb:
        return _per_week(adverb, school_weeks)
    if daypart:
        return 5.0
    per_week = _per_week(period, school_weeks)
    if every and every.lower() in ("other", "second"):
        return per_week / 2
    if every:
        return per_week / _number(every)
    return per_week


def _weeks(text: str) -> float | None:
    match = _SPAN_OF_WEEKS.search(text)
    if not match:
        return None
    return _number(match.group(1) or match.group(2))


@dataclass(frozen=True)
class ProvisionHours:
    """Hours a year of provision for one child, in total and per area of need.

    An item serving needs in two areas counts in full towards each, so the areas can
    add up to more than ``total``. ``unquantified`` lists the ids of items whose words
    give no amount; they are left out of the sums, never estimated.
    """

    total: float
    by_item: dict[str, float | None]
    by_area: dict[AreaOfNeed, float]
    unquantified: list[str]


def provision_hours(plan: Plan, *, school_weeks: int = DEFAULT_SCHOOL_WEEKS) -> ProvisionHours:
    """Hours a year of each provision item in ``plan``, in total and per area of need."""
    by_item: dict[str, float | None] = {}
    by_area: dict[AreaOfNeed, float] = {}
    for item in plan.provision:
        hours = parse_frequency(_amount_text(item), school_weeks=school_weeks).hours_per_year
        by_item[item.id] = hours
        if hours is None:
            continue
        for area in dict.fromkeys(_areas(plan, item)):
            by_area[area] = round(by_area.get(area, 0.0) + hours, 2)

    total = round(sum(hours for hours in by_item.values() if hours is not None), 2)
    unquantified = [item_id for item_id, hours in by_item.items() if hours is None]
    return ProvisionHours(total, by_item, by_area, unquantified)


def _amount_text(item: Provision) -> str:
    parts = (item.how_often, item.how_long, item.period, item.what)
    return ". ".join(part for part in parts if part)


def _areas(plan: Plan, item: Provision) -> Iterable[AreaOfNeed]:
    """The areas an item serves: its own needs, or else the needs of its outcomes."""
    need_ids = set(item.need_ids)
    if not need_ids:
        for outcome_id in item.outcome_ids:
            need_ids.update(plan.outcome(outcome_id).need_ids)
    return [need.area for need in plan.needs if need.id in need_ids]
