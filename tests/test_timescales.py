"""The timescale resolver: school years, key stages and timescale phrases, for England."""

from datetime import date

import pytest

from ehcp_kit import TimescaleError
from ehcp_kit.timescales import (
    _RESOLVERS,
    SchoolCalendar,
    academic_year,
    age_on,
    birthday,
    find_timescale,
    key_stage_of,
    reception_start_year,
    resolve,
    year_group,
)

# Two children a day apart in age and a school year apart: the youngest of one cohort
# and the oldest of the next.
YOUNGEST_IN_YEAR = date(2017, 8, 31)
OLDEST_IN_YEAR = date(2017, 9, 1)
PLAN_DATE = date(2026, 3, 12)


def resolved(text: str, date_of_birth: date = YOUNGEST_IN_YEAR, **options) -> date:
    options.setdefault("plan_date", PLAN_DATE)
    return resolve(text, date_of_birth=date_of_birth, **options).date


# Year groups.


def test_the_school_year_starts_on_1_september():
    assert academic_year(date(2026, 8, 31)) == 2025
    assert academic_year(date(2026, 9, 1)) == 2026


def test_a_child_born_on_31_august_starts_reception_the_week_after_turning_four():
    assert reception_start_year(YOUNGEST_IN_YEAR) == 2021


def test_a_child_born_on_1_september_starts_reception_a_year_after_turning_four():
    assert reception_start_year(OLDEST_IN_YEAR) == 2022


def test_31_august_and_1_september_birthdays_fall_in_different_year_groups():
    assert year_group(YOUNGEST_IN_YEAR, PLAN_DATE) == 4
    assert year_group(OLDEST_IN_YEAR, PLAN_DATE) == 3


def test_the_year_group_moves_up_on_1_september_not_on_the_birthday():
    assert year_group(OLDEST_IN_YEAR, date(2026, 8, 31)) == 3
    assert year_group(OLDEST_IN_YEAR, date(2026, 9, 1)) == 4


def test_nursery_is_year_minus_one_and_reception_year_zero():
    # Born in January: Reception from the September after the fourth birthday.
    assert year_group(date(2021, 1, 15), date(2026, 3, 1)) == 0
    assert year_group(date(2022, 1, 15), date(2026, 3, 1)) == -1


def test_a_year_group_override_holds_on_the_date_it_was_set():
    # Born in July 2019, so Year 2 by age; taught a year below after deferred entry.
    assert year_group(date(2019, 7, 20), date(2026, 4, 15)) == 2
    assert year_group(date(2019, 7, 20), date(2026, 4, 15), override=1) == 1


def test_a_year_group_override_carries_into_later_school_years():
    dob, set_on = date(2019, 7, 20), date(2026, 4, 15)
    assert year_group(dob, date(2026, 9, 10), override=1, override_on=set_on) == 2
    assert year_group(dob, date(2024, 9, 10), override=1, override_on=set_on) == 0


@pytest.mark.parametrize(
    ("year", "stage"),
    [(-2, "EYFS"), (-1, "EYFS"), (0, "EYFS"), (1, "1"), (2, "1"), (3, "2"), (6, "2"),
     (7, "3"), (9, "3"), (10, "4"), (11, "4"), (12, "5"), (13, "5"), (14, None), (-3, None)],
)
def test_each_year_belongs_to_its_key_stage(year, stage):
    assert key_stage_of(year) == stage


# Ages and leap days.


def test_someone_born_on_29_february_has_a_birthday_on_1_march_in_a_common_year():
    assert birthday(date(2012, 2, 29), 14) == date(2026, 3, 1)


def test_someone_born_on_29_february_has_a_birthday_on_29_february_in_a_leap_year():
    assert birthday(date(2012, 2, 29), 16) == date(2028, 2, 29)


def test_someone_born_on_29_february_is_not_yet_a_year_older_on_28_february():
    assert age_on(date(2012, 2, 29), date(2026, 2, 28)) == 13
    assert age_on(date(2012, 2, 29), date(2026, 3, 1)) == 14
    assert age_on(date(2012, 2, 29), date(2024, 2, 29)) == 12


def test_an_age_timescale_for_a_leap_day_birthday_resolves_to_1_march():
    assert resolved("By the time she is 18", date(2012, 2, 29)) == date(2030, 3, 1)
    assert resolved("By the time he is 20", date(2008, 2, 29)) == date(2028, 2, 29)


def test_a_leap_day_birthday_puts_the_child_in_the_cohort_of_that_school_year():
    assert year_group(date(2012, 2, 29), date(2026, 5, 20)) == 9
    assert year_group(date(2012, 2, 29), date(2026, 9, 1)) == 10


# Key-stage ends, for the two children either side of 1 September.


@pytest.mark.parametrize(
    ("phrase", "youngest_in_year", "oldest_in_year"),
    [
        ("by the end of the Early Years Foundation Stage", date(2022, 7, 31), date(2023, 7, 31)),
        ("by the end of Key Stage 1", date(2024, 7, 31), date(2025, 7, 31)),
        ("by the end of Key Stage 2", date(2028, 7, 31), date(2029, 7, 31)),
        ("by the end of Key Stage 3", date(2031, 7, 31), date(2032, 7, 31)),
        ("by the end of Key Stage 4", date(2033, 7, 31), date(2034, 7, 31)),
        ("by the end of 16-19 study", date(2035, 7, 31), date(2036, 7, 31)),
    ],
)
def test_a_key_stage_ends_a_year_later_for_a_child_born_on_1_september(
    phrase, youngest_in_year, oldest_in_year
):
    assert resolved(phrase, YOUNGEST_IN_YEAR) == youngest_in_year
    assert resolved(phrase, OLDEST_IN_YEAR) == oldest_in_year


def test_a_key_stage_end_follows_the_year_group_override():
    summer_born = date(2019, 7, 20)
    plan_date = date(2026, 4, 15)
    by_age = resolved("by the end of Key Stage 1", summer_born, plan_date=plan_date)
    taught_below = resolved("by the end of Key Stage 1", summer_born, plan_date=plan_date,
                            year_group_override=1)
    assert by_age == date(2026, 7, 31)
    assert taught_below == date(2027, 7, 31)


def test_the_end_of_the_school_year_is_a_setting():
    calendar = SchoolCalendar(year_end=(7, 22))
    assert resolved("by the end of Key Stage 2", calendar=calendar) == date(2028, 7, 22)


def test_term_ends_are_a_setting():
    calendar = SchoolCalendar(term_ends={"autumn": (12, 19), "spring": (4, 1), "summer": (7, 20)})
    assert resolved("by the end of the summer term 2027", calendar=calendar) == date(2027, 7, 20)


# Every kind of phrase, resolved for the child born on 31 August 2017 on 12 March 2026.


PHRASES = [
    ("by 2027-07-16", "iso-date", date(2027, 7, 16)),
    ("by 20/07/2027", "numeric-date", date(2027, 7, 20)),
    ("by 3rd March 2027", "day-month-year", date(2027, 3, 3)),
    ("by the 1st of March 2027", "day-month-year", date(2027, 3, 1)),
    ("by the end of KS2", "key-stage", date(2028, 7, 31)),
    ("by the end of Key Stage two", "key-stage", date(2028, 7, 31)),
    ("by the end of the EYFS", "key-stage", date(2022, 7, 31)),
    ("by the end of post-16", "key-stage", date(2035, 7, 31)),
    ("by the end of Year 5", "year-group", date(2027, 7, 31)),
    ("by the end of her Year 6", "year-group", date(2028, 7, 31)),
    ("by the end of Reception", "year-group", date(2022, 7, 31)),
    ("by the end of nursery", "year-group", date(2021, 7, 31)),
    ("by the end of the summer term 2027", "term", date(2027, 7, 31)),
    ("by the end of the autumn term", "term", date(2026, 12, 20)),
    ("by the end of the spring term", "term", date(2026, 3, 31)),
    ("by the end of this academic year", "academic-year", date(2026, 7, 31)),
    ("by the end of the next school year", "academic-year", date(2027, 7, 31)),
    ("by July 2028", "month-year", date(2028, 7, 31)),
    ("by Feb 2028", "month-year", date(2028, 2, 29)),
    ("by Sept. 2027", "month-year", date(2027, 9, 30)),
    ("by the time she is 16", "age", date(2033, 8, 31)),
    ("by the age of 11", "age", date(2028, 8, 31)),
    ("when he turns 18", "age", date(2035, 8, 31)),
    ("by her 18th birthday", "age", date(2035, 8, 31)),
    ("by the time I am sixteen", "age", date(2033, 8, 31)),
    ("by the time she moves to secondary school", "transfer", date(2028, 7, 31)),
    ("before he starts college", "transfer", date(2033, 7, 31)),
    ("by the time they move on to post-16", "transfer", date(2033, 7, 31)),
    ("by the time he moves to adult services", "transfer", date(2035, 7, 31)),
    ("by the time she starts school", "transfer", date(2021, 7, 31)),
    ("by the time he goes up to junior school", "transfer", date(2024, 7, 31)),
    ("within 6 weeks", "within", date(2026, 4, 23)),
    ("within 12 months", "within", date(2027, 3, 12)),
    ("within two terms", "within", date(2026, 11, 12)),
    ("within a year", "within", date(2027, 3, 12)),
    ("in 10 days", "within", date(2026, 3, 22)),
    ("over the next three months", "within", date(2026, 6, 12)),
    ("by the end of primary school", "phase-end", date(2028, 7, 31)),
    ("by the end of infant school", "phase-end", date(2024, 7, 31)),
    ("by the end of 2027", "calendar-year", date(2027, 12, 31)),
    ("by Easter 2027", "season", date(2027, 3, 31)),
    ("before the Christmas holidays 2026", "season", date(2026, 12, 20)),
    ("by her next annual review", "review", date(2027, 3, 12)),
]


@pytest.mark.parametrize(("phrase", "kind", "expected"), PHRASES)
def test_each_kind_of_phrase_resolves_to_its_date(phrase, kind, expected):
    resolution = resolve(phrase, date_of_birth=YOUNGEST_IN_YEAR, plan_date=PLAN_DATE)
    assert (resolution.kind, resolution.date) == (kind, expected)


def test_every_kind_of_phrase_the_resolver_knows_is_tested_here():
    assert {kind for _, kind, _ in PHRASES} == set(_RESOLVERS)


def test_a_term_without_a_year_means_the_next_such_term_after_the_plan_date():
    assert resolved("by the end of the spring term", plan_date=date(2026, 4, 15)) == date(
        2027, 3, 31
    )


def test_the_phrase_is_found_inside_an_outcome_and_its_span_returned():
    text = "By the end of Key Stage 2, Zoë will read a 300-word passage aloud."
    resolution = resolve(text, date_of_birth=YOUNGEST_IN_YEAR, plan_date=PLAN_DATE)
    assert resolution.text == "end of Key Stage 2"
    assert text[slice(*resolution.span)] == "end of Key Stage 2"


def test_the_earliest_phrase_in_the_text_wins():
    found = find_timescale("Within 12 months (by July 2027), Zoë will swim 25 metres.")
    assert (found.kind, found.text) == ("within", "Within 12 months")


def test_finding_a_timescale_needs_no_child():
    assert find_timescale("Zoë will get better at reading.") is None
    assert find_timescale("by the end of Year 6").kind == "year-group"


# What cannot be resolved is reported, not guessed.


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Maya will get better at reading.",
         "no timescale the resolver recognises in 'Maya will get better at reading.'"),
        ("by 31/02/2027", "cannot resolve '31/02/2027': day is out of range for month"),
        ("by 30 February 2027", "cannot resolve '30 February 2027': day is out of range for month"),
        ("by 2027-13-01", "cannot resolve '2027-13-01': month must be in 1..12"),
        ("by the end of Key Stage 6",
         "cannot resolve 'end of Key Stage 6': there is no key stage 6"),
        ("by the end of Year 15", "cannot resolve 'end of Year 15': there is no Year 15"),
    ],
)
def test_a_phrase_that_cannot_be_resolved_raises_timescale_error_naming_it(text, message):
    with pytest.raises(TimescaleError) as raised:
        resolve(text, date_of_birth=YOUNGEST_IN_YEAR, plan_date=PLAN_DATE)
    assert str(raised.value) == message


def test_timescale_error_is_a_value_error():
    with pytest.raises(ValueError):
        resolve("soon", date_of_birth=YOUNGEST_IN_YEAR, plan_date=PLAN_DATE)


# Phrases a caseworker writes that read like another kind, or offer a choice.


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("when he leaves secondary school", date(2033, 7, 31)),  # the end of Year 11
        ("by the time she leaves primary school", date(2028, 7, 31)),  # Year 6
        ("when they leave sixth form", date(2035, 7, 31)),  # Year 13
        ("before he leaves Reception", date(2022, 7, 31)),
        ("by the time she starts primary school", date(2021, 7, 31)),  # Nursery, then
    ],
)
def test_leaving_a_phase_falls_due_at_the_end_of_its_last_year(phrase, expected):
    assert resolve(phrase, date_of_birth=YOUNGEST_IN_YEAR, plan_date=PLAN_DATE).kind == "transfer"
    assert resolved(phrase) == expected


@pytest.mark.parametrize("phrase", ["by the time he leaves school", "before she leaves college"])
def test_leaving_school_or_college_has_no_one_year_and_is_refused(phrase):
    with pytest.raises(TimescaleError, match="has no one year; name the year or the age"):
        resolved(phrase)


def test_a_number_word_written_with_a_space_is_read_whole():
    assert resolved("by the time she is twenty five") == date(2042, 8, 31)
    assert resolved("within twenty four months") == date(2028, 3, 12)


@pytest.mark.parametrize(
    "phrase",
    ["by the end of the school year 2027/28", "by the end of the 2027-28 academic year",
     "by the end of academic year 2027-2028", "by the end of the 2027 to 2028 school year"],
)
def test_a_school_year_named_by_its_two_years_falls_due_at_its_end(phrase):
    assert resolved(phrase) == date(2028, 7, 31)


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("by the end of the school year 2027",
         "a school year runs over two calendar years: write 2026/27 or 2027/28"),
        ("by the end of the 2027/29 school year", "2027/29 is not one school year"),
        ("by the end of Year 6 or 7", "it names two year groups, 6 and 7; give one"),
        ("by the end of Year 6/7", "it names two year groups, 6 and 7; give one"),
        ("by the end of KS2/3", "it names two key stages, 2 and 3; give one"),
        ("by the end of Key Stage 2 or 3", "it names two key stages, 2 and 3; give one"),
        ("by the time she is 16 or 17", "it names two ages, 16 and 17; give one"),
        ("by the time she is 16-18", "it names two ages, 16 and 18; give one"),
        ("by the end of the autumn term 27.",
         "'27' is not a year: write it in full, such as 2027"),
    ],
)
def test_a_timescale_that_leaves_a_choice_open_is_refused_not_guessed(phrase, message):
    with pytest.raises(TimescaleError) as raised:
        resolved(phrase)
    assert message in str(raised.value)


def test_a_dash_after_a_year_group_is_punctuation_not_a_second_year():
    assert resolved("By the end of Year 6 - 80% of the time - Sam will") == date(2028, 7, 31)


@pytest.mark.parametrize(
    "text",
    ["When there are 2 adults present, Sam will ask for help.",
     "When she is 10 minutes into a task, Zoë will ask for a break.",
     "When Sam is 5 minutes late he will text his key adult.",
     "Sam will swim over 3 days a week.",
     "Sam will read aloud in 4 weeks out of 6."],
)
def test_counts_of_minutes_people_or_sessions_are_not_timescales(text):
    assert find_timescale(text) is None


def test_an_age_in_months_falls_due_that_many_months_after_birth():
    assert resolved("by the time he is 18 months old", OLDEST_IN_YEAR) == date(2019, 3, 1)
    assert resolved("by the time he is 30 months", OLDEST_IN_YEAR) == date(2020, 3, 1)
    assert resolve("by the time he is 18 months old", date_of_birth=OLDEST_IN_YEAR,
                   plan_date=PLAN_DATE).explanation == "the day this child is 18 months old"


def test_an_age_in_months_that_lands_on_a_missing_day_falls_on_the_next_day():
    # 31 August plus six months has no 31 February; as with a 29 February birthday, the
    # child reaches that age on 1 March.
    assert resolved("by the time she is 6 months old") == date(2018, 3, 1)
    assert resolved("by the time she is 12 months old", date(2016, 2, 29)) == date(2017, 3, 1)


@pytest.mark.parametrize("phrase", ["by the end of key-stage 2", "by the end of Y6",
                                    "by the end of Yr 6"])
def test_common_shorthands_for_key_stages_and_years_are_recognised(phrase):
    assert resolved(phrase) == date(2028, 7, 31)


@pytest.mark.parametrize("name", ["Łukasz", "Élodie", "محمد", "李思远"])
def test_an_age_is_found_after_a_name_in_any_script(name):
    assert resolved(f"by the time {name} is 16") == date(2033, 8, 31)
