"""The synthetic authority export in examples/: what it must contain, and that it is current."""

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from ehcp_kit import AreaOfNeed, TimescaleError
from ehcp_kit.loaders import load_batch, load_plan
from ehcp_kit.timescales import age_on

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def plans():
    return [child.plan for child in load_batch(EXAMPLES / "authority_export.xlsx")]


def every_text(plan) -> str:
    """All the free text of a plan, for checks on its characters and wording."""
    return plan.model_dump_json()


def test_the_export_holds_at_least_40_children_who_all_load(plans):
    assert len(plans) >= 40
    assert None not in plans


def test_the_children_are_aged_2_to_24_on_a_plan_date_in_2026(plans):
    ages = {age_on(plan.child.date_of_birth, plan.plan_date) for plan in plans}
    assert (min(ages), max(ages)) == (2, 24)
    assert {plan.plan_date.year for plan in plans} == {2026}


def test_every_area_of_need_health_and_social_care_appear(plans):
    areas = {need.area for plan in plans for need in plan.needs}
    assert areas == set(AreaOfNeed)


def test_the_awkward_birthdays_and_a_year_group_override_are_there(plans):
    births = {(plan.child.date_of_birth.month, plan.child.date_of_birth.day) for plan in plans}
    assert {(8, 31), (9, 1), (2, 29)} <= births
    assert any(plan.child.year_group_override is not None for plan in plans)


def test_names_are_written_in_several_scripts_and_with_accents(plans):
    names = " ".join(plan.child.name for plan in plans)
    for name in ("Zoë", "Łukasz", "Siobhán", "O'Neill"):
        assert name in names
    assert re.search("[\u0600-\u06ff]", names)  # Arabic
    assert re.search("[\u4e00-\u9fff]", names)  # Chinese


def test_free_text_carries_the_characters_documents_must_escape(plans):
    text = "".join(every_text(plan) for plan in plans)
    for character in ("&", "<", '\\"', "\\\\", "\\n"):
        assert character in text


def test_every_child_from_year_9_has_a_preparing_for_adulthood_outcome(plans):
    older = [plan for plan in plans if plan.year_group() >= 9]
    assert older
    for plan in older:
        assert any(outcome.preparing_for_adulthood for outcome in plan.outcomes), plan.child.id


def test_the_plans_include_poor_wording_as_real_plans_do(plans):
    outcomes = [outcome for plan in plans for outcome in plan.outcomes]
    provision = " ".join(item.full_text.lower() for plan in plans for item in plan.provision)
    assert any("will receive" in outcome.text for outcome in outcomes)
    assert any(" will improve " in outcome.text for outcome in outcomes)
    for wording in ("access to", "as needed", "small group", "regular"):
        assert wording in provision

    untimed = 0
    for plan in plans:
        for outcome in plan.outcomes:
            try:
                plan.resolve_timescale(outcome)
            except TimescaleError:
                untimed += 1
    assert untimed >= 5


def test_the_hand_written_plans_include_primary_poor_post16_and_first_person():
    names = {path.name for path in (EXAMPLES / "plans").glob("*.yaml")}
    mine = {"good-primary.yaml", "poor-primary.yaml", "post16-preparing-for-adulthood.yaml",
            "first-person-secondary.yaml"}
    assert mine <= names
    first_person = load_plan(EXAMPLES / "plans" / "first-person-secondary.yaml")
    assert all(", I will " in outcome.text for outcome in first_person.outcomes)
    post16 = load_plan(EXAMPLES / "plans" / "post16-preparing-for-adulthood.yaml")
    assert post16.year_group() >= 12
    assert len({area for o in post16.outcomes for area in o.preparing_for_adulthood}) == 4


def test_the_committed_export_is_what_the_generator_writes(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_examples",
                                                  ROOT / "scripts" / "make_examples.py")
    make_examples = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_examples", make_examples)  # for its dataclasses
    spec.loader.exec_module(make_examples)

    records = make_examples.build()
    make_examples.write_workbook(records, tmp_path / "authority_export.xlsx")
    make_examples.write_csv_folder(records, tmp_path / "authority_export")

    written = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    for relative in written:
        assert (tmp_path / relative).read_bytes() == (EXAMPLES / relative).read_bytes(), relative
    assert len(written) == 7

