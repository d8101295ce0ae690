"""The batch dashboard: self-contained, accessible, and showing the batch's own numbers."""

from __future__ import annotations

import csv
import json
import logging
import shutil
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from test_batch import plan_record, write_plans

from ehcp_kit.batch import run_batch
from ehcp_kit.cli import main
from ehcp_kit.dashboard import dashboard_charts, load_batch_summary

REPOSITORY = Path(__file__).resolve().parent.parent
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
PLANS = sorted((REPOSITORY / "examples" / "plans").glob("*.yaml"))


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory) -> Path:
    """A batch of the bundled hand-written plans and one child with bad data."""
    source = tmp_path_factory.mktemp("in")
    for plan in PLANS:
        shutil.copy(plan, source / plan.name)
    bad = plan_record("C-BADAREA", "Quentin", "Quentin will read.")
    bad["needs"][0]["area"] = "Astrology"
    write_plans(source / "bad", [bad])
    shutil.move(source / "bad" / "plan-0.yaml", source / "zz-bad.yaml")
    shutil.rmtree(source / "bad")
    out = tmp_path_factory.mktemp("out")
    run_batch(source, out, use_notebook=False, formats=["html"])
    return out


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def table_numbers(section) -> dict[str, list[str]]:
    """The first table of a section: each row's heading and its numbers."""
    table = section.find("table")
    return {row.th.get_text(): [cell.get_text() for cell in row.find_all("td")]
            for row in table.tbody.find_all("tr")}


def test_the_dashboard_is_one_self_contained_page(batch_folder):
    html = (batch_folder / "dashboard.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")

    assert page.html["lang"] == "en-GB"
    assert page.find("script") is None
    assert page.find("link") is None and page.find("img") is None
    assert "http://" not in html.replace("http://www.w3.org/", "") and "https://" not in html
    assert "@font-face" not in html and "url(" not in html.replace("url(#", "")
    assert len(page.find_all("svg")) == 6
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), "every id in the page is unique"


def test_headings_come_in_order_and_every_chart_has_words_and_a_table(batch_folder):
    page = BeautifulSoup((batch_folder / "dashboard.html").read_text("utf-8"), "html.parser")

    headings = [(tag.name, tag.get_text()) for tag in page.find_all(["h1", "h2", "h3"])]
    assert headings == [
        ("h1", "Batch dashboard"),
        ("h2", "Plans by status"),
        ("h2", "Findings by rule"),
        ("h2", "Findings by area of need"),
        ("h2", "Outcomes per plan"),
        ("h2", "Timescales by key stage"),
        ("h2", "Provision hours per child"),
    ]
    for section in page.find_all("section"):
        svg = section.find("svg")
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert section.find(id=title_id).get_text() == section.h2.get_text()
        assert len(section.find(id=desc_id).get_text()) > 20
        assert section.find("figcaption").get_text() == section.find(id=desc_id).get_text()
        assert section.find("table").find("caption")


def test_the_dashboard_numbers_are_the_batch_numbers(batch_folder):
    page = BeautifulSoup((batch_folder / "dashboard.html").read_text("utf-8"), "html.parser")
    sections = {section.h2.get_text(): section for section in page.find_all("section")}
    summary = rows(batch_folder / "summary.csv")
    findings = rows(batch_folder / "findings.csv")

    statuses = table_numbers(sections["Plans by status"])
    assert statuses == {"Succeeded": [str(len(PLANS))], "Failed": ["1"], "Incomplete": ["0"]}
    by_rule = table_numbers(sections["Findings by rule"])
    expected = Counter(f"{row['code']} {row['slug']}" for row in findings)
    assert {rule: int(count[0]) for rule, count in by_rule.items()} == dict(expected)
    per_plan = table_numbers(sections["Outcomes per plan"])
    loaded = [int(row["outcomes"]) for row in summary if row["folder"]]
    assert {int(k): int(v[0]) for k, v in per_plan.items()} == dict(Counter(loaded))
    timescales = table_numbers(sections["Timescales by key stage"])
    outcomes = rows(batch_folder / "outcomes.csv")
    assert sum(int(n) for numbers in timescales.values() for n in numbers) == len(outcomes)
    hours = table_numbers(sections["Provision hours per child"])
    assert sum(int(n[0]) for n in hours.values()) == sum(1 for row in summary
                                                          if row["provision_hours"])


def test_every_child_with_hours_has_a_row_of_hours_by_area_under_the_chart(batch_folder):
    page = BeautifulSoup((batch_folder / "dashboard.html").read_text("utf-8"), "html.parser")
    table = page.find("caption", string="Hours of provision a year for each child").parent
    shown = {row.th.get_text(): [cell.get_text() for cell in row.find_all("td")]
             for row in table.tbody.find_all("tr")}
    by_area: dict[str, list[str]] = {}
    for row in rows(batch_folder / "provision_hours.csv"):
        by_area.setdefault(row["child_id"], []).append(
            f"{row['area_of_need']}: {row['hours_per_year']}")

    expected = {
        row["child_id"]: [row["provision_hours"], "; ".join(by_area.get(row["child_id"], []))]
        for row in rows(batch_folder / "summary.csv") if row["provision_hours"]
    }
    assert shown == expected
    assert len(shown) >= 3


def write_summary_files(folder: Path, children: int) -> Path:
    """A batch folder's four summary files for ``children`` invented children."""
    folder.mkdir()
    columns = {
        "summary.csv": ["child_id", "status", "folder", "outcomes", "provision_hours"],
        "findings.csv": ["child_id", "code", "slug", "areas_of_need"],
        "outcomes.csv": ["child_id", "key_stage", "months_to_target"],
        "provision_hours.csv": ["child_id", "area_of_need", "hours_per_year"],
    }
    streams = {name: open(folder / name, "w", encoding="utf-8", newline="")
               for name in columns}
    writers = {name: csv.DictWriter(streams[name], fieldnames=fields)
               for name, fields in columns.items()}
    for writer in writers.values():
        writer.writeheader()
    for number in range(children):
        child = f"C-{number:05d}"
        writers["summary.csv"].writerow({"child_id": child, "status": "succeeded",
                                         "folder": child, "outcomes": 3,
                                         "provision_hours": 38 * (number % 9)})
        for code in ("E101", "E102", "E205"):
            writers["findings.csv"].writerow({"child_id": child, "code": code, "slug": "x",
                                              "areas_of_need": "Cognition and learning"})
        for months in (6, 18, 30):
            writers["outcomes.csv"].writerow({"child_id": child, "key_stage": "2",
                                              "months_to_target": months})
        writers["provision_hours.csv"].writerow({"child_id": child,
                                                 "area_of_need": "Cognition and learning",
                                                 "hours_per_year": 38 * (number % 9)})
    for stream in streams.values():
        stream.close()
    return folder


def test_the_dashboard_needs_next_to_no_memory_for_each_further_child(tmp_path):
    """Writing the dashboard keeps counts, not rows: the peak hardly grows with the batch."""
    import tracemalloc

    from ehcp_kit.dashboard import write_dashboard

    write_dashboard(write_summary_files(tmp_path / "warm", 10))  # matplotlib's first use
    peaks = {}
    for children in (300, 1500):
        folder = write_summary_files(tmp_path / f"batch-{children}", children)
        tracemalloc.start()
        write_dashboard(folder)
        peaks[children] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    per_child = (peaks[1500] - peaks[300]) / 1200
    assert per_child < 1000, f"{per_child:.0f} bytes a child"


def test_the_charts_come_from_the_library_for_the_notebook_too(batch_folder):
    charts = dashboard_charts(load_batch_summary(batch_folder))

    assert [chart.slug for chart in charts] == [
        "status", "rules", "areas", "outcomes", "timescales", "hours"]
    assert all(chart.figure.axes for chart in charts)
    assert charts[0].rows == [["Succeeded", len(PLANS)], ["Failed", 1], ["Incomplete", 0]]


@pytest.mark.slow
def test_axe_finds_no_accessibility_violations_in_the_dashboard(batch_folder, page):
    page.goto((batch_folder / "dashboard.html").as_uri())
    page.add_script_tag(path=str(AXE))

    result = page.evaluate("async () => await axe.run(document)")

    violations = [(item["id"], item["help"]) for item in result["violations"]]
    assert violations == [], json.dumps(violations, indent=2)


def test_batch_logs_carry_child_ids_never_names_or_dates_of_birth(tmp_path, caplog):
    bad = plan_record("C-LOGBAD", "Philippa", "By July 2028, Philippa will skip.")
    bad["needs"][0]["area"] = "Astrology"
    good = [plan_record(f"C-LOG{number}", name, f"By July 2028, {name} will jump.")
            for number, name in enumerate(["Leopold", "Marguerite", "Theodora"])]
    source = write_plans(tmp_path / "in", [bad, *good])
    out = tmp_path / "out"

    with caplog.at_level(logging.DEBUG, logger="ehcp_kit"):
        first = CliRunner().invoke(main, ["batch", str(source), "--out", str(out), "--jobs",
                                          "2", "--no-notebook", "--formats", "html",
                                          "--verbose"])
        again = CliRunner().invoke(main, ["batch", str(source), "--out", str(out),
                                          "--executor", "local", "--no-notebook",
                                          "--formats", "html"])

    assert first.exit_code == 1 and again.exit_code == 1
    assert "3 of 4 children were current" in again.output
    assert "C-LOGBAD" in caplog.text
    for secret in ("Philippa", "Leopold", "Marguerite", "Theodora", "2015-05-04", "04/05/2015"):
        assert secret not in caplog.text
        assert secret not in first.output + again.output
        assert secret not in (out / "dashboard.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_dashboard_notebook_draws_a_given_batch_folder(batch_folder, tmp_path):
    import nbformat
    import papermill

    from ehcp_kit.batch import default_notebook

    notebook = default_notebook().with_name("batch_dashboard.ipynb")

    papermill.execute_notebook(str(notebook), str(tmp_path / "dashboard.ipynb"),
                               parameters={"batch_folder": str(batch_folder)},
                               kernel_name="python3", progress_bar=False)

    executed = nbformat.read(tmp_path / "dashboard.ipynb", as_version=4)
    printed = "".join(output.get("text", "") for cell in executed.cells
                      if cell.cell_type == "code" for output in cell.outputs)
    assert f"{len(PLANS) + 1} plans: {len(PLANS)} succeeded, 1 failed, 0 incomplete" in printed
    shown = json.dumps([cell.outputs for cell in executed.cells if cell.cell_type == "code"])
    assert shown.count("<svg") == 6
    assert "Findings by area of need: the numbers" in shown


@pytest.mark.parametrize("edit", ["sorted by area", "a child's summary row removed"])
def test_hours_by_area_stay_with_their_child_in_summary_files_edited_by_hand(
        batch_folder, tmp_path, edit):
    """Hand-edited files need not keep the batch's order; no child shows another's hours."""
    from ehcp_kit.dashboard import write_dashboard

    folder = tmp_path / "edited"
    folder.mkdir()
    for name in ("summary.csv", "findings.csv", "outcomes.csv", "provision_hours.csv"):
        shutil.copy(batch_folder / name, folder / name)
    summary, hours = rows(folder / "summary.csv"), rows(folder / "provision_hours.csv")
    if edit == "sorted by area":
        hours.sort(key=lambda row: (row["area_of_need"], row["child_id"]))
    else:
        first_with_hours = next(row for row in summary if row["provision_hours"])
        summary.remove(first_with_hours)
    for name, edited in (("summary.csv", summary), ("provision_hours.csv", hours)):
        with open(folder / name, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(edited[0]))
            writer.writeheader()
            writer.writerows(edited)

    page = BeautifulSoup(write_dashboard(folder).read_text("utf-8"), "html.parser")
    table = page.find("caption", string="Hours of provision a year for each child").parent
    shown = {row.th.get_text(): sorted(row.find_all("td")[1].get_text().split("; "))
             for row in table.tbody.find_all("tr")}
    by_area: dict[str, list[str]] = {}
    for row in hours:
        by_area.setdefault(row["child_id"], []).append(
            f"{row['area_of_need']}: {row['hours_per_year']}")
    expected = {row["child_id"]: sorted(by_area.get(row["child_id"], [""]))
                for row in summary if row["provision_hours"]}
    assert shown == expected
