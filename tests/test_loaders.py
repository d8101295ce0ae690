"""Loading analysts' data: plan files, workbooks and CSV folders, and their faults."""

import csv
import gc
import io
import json
import logging
import shutil
import tracemalloc
import weakref
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from pathlib import Path

import pytest
from openpyxl import Workbook
from synthetic_export import write_export

from ehcp_kit import AreaOfNeed, DataError, Location, Plan, loaders
from ehcp_kit.loaders import LoadedChild, load_batch, load_plan, open_batch, plan_to_yaml

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"


def workbook_from_csv_folder(folder: Path, path: Path) -> Path:
    """The CSV files of ``folder`` as the sheets of one workbook, cell for cell."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for file in sorted(folder.glob("*.csv")):
        sheet = workbook.create_sheet(file.stem)
        with file.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append([cell if cell != "" else None for cell in row])
    workbook.save(path)
    return path


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def problems_by_child(loaded: list[LoadedChild]) -> dict[str, list[str]]:
    return {child.child_id: [f"{where}: {what}" for where, what in child.problems]
            for child in loaded}


@pytest.fixture(scope="module")
def faulty_workbook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("workbooks")
    return workbook_from_csv_folder(DATA / "faulty_export", folder / "faulty_export.xlsx")


# The same data in every format gives the same plans.


def test_the_example_workbook_and_csv_folder_load_to_equal_plans():
    from_workbook = load_batch(EXAMPLES / "authority_export.xlsx")
    from_csv = load_batch(EXAMPLES / "authority_export")
    assert len(from_workbook) == len(from_csv) == 44
    assert [child.problems for child in from_workbook] == [[]] * 44
    assert [(c.child_id, c.plan) for c in from_workbook] == [(c.child_id, c.plan) for c in from_csv]


def test_plans_written_by_plan_to_yaml_load_back_equal_from_a_folder(tmp_path):
    plans = [child.plan for child in load_batch(EXAMPLES / "authority_export")]
    for plan in plans:
        (tmp_path / f"{plan.child.id}.yaml").write_text(plan_to_yaml(plan), encoding="utf-8")
    loaded = load_batch(tmp_path)
    assert [child.plan for child in loaded] == plans
    assert [child.source for child in loaded] == [f"{plan.child.id}.yaml" for plan in plans]


def test_a_workbook_with_real_dates_numbers_and_booleans_loads_like_the_csv_files(tmp_path):
    workbook = write_workbook(tmp_path / "typed.xlsx", {
        "Children": [
            ["CHILD_ID", "name", "date of birth", "plan-date", "year_group_override",
             "nhs_number", "review_date"],
            ["T1", "Łukasz Nowak", datetime(2017, 9, 1), date(2026, 3, 12), 2, 9990001234,
             "11/03/2027"],
        ],
        "needs": [["child_id", "need_id", "area"], ["T1", 7, "HI"]],
        "outcomes": [
            ["child_id", "outcome_id", "text", "need_ids", "long_term", "target_date"],
            ["T1", "O1", "Łukasz will check his hearing aids.", 7, True, datetime(2027, 7, 31)],
        ],
        "provision": [["child_id", "provision_id", "what"]],
    })
    folder = tmp_path / "typed"
    folder.mkdir()
    (folder / "children.csv").write_text(
        "child_id,name,date_of_birth,plan_date,year_group_override,nhs_number,review_date\n"
        "T1,Łukasz Nowak,01/09/2017,2026-03-12,2,9990001234,2027-03-11\n", encoding="utf-8")
    (folder / "needs.csv").write_text("child_id,need_id,area\nT1,7,HI\n", encoding="utf-8")
    (folder / "outcomes.csv").write_text(
        "child_id,outcome_id,text,need_ids,long_term,target_date\n"
        "T1,O1,Łukasz will check his hearing aids.,7,yes,31/07/2027\n", encoding="utf-8")
    (folder / "provision.csv").write_text("child_id,provision_id,what\n", encoding="utf-8")

    [from_workbook], [from_csv] = load_batch(workbook), load_batch(folder)
    assert from_workbook.plan == from_csv.plan
    plan = from_workbook.plan
    assert (plan.child.date_of_birth, plan.child.nhs_number, plan.child.year_group_override) == (
        date(2017, 9, 1), "9990001234", 2)
    assert plan.review_date == date(2027, 3, 11)
    assert (plan.needs[0].id, plan.outcomes[0].need_ids) == ("7", ["7"])
    assert (plan.outcomes[0].long_term, plan.outcomes[0].target_date) == (True, date(2027, 7, 31))


# The faulty export: one fault of each kind, each named with file, sheet, row and column.

# child id, sheet, row, column, message
FAULTS = [
    ("BAD-AREA", "needs", 4, "area", "unknown area of need 'Cognitive'; expected one of "
     "'Communication and interaction', 'Cognition and learning', 'Social, emotional and "
     "mental health difficulties', 'Sensory and/or physical needs', 'Health', 'Social care'"),
    ("BAD-LINKS", "outcomes", 4, "need_ids",
     "need 'N9' does not exist: it is not among this child's needs"),
    ("BAD-LINKS", "steps", 3, "outcome_id",
     "outcome 'O5' does not exist: it is not among this child's outcomes"),
    ("BAD-LINKS", "provision", 3, "outcome_ids",
     "outcome 'O7' does not exist: it is not among this child's outcomes"),
    ("BAD-DATES", "children", 6, "date_of_birth",
     "the value given is not a date: day is out of range for month"),
    ("BAD-DATES", "children", 6, "plan_date",
     "'next March' is not a date; write it as 2026-07-31 or 31/07/2026"),
    ("BAD-DATES", "needs", 7, "area", "unknown area of need 'Emotional'; expected one of "
     "'Communication and interaction', 'Cognition and learning', 'Social, emotional and "
     "mental health difficulties', 'Sensory and/or physical needs', 'Health', 'Social care'"),
    ("BAD-DATES", "outcomes", 5, "target_date",
     "'soon' is not a date; write it as 2026-07-31 or 31/07/2026"),
    ("../../x", "children", 7, "child_id", "'../../x' is not a usable id: use 1-64 letters, "
     "digits, '.', '_' or '-', starting with a letter or digit"),
    ("DUP", "children", 10, "child_id", "child id 'DUP' is already used on row 8"),
    ("DUP", "needs", 10, "need_id", "need id 'N1' is used more than once in this child's plan"),
    ("DUP", "provision", 5, "provision_id",
     "provision id 'P1' is used more than once in this child's plan"),
    ("GHOST", "needs", 12, "child_id", "child id 'GHOST' is not in {children}"),
    ("GHOST", "outcomes", 9, "child_id", "child id 'GHOST' is not in {children}"),
]
CHILD_ORDER = ["GOOD-1", "BAD-AREA", "BAD-LINKS", "BAD-DATES", "../../x", "DUP", "GOOD-2",
               "GHOST"]


def expected_faults(csv_folder: bool) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {child_id: [] for child_id in CHILD_ORDER}
    for child_id, sheet, row, column, message in FAULTS:
        if csv_folder:
            where = f"faulty_export/{sheet}.csv, row {row}, column {column!r}"
            message = message.format(children="children.csv")
        else:
            where = f"faulty_export.xlsx, sheet {sheet!r}, row {row}, column {column!r}"
            message = message.format(children="the 'children' sheet")
        expected[child_id].append(f"{where}: {message}")
    return expected


def test_each_fault_in_a_csv_folder_is_named_with_its_file_row_and_column():
    loaded = load_batch(DATA / "faulty_export")
    assert problems_by_child(loaded) == expected_faults(csv_folder=True)


def test_each_fault_in_a_workbook_is_named_with_its_file_sheet_row_and_column(faulty_workbook):
    loaded = load_batch(faulty_workbook)
    assert problems_by_child(loaded) == expected_faults(csv_folder=False)


def test_a_fault_location_is_a_location_with_the_column_as_its_field(faulty_workbook):
    bad_area = next(c for c in load_batch(faulty_workbook) if c.child_id == "BAD-AREA")
    assert bad_area.problems[0][0] == Location("faulty_export.xlsx", "needs", 4, "area")


def test_children_with_faults_get_no_plan_and_the_others_still_load():
    loaded = load_batch(DATA / "faulty_export")
    assert [(child.child_id, child.plan is not None) for child in loaded] == [
        (child_id, child_id.startswith("GOOD")) for child_id in CHILD_ORDER
    ]


def test_rows_for_an_unknown_child_come_back_as_that_child_with_the_fault():
    ghost = load_batch(DATA / "faulty_export")[-1]
    assert (ghost.child_id, ghost.source, ghost.plan) == (
        "GHOST", "faulty_export/needs.csv, row 12", None)


def test_each_child_names_the_row_it_came_from(faulty_workbook):
    sources = [child.source for child in load_batch(faulty_workbook)[:2]]
    assert sources == ["faulty_export.xlsx, sheet 'children', row 2",
                       "faulty_export.xlsx, sheet 'children', row 3"]


def test_a_clean_child_from_the_faulty_export_keeps_every_part_of_its_data():
    good = load_batch(DATA / "faulty_export")[0].plan
    assert good.child.name == "Amélie Test"
    assert good.child.aspirations == ['To read "big" books', "To have a friend"]
    assert good.authority == "Testshire & District"
    assert [need.area for need in good.needs] == [
        AreaOfNeed.COMMUNICATION_AND_INTERACTION, AreaOfNeed.COGNITION_AND_LEARNING]
    assert good.needs[1].description == "Reads slowly \\ tires easily"
    outcome = good.outcomes[0]
    assert (outcome.need_ids, outcome.long_term, outcome.timescale) == (
        ["N1", "N2"], False, "By the end of Key Stage 2")
    assert [(step.text, step.target) for step in outcome.steps] == [
        ("Follow a 2-part instruction", "4 out of 5")]
    assert [criterion.how_measured for criterion in outcome.success_criteria] == [
        "Weekly tally", "Photos\nand notes"]
    assert good.provision[0].resources.source == 'Top-up <band C> & "notional" budget'


def test_a_clean_child_keeps_its_year_group_override_and_target_date():
    good = load_batch(DATA / "faulty_export")[6].plan
    assert good.year_group() == 1
    assert good.outcomes[0].target_date == date(2027, 7, 31)
    assert (good.provision[0].section, good.status) == ("H1", "final")


# Faults in the layout stop the whole file.


def test_a_missing_required_column_or_file_stops_a_csv_folder():
    with pytest.raises(DataError) as raised:
        load_batch(DATA / "bad_layout_export")
    assert [f"{where}: {what}" for where, what in raised.value.problems] == [
        "bad_layout_export/provision.csv: provision.csv is missing; it is required",
        "bad_layout_export/children.csv, row 1, column 'nickname': the column 'nickname' is "
        "not one the loader knows; the 'children' sheet has: child_id, name, date_of_birth, "
        "plan_date, year_group_override, pronouns, aspirations, upn, nhs_number, authority, "
        "review_date, status",
        "bad_layout_export/children.csv, row 1, column 'plan_date': the required column "
        "'plan_date' is missing from the header row",
        "bad_layout_export/needs.csv, row 1, column 'area': the required column 'area' is "
        "missing from the header row",
    ]


def test_a_missing_required_column_or_sheet_stops_a_workbook(tmp_path):
    workbook = workbook_from_csv_folder(DATA / "bad_layout_export", tmp_path / "layout.xlsx")
    with pytest.raises(DataError) as raised:
        load_batch(workbook)
    assert [str(where) for where, _ in raised.value.problems] == [
        "layout.xlsx, sheet 'provision'",
        "layout.xlsx, sheet 'children', row 1, column 'nickname'",
        "layout.xlsx, sheet 'children', row 1, column 'plan_date'",
        "layout.xlsx, sheet 'needs', row 1, column 'area'",
    ]
    assert raised.value.problems[0][1] == "the 'provision' sheet is missing; it is required"


def test_a_column_named_twice_is_refused(tmp_path):
    workbook = write_workbook(tmp_path / "twice.xlsx", {
        "children": [["child_id", "name", "date_of_birth", "plan_date", "Name"]],
        "needs": [["child_id", "need_id", "area"]],
        "outcomes": [["child_id", "outcome_id", "text"]],
        "provision": [["child_id", "provision_id", "what"]],
    })
    with pytest.raises(DataError) as raised:
        load_batch(workbook)
    assert str(raised.value) == (
        "twice.xlsx, sheet 'children', row 1, column 'name': the column 'name' appears twice "
        "(again in column 5)"
    )


def test_a_sheet_the_loader_does_not_read_is_ignored_with_a_warning(tmp_path, caplog):
    workbook = write_workbook(tmp_path / "extra.xlsx", {
        "children": [["child_id", "name", "date_of_birth", "plan_date"],
                     ["X1", "Ann Test", "2015-01-01", "2026-03-12"]],
        "needs": [["child_id", "need_id", "area"]],
        "outcomes": [["child_id", "outcome_id", "text"]],
        "provision": [["child_id", "provision_id", "what"]],
        "Notes for managers": [["anything"]],
    })
    with caplog.at_level(logging.WARNING, logger="ehcp_kit"):
        [child] = load_batch(workbook)
    assert child.plan is not None
    assert caplog.messages == [
        "extra.xlsx: ignoring sheet 'Notes for managers', which the loader does not read"
    ]


def test_a_number_in_a_date_column_is_not_taken_for_a_date(tmp_path):
    workbook = write_workbook(tmp_path / "serial.xlsx", {
        "children": [["child_id", "name", "date_of_birth", "plan_date"],
                     ["X1", "Ann Test", 42000, "2026-03-12"]],
        "needs": [["child_id", "need_id", "area"]],
        "outcomes": [["child_id", "outcome_id", "text"]],
        "provision": [["child_id", "provision_id", "what"]],
    })
    [child] = load_batch(workbook)
    assert [f"{where}: {what}" for where, what in child.problems] == [
        "serial.xlsx, sheet 'children', row 2, column 'date_of_birth': the value given is not "
        "a date; write it as 2026-07-31 or 31/07/2026"
    ]


def test_a_required_cell_left_blank_is_named(tmp_path):
    workbook = write_workbook(tmp_path / "blank.xlsx", {
        "children": [["child_id", "name", "date_of_birth", "plan_date"],
                     ["X1", None, "2015-01-01", "2026-03-12"]],
        "needs": [["child_id", "need_id", "area"], ["X1", "N1", None]],
        "outcomes": [["child_id", "outcome_id", "text"]],
        "provision": [["child_id", "provision_id", "what"]],
    })
    [child] = load_batch(workbook)
    assert [f"{where}: {what}" for where, what in child.problems] == [
        "blank.xlsx, sheet 'children', row 2, column 'name': this is required but is missing "
        "or empty",
        "blank.xlsx, sheet 'needs', row 2, column 'area': this is required but is missing "
        "or empty",
    ]


def test_an_input_that_is_neither_workbook_folder_nor_plan_is_refused(tmp_path):
    report = tmp_path / "children.docx"
    report.write_bytes(b"")
    with pytest.raises(DataError, match=r"children.docx: not a workbook \(.xlsx\)"):
        load_batch(report)
    with pytest.raises(DataError, match="missing.xlsx: no such file or folder"):
        load_batch(tmp_path / "missing.xlsx")


def test_a_file_that_is_not_really_a_workbook_is_refused(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("child_id,name\n", encoding="utf-8")
    with pytest.raises(DataError, match="fake.xlsx: cannot read the file as an .xlsx workbook"):
        load_batch(fake)


# Plan files (YAML and JSON).


def test_a_json_plan_loads():
    plan = load_plan(DATA / "faulty_plans" / "good.json")
    assert (plan.child.id, plan.needs[0].area, plan.needs[0].description) == (
        "JSON-1", AreaOfNeed.COGNITION_AND_LEARNING, "Dyslexia \\ slow reading")


def test_every_fault_in_a_plan_file_is_named_with_its_field():
    with pytest.raises(DataError) as raised:
        load_plan(DATA / "faulty_plans" / "many-faults.yaml")
    assert raised.value.child_id == "../escape"
    assert [(where.field, what) for where, what in raised.value.problems] == [
        ("child.id", "'../escape' is not a usable id: use 1-64 letters, digits, '.', '_' or "
                     "'-', starting with a letter or digit"),
        ("child.date_of_birth", "the value given is not a date: day is out of range for month"),
        ("child.nickname", "'nickname' is not a field of the plan; check its spelling and "
                           "where it sits"),
        ("needs[0].area", "unknown area of need 'Cognitive'; expected one of 'Communication "
                          "and interaction', 'Cognition and learning', 'Social, emotional and "
                          "mental health difficulties', 'Sensory and/or physical needs', "
                          "'Health', 'Social care'"),
        ("provision[0].section", "'X' is not allowed here; expected 'F', 'G', 'H1' or 'H2'"),
        ("outcomes[2].need_ids", "need 'N7' does not exist: it is not among this child's needs"),
        ("provision[0].outcome_ids",
         "outcome 'O9' does not exist: it is not among this child's outcomes"),
        ("review_date", "review date '2025-01-01' is before the plan date '2026-03-12'"),
    ]
    assert {where.file for where, _ in raised.value.problems} == {"many-faults.yaml"}


def test_dangling_ids_are_reported_at_their_field_not_as_one_message():
    with pytest.raises(DataError) as raised:
        load_plan(DATA / "faulty_plans" / "dangling-only.yaml")
    assert str(raised.value) == (
        "dangling-only.yaml, field 'outcomes[0].need_ids': need 'N2' does not exist: it is "
        "not among this child's needs; dangling-only.yaml, field 'review_date': review date "
        "'2025-03-12' is before the plan date '2026-03-12'"
    )


def test_a_yaml_syntax_error_names_the_file_and_line():
    with pytest.raises(DataError) as raised:
        load_plan(DATA / "faulty_plans" / "bad-syntax.yaml")
    assert str(raised.value) == (
        "bad-syntax.yaml: not valid YAML at line 9, column 1: expected ',' or ']', but got "
        "'<stream end>' (while parsing a flow sequence that starts at line 8)"
    )


def test_a_json_syntax_error_names_the_file_and_line(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "child": {"id": "J1",}\n}\n', encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_plan(broken)
    assert str(raised.value) == (
        "broken.json: not valid JSON at line 2, column 24: Expecting property name enclosed "
        "in double quotes (a comma before a closing bracket is not allowed in JSON)"
    )


def test_a_plan_file_that_holds_a_list_is_refused():
    with pytest.raises(DataError) as raised:
        load_plan(DATA / "faulty_plans" / "not-a-mapping.yaml")
    assert str(raised.value) == (
        "not-a-mapping.yaml: the file should hold one child's plan (a mapping of fields) but "
        "holds a list"
    )


def test_a_folder_of_plan_files_loads_every_file_and_reports_the_faulty_ones():
    loaded = load_batch(DATA / "faulty_plans")
    assert [(child.child_id, child.source, child.plan is not None) for child in loaded] == [
        ("bad-syntax", "bad-syntax.yaml", False),
        ("DANGLE-1", "dangling-only.yaml", False),
        ("JSON-1", "good.json", True),
        ("../escape", "many-faults.yaml", False),
        ("not-a-mapping", "not-a-mapping.yaml", False),
    ]
    assert len(loaded[3].problems) == 8


def test_a_single_plan_file_is_a_batch_of_one():
    [child] = load_batch(DATA / "faulty_plans" / "good.json")
    assert (child.child_id, child.source, child.problems) == ("JSON-1", "good.json", [])


def test_a_second_plan_file_for_the_same_child_is_refused(tmp_path):
    for name in ("a.json", "b.json"):
        shutil.copy(DATA / "faulty_plans" / "good.json", tmp_path / name)
    first, second = load_batch(tmp_path)
    assert first.plan is not None
    assert second.plan is None
    assert second.problems == [(Location("b.json", field="child.id"),
                                "child id 'JSON-1' is also used in 'a.json'; each child needs "
                                "their own id")]


def test_a_folder_with_no_plans_or_csv_files_is_refused(tmp_path):
    with pytest.raises(DataError, match="holds no plan files"):
        load_batch(tmp_path)


# plan_to_yaml.


@pytest.mark.parametrize("path", sorted((EXAMPLES / "plans").glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_plan_loads_and_round_trips_through_plan_to_yaml(path, tmp_path):
    plan = load_plan(path)
    copy = tmp_path / path.name
    copy.write_text(plan_to_yaml(plan), encoding="utf-8")
    assert load_plan(copy) == plan


def test_awkward_text_survives_a_round_trip_through_plan_to_yaml(tmp_path):
    awkward = [
        'Smith & Sons <Ltd> said "yes"', "C:\\Symbols\\Core", "line one\nline two\n  indented",
        "yes", "null", "# not a comment", "- not a list", "Zoë, Łukasz, 李思远, يوسف",
        "'single' quotes", "2026-03-12", "tab\there", "ends with a colon:",
    ]
    plan = Plan.model_validate({
        "child": {"id": "RT-1", "name": "Siobhán O'Neill", "date_of_birth": "2012-02-29",
                  "aspirations": awkward},
        "plan_date": "2026-03-12",
        "needs": [{"id": "N1", "area": "SEMH", "description": "\n".join(awkward)}],
    })
    copy = tmp_path / "awkward.yaml"
    copy.write_text(plan_to_yaml(plan), encoding="utf-8")
    loaded = load_plan(copy)
    assert loaded == plan
    assert loaded.child.aspirations == awkward


def test_plan_to_yaml_writes_text_of_several_lines_as_a_block():
    plan = load_plan(EXAMPLES / "plans" / "first-person-secondary.yaml")
    assert "  description: |-\n      Ellis has anxiety" in plan_to_yaml(plan)


# Personal data stays out of the log.


def test_loading_never_logs_a_name_or_date_of_birth(caplog, faulty_workbook):
    with caplog.at_level(logging.DEBUG, logger="ehcp_kit"):
        loaded = load_batch(EXAMPLES / "authority_export.xlsx")
        load_batch(DATA / "faulty_export")
        load_batch(faulty_workbook)
    assert caplog.records
    for child in loaded:
        dob = child.plan.child.date_of_birth
        for secret in (child.plan.child.name, dob.isoformat(), dob.strftime("%d/%m/%Y")):
            assert secret not in caplog.text
    for secret in ("Amélie Test", "Bram Test", "31/08/2017", "31/02/2015"):
        assert secret not in caplog.text


def test_a_row_with_no_child_id_is_reported_on_its_own(tmp_path):
    workbook = write_workbook(tmp_path / "orphan.xlsx", {
        "children": [["child_id", "name", "date_of_birth", "plan_date"],
                     ["X1", "Ann Test", "2015-01-01", "2026-03-12"]],
        "needs": [["child_id", "need_id", "area"], [None, "N1", "SEMH"]],
        "outcomes": [["child_id", "outcome_id", "text"]],
        "provision": [["child_id", "provision_id", "what"]],
    })
    clean, orphan = load_batch(workbook)
    assert clean.plan is not None
    assert (orphan.child_id, orphan.plan, orphan.problems) == ("", None, [(
        Location("orphan.xlsx", "needs", 2, "child_id"),
        "the row has no child_id, so it belongs to no child",
    )])


# Hostile input: what spreadsheets, Excel's CSV files and hand-edited plans really hold.


def minimal_sheets(children: list[list]) -> dict[str, list[list]]:
    return {
        "children": [["child_id", "name", "date_of_birth", "plan_date"], *children],
        "needs": [["child_id", "need_id", "area"]],
        "outcomes": [["child_id", "outcome_id", "text"]],
        "provision": [["child_id", "provision_id", "what"]],
    }


def write_csv_folder(folder: Path, sheets: dict[str, list[list]], *, encoding: str = "utf-8",
                     delimiter: str = ",") -> Path:
    folder.mkdir()
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding=encoding) as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
    return folder


def test_a_key_given_twice_in_a_yaml_plan_is_refused_with_both_lines(tmp_path):
    plan = tmp_path / "twice.yaml"
    plan.write_text("child:\n  id: T1\n  name: Ann Test\n  date_of_birth: 2016-01-01\n"
                    "plan_date: 2026-03-12\nplan_date: 2020-01-01\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_plan(plan)
    assert str(raised.value) == ("twice.yaml: not valid YAML at line 6, column 1: the key "
                                 "'plan_date' is given twice (first at line 5)")


def test_a_key_given_twice_in_a_json_plan_is_refused(tmp_path):
    plan = tmp_path / "twice.json"
    plan.write_text('{"child": {"id": "T1", "id": "T2"}}', encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_plan(plan)
    assert str(raised.value) == ("twice.json: not valid JSON: the key 'id' is given twice in "
                                 "one object")


@pytest.mark.parametrize(("text", "holds"), [("42\n", "a number"), ("soon\n", "a line of text")])
def test_a_plan_file_holding_one_value_says_what_it_holds_in_words(tmp_path, text, holds):
    plan = tmp_path / "one.yaml"
    plan.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_plan(plan)
    assert str(raised.value).endswith(f"but holds {holds}")


def test_child_ids_differing_only_in_case_are_both_refused_and_named(tmp_path):
    sheets = minimal_sheets([["NB-1", "Ann Test", "2016-01-01", "2026-03-12"],
                             ["nb-1", "Bea Test", "2016-02-01", "2026-03-12"]])
    sheets["needs"].append(["Nb-1", "N1", "SEMH"])
    loaded = load_batch(write_csv_folder(tmp_path / "export", sheets))

    assert [child.plan for child in loaded] == [None, None, None]
    assert problems_by_child(loaded) == {
        "NB-1": ["export/children.csv, row 2, column 'child_id': child id 'NB-1' differs from "
                 "'nb-1' on row 3 only in case; their folders would be one folder on Windows "
                 "and macOS"],
        "nb-1": ["export/children.csv, row 3, column 'child_id': child id 'nb-1' differs from "
                 "'NB-1' on row 2 only in case; their folders would be one folder on Windows "
                 "and macOS"],
        "Nb-1": ["export/needs.csv, row 2, column 'child_id': child id 'Nb-1' is not in "
                 "children.csv (ids must match exactly, and 'NB-1' differs only in case)"],
    }


def test_plan_files_whose_child_ids_differ_only_in_case_are_both_refused(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    source = (EXAMPLES / "plans" / "good-primary.yaml").read_text(encoding="utf-8")
    child_id = load_plan(EXAMPLES / "plans" / "good-primary.yaml").child.id
    (plans / "a.yaml").write_text(source, encoding="utf-8")
    (plans / "b.yaml").write_text(source.replace(child_id, child_id.lower()), encoding="utf-8")

    first, second = load_batch(plans)

    assert (first.plan, second.plan) == (None, None)
    assert "only in case" in first.problems[-1][1]
    assert "only in case; their folders would be one folder" in second.problems[-1][1]


def test_two_sheets_read_as_one_sheet_are_refused_rather_than_one_dropped(tmp_path):
    sheets = minimal_sheets([["X1", "Ann Test", "2016-01-01", "2026-03-12"]])
    sheets["success criteria"] = [["child_id", "outcome_id"]]
    sheets["success_criteria"] = [["child_id", "outcome_id"]]
    with pytest.raises(DataError) as raised:
        load_batch(write_workbook(tmp_path / "two.xlsx", sheets))
    assert str(raised.value) == (
        "two.xlsx, sheet 'success_criteria': the sheets 'success criteria' and "
        "'success_criteria' are both read as the 'success_criteria' sheet; keep one")


def test_two_csv_files_read_as_one_sheet_are_refused(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([]))
    (folder / "Needs.csv").write_text("child_id,need_id,area\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_batch(folder)
    assert str(raised.value) == ("export/needs.csv: the files 'Needs.csv' and 'needs.csv' are "
                                 "both read as needs.csv; keep one")


def test_merged_cells_in_a_workbook_are_refused_with_their_range(tmp_path):
    sheets = minimal_sheets([["X1", "Ann Test", "2016-01-01", "2026-03-12"]])
    sheets["needs"] += [["X1", "N1", "SEMH"], [None, "N2", "MLD"], [None, "N3", "VI"]]
    workbook = write_workbook(tmp_path / "merged.xlsx", sheets)
    from openpyxl import load_workbook

    book = load_workbook(workbook)
    book["needs"].merge_cells("A2:A4")
    book.save(workbook)

    with pytest.raises(DataError) as raised:
        load_batch(workbook)
    assert str(raised.value) == (
        "merged.xlsx, sheet 'needs': cells A2:A4 are merged; a merged cell keeps its value "
        "only in its first cell, so unmerge them and fill in every row")


def test_a_cell_showing_a_spreadsheet_error_is_named_not_taken_as_text(tmp_path):
    sheets = minimal_sheets([["X1", "Ann Test", "2016-01-01", "2026-03-12"]])
    sheets["needs"] += [["X1", "N1", "#N/A"]]
    sheets["outcomes"] += [["X1", "O1", "#REF!"]]
    [child] = load_batch(write_workbook(tmp_path / "errors.xlsx", sheets))

    assert child.plan is None
    assert [f"{where}: {what}" for where, what in child.problems] == [
        "errors.xlsx, sheet 'needs', row 2, column 'area': the cell shows the spreadsheet "
        "error '#N/A', not a value; fix the formula or type the value in",
        "errors.xlsx, sheet 'outcomes', row 2, column 'text': the cell shows the spreadsheet "
        "error '#REF!', not a value; fix the formula or type the value in",
    ]


def test_a_time_of_day_in_a_date_cell_is_named_as_the_spreadsheet_shows_it(tmp_path):
    from datetime import time

    workbook = write_workbook(tmp_path / "times.xlsx", minimal_sheets([
        ["X1", "Ann Test", datetime(2016, 1, 1, 10, 30), "2026-03-12"],
        ["X2", "Bea Test", time(10, 30), "2026-03-12"],
    ]))
    assert problems_by_child(load_batch(workbook)) == {
        "X1": ["times.xlsx, sheet 'children', row 2, column 'date_of_birth': "
               "the value given carries a time of day; give a date"],
        "X2": ["times.xlsx, sheet 'children', row 3, column 'date_of_birth': the value given "
               "is a time of day, not a date"],
    }


def test_an_impossible_date_in_iso_form_is_refused_with_the_reason(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([
        ["X1", "Ann Test", "2017-13-01", "2026-03-12"],
    ]))
    [child] = load_batch(folder)
    assert child.problems == [(Location("export/children.csv", None, 2, "date_of_birth"),
                               "the value given is not a date: month must be in 1..12")]


def test_a_csv_file_that_is_not_utf8_names_its_line_and_how_to_save_it(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([
        ["X1", "Zoë Test", "2016-01-01", "2026-03-12"],
    ]), encoding="latin-1")
    with pytest.raises(DataError) as raised:
        load_batch(folder)
    assert str(raised.value) == (
        "export/children.csv: the file is not UTF-8 text (byte 0xeb on line 2 is not UTF-8); "
        "save it again as UTF-8 (in Excel: 'CSV UTF-8')")


def test_a_csv_file_separated_by_semicolons_is_refused_naming_the_separator(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([]), delimiter=";")
    with pytest.raises(DataError) as raised:
        load_batch(folder)
    assert raised.value.problems[0] == (
        Location("export/children.csv", None, 1),
        "the header row is one cell, 'child_id;name;date_of_birth;plan_date': the columns "
        "are separated by semicolons, but the loader reads commas; save the file as CSV with "
        "commas",
    )
    assert len(raised.value.problems) == 4  # one per file, not one per missing column


def test_an_empty_csv_file_is_refused_as_having_no_header_row(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([]))
    (folder / "needs.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_batch(folder)
    assert str(raised.value) == ("export/needs.csv, row 1: the first row is empty; it must "
                                 "name the columns, starting with child_id, need_id, area")


@pytest.mark.parametrize(
    ("date_of_birth", "message"),
    [
        ("2030-01-01", "the date of birth is not before the plan date '2026-03-12'"),
        ("2026-03-12", "the date of birth is not before the plan date '2026-03-12'"),
        ("1900-01-01", "the date of birth makes the young person older than 25 on the plan "
                       "date; a plan ends with the school year in which they turn 25"),
    ],
)
def test_a_date_of_birth_no_plan_could_have_is_refused(tmp_path, date_of_birth, message):
    """The message leaves the date out: reasons reach summary.csv, shared by the batch."""
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([
        ["X1", "Ann Test", date_of_birth, "2026-03-12"],
    ]))
    [child] = load_batch(folder)
    assert child.problems == [(Location("export/children.csv", None, 2, "date_of_birth"),
                               message)]


def test_a_young_person_of_25_on_the_plan_date_still_loads(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([
        ["X1", "Ann Test", "2001-01-01", "2026-03-12"],
    ]))
    [child] = load_batch(folder)
    assert child.problems == []


def test_merged_cells_are_found_when_their_tag_spans_two_reads_of_the_sheet():
    from ehcp_kit.loaders import _merged_cells, _Table

    xml = (b'<worksheet><sheetData><row r="1"/></sheetData><mergeCells count="2">'
           b'<mergeCell ref="A2:A4"/><mergeCell ref="B7:C7"/></mergeCells></worksheet>')

    class Trickle(io.BytesIO):
        def read(self, size=-1):  # a few bytes at a time, so tags are cut between reads
            return super().read(5)

    class Sheet:
        def _get_source(self):
            return Trickle(xml)

    table = _Table(Path("trickle.xlsx"), csv_folder=False)
    found = [message.split(" are merged")[0] for _, message in _merged_cells(table, "needs",
                                                                               Sheet())]
    assert found == ["cells A2:A4", "cells B7:C7"]


def test_a_csv_row_split_by_an_unquoted_comma_fails_its_child_naming_the_row(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([
        ["X1", "Ann Test", "2016-01-01", "2026-03-12"],
        ["X2", "Bea Test", "2016-01-01", "2026-03-12"],
    ]))
    (folder / "needs.csv").write_text("child_id,need_id,area,description\n"
                                      "X1,N1,SEMH,Finds noise hard, and crowds\n"
                                      "X2,N1,SEMH,Finds noise hard\n", encoding="utf-8")
    first, second = load_batch(folder)

    assert first.plan is None
    assert first.problems == [(Location("export/needs.csv", None, 2),
                               "the row has 5 values but the header row names 4 columns; a "
                               "comma inside a value must be inside double quotes")]
    assert second.plan is not None


def test_a_value_in_a_workbook_column_with_no_header_fails_its_child(tmp_path):
    sheets = minimal_sheets([["X1", "Ann Test", "2016-01-01", "2026-03-12"],
                             ["X2", "Bea Test", "2016-01-01", "2026-03-12"]])
    sheets["needs"] = [["child_id", "need_id", None, "area"], ["X1", "N1", "SEMH?", "SEMH"],
                       ["X2", "N1", None, "SEMH", None, "note"]]
    first, second = load_batch(write_workbook(tmp_path / "unheaded.xlsx", sheets))

    assert problems_by_child([first, second]) == {
        "X1": ["unheaded.xlsx, sheet 'needs', row 2: column C holds a value but has no "
               "header; name the column or clear it"],
        "X2": ["unheaded.xlsx, sheet 'needs', row 3: column F holds a value but has no "
               "header; name the column or clear it"],
    }


def test_the_status_and_section_codes_are_read_in_any_case(tmp_path):
    sheets = minimal_sheets([])
    sheets["children"] = [["child_id", "name", "date_of_birth", "plan_date", "status"],
                          ["X1", "Ann Test", "2016-01-01", "2026-03-12", "Final "]]
    sheets["needs"].append(["X1", "N1", "SEMH"])
    sheets["provision"] = [["child_id", "provision_id", "what", "section", "need_ids"],
                           ["X1", "P1", "Speech and language therapy", "g", "N1"]]
    [child] = load_batch(write_workbook(tmp_path / "cases.xlsx", sheets))

    assert (child.plan.status, child.plan.provision[0].section) == ("final", "G")


def test_text_holding_characters_yaml_reads_as_line_breaks_survives_a_round_trip(tmp_path):
    # U+0085 turns up where text from a Windows program was decoded as Latin-1 ("…").
    awkward = ["Waits\x85then answers", "line\u2028separator", "bell\x07ringing"]
    plan = Plan.model_validate({
        "child": {"id": "RT-2", "name": "Ann Test", "date_of_birth": "2012-02-28",
                  "aspirations": awkward},
        "plan_date": "2026-03-12",
    })
    copy = tmp_path / "awkward.yaml"
    copy.write_text(plan_to_yaml(plan), encoding="utf-8")
    assert load_plan(copy).child.aspirations == awkward


def test_a_csv_file_named_like_a_misspelt_sheet_is_refused_not_ignored(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([]))
    (folder / "step.csv").write_text("child_id,outcome_id,text\n", encoding="utf-8")
    (folder / "notes.csv").write_text("anything\n", encoding="utf-8")  # not like any sheet
    with pytest.raises(DataError) as raised:
        load_batch(folder)
    assert str(raised.value) == ("export/steps.csv: the file 'step.csv' is not one the loader "
                                 "reads: is it steps.csv, misspelt? Rename it, or move it out "
                                 "of the folder")


def test_a_sheet_named_like_a_misspelt_sheet_is_refused_not_ignored(tmp_path):
    sheets = minimal_sheets([["X1", "Ann Test", "2016-01-01", "2026-03-12"]])
    sheets["Success criterion"] = [["child_id", "outcome_id"]]
    sheets["Notes"] = [["Exported on Monday"]]
    with pytest.raises(DataError) as raised:
        load_batch(write_workbook(tmp_path / "typo.xlsx", sheets))
    assert str(raised.value) == (
        "typo.xlsx, sheet 'success_criteria': the sheet 'Success criterion' is not one the "
        "loader reads: is it the 'success_criteria' sheet, misspelt? Rename it, or delete it")


def test_plan_files_in_a_folder_of_csv_sheets_are_refused_not_ignored(tmp_path):
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([]))
    shutil.copyfile(EXAMPLES / "plans" / "good-primary.yaml", folder / "good-primary.yaml")
    with pytest.raises(DataError) as raised:
        load_batch(folder)
    assert str(raised.value) == (
        "export: the folder holds plan files (good-primary.yaml) as well as children.csv; the "
        "plan files would be ignored, so keep them in a folder of their own")


def test_a_fault_in_a_name_or_date_of_birth_is_explained_without_repeating_the_value(
    tmp_path,
):
    """Fault reasons go to the console and to summary.csv, which holds every child."""
    folder = write_csv_folder(tmp_path / "export", minimal_sheets([
        ["X1", "Ann Test", "31st Jully 2017", "2026-03-12"],
        ["X2", "Bea Test", "1890-05-05", "2026-03-12"],
    ]))

    children = load_batch(folder)

    reasons = [message for child in children for _, message in child.problems]
    assert reasons == [
        "the value given is not a date; write it as 2026-07-31 or 31/07/2026",
        "the date of birth makes the young person older than 25 on the plan date; a plan "
        "ends with the school year in which they turn 25",
    ]


# Reading one child at a time.


def count_validations(monkeypatch) -> list[int]:
    """A list that grows by one each time a child's data is validated."""
    validated: list[int] = []
    validate = loaders._validate

    def counted(data, where):
        validated.append(1)
        return validate(data, where)

    monkeypatch.setattr(loaders, "_validate", counted)
    return validated


def test_the_stream_gives_the_example_children_in_input_order_with_their_plans():
    with open(EXAMPLES / "authority_export" / "children.csv", encoding="utf-8-sig",
              newline="") as stream:
        child_ids = [row["child_id"] for row in csv.DictReader(stream)]
    from_csv = list(open_batch(EXAMPLES / "authority_export"))
    from_workbook = list(open_batch(EXAMPLES / "authority_export.xlsx"))
    files = sorted((EXAMPLES / "plans").glob("*.yaml"))
    from_plans = list(open_batch(EXAMPLES / "plans"))

    assert [child.child_id for child in from_csv] == child_ids
    assert [child.source for child in from_csv] == [
        f"authority_export/children.csv, row {number}"
        for number in range(2, len(child_ids) + 2)]
    assert [child.problems for child in from_csv + from_workbook] == [[]] * 88
    assert [child.plan for child in from_workbook] == [child.plan for child in from_csv]
    assert [(child.source, child.plan) for child in from_plans] == [
        (file.name, load_plan(file)) for file in files]


@pytest.mark.parametrize(("name", "count"), [
    ("authority_export.xlsx", 44), ("authority_export", 44), ("plans", 6),
])
def test_an_input_is_counted_on_opening_and_each_child_validated_only_when_reached(
    monkeypatch, name, count
):
    validated = count_validations(monkeypatch)
    stream = open_batch(EXAMPLES / name)
    assert (len(stream), len(validated)) == (count, 0)

    children = iter(stream)
    first, second = next(children), next(children)
    assert len(validated) == 2
    rest = list(children)
    assert len(validated) == count
    assert [first, second, *rest] == list(stream)  # read again, to equal children


def test_the_stream_keeps_no_child_it_has_given():
    given: list[weakref.ref] = []
    for child in open_batch(EXAMPLES / "authority_export"):
        gc.collect()
        assert sum(1 for earlier in given if earlier() is not None) == 0
        given += [weakref.ref(child), weakref.ref(child.plan)]
    assert len(given) == 2 * 44


def test_a_child_is_already_refused_for_an_id_only_a_later_row_differs_from_in_case(
    tmp_path, monkeypatch
):
    sheets = minimal_sheets([["NB-1", "Ann Test", "2016-01-01", "2026-03-12"],
                             ["NB-2", "Bea Test", "2016-02-01", "2026-03-12"],
                             ["nb-1", "Cai Test", "2016-03-01", "2026-03-12"],
                             ["NB-2", "Bea Again", "2016-02-01", "2026-03-12"]])
    validated = count_validations(monkeypatch)
    children = iter(open_batch(write_csv_folder(tmp_path / "export", sheets)))

    first, second = next(children), next(children)
    assert len(validated) == 2
    assert (first.plan, second.plan) == (None, None)
    assert [what for _, what in first.problems] == [
        "child id 'NB-1' differs from 'nb-1' on row 4 only in case; their folders would be "
        "one folder on Windows and macOS"]
    assert second.problems == [(Location("export/children.csv", None, 5, "child_id"),
                                "child id 'NB-2' is already used on row 3")]


def test_a_plan_file_is_already_refused_for_an_id_a_later_file_differs_from_in_case(
    tmp_path, monkeypatch
):
    source = (EXAMPLES / "plans" / "good-primary.yaml").read_text(encoding="utf-8")
    child_id = load_plan(EXAMPLES / "plans" / "good-primary.yaml").child.id
    (tmp_path / "a.yaml").write_text(source, encoding="utf-8")
    (tmp_path / "z.yaml").write_text(source.replace(child_id, child_id.lower()),
                                     encoding="utf-8")
    validated = count_validations(monkeypatch)

    first = next(iter(open_batch(tmp_path)))

    assert len(validated) == 1
    assert (first.source, first.plan) == ("a.yaml", None)
    assert first.problems == [(Location("a.yaml", field="child.id"),
                               f"child id {child_id!r} differs from {child_id.lower()!r} in "
                               "'z.yaml' only in case")]


def test_a_fault_in_a_yaml_file_of_a_folder_is_explained_as_load_plan_explains_it():
    """Opening a folder reads each file quickly (libyaml), which words faults differently."""
    path = DATA / "faulty_plans" / "bad-syntax.yaml"
    with pytest.raises(DataError) as raised:
        load_plan(path)
    [child] = [child for child in open_batch(path.parent) if child.source == path.name]
    assert child.problems == raised.value.problems
    assert "expected ',' or ']', but got '<stream end>'" in str(raised.value)


def test_a_plan_file_whose_child_id_changes_after_opening_is_refused(tmp_path):
    source = (EXAMPLES / "plans" / "good-primary.yaml").read_text(encoding="utf-8")
    child_id = load_plan(EXAMPLES / "plans" / "good-primary.yaml").child.id
    (tmp_path / "a.yaml").write_text(source, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(source.replace(child_id, "NB-2"), encoding="utf-8")
    stream = open_batch(tmp_path)

    (tmp_path / "b.yaml").write_text(source, encoding="utf-8")  # now the same id as a.yaml
    first, second = stream

    assert first.plan is not None
    assert (second.child_id, second.plan) == ("NB-2", None)
    assert second.problems == [(Location("b.yaml", field="child.id"),
                                f"the file changed while the batch was running: its child id "
                                f"was 'NB-2' and is now {child_id!r}; run the batch again")]


def test_a_csv_file_that_is_not_utf8_far_down_names_the_line_of_the_bad_byte(tmp_path):
    children = [[f"X{number}", "Ann Test", "2016-01-01", "2026-03-12"]
                for number in range(2000)]
    children[1500][1] = "Zoë Test"  # the file is read in pieces of a few thousand bytes
    folder = write_csv_folder(tmp_path / "export", minimal_sheets(children),
                              encoding="latin-1")
    with pytest.raises(DataError) as raised:
        open_batch(folder)
    assert str(raised.value) == (
        "export/children.csv: the file is not UTF-8 text (byte 0xeb on line 1502 is not "
        "UTF-8); save it again as UTF-8 (in Excel: 'CSV UTF-8')")


def peak_memory(action: Callable[[], object]) -> int:
    """Bytes allocated at the peak of ``action``, beyond those allocated before it."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        action()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def stream_through(path: Path) -> None:
    for _child in open_batch(path):
        pass


def growth_per_child(load: Callable[[Path], object], small: Path, large: Path,
                     added: int) -> float:
    """How many more bytes ``load`` needs at its peak for each child added to the input."""
    return (peak_memory(partial(load, large)) - peak_memory(partial(load, small))) / added


def test_streaming_an_export_needs_far_less_memory_per_child_than_loading_it_whole(tmp_path):
    small = write_export(44, tmp_path / "small")
    large = write_export(176, tmp_path / "large")
    stream_through(small)  # the imports and pydantic's first validations, not counted

    held = growth_per_child(load_batch, small, large, 176 - 44)
    streamed = growth_per_child(stream_through, small, large, 176 - 44)

    # The sheets are read whole, so streaming holds each child's rows, but no plan.
    assert streamed < held / 3, (streamed, held)


def test_streaming_a_plan_folder_needs_far_less_memory_per_child_than_loading_it_whole(
    tmp_path
):
    plans = [child.plan for child in load_batch(EXAMPLES / "authority_export")]
    for count in (44, 176):
        folder = tmp_path / str(count)
        folder.mkdir()
        for number in range(count):
            data = plans[number % len(plans)].model_dump(mode="json")
            data["child"]["id"] += f"-R{number:04d}"
            (folder / f"plan-{number:04d}.json").write_text(json.dumps(data), encoding="utf-8")
    stream_through(tmp_path / "44")

    held = growth_per_child(load_batch, tmp_path / "44", tmp_path / "176", 176 - 44)
    streamed = growth_per_child(stream_through, tmp_path / "44", tmp_path / "176", 176 - 44)

    # Only each file's name and child id are held between one child and the next.
    assert streamed < held / 10, (streamed, held)


def test_a_full_temporary_folder_is_reported_in_words_not_as_a_traceback(monkeypatch):
    """An export's rows wait in SQLite's temporary file; no room there stops the batch."""
    import sqlite3

    from ehcp_kit import EhcpKitError

    connect = sqlite3.connect

    def with_no_room(database: str, **options):
        connection = connect(database, **options)
        connection.execute("PRAGMA max_page_count = 4")  # what a full disk looks like
        return connection

    monkeypatch.setattr(loaders.sqlite3, "connect", with_no_room)

    with pytest.raises(EhcpKitError, match=r"authority_export.*TMPDIR.*full") as raised:
        open_batch(EXAMPLES / "authority_export")
    assert not isinstance(raised.value, DataError)
