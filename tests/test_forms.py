"""The form builders without a browser: set values on the widgets, read the feedback.

The widgets run here exactly as in a notebook, without a front end: setting ``value``
on an input fires the same observers a keystroke would.
"""

from __future__ import annotations

import shutil
import socket
from datetime import date, datetime
from pathlib import Path

import ipywidgets as widgets
import pytest

import ehcp_kit.forms as forms
from ehcp_kit.app import AppError, builder_notebook, serve
from ehcp_kit.areas import AreaOfNeed
from ehcp_kit.forms import (
    ChildDates,
    OutcomeBuilder,
    OutcomeForm,
    PlanFileError,
    PlanForm,
    ProvisionForm,
    highlight,
    plan_file_path,
    plan_yaml,
)
from ehcp_kit.loaders import load_plan
from ehcp_kit.outcomes import Outcome
from ehcp_kit.plan import Plan
from ehcp_kit.rules import RULES_BY_SLUG

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PLANS = sorted((ROOT / "examples" / "plans").glob("*.yaml"))
MAISIE = ChildDates(date(2016, 11, 3), date(2025, 2, 10))  # Year 3 on the plan date


def slugs(findings) -> list[str]:
    return [finding.slug for finding in findings]


# ---------------------------------------------------------------------------------------
# Feedback
# ---------------------------------------------------------------------------------------


def test_highlight_marks_each_span_and_escapes_what_was_typed():
    text = "Sam <b>will</b> improve & develop"
    start = text.index("improve")
    shown = highlight(text, [(start, start + 7), (start + 3, start + 9)])

    assert "&lt;b&gt;will&lt;/b&gt;" in shown
    assert "<b>" not in shown
    assert shown.count("<mark") == 1  # the overlapping spans are merged into one
    assert ">improve &amp;</mark>" in shown


def test_a_vague_outcome_is_flagged_with_its_verb_marked_and_the_fix_clears_it():
    form = OutcomeForm(child=MAISIE)
    form.text.value = "Maisie will improve her listening."

    vague = [finding for finding in form.findings if finding.slug == "vague-verb"]
    assert len(vague) == 1
    assert form.text.value[slice(*vague[0].span)] == "improve"
    assert ">improve</mark>" in form.feedback.value
    assert "not something anyone can see the child do" in form.feedback.value

    form.text.value = ("By the end of Key Stage 2, Maisie will follow spoken instructions with "
                       "four key words on 4 out of 5 occasions.")
    assert "vague-verb" not in slugs(form.findings)
    assert "no-timescale" not in slugs(form.findings)
    assert "<mark" not in form.feedback.value


def test_markup_typed_into_an_outcome_is_shown_not_run():
    form = OutcomeForm(child=MAISIE)
    form.text.value = "<script>alert(1)</script> Sam will improve."

    assert "<script>" not in form.feedback.value
    assert "&lt;script&gt;" in form.feedback.value


def test_the_timescale_resolves_to_a_date_for_this_child_and_follows_the_year_group():
    form = OutcomeForm(child=MAISIE)
    form.text.value = "Maisie will read 40 common words on sight."
    form.timescale.kind.value = "key-stage"
    form.timescale.stage.value = "2"

    assert form.timescale.timescale == "By the end of Key Stage 2"
    assert "Falls due on <strong>31 July 2028</strong>" in form.feedback.value
    assert "no-timescale" not in slugs(form.findings)  # the timescale field counts

    # Taught a year below her age group, she reaches the end of Year 6 a year later.
    form.child = ChildDates(MAISIE.date_of_birth, MAISIE.plan_date, year_group_override=2)
    assert "Falls due on <strong>31 July 2029</strong>" in form.feedback.value


def test_without_the_childs_dates_only_the_word_checks_run():
    form = OutcomeForm()
    form.text.value = "By the end of Year 1, Sam will read 20 words."

    assert not set(slugs(form.findings)) & forms._feedback.DATE_RULES
    assert "Enter the child&#x27;s date of birth" in form.feedback.value


def test_a_date_timescale_sets_the_target_date_and_its_wording():
    form = OutcomeForm(child=MAISIE)
    form.text.value = "Maisie will read 40 common words on sight."
    form.timescale.kind.value = "date"
    form.timescale.date.value = date(2027, 3, 31)

    outcome = form.outcome()
    assert outcome.target_date == date(2027, 3, 31)
    assert outcome.timescale == "By 31 March 2027"
    assert "Falls due on <strong>31 March 2027</strong>" in form.feedback.value


def test_a_stored_timescale_keeps_its_wording_and_the_choices_follow_it():
    form = OutcomeForm(child=MAISIE)
    form.set(Outcome(id="E1", text="Maisie will read a book.", timescale="by the end of KS2"))

    assert form.timescale.wording.value == "by the end of KS2"
    assert (form.timescale.kind.value, form.timescale.stage.value) == ("key-stage", "2")
    assert form.outcome().timescale == "by the end of KS2"

    form.timescale.wording.value = "Within 12 months"
    assert form.timescale.kind.value == "wording"


def test_a_time_of_day_is_dropped_with_a_message_never_kept():
    form = OutcomeBuilder(plan_date=date(2025, 2, 10))
    form.date_of_birth.picker.value = datetime(2016, 11, 3, 14, 30)

    assert form.date_of_birth.value == date(2016, 11, 3)
    assert type(form.date_of_birth.picker.value) is date
    assert "14:30 was dropped" in form.date_of_birth.message.value


def test_a_refused_date_is_named_and_the_last_good_date_kept_not_clamped():
    form = OutcomeBuilder(date_of_birth=date(2016, 11, 3), plan_date=date(2025, 2, 10))
    form.date_of_birth.picker.value = date(2026, 1, 1)

    assert form.date_of_birth.value == date(2016, 11, 3)
    assert form.date_of_birth.picker.value == date(2016, 11, 3)
    assert "1 January 2026 was not accepted" in form.date_of_birth.message.value
    assert "before the plan date" in form.date_of_birth.message.value


def test_steps_can_be_added_reordered_and_removed():
    form = OutcomeForm(child=MAISIE)
    form.text.value = "Maisie will read 40 common words on sight."
    for text in ("first", "second", "third"):
        form.steps.add().text.value = f"Maisie will do the {text} step."

    form.steps.move(form.steps.rows[2], -1)
    form.steps.remove(form.steps.rows[0])

    assert [step.text for step in form.outcome().steps] == [
        "Maisie will do the third step.", "Maisie will do the second step.",
    ]
    assert "steps-missing" not in slugs(form.findings)


def test_an_empty_step_blocks_the_outcome_with_a_reason():
    form = OutcomeForm()
    form.text.value = "Maisie will read 40 common words on sight."
    form.steps.add()

    with pytest.raises(forms.FormError, match="each step is required"):
        form.outcome()


def test_the_outcome_builder_links_the_outcome_to_the_area_chosen():
    builder = OutcomeBuilder(area=AreaOfNeed.COGNITION_AND_LEARNING)
    builder.form.text.value = "Sam will read 20 words."

    assert builder.form.outcome().need_ids == ["N1"]
    assert "Cognition and learning" in builder.form.areas.value


def test_vague_provision_is_flagged_part_by_part():
    form = ProvisionForm()
    form.parts["what"].value = "Regular support as needed."
    form.parts["who"].value = "Teaching assistant"

    findings = [finding for finding in form.findings if finding.slug == "vague-provision"]
    marked = {form.parts["what"].value[slice(*finding.span)] for finding in findings}
    assert {"Regular", "as needed"} <= marked
    assert all(finding.field == "provision[F1].what" for finding in findings)
    assert "no-frequency" in slugs(form.findings)
    assert ">as needed</mark>" in form.feedback.value

    item = form.provision()
    assert (item.id, item.section, item.who) == ("F1", "F", "Teaching assistant")


# ---------------------------------------------------------------------------------------
# The plan form: validation, saving, opening
# ---------------------------------------------------------------------------------------


def fill_small_plan(form: PlanForm) -> None:
    form.child_id.value = "SYN-0002"
    form.name.value = "Sam Example"
    form.plan_date.value = date(2025, 2, 10)
    form.date_of_birth.value = date(2016, 11, 3)
    need = form.needs.add()
    need.area.value = AreaOfNeed.COMMUNICATION_AND_INTERACTION
    outcome = form.outcomes.add()
    outcome.text.value = "By the end of Year 6, Sam will tell an adult when he is stuck."
    outcome.needs.value = ["N1"]
    item = form.provision.add()
    item.parts["what"].value = "Teaching of a help card routine"
    item.parts["group_size"].value = "1:1"
    item.outcomes.value = ["O1"]
    form.file_name.value = "sam.yaml"


def test_save_waits_until_nothing_required_is_missing(tmp_path):
    form = PlanForm(tmp_path)
    form.needs.add()

    assert form.save_button.disabled
    assert "need N1: choose its area of need" in form.problems_list.value
    assert "the child id is required" in form.problems_list.value
    assert form.save() is None
    assert not list(tmp_path.iterdir())

    fill_small_plan(form)
    form.needs.rows[0].area.value = AreaOfNeed.SENSORY_AND_PHYSICAL
    assert not form.save_button.disabled
    assert form.problems_list.value == ""


def test_a_saved_plan_loads_back_as_the_plan_in_the_form(tmp_path):
    form = PlanForm(tmp_path)
    fill_small_plan(form)

    saved = form.save()

    assert saved == tmp_path / "sam.yaml"
    assert load_plan(saved) == form.plan()
    assert load_plan(saved).provision[0].group_size == "1:1"
    assert "Saved sam.yaml" in form.save_message.value


def test_the_whole_plan_panel_shows_the_links_no_single_form_can_judge(tmp_path):
    form = PlanForm(tmp_path)
    fill_small_plan(form)
    form.provision.rows[0].outcomes.value = []

    assert "provision-without-outcome" in slugs(form.findings)
    assert "outcome-without-provision" in slugs(form.findings)
    assert "vague-verb" not in slugs(form.findings)  # the outcome form shows those


def test_a_new_plan_is_not_saved_over_an_existing_file(tmp_path):
    (tmp_path / "sam.yaml").write_text("keep me", encoding="utf-8")
    form = PlanForm(tmp_path)
    fill_small_plan(form)

    assert form.save() is None
    assert "already exists" in form.save_message.value
    assert (tmp_path / "sam.yaml").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("name", ["../escape.yaml", "/etc/plan.yaml", "sub/plan.yaml",
                                  ".hidden.yaml", "..", "plan.json", ""])
def test_names_that_would_leave_the_plans_folder_are_refused(tmp_path, name):
    with pytest.raises(PlanFileError):
        plan_file_path(tmp_path, name)


def test_a_bare_name_is_saved_as_yaml_in_the_plans_folder(tmp_path):
    assert plan_file_path(tmp_path, "maisie") == tmp_path.resolve() / "maisie.yaml"


def test_a_plan_that_cannot_be_opened_is_reported_with_the_file_and_field(tmp_path):
    (tmp_path / "broken.yaml").write_text("child:\n  id: X\nplan_date: soon\n", encoding="utf-8")
    form = PlanForm(tmp_path)

    assert form.open("broken.yaml") is None
    assert "broken.yaml" in form.save_message.value
    assert "plan_date" in form.save_message.value


@pytest.mark.parametrize("example", EXAMPLE_PLANS, ids=lambda path: path.name)
def test_opening_and_saving_an_example_plan_gives_the_same_bytes(tmp_path, example):
    copy = tmp_path / example.name
    shutil.copyfile(example, copy)
    form = PlanForm(tmp_path)

    assert form.open(example.name) == load_plan(example)
    assert form.save() == copy
    assert copy.read_bytes() == example.read_bytes()


def test_an_edit_changes_only_its_own_lines_and_keeps_the_comments(tmp_path):
    example = ROOT / "examples" / "plans" / "poor-primary.yaml"
    copy = tmp_path / example.name
    shutil.copyfile(example, copy)
    form = PlanForm(tmp_path)
    form.open(copy.name)

    form.outcomes.rows[0].text.value = "By the end of Year 4, Jayden will line up with his class."
    form.save()

    before = example.read_text(encoding="utf-8").splitlines()
    after = copy.read_text(encoding="utf-8").splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [("    text: Jayden will improve his behaviour.",
                        "    text: By the end of Year 4, Jayden will line up with his class.")]
    assert after[0].startswith("# A poor plan")


def test_new_text_that_yaml_would_misread_is_quoted():
    plan = load_plan(ROOT / "examples" / "plans" / "poor-primary.yaml")
    original = (ROOT / "examples" / "plans" / "poor-primary.yaml").read_text(encoding="utf-8")
    item = plan.provision[1].model_copy(update={"group_size": "2:1", "how_often": "yes",
                                                "how_long": "0030"})
    edited = plan.model_copy(update={"provision": [plan.provision[0], item,
                                                   *plan.provision[2:]]})

    text = plan_yaml(Plan.model_validate(edited.model_dump()), original)

    assert 'group_size: "2:1"' in text and 'how_often: "yes"' in text
    assert Plan.model_validate(__import__("yaml").safe_load(text)) == edited


# ---------------------------------------------------------------------------------------
# Labels, the public surface, the app
# ---------------------------------------------------------------------------------------


def _inputs(widget):
    if isinstance(widget, widgets.Box):
        for child in widget.children:
            yield from _inputs(child)
    elif isinstance(widget, widgets.ValueWidget | widgets.Button):
        yield widget


def test_every_input_of_a_filled_plan_form_has_a_visible_label(tmp_path):
    form = PlanForm(tmp_path)
    fill_small_plan(form)
    form.outcomes.rows[0].steps.add()
    form.outcomes.rows[0].criteria.add()

    unlabelled = [type(widget).__name__ for widget in _inputs(form.widget)
                  if not isinstance(widget, widgets.HTML) and not widget.description.strip()]
    assert unlabelled == []


def test_the_public_surface_is_pinned():
    assert sorted(forms.__all__) == sorted([
        "ChildDates", "FormError", "OutcomeBuilder", "OutcomeForm", "PLANS_DIR_VARIABLE",
        "Part", "PlanFileError", "PlanForm", "ProvisionForm", "TimescaleInput",
        "describe_resolution", "feedback_html", "highlight", "outcome_findings",
        "plan_file_path", "plan_yaml", "provision_findings", "resolve_outcome", "save_plan",
    ])


def test_the_rules_the_forms_treat_specially_exist():
    special = forms._feedback.DATE_RULES | forms._feedback.LINK_RULES
    assert special <= set(RULES_BY_SLUG)


def test_the_builder_notebooks_ship_inside_the_package_and_notebooks_links_to_them():
    assert builder_notebook().is_file()
    for name in ("plan_builder.ipynb", "outcome_builder.ipynb"):
        link = ROOT / "notebooks" / name
        assert link.is_symlink()
        assert link.resolve() == (ROOT / "ehcp_kit" / "notebooks" / name).resolve()


def test_the_app_refuses_a_plans_folder_that_does_not_exist(tmp_path):
    with pytest.raises(AppError, match="does not exist"):
        serve(8866, tmp_path / "missing")


def test_the_app_refuses_a_port_already_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(AppError, match="in use"):
            serve(taken.getsockname()[1], tmp_path)


def test_a_kind_of_timescale_chosen_without_its_value_blocks_the_outcome():
    form = OutcomeForm(child=MAISIE)
    form.text.value = "Maisie will read 40 common words on sight."
    form.timescale.kind.value = "key-stage"

    assert form.problems() == ["choose the key stage the outcome falls due at"]
    form.timescale.stage.value = "1"
    assert form.problems() == []
    assert form.outcome().timescale == "By the end of Key Stage 1"


# ---------------------------------------------------------------------------------------
# What a hurried or careless user does
# ---------------------------------------------------------------------------------------


def test_a_date_of_birth_that_no_longer_fits_a_changed_plan_date_blocks_save(tmp_path):
    form = PlanForm(tmp_path)
    fill_small_plan(form)
    form.plan_date.value = date(2010, 1, 1)  # before the date of birth kept from before

    assert form.save_button.disabled
    assert "date of birth: the date of birth must be before the plan date" in form.problems()
    assert form.save() is None
    assert not list(tmp_path.iterdir())


def test_the_plan_form_refuses_a_young_person_the_loader_would_refuse(tmp_path):
    form = PlanForm(tmp_path)
    fill_small_plan(form)
    form.date_of_birth.value = date(1999, 2, 9)  # 26 the day before the plan date

    assert form.date_of_birth.value == date(2016, 11, 3)
    assert "the young person turns 25" in form.date_of_birth.message.value


@pytest.mark.parametrize("name", ["plan\x00.yaml", "plan\n.yaml", "plan:1.yaml", "plan?.yaml",
                                  "<plan>.yaml", "CON.yaml", "nul", "aux.plan.yaml"])
def test_file_names_that_some_computers_cannot_hold_are_refused(tmp_path, name):
    with pytest.raises(PlanFileError):
        plan_file_path(tmp_path, name)


def test_a_file_name_with_a_null_byte_is_refused_by_the_form_not_raised(tmp_path):
    form = PlanForm(tmp_path)
    fill_small_plan(form)
    form.file_name.value = "sam\x00.yaml"

    assert form.save() is None
    assert "a file name cannot have on every computer" in form.save_message.value


def test_a_folder_named_like_a_plan_is_not_offered_to_open(tmp_path):
    (tmp_path / "old.yaml").mkdir()
    (tmp_path / "sam.yaml").write_text("child: {}\n", encoding="utf-8")
    form = PlanForm(tmp_path)

    assert form.open_choice.options == ("sam.yaml",)
    assert form.open("old.yaml") is None
    assert "&#x27;old.yaml&#x27; is a folder, not a plan file" in form.save_message.value


def test_a_plan_with_a_key_given_twice_is_reported_not_opened(tmp_path):
    text = (ROOT / "examples" / "plans" / "good-primary.yaml").read_text(encoding="utf-8")
    (tmp_path / "twice.yaml").write_text(text + 'plan_date: "2020-01-01"\n', encoding="utf-8")
    form = PlanForm(tmp_path)

    assert form.open("twice.yaml") is None
    assert "the key &#x27;plan_date&#x27; is given twice" in form.save_message.value


def test_the_outcome_builder_shows_no_date_for_a_birth_after_the_plan_date():
    builder = OutcomeBuilder(date_of_birth=date(2016, 11, 3), plan_date=date(2025, 2, 10))
    builder.form.text.value = "By the end of Year 6, Sam will read 20 words aloud."
    builder.plan_date.value = date(2010, 1, 1)

    assert "Falls due on" not in builder.form.feedback.value
    assert "the date of birth must be before the plan date" in builder.form.feedback.value
    assert "timescale-past" not in slugs(builder.form.findings)


@pytest.mark.parametrize("wording", ["by the end of Year 6 or 7", "by the end of KS2/3",
                                     "by the time she is 18 months old"])
def test_a_timescale_the_choices_cannot_express_stays_as_the_authors_wording(wording):
    form = OutcomeForm(child=MAISIE)
    form.set(Outcome(id="E1", text="Maisie will read a book.", timescale=wording))

    assert form.timescale.kind.value == "wording"
    assert form.outcome().timescale == wording


@pytest.mark.parametrize("typed", ["Waits\x85then answers", "Waits\x85then answers " * 6,
                                   "bell\x07ringing"])
def test_an_edit_holding_characters_yaml_reads_as_line_breaks_saves_and_reopens(tmp_path,
                                                                               typed):
    shutil.copyfile(EXAMPLE_PLANS[0], tmp_path / "plan.yaml")
    form = PlanForm(tmp_path)
    form.open("plan.yaml")
    form.needs.rows[0].description.value = typed

    saved = form.save()

    assert load_plan(saved).needs[0].description == typed.strip()
    again = PlanForm(tmp_path)
    assert again.open("plan.yaml") is not None
    assert again.save() == saved
