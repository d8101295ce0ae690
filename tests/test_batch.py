"""End-to-end tests of `ehcp-kit batch`: real notebooks, real documents, bad children."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner
from docx import Document

from ehcp_kit.batch import default_notebook, run_batch
from ehcp_kit.cli import main


def plan_record(child_id: str, name: str, outcome_text: str) -> dict:
    """A small, sound plan for one invented child."""
    return {
        "child": {"id": child_id, "name": name, "date_of_birth": "2015-05-04"},
        "authority": "Northmoor Borough Council",
        "plan_date": "2026-10-01",
        "needs": [{"id": "N1", "area": "Cognition and learning", "description": "Reading"}],
        "outcomes": [
            {
                "id": "O1",
                "text": outcome_text,
                "need_ids": ["N1"],
                "timescale": "by the end of Key Stage 2",
                "steps": [{"text": f"{name} will blend three-letter words", "target": "July 2027"}],
                "success_criteria": [
                    {
                        "what_success_looks_like": "Reads a page of a class book aloud",
                        "how_measured": "Running record: 6 or fewer errors in 300 words",
                        "when_measured": "Each half term",
                        "who_measures": "Class teacher",
                    }
                ],
            }
        ],
        "provision": [
            {
                "id": "P1",
                "what": "Structured phonics programme",
                "who": "Teaching assistant trained in the programme",
                "how_often": "4 times a week",
                "how_long": "20 minutes",
                "group_size": "1:1",
                "need_ids": ["N1"],
                "outcome_ids": ["O1"],
                "resources": {"what": "Teaching assistant time", "source": "Top-up funding"},
            }
        ],
    }


def write_plans(folder: Path, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, record in enumerate(records):
        path = folder / f"plan-{number}.yaml"
        path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    return folder


def read_summary(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "summary.csv", encoding="utf-8", newline="") as stream:
        return {row["child_id"]: row for row in csv.DictReader(stream)}


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.mark.slow
def test_batch_writes_each_childs_own_documents_and_notebook(tmp_path):
    """Each child's folder holds that child's outcomes and none of the other child's."""
    source = write_plans(
        tmp_path / "in",
        [
            plan_record("C-ANNA", "Annaliese", "By July 2028, Annaliese will read 40 words."),
            plan_record("C-BORIS", "Borislav", "By July 2028, Borislav will count to 100."),
        ],
    )
    out = tmp_path / "out"

    result = run_batch(source, out, jobs=2)

    assert [child.status for child in result.children] == ["succeeded", "succeeded"]
    for child_id, mine, theirs in (
        ("C-ANNA", "Annaliese will read 40 words", "Borislav"),
        ("C-BORIS", "Borislav will count to 100", "Annaliese"),
    ):
        folder = out / child_id
        assert sorted(p.name for p in folder.iterdir()) == ["plan.docx", "plan.html", "plan.ipynb"]

        page = BeautifulSoup((folder / "plan.html").read_text(encoding="utf-8"), "html.parser")
        assert mine in page.get_text()
        assert theirs not in page.get_text()

        word = docx_text(folder / "plan.docx")
        assert mine in word
        assert theirs not in word

        notebook = nbformat.read(folder / "plan.ipynb", as_version=4)
        code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert all(cell.execution_count for cell in code_cells)
        assert theirs not in json.dumps(notebook)

    summary = read_summary(out)
    assert summary["C-ANNA"]["status"] == "succeeded"
    assert summary["C-BORIS"]["reason"] == ""


@pytest.mark.slow
def test_a_failing_notebook_marks_only_that_child_failed(tmp_path):
    notebook = nbformat.read(default_notebook(), as_version=4)
    boom = nbformat.v4.new_code_cell(
        "if 'EXPLODE' in plan_json:\n    raise RuntimeError('kernel-side failure')"
    )
    position = next(
        i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])
    )
    notebook.cells.insert(position + 1, boom)
    failing_notebook = tmp_path / "failing.ipynb"
    nbformat.write(notebook, failing_notebook)
    source = write_plans(
        tmp_path / "in",
        [
            plan_record("C-OK1", "Amelie", "By July 2028, Amelie will swim 25 metres."),
            plan_record("C-BAD", "Bartek", "By July 2028, Bartek will EXPLODE."),
            plan_record("C-OK2", "Cerys", "By July 2028, Cerys will write her name."),
        ],
    )
    out = tmp_path / "out"

    result = run_batch(source, out, jobs=2, notebook=failing_notebook)

    statuses = {child.child_id: child.status for child in result.children}
    assert statuses == {"C-OK1": "succeeded", "C-BAD": "failed", "C-OK2": "succeeded"}
    summary = read_summary(out)
    assert summary["C-BAD"]["reason"] == "RuntimeError: kernel-side failure"
    assert (out / "C-OK2" / "plan.docx").exists()
    assert not (out / "C-BAD" / "plan.docx").exists()
    assert not list(out.rglob(".plan-*")), "no partial notebooks are left behind"


def test_bad_data_is_reported_and_the_rest_of_the_batch_runs(tmp_path):
    bad_area = plan_record("C-AREA", "Dana", "By July 2028, Dana will skip.")
    bad_area["needs"][0]["area"] = "Astrology"
    escaping = plan_record("../../escape", "Eve", "By July 2028, Eve will hop.")
    good = plan_record("C-GOOD", "Farah", "By July 2028, Farah will jump.")
    source = write_plans(tmp_path / "in", [bad_area, escaping, good])
    out = tmp_path / "out"

    result = run_batch(source, out, use_notebook=False)

    summary = read_summary(out)
    assert summary["C-GOOD"]["status"] == "succeeded"
    assert (out / "C-GOOD" / "plan.html").exists()
    failed = {child.child_id for child in result.failed}
    assert len(failed) == 2
    area_row = next(row for row in summary.values() if "Astrology" in row["reason"])
    assert area_row["status"] == "failed"
    assert "plan-0.yaml" in area_row["reason"]
    assert "unknown area of need 'Astrology'" in area_row["reason"]
    assert not (tmp_path / "escape").exists()
    assert sorted(p.name for p in out.iterdir()) == [
        "C-GOOD", "dashboard.html", "findings.csv", "manifest.sqlite", "outcomes.csv",
        "provision_hours.csv", "summary.csv",
    ]


def test_batch_cli_exits_non_zero_when_a_child_fails_and_logs_no_names(tmp_path, caplog):
    bad = plan_record("C-BAD", "Gwendolyn", "By July 2028, Gwendolyn will skip.")
    bad["outcomes"][0]["need_ids"] = ["N9"]
    good = plan_record("C-GOOD", "Hortensia", "By July 2028, Hortensia will jump.")
    source = write_plans(tmp_path / "in", [bad, good])
    out = tmp_path / "out"

    with caplog.at_level(logging.DEBUG, logger="ehcp_kit"):
        outcome = CliRunner().invoke(main, ["batch", str(source), "--out", str(out),
                                            "--no-notebook", "--formats", "html"])

    assert outcome.exit_code == 1, outcome.output
    assert "1 of 2 children failed" in outcome.output
    assert (out / "C-GOOD" / "plan.html").exists()
    assert not (out / "C-GOOD" / "plan.docx").exists()
    assert "Traceback" not in outcome.output
    for name in ("Gwendolyn", "Hortensia", "2015-05-04"):
        assert name not in caplog.text


def test_batch_cli_refuses_an_unknown_format(tmp_path):
    source = write_plans(tmp_path / "in", [plan_record("C1", "Ida", "By July 2028, Ida will run.")])

    outcome = CliRunner().invoke(main, ["batch", str(source), "--out", str(tmp_path / "o"),
                                        "--formats", "docx,odt"])

    assert outcome.exit_code == 2
    assert "'odt'" in outcome.output


def test_batch_reports_hours_a_year_per_child_and_area_with_the_settings_beside_the_data(
    tmp_path,
):
    """4 x 20 minutes a week over the 30 school weeks the settings give is 40 hours."""
    source = write_plans(tmp_path / "in", [plan_record("C-HOURS", "Idris", "Idris will read.")])
    (source / "ehcp-kit.toml").write_text(
        'school-weeks = 30\nignore = ["no-timescale"]\n', encoding="utf-8"
    )
    out = tmp_path / "out"

    result = run_batch(source, out, use_notebook=False)

    assert result.children[0].status == "succeeded"
    summary = read_summary(out)["C-HOURS"]
    assert summary["provision_hours"] == "40"
    assert summary["unquantified_provision"] == "0"
    with open(out / "provision_hours.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows == [
        {"child_id": "C-HOURS", "area_of_need": "Cognition and learning", "hours_per_year": "40"}
    ]
    findings = (out / "findings.csv").read_text(encoding="utf-8")
    assert "unmeasurable" in findings
    assert "no-timescale" not in findings


@pytest.mark.slow
def test_notebook_shows_the_findings_and_uses_the_authority_word_template(tmp_path):
    """The audit record lists the checks' findings; --template reaches the kernel."""
    source = write_plans(tmp_path / "in", [plan_record("C-NB", "Ffion", "Ffion will read.")])
    (source / "ehcp-kit.toml").write_text("school-weeks = 30\n", encoding="utf-8")
    template = Document()
    template.add_paragraph("Custom layout for {{ authority }}")
    template.save(str(tmp_path / "authority.docx"))
    out = tmp_path / "out"

    result = run_batch(source, out, template=tmp_path / "authority.docx", formats=["docx"])

    assert result.children[0].status == "succeeded", result.children[0].reason
    assert docx_text(out / "C-NB" / "plan.docx").strip() == (
        "Custom layout for Northmoor Borough Council"
    )
    notebook = nbformat.read(out / "C-NB" / "plan.ipynb", as_version=4)
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "outcomes[O1].text  E102 [warning] unmeasurable" in printed
    assert "E311 [error] timescale-past" in printed
    assert "provision: 40 hours a year (Cognition and learning: 40)" in printed


def test_a_child_whose_data_now_fails_keeps_no_documents_from_an_earlier_run(tmp_path):
    """Old documents left beside a failed row could be sent out as if they were current."""
    good = plan_record("C-OLD", "Idris", "By July 2028, Idris will read 40 words.")
    out = tmp_path / "out"
    run_batch(write_plans(tmp_path / "in", [good]), out, use_notebook=False)
    assert (out / "C-OLD" / "plan.docx").exists()

    good["child"]["date_of_birth"] = "not a date"
    result = run_batch(write_plans(tmp_path / "in", [good]), out, use_notebook=False)

    assert result.children[0].status == "failed"
    assert list((out / "C-OLD").iterdir()) == []


def test_a_batch_in_which_every_child_fails_still_writes_its_dashboard(tmp_path):
    bad = plan_record("C-BAD", "Idris", "By July 2028, Idris will read 40 words.")
    bad["child"]["date_of_birth"] = "not a date"
    out = tmp_path / "out"

    run_batch(write_plans(tmp_path / "in", [bad]), out, use_notebook=False)

    page = BeautifulSoup((out / "dashboard.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("h1") is not None
    assert "failed" in page.get_text()


def test_a_batch_counts_its_children_first_and_reads_each_only_when_handing_it_out(
    tmp_path, monkeypatch
):
    """A batch holds the plans of the children being handed out, never the whole input."""
    from ehcp_kit import batch, loaders

    records = [plan_record(f"C{number}", "Ida", "By July 2028, Ida will run.")
               for number in range(8)]
    source = write_plans(tmp_path / "in", records)
    validated: list[str] = []
    seen: dict[str, object] = {}
    validate, run_children = loaders._validate, batch.run_children

    def counted(data, where):
        validated.append(data["child"]["id"])
        return validate(data, where)

    def first_piece_noted(tasks):
        seen.setdefault("validated as the first piece runs", len(validated))
        return run_children(tasks)

    def progress(ticks):
        seen["children, validated before any runs"] = (len(ticks), len(validated))
        return ticks

    monkeypatch.setattr(loaders, "_validate", counted)
    monkeypatch.setattr(batch, "run_children", first_piece_noted)

    result = run_batch(source, tmp_path / "out", use_notebook=False, formats=["html"],
                       progress=progress)

    assert len(result.succeeded) == 8
    # Eight children in one process go out four at a time.
    assert seen == {"children, validated before any runs": (8, 0),
                    "validated as the first piece runs": 4}
    assert validated == [f"C{number}" for number in range(8)]


def test_a_template_that_is_not_a_word_document_stops_the_batch_before_any_child(tmp_path):
    source = write_plans(tmp_path / "in", [
        plan_record("C-1", "Jo", "By July 2028, Jo will run."),
        plan_record("C-2", "Kit", "By July 2028, Kit will swim."),
    ])
    template = tmp_path / "authority.docx"
    template.write_text("Outcomes for {{ child.id }}\n", encoding="utf-8")
    out = tmp_path / "out"

    outcome = CliRunner().invoke(main, ["batch", str(source), "--out", str(out),
                                        "--no-notebook", "--formats", "docx",
                                        "--template", str(template)])

    assert outcome.exit_code == 1, outcome.output
    assert "Word template 'authority.docx' is not a Word document" in outcome.output
    assert "Traceback" not in outcome.output
    assert not out.exists(), "no output folder is made for a batch that cannot run"


def test_a_misspelt_variable_in_a_template_stops_the_batch_once_naming_it(tmp_path):
    template = Document()
    template.add_paragraph("{{ refrence }} for {{ child.id }}")
    template.save(str(tmp_path / "authority.docx"))
    source = write_plans(tmp_path / "in", [plan_record("C-1", "Jo", "By July 2028, Jo will run.")])

    outcome = CliRunner().invoke(main, ["batch", str(source), "--out", str(tmp_path / "out"),
                                        "--no-notebook", "--formats", "docx",
                                        "--template", str(tmp_path / "authority.docx")])

    assert outcome.exit_code == 1, outcome.output
    assert "Word template 'authority.docx' names 'refrence', which no plan has" in outcome.output
    assert "Traceback" not in outcome.output
    assert not (tmp_path / "out").exists()


def test_a_template_that_fails_for_one_child_fails_only_that_child_and_names_the_file(
        tmp_path):
    template = Document()
    template.add_paragraph("Plan {{ child.id }}")
    template.add_paragraph("{%p if child.id == 'C-2' %}")
    template.add_paragraph("{{ child.nickname }}")
    template.add_paragraph("{%p endif %}")
    template.save(str(tmp_path / "authority.docx"))
    source = write_plans(tmp_path / "in", [
        plan_record("C-1", "Jo", "By July 2028, Jo will run."),
        plan_record("C-2", "Kit", "By July 2028, Kit will swim."),
        plan_record("C-3", "Lou", "By July 2028, Lou will climb."),
    ])
    out = tmp_path / "out"

    run_batch(source, out, use_notebook=False, formats=["docx"],
              template=tmp_path / "authority.docx")

    summary = read_summary(out)
    assert [summary[child]["status"] for child in ("C-1", "C-2", "C-3")] == [
        "succeeded", "failed", "succeeded"]
    assert "Word template 'authority.docx'" in summary["C-2"]["reason"]
    assert "nickname" in summary["C-2"]["reason"]
    assert Document(str(out / "C-3" / "plan.docx")).paragraphs[0].text == "Plan C-3"
