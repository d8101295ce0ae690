"""School years, key stages and timescale phrases for England.

A timescale in an outcome is written for people ("by the end of Key Stage 2", "by the
time she is 16"), but a plan needs dates: to see whether an outcome falls due before the
next review, lies in the past, or outlives the plan. This module turns such phrases
into dates for one child, and says so when it cannot; it never guesses.

The school year runs from 1 September to 31 August, and a year group holds the children
born from 1 September to 31 August. A child starts Reception in the September after
their fourth birthday; the national curriculum year in the school year that starts in
September ``Y`` is ``Y`` minus the year they started Reception (0 is Reception, -1
Nursery). Authorities may teach a child outside their age group, so the year group can
be overridden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from dateutil.relativedelta import relativedelta

from .errors import TimescaleError

__all__ = [
    "KEY_STAGE_LAST_YEAR",
    "Resolution",
    "SchoolCalendar",
    "TimescaleMatch",
    "academic_year",
    "age_on",
    "birthday",
    "find_timescale",
    "key_stage_of",
    "reception_start_year",
    "resolve",
    "year_group",
]


@dataclass(frozen=True)
class SchoolCalendar:
    """Settings for the dates that stand for "the end of" a year or a term.

    Schools set their own term dates, so these are conventions, not facts: the end of
    an academic year is taken as 31 July, and each term ends on the day given here.
    """

    year_end: tuple[int, int] = (7, 31)
    term_ends: dict[str, tuple[int, int]] = field(
        default_factory=lambda: {"autumn": (12, 20), "spring": (3, 31), "summer": (7, 31)}
    )

    def end_of_academic_year(self, start_year: int) -> date:
        """The date taken as the end of the school year that starts in ``start_year``."""
        month, day = self.year_end
        return date(start_year + 1, month, day)


DEFAULT_CALENDAR: Final = SchoolCalendar()

# The last national curriculum year of each stage ("EYFS" ends with Reception).
KEY_STAGE_LAST_YEAR: Final[dict[str, int]] = {
    "EYFS": 0,
    "1": 2,
    "2": 6,
    "3": 9,
    "4": 11,
    "5": 13,
}

_NUMBER_WORDS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "a": 1, "an": 1,
    "twenty-one": 21, "twenty-two": 22, "twenty-three": 23, "twenty-four": 24,
    "twenty-five": 25,
}

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def academic_year(day: date) -> int:
    """The calendar year in which the school year containing ``day`` started."""
    return day.year if day.month >= 9 else day.year - 1


def reception_start_year(date_of_birth: date) -> int:
    """The year a child born on ``date_of_birth`` starts Reception, by age alone.

    Children born from 1 September to 31 August form one cohort, which starts
    Reception in the September after its youngest members turn four.
    """
    return academic_year(date_of_birth) + 5


def year_group(
    date_of_birth: date,
    on: date,
    *,
    override: int | None = None,
    override_on: date | None = None,
) -> int:
    """The national curriculum year a child is in on ``on`` (0 Reception, -1 Nursery).

    ``override`` is the year group the child is actually taught in on ``override_on``
    (default: ``on``), for children taught outside their age group; it shifts every
    later and earlier year by the same amount.
    """
    start = _cohort_start(date_of_birth, override, override_on or on)
    return academic_year(on) - start


def _cohort_start(date_of_birth: date, override: int | None, override_on: date) -> int:
    if override is None:
        return reception_start_year(date_of_birth)
    return academic_year(override_on) - override


def key_stage_of(year: int) -> str | None:
    """The stage a national curriculum year belongs to ("EYFS", "1" ... "5")."""
    if year < -2:
        return None
    for stage, last in KEY_STAGE_LAST_YEAR.items():
        if year <= last:
            return stage
    return None


def birthday(date_of_birth: date, age: int) -> date:
    """The day a person reaches ``age``.

    Someone born on 29 February reaches a birthday on 1 March in a common year: in
    English law an age is attained at the start of the anniversary of the birth date
    (Family Law Reform Act 1969, s9), and 28 February is not yet that anniversary.
    """
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return date(date_of_birth.year + age, 3, 1)


def age_on(date_of_birth: date, on: date) -> int:
    """A person's age in whole years on ``on``."""
    age = on.year - date_of_birth.year
    if birthday(date_of_birth, age) > on:
        age -= 1
    return age


@dataclass(frozen=True)
class TimescaleMatch:
    """A timescale phrase found in text, before it is resolved for a child."""

    kind: str
    span: tuple[int, int]
    text: str
    values: tuple[int | str | None, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """A timescale resolved for one child: the date, and how it was reached."""

    date: date
    kind: str
    span: tuple[int, int]
    text: str
    explanation: str


def _number(word: str) -> int:
    word = re.sub(r"[\s-]+", "-", word.lower())  # "twenty five" is "twenty-five"
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _words(words: list[str]) -> str:
    # "twenty-five" may be written "twenty five"; longer words first, so "twenty" does
    # not match the start of "twenty five".
    return "|".join(re.escape(word).replace(r"\-", r"[\s-]") for word in words)


_WORDS = sorted(_NUMBER_WORDS, key=len, reverse=True)
_NUM = r"(\d{1,2}|" + _words(_WORDS) + r")"
_AGE = r"(\d{1,2}|" + _words([w for w in _WORDS if w not in ("a", "an")]) + r")"
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# The child: a pronoun, or a name. A name starts with a capital letter, even though the
# patterns ignore case, so that "when there are 2 adults" is not read as an age; a letter
# beyond Latin-1 (Łukasz, محمد, 李思远) may also start one, capital or not.
_NAME_START = r"(?-i:[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u024f\u0370-\u9fff])"
_PRONOUN = rf"(?:he|she|they|i|you|{_NAME_START}[\w'-]*)"
# Another value offered beside the first ("Year 6 or 7", "KS2/3", "16-18"): a choice the
# resolver must not make for the author.
# A hyphen counts only between the numbers ("6-7"), not as a dash ("Year 6 - 80% of").
_OR = r"(?:\s*[/\u2013]\s*|-|\s+or\s+)"
_STAGE_NUMBER = r"(\d|one|two|three|four|five)\b"
_STAGE = (
    rf"(?:key[\s-]*stage|ks)\s*{_STAGE_NUMBER}(?:{_OR}(?:key[\s-]*stage\s*|ks\s*)?"
    rf"{_STAGE_NUMBER})?"
    r"|(?:the\s+)?(eyfs|early\s+years(?:\s+foundation\s+stage)?|foundation\s+stage)"
    r"|(16\s*-\s*19|post\s*-?\s*16)(?:\s+(?:study|phase|education))?"
)
# A number that counts something other than years of age ("when she is 10 minutes into
# a task", "when there are 2 adults").
_NOT_AN_AGE = (
    r"(?!\s*(?:%|(?:per\s*cent|percent|minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|"
    r"weeks?|terms?|times?|metres?|meters?|km|miles?|steps?|words?|pages?|out\s+of|"
    r"adults?|children|people|pupils?|o'clock|[ap]\.?m)\b))"
)
# A school year named by its two calendar years: "2027/28", "2027-2028", "2027 to 2028".
_SCHOOL_YEAR = r"(20\d\d)(?:\s*(?:/|-|\u2013|to)\s*(20\d\d|\d\d))?\b"

# Each pattern is tried in order; the first that matches decides the kind.
_PATTERNS: Final[list[tuple[str, re.Pattern[str]]]] = [
    ("iso-date", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("numeric-date", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")),
    (
        "day-month-year",
        re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.I),
    ),
    ("key-stage", re.compile(rf"\bend\s+of\s+(?:the\s+)?(?:{_STAGE})", re.I)),
    (
        "year-group",
        re.compile(
            r"\bend\s+of\s+(?:(?:his|her|their|my|the)\s+)?"
            rf"(?:(?:school\s+)?(?:year|yr|y)\s*(\d{{1,2}})\b(?:{_OR}(?:year\s*)?(\d{{1,2}})\b)?"
            r"|(reception)(?:\s+year)?\b|(nursery)\b)",
            re.I,
        ),
    ),
    (
        "term",
        re.compile(
            r"\bend\s+of\s+(?:the\s+)?(autumn|spring|summer)\s+term"
            r"(?:\s+(?:of\s+)?(\d{4}|\d{2}(?=\s*(?:[.,;:)]|$))))?",
            re.I,
        ),
    ),
    (
        "academic-year",
        re.compile(
            rf"\bend\s+of\s+(?:the\s+)?(?:{_SCHOOL_YEAR}\s+)?(this|current|next|present)?\s*"
            rf"(?:(?:academic|school)\s+year\b(?:\s+{_SCHOOL_YEAR})?"
            r"|(?:(?<=the )|(?<=this ))year\b(?!\s*\d))",
            re.I,
        ),
    ),
    ("month-year", re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b", re.I)),
    (
        "age",
        re.compile(
            rf"\b(?:(?:by|before)\s+the\s+time\s+{_PRONOUN}\s+(?:is|are|am|turns?|reach(?:es)?)"
            rf"|by\s+(?:the\s+)?age\s+(?:of\s+)?|when\s+{_PRONOUN}\s+(?:is|turns?|am|are)"
            rf"|(?:by|before|on)\s+(?:his|her|their|my)\s+(?=\d+(?:st|nd|rd|th)\s+birthday))"
            rf"\s*{_AGE}(?:(?:st|nd|rd|th)\s+birthday)?\b(?:(?:{_OR}|\s+to\s+){_AGE}\b)?"
            rf"(\s*months?\b)?{_NOT_AN_AGE}",
            re.I,
        ),
    ),
    (
        "transfer",
        re.compile(
            rf"\b(?:by\s+the\s+time|before|when)\s+{_PRONOUN}\s+"
            r"(moves?|transfers?|goes|go|starts?|leaves?)\s+"
            r"(?:on\s+)?(?:to\s+|up\s+to\s+)?(?:(?:the|a|his|her|their|my)\s+)?"
            r"(secondary|college|post\s*-?\s*16|sixth\s+form|school|reception|junior|"
            r"primary|key\s+stage\s+2|adult\s+services)",
            re.I,
        ),
    ),
    (
        "phase-end",
        re.compile(
            r"\bend\s+of\s+(?:(?:his|her|their|my|the)\s+)?"
            r"(infant|junior|primary|secondary)\s+school\b",
            re.I,
        ),
    ),
    ("calendar-year", re.compile(r"\bend\s+of\s+(20\d\d)\b", re.I)),
    (
        "season",
        re.compile(
            r"\b(?:by|before)\s+(?:the\s+)?(summer|spring|autumn|christmas|easter)"
            r"(?:\s+(?:term|holidays?|half[\s-]term))?\s+(?:of\s+)?(20\d\d)\b",
            re.I,
        ),
    ),
    (
        "review",
        re.compile(
            r"\b(?:by|at|before)\s+(?:the\s+time\s+of\s+)?(?:(?:his|her|their|my|the)\s+)?"
            r"next\s+(?:annual\s+)?review\b",
            re.I,
        ),
    ),
    (
        "within",
        re.compile(
            rf"\b(?:within|in|over)\s+(?:the\s+next\s+)?{_NUM}\s+"
            # "over 3 days a week" and "in 4 weeks out of 6" say how often, not by when.
            r"(day|week|month|year|term)s?\b(?!\s+(?:a|an|per|each|every|out\s+of)\b)",
            re.I,
        ),
    ),
]

# The last year before a child moves to, starts or goes to each phase.
_TRANSFER_LAST_YEAR: Final = {
    "school": -1,
    "reception": -1,
    "primary": -1,
    "junior": 2,
    "key stage 2": 2,
    "secondary": 6,
    "college": 11,
    "post-16": 11,
    "sixth form": 11,
    "adult services": 13,
}
# The last year of each phase a child leaves. Leaving school or college, or moving from
# children's to adult services, has no one year: it is refused, not guessed.
_LEAVING_LAST_YEAR: Final = {
    "reception": 0,
    "junior": 6,
    "key stage 2": 6,
    "primary": 6,
    "secondary": 11,
    "post-16": 13,
    "sixth form": 13,
}


def find_timescale(text: str) -> TimescaleMatch | None:
    """Find the first timescale phrase in ``text``, without resolving it.

    This needs no child: the checks use it to decide whether an outcome has a time
    anchor at all. Call :func:`resolve` for the date.
    """
    found: list[TimescaleMatch] = []
    for kind, pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            found.append(
                TimescaleMatch(kind, match.span(), match.group(0), tuple(match.groups()))
            )
    if not found:
        return None
    # The earliest phrase wins; at one position, the pattern listed first wins.
    return min(found, key=lambda m: m.span[0])


def resolve(
    text: str,
    *,
    date_of_birth: date,
    plan_date: date,
    year_group_override: int | None = None,
    calendar: SchoolCalendar = DEFAULT_CALENDAR,
) -> Resolution:
    """Resolve the timescale in ``text`` to a date for one child.

    Raises :class:`TimescaleError` naming the text when there is no phrase the resolver
    knows, or when the phrase does not name a real date.
    """
    found = find_timescale(text)
    if found is None:
        raise TimescaleError(f"no timescale the resolver recognises in {text!r}")
    start = _cohort_start(date_of_birth, year_group_override, plan_date)
    try:
        resolver = _RESOLVERS[found.kind]
        when, explanation = resolver(found, start, date_of_birth, plan_date, calendar)
    except (ValueError, KeyError) as error:
        raise TimescaleError(f"cannot resolve {found.text!r}: {error}") from error
    return Resolution(when, found.kind, found.span, found.text, explanation)


def _end_of_year(year: int, start: int, calendar: SchoolCalendar) -> date:
    return calendar.end_of_academic_year(start + year)


def _year_name(year: int) -> str:
    return {0: "Reception", -1: "Nursery"}.get(year, f"Year {year}")


def _refuse_a_choice(first: object, other: object, what: str) -> None:
    if other is not None:
        raise ValueError(f"it names two {what}s, {first} and {other}; give one")


def _resolve_key_stage(m, start, dob, plan_date, calendar):
    number, other, early_years, post16 = m.values
    _refuse_a_choice(number, other, "key stage")
    if number:
        stage = str(_number(number))
    elif early_years:
        stage = "EYFS"
    else:
        stage = "5"
    if stage not in KEY_STAGE_LAST_YEAR:
        raise ValueError(f"there is no key stage {stage}")
    last = KEY_STAGE_LAST_YEAR[stage]
    name = {"EYFS": "the Early Years Foundation Stage", "5": "16-19 study"}.get(
        stage, f"Key Stage {stage}"
    )
    when = _end_of_year(last, start, calendar)
    return when, f"end of {name}: the end of the school year this child is in {_year_name(last)}"


def _resolve_year_group(m, start, dob, plan_date, calendar):
    number, other, reception, nursery = m.values
    _refuse_a_choice(number, other, "year group")
    year = int(number) if number else (0 if reception else -1)
    if year > 14:
        raise ValueError(f"there is no Year {year}")
    when = _end_of_year(year, start, calendar)
    return when, f"end of the school year this child is in {_year_name(year)}"


def _resolve_term(m, start, dob, plan_date, calendar):
    term, year = m.values
    term = term.lower()
    month, day = calendar.term_ends[term]
    if year and len(year) == 2:
        raise ValueError(f"{year!r} is not a year: write it in full, such as 20{year}")
    if year:
        return date(int(year), month, day), f"end of the {term} term {year}"
    when = date(plan_date.year, month, day)
    if when < plan_date:
        when = date(plan_date.year + 1, month, day)
    return when, f"end of the next {term} term after the plan date"


def _resolve_academic_year(m, start, dob, plan_date, calendar):
    first, second, which, later_first, later_second = m.values
    if first or later_first:
        named = _named_school_year(first or later_first, second or later_second)
        return (calendar.end_of_academic_year(named),
                f"end of the school year {named}/{(named + 1) % 100:02d}")
    offset = 1 if which and which.lower() == "next" else 0
    when = calendar.end_of_academic_year(academic_year(plan_date) + offset)
    return when, "end of the school year" + (" after the plan's" if offset else " of the plan")


def _named_school_year(first: str, second: str | None) -> int:
    """The year a school year written "2027/28" starts in; one year alone is refused."""
    start = int(first)
    if second is None:
        raise ValueError(f"a school year runs over two calendar years: write {start - 1}/"
                         f"{start % 100:02d} or {start}/{(start + 1) % 100:02d}")
    end = int(second)
    if end != start + 1 and end != (start + 1) % 100:
        raise ValueError(f"{first}/{second} is not one school year, which runs from "
                         "September to the following July")
    return start


def _last_day_of_month(year: int, month: int) -> date:
    return date(year, month, 1) + relativedelta(months=1, days=-1)


def _resolve_month_year(m, start, dob, plan_date, calendar):
    month, year = m.values
    return _last_day_of_month(int(year), _MONTHS[month.lower()]), "last day of that month"


def _resolve_age(m, start, dob, plan_date, calendar):
    first, other, months = m.values
    age = _number(first)
    _refuse_a_choice(age, other and _number(other), "age")
    if months:
        return _months_old(dob, age), f"the day this child is {age} months old"
    return birthday(dob, age), f"this child's birthday at age {age}"


def _months_old(date_of_birth: date, months: int) -> date:
    """The day a child reaches an age in months.

    As with a birthday on 29 February (see :func:`birthday`), a month too short to hold
    the day of birth gives the first day of the next month, not its last day.
    """
    if months % 12 == 0:
        return birthday(date_of_birth, months // 12)
    when = date_of_birth + relativedelta(months=months)
    return when if when.day == date_of_birth.day else when + relativedelta(days=1)


def _resolve_transfer(m, start, dob, plan_date, calendar):
    verb, phase = m.values
    phase = " ".join(phase.lower().replace("-", " ").split())
    phase = "post-16" if phase in ("post 16", "post16") else phase
    if verb.lower().startswith("leave"):
        if phase not in _LEAVING_LAST_YEAR:
            raise ValueError(f"leaving {phase} has no one year; name the year or the age")
        last = _LEAVING_LAST_YEAR[phase]
        when = _end_of_year(last, start, calendar)
        return when, f"end of {_year_name(last)}, the last year of {phase}"
    last = _TRANSFER_LAST_YEAR[phase]
    when = _end_of_year(last, start, calendar)
    return when, f"end of {_year_name(last)}, the last year before the move"


def _resolve_within(m, start, dob, plan_date, calendar):
    count, unit = _number(m.values[0]), m.values[1].lower()
    if unit == "term":
        step = relativedelta(months=4 * count)
    else:
        step = relativedelta(**{unit + "s": count})
    return plan_date + step, f"{count} {unit}(s) after the plan date"


_PHASE_LAST_YEAR: Final = {"infant": 2, "junior": 6, "primary": 6, "secondary": 11}
_SEASON_TERM: Final = {
    "summer": "summer", "spring": "spring", "easter": "spring", "autumn": "autumn",
    "christmas": "autumn",
}


def _resolve_phase_end(m, start, dob, plan_date, calendar):
    phase = m.values[0].lower()
    last = _PHASE_LAST_YEAR[phase]
    when = _end_of_year(last, start, calendar)
    return when, f"end of {phase} school: the end of the school year this child is in Year {last}"


def _resolve_calendar_year(m, start, dob, plan_date, calendar):
    (year,) = m.values
    return date(int(year), 12, 31), "the last day of that calendar year"


def _resolve_season(m, start, dob, plan_date, calendar):
    season, year = m.values
    term = _SEASON_TERM[season.lower()]
    month, day = calendar.term_ends[term]
    return date(int(year), month, day), f"end of the {term} term {year}"


def _resolve_review(m, start, dob, plan_date, calendar):
    # A plan must be reviewed within 12 months, so the next review is due by then.
    return plan_date + relativedelta(months=12), "12 months after the plan date (next review)"


def _resolve_iso(m, start, dob, plan_date, calendar):
    year, month, day = (int(v) for v in m.values)
    return date(year, month, day), "the date as written"


def _resolve_numeric(m, start, dob, plan_date, calendar):
    day, month, year = (int(v) for v in m.values)
    return date(year, month, day), "the date as written (day/month/year)"


def _resolve_day_month_year(m, start, dob, plan_date, calendar):
    day, month, year = m.values
    return date(int(year), _MONTHS[month.lower()], int(day)), "the date as written"


_RESOLVERS = {
    "iso-date": _resolve_iso,
    "numeric-date": _resolve_numeric,
    "day-month-year": _resolve_day_month_year,
    "key-stage": _resolve_key_stage,
    "year-group": _resolve_year_group,
    "term": _resolve_term,
    "academic-year": _resolve_academic_year,
    "month-year": _resolve_month_year,
    "age": _resolve_age,
    "transfer": _resolve_transfer,
    "within": _resolve_within,
    "phase-end": _resolve_phase_end,
    "calendar-year": _resolve_calendar_year,
    "season": _resolve_season,
    "review": _resolve_review,
}
