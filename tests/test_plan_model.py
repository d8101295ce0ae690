"""The plan model: areas of need, ids, the links between records, and dates."""

from datetime import date

import pytest
from pydantic import ValidationError

from ehcp_kit import (
    AreaOfNeed,
    Child,
    Need,
    Outcome,
    Plan,
    PreparingForAdulthood,
    Provision,
    normalise_area,
)


def a_plan(**changes) -> dict:
    """The data of a small valid plan, with ``changes`` laid over the top level."""
    data = {
        "child": {"id": "C001", "name": "Zoë Hartley", "date_of_birth": "2017-08-31"},
        "plan_date": "2026-03-12",
        "needs": [
            {"id": "N1", "area": "Communication and interaction"},
            {"id": "N2", "area": "Cognition and learning"},
        ],
        "outcomes": [
            {"id": "O1", "text": "By the end of Key Stage 2, Zoë will read 200 words.",
             "need_ids": ["N2"]},
        ],
        "provision": [
            {"id": "P1", "what": "Phonics programme", "need_ids": ["N2"], "outcome_ids": ["O1"]},
        ],
    }
    data.update(changes)
    return data


def error_messages(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        Plan.model_validate(data)
    return [error["msg"] for error in raised.value.errors()]


def test_a_valid_plan_loads_with_its_links():
    plan = Plan.model_validate(a_plan())
    outcome = plan.outcome("O1")
    assert [need.id for need in plan.needs_of(outcome)] == ["N2"]
    assert [item.id for item in plan.provision_for(outcome)] == ["P1"]
    assert plan.areas_of(outcome) == [AreaOfNeed.COGNITION_AND_LEARNING]


# Areas of need.


@pytest.mark.parametrize(
    ("label", "area"),
    [
        ("Communication and interaction", AreaOfNeed.COMMUNICATION_AND_INTERACTION),
        ("C&I", AreaOfNeed.COMMUNICATION_AND_INTERACTION),
        ("ASD", AreaOfNeed.COMMUNICATION_AND_INTERACTION),
        ("cognition & learning", AreaOfNeed.COGNITION_AND_LEARNING),
        ("SpLD", AreaOfNeed.COGNITION_AND_LEARNING),
        ("SEMH", AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH),
        ("Social, Emotional and Mental Health", AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH),
        ("Physical and/or sensory", AreaOfNeed.SENSORY_AND_PHYSICAL),
        ("  sensory AND physical  ", AreaOfNeed.SENSORY_AND_PHYSICAL),
        ("HI", AreaOfNeed.SENSORY_AND_PHYSICAL),
        ("Health needs", AreaOfNeed.HEALTH),
        ("Section D", AreaOfNeed.SOCIAL_CARE),
    ],
)
def test_an_area_alias_is_stored_under_its_canonical_name(label, area):
    need = Need(id="N1", area=label)
    assert need.area is area
    assert normalise_area(label) is area


@pytest.mark.parametrize(
    ("label", "area"),
    [
        ("Sensory/physical", AreaOfNeed.SENSORY_AND_PHYSICAL),
        ("Physical / Sensory", AreaOfNeed.SENSORY_AND_PHYSICAL),
        ("Autistic spectrum disorder", AreaOfNeed.COMMUNICATION_AND_INTERACTION),
        ("Autism", AreaOfNeed.COMMUNICATION_AND_INTERACTION),
        ("Specific learning difficulties", AreaOfNeed.COGNITION_AND_LEARNING),
        ("Profound and multiple learning difficulty", AreaOfNeed.COGNITION_AND_LEARNING),
        ("Speech, language and communication needs", AreaOfNeed.COMMUNICATION_AND_INTERACTION),
        ("Multi-sensory impairment", AreaOfNeed.SENSORY_AND_PHYSICAL),
        ("visual impairment", AreaOfNeed.SENSORY_AND_PHYSICAL),
    ],
)
def test_census_names_and_slashed_spellings_of_an_area_are_recognised(label, area):
    assert normalise_area(label) is area


def test_the_section_of_a_need_follows_its_area():
    sections = [Need(id="N1", area=label).section for label in ("SEMH", "Health", "Social care")]
    assert sections == ["B", "C", "D"]


@pytest.mark.parametrize("label", ["Cognitive", "OTH", "Behaviour", ""])
def test_an_unknown_area_of_need_is_refused_naming_it(label):
    with pytest.raises(ValidationError) as raised:
        Need(id="N1", area=label)
    assert f"unknown area of need {label!r}" in str(raised.value)


def test_preparing_for_adulthood_areas_accept_aliases_and_a_semicolon_list():
    outcome = Outcome(id="O1", text="Kemi will travel to college.",
                      preparing_for_adulthood="independence; Friends")
    assert outcome.preparing_for_adulthood == [
        PreparingForAdulthood.INDEPENDENT_LIVING, PreparingForAdulthood.COMMUNITY
    ]


def test_an_unknown_preparing_for_adulthood_area_is_refused():
    with pytest.raises(ValidationError) as raised:
        Outcome(id="O1", text="Kemi will travel.", preparing_for_adulthood=["Travel"])
    assert "unknown Preparing for Adulthood area 'Travel'" in str(raised.value)


# Ids: they become folder names, so they must not be able to climb out of one.


@pytest.mark.parametrize(
    "bad_id",
    ["../x", "../../x", "..", "a/b", "a\\b", ".hidden", "a..b", "", " ", "a b", "C:x",
     "x" * 65, "-flag"],
)
def test_an_id_that_could_escape_a_folder_or_is_unusable_is_refused(bad_id):
    with pytest.raises(ValidationError) as raised:
        Child(id=bad_id, name="Test", date_of_birth=date(2017, 8, 31))
    assert "is not a usable id" in str(raised.value)


@pytest.mark.parametrize("bad_id", ["CON", "con", "Nul", "aux.1", "COM1", "lpt9.txt", "N1."])
def test_an_id_windows_cannot_use_as_a_folder_name_is_refused(bad_id):
    with pytest.raises(ValidationError) as raised:
        Child(id=bad_id, name="Test", date_of_birth=date(2017, 8, 31))
    assert f"{bad_id!r} is not a usable id: Windows cannot make a folder of that name" in str(
        raised.value)


def test_a_very_long_id_is_shown_shortened_in_the_message():
    with pytest.raises(ValidationError) as raised:
        Child(id="X" * 300, name="Test", date_of_birth=date(2017, 8, 31))
    assert f"{'X' * 40!r}... (300 characters) is not a usable id" in str(raised.value)
    assert "X" * 41 not in str(raised.value)


@pytest.mark.parametrize("good_id", ["C001", "NB-0001", "child_1.v2", "7", "x" * 64, "CONNOR",
                                     "COM", "lpt"])
def test_a_plain_id_is_accepted(good_id):
    assert Child(id=good_id, name="Test", date_of_birth=date(2017, 8, 31)).id == good_id


def test_an_id_in_a_list_of_ids_is_checked_too():
    with pytest.raises(ValidationError) as raised:
        Provision(id="P1", what="Therapy", need_ids=["N1", "../N2"])
    assert "'../N2' is not a usable id" in str(raised.value)


def test_a_list_of_ids_may_be_written_in_one_cell():
    item = Provision(id="P1", what="Therapy", need_ids="N1, N2;N3", outcome_ids=None)
    assert (item.need_ids, item.outcome_ids) == (["N1", "N2", "N3"], [])


# The golden thread: links must point at something, and ids must be unique.


def test_an_outcome_naming_a_need_that_does_not_exist_is_refused():
    outcomes = [{"id": "O1", "text": "Zoë will read.", "need_ids": ["N2", "N9"]}]
    messages = error_messages(a_plan(outcomes=outcomes, provision=[]))
    assert messages == ["Value error, outcome 'O1' names need 'N9', which does not exist"]


def test_provision_naming_a_need_or_outcome_that_does_not_exist_is_refused():
    provision = [{"id": "P1", "what": "Therapy", "need_ids": ["N7"], "outcome_ids": ["O8"]}]
    messages = error_messages(a_plan(provision=provision))
    assert messages == [
        "Value error, provision 'P1' names need 'N7', which does not exist; "
        "provision 'P1' names outcome 'O8', which does not exist"
    ]


def test_an_id_used_twice_is_refused():
    needs = [{"id": "N1", "area": "SEMH"}, {"id": "N1", "area": "HI"}, {"id": "N2", "area": "MLD"}]
    assert error_messages(a_plan(needs=needs)) == ["Value error, need id 'N1' is used 2 times"]


def test_a_review_before_the_plan_date_is_refused():
    messages = error_messages(a_plan(review_date="2026-03-11"))
    assert messages == ["Value error, review date 2026-03-11 is before the plan date 2026-03-12"]


# Fields: unknown ones are refused, so a misspelt key is reported, not dropped.


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (a_plan(nickname="Zo"), ("nickname",)),
        (a_plan(child={"id": "C1", "name": "Zoë", "date_of_birth": "2017-08-31",
                       "dob": "2017-08-31"}), ("child", "dob")),
        (a_plan(outcomes=[{"id": "O1", "text": "Zoë will read.", "timescales": "soon"}]),
         ("outcomes", 0, "timescales")),
    ],
)
def test_an_extra_field_is_refused_where_it_sits(data, where):
    with pytest.raises(ValidationError) as raised:
        Plan.model_validate(data)
    assert [(e["type"], e["loc"]) for e in raised.value.errors()] == [("extra_forbidden", where)]


# Dates.


@pytest.mark.parametrize(
    ("written", "expected"),
    [("2017-08-31", date(2017, 8, 31)), ("31/08/2017", date(2017, 8, 31)),
     (" 1/9/2017 ", date(2017, 9, 1)), (date(2012, 2, 29), date(2012, 2, 29))],
)
def test_a_date_may_be_iso_or_day_month_year(written, expected):
    assert Child(id="C1", name="Zoë", date_of_birth=written).date_of_birth == expected


@pytest.mark.parametrize("written", [46082, "46082", 1735689600, "31/02/2017", "next March"])
def test_a_number_or_words_are_not_taken_for_a_date(written):
    with pytest.raises(ValidationError):
        Child(id="C1", name="Zoë", date_of_birth=written)


def test_a_date_with_a_time_of_day_is_refused():
    with pytest.raises(ValidationError) as raised:
        Child(id="C1", name="Zoë", date_of_birth="2017-08-31T10:30:00")
    assert raised.value.errors()[0]["type"] == "date_from_datetime_inexact"


def test_the_plan_year_group_uses_the_override_set_at_the_plan_date():
    child = {"id": "C1", "name": "Mei", "date_of_birth": "2019-07-20", "year_group_override": 1}
    plan = Plan.model_validate(a_plan(child=child, plan_date="2026-04-15"))
    assert plan.year_group() == 1
    assert plan.year_group(date(2026, 9, 1)) == 2


def test_an_explicit_target_date_wins_over_the_timescale():
    outcomes = [{"id": "O1", "text": "By the end of Key Stage 2, Zoë will read.",
                 "target_date": "2027-12-01"}]
    plan = Plan.model_validate(a_plan(outcomes=outcomes, provision=[]))
    assert plan.target_date(plan.outcomes[0]) == date(2027, 12, 1)


def test_the_timescale_column_wins_over_a_phrase_in_the_text():
    outcomes = [{"id": "O1", "text": "By the end of Key Stage 2, Zoë will read.",
                 "timescale": "by the end of Year 5"}]
    plan = Plan.model_validate(a_plan(outcomes=outcomes, provision=[]))
    assert plan.target_date(plan.outcomes[0]) == date(2027, 7, 31)


def test_an_outcome_with_no_timescale_has_no_target_date():
    outcomes = [{"id": "O1", "text": "Zoë will improve her reading."}]
    plan = Plan.model_validate(a_plan(outcomes=outcomes, provision=[]))
    assert plan.target_date(plan.outcomes[0]) is None
