"""Resuming a batch: the manifest, a batch killed midway, and what a rerun redoes."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from test_batch import plan_record, read_summary, write_plans
from test_batch_faults import notebook_with

from ehcp_kit.batch import run_batch
from ehcp_kit.manifest import Manifest


def records(count: int) -> list[dict]:
    return [plan_record(f"C-{number:02d}", f"Kit{number}", "They will read.")
            for number in range(count)]


def manifest_rows(out: Path) -> dict[str, str]:
    """Each recorded child's status, read straight from the manifest file."""
    path = out / "manifest.sqlite"
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return dict(db.execute("SELECT child_id, status FROM children"))
    except sqlite3.OperationalError:
        return {}


def temporary_files(out: Path) -> list[str]:
    return sorted(str(path.relative_to(out)) for path in out.rglob(".*") if path.is_file())


def test_a_rerun_skips_current_children_and_redoes_changed_ones(tmp_path):
    source = write_plans(tmp_path / "in", records(3))
    out = tmp_path / "out"
    first = run_batch(source, out, use_notebook=False, formats=["html"])
    assert first.skipped == []
    page = out / "C-01" / "plan.html"
    before = page.stat().st_mtime_ns

    again = run_batch(source, out, use_notebook=False, formats=["html"])

    assert [child.child_id for child in again.skipped] == ["C-00", "C-01", "C-02"]
    assert page.stat().st_mtime_ns == before, "a current child's files are left alone"
    assert read_summary(out)["C-01"]["status"] == "succeeded"

    # A changed record, a damaged output and --force each make children again.
    changed = records(3)
    changed[2]["outcomes"][0]["text"] = "They will write."
    write_plans(source, changed)
    (out / "C-00" / "plan.html").write_text("damaged", encoding="utf-8")
    third = run_batch(source, out, use_notebook=False, formats=["html"])
    assert [child.child_id for child in third.skipped] == ["C-01"]
    assert "They will write" in (out / "C-02" / "plan.html").read_text(encoding="utf-8")
    assert "damaged" not in (out / "C-00" / "plan.html").read_text(encoding="utf-8")

    forced = run_batch(source, out, use_notebook=False, formats=["html"], force=True)
    assert forced.skipped == []


def test_a_new_format_or_setting_makes_every_child_again(tmp_path):
    source = write_plans(tmp_path / "in", records(2))
    out = tmp_path / "out"
    run_batch(source, out, use_notebook=False, formats=["html"])

    with_word = run_batch(source, out, use_notebook=False, formats=["html", "docx"])
    (source / "ehcp-kit.toml").write_text("school-weeks = 30\n", encoding="utf-8")
    with_settings = run_batch(source, out, use_notebook=False, formats=["html", "docx"])

    assert with_word.skipped == [] and with_settings.skipped == []
    assert (out / "C-00" / "plan.docx").exists()
    with Manifest(out) as manifest:
        assert len(manifest) == 2
        assert set(manifest.get("C-00").outputs) == {"plan.html", "plan.docx"}


@pytest.mark.slow
def test_a_batch_killed_midway_then_rerun_does_every_child_exactly_once(tmp_path):
    """SIGKILL the batch command mid-run; the rerun finishes it, losing and doubling none."""
    notebook = notebook_with(
        tmp_path, "slow.ipynb",
        "import time\ntime.sleep(0.7)",
        "from ehcp_kit import Plan\nfrom ehcp_kit.render import write_documents\n"
        "write_documents(Plan.model_validate_json(plan_json), output_dir, ['html'])",
    )
    source = write_plans(tmp_path / "in", records(8))
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from ehcp_kit.cli import main; main()", "batch",
               str(source), "--out", str(out), "--jobs", "2", "--formats", "html",
               "--notebook", str(notebook)]

    batch = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(manifest_rows(out)) < 2 and time.monotonic() < deadline:
        assert batch.poll() is None, "the batch ended before it could be killed"
        time.sleep(0.05)
    tree = psutil.Process(batch.pid).children(recursive=True)
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    done_before = set(manifest_rows(out))
    assert 2 <= len(done_before) < 8, done_before

    # Every worker, zygote and kernel of the killed batch goes with it.
    psutil.wait_procs(tree, timeout=15)
    assert [process.pid for process in tree if process.is_running()
            and process.status() != psutil.STATUS_ZOMBIE] == []

    result = run_batch(source, out, jobs=2, formats=["html"], notebook=notebook)

    assert {child.child_id for child in result.skipped} == done_before
    assert [child.status for child in result.children] == ["succeeded"] * 8
    with open(out / "summary.csv", encoding="utf-8", newline="") as stream:
        ids = [row["child_id"] for row in csv.DictReader(stream)]
    assert ids == [f"C-{number:02d}" for number in range(8)], "each child once, in order"
    assert manifest_rows(out) == {child_id: "succeeded" for child_id in ids}
    for child_id in ids:
        executed = nbformat.read(out / child_id / "plan.ipynb", as_version=4)
        assert all(cell.execution_count for cell in executed.cells if cell.cell_type == "code")
        assert f"Kit{int(child_id[2:])}" in (out / child_id / "plan.html").read_text("utf-8")
    assert temporary_files(out) == []


def test_the_batch_command_refuses_a_scheduler_without_the_dask_executor(tmp_path):
    from click.testing import CliRunner

    from ehcp_kit.cli import main

    source = write_plans(tmp_path / "in", records(1))

    outcome = CliRunner().invoke(main, ["batch", str(source), "--out", str(tmp_path / "out"),
                                        "--scheduler", "tcp://127.0.0.1:8786"])

    assert outcome.exit_code == 2
    assert "a scheduler needs --executor dask" in outcome.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_executor_is_refused_by_name():
    from ehcp_kit.executors import ExecutorError, make_executor

    with pytest.raises(ExecutorError, match="unknown executor 'slurm'"):
        make_executor("slurm")
