"""Faults in a batch: kernels that fail to start, stuck or stopped notebooks, leftovers.

Each test runs real notebooks in real kernels (marked slow), with small notebooks of its
own that misbehave on purpose, and checks what the batch records and what it leaves.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from test_batch import plan_record, read_summary, write_plans

from ehcp_kit.batch import run_batch

pytestmark = pytest.mark.slow


def notebook_with(tmp_path: Path, name: str, *sources: str) -> Path:
    """A notebook with papermill's parameters cell, then one code cell per source."""
    parameters = nbformat.v4.new_code_cell(
        'plan_json = ""\noutput_dir = "."\nformats = "html"\nconfig_path = ""\ntemplate = ""'
    )
    parameters.metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}
    notebook.cells = [parameters, *(nbformat.v4.new_code_cell(source) for source in sources)]
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def child_processes() -> list[psutil.Process]:
    """Every process this test process started that is still running.

    Python's own multiprocessing resource tracker is left out: it is started once for
    the life of the process that spawns workers, holds no child's data and runs no code.
    """
    alive = []
    for process in psutil.Process().children(recursive=True):
        try:
            tracker = "multiprocessing.resource_tracker" in " ".join(process.cmdline())
            if process.status() != psutil.STATUS_ZOMBIE and not tracker:
                alive.append(process)
        except psutil.NoSuchProcess:
            continue
    return alive


def wait_for_no_child_processes(seconds: float = 10) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while (alive := child_processes()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def test_child_b_sees_nothing_child_a_left_in_its_kernel(tmp_path):
    """Two children on one worker: B's kernel is a new process with none of A's state."""
    notebook = notebook_with(
        tmp_path, "isolation.ipynb",
        "import json, os, sys\n"
        "import ehcp_kit\n"
        "me = json.loads(plan_json)['child']['id']\n"
        "leaked = [name for name in ('seen_child',) if name in globals()]\n"
        "leaked += ['module attribute'] if hasattr(ehcp_kit, 'seen_by') else []\n"
        "leaked += ['environment'] if 'EHCP_SEEN_CHILD' in os.environ else []\n"
        "leaked += ['module'] if 'leaky_module_of_a' in sys.modules else []\n"
        "print('kernel', os.getpid(), 'leaked', leaked)\n"
        "assert not leaked, leaked",
        "seen_child = me\n"
        "ehcp_kit.seen_by = me\n"
        "os.environ['EHCP_SEEN_CHILD'] = me\n"
        "sys.modules['leaky_module_of_a'] = sys",
    )
    source = write_plans(tmp_path / "in", [
        plan_record("C-A", "Aurelia", "Aurelia will read."),
        plan_record("C-B", "Bertrand", "Bertrand will read."),
    ])
    out = tmp_path / "out"

    result = run_batch(source, out, jobs=1, notebook=notebook, formats=["html"])

    assert [child.status for child in result.children] == ["succeeded", "succeeded"], [
        child.reason for child in result.children
    ]
    printed = {}
    for child_id in ("C-A", "C-B"):
        executed = nbformat.read(out / child_id / "plan.ipynb", as_version=4)
        text = "".join(output.get("text", "") for output in executed.cells[2].outputs)
        assert "leaked []" in text
        printed[child_id] = text.split()[1]
    assert printed["C-A"] != printed["C-B"], "each child has a kernel process of its own"


@pytest.mark.parametrize(("formats", "ready"), [(["docx"], "1 True"), (["html"], "0 False")])
def test_each_kernel_starts_with_the_renderers_of_the_batchs_formats_ready(
        tmp_path, formats, ready):
    """The zygote prepares the Word template (and WeasyPrint) only for formats asked for."""
    notebook = notebook_with(
        tmp_path, "ready.ipynb",
        "import sys\n"
        "word = sys.modules.get('ehcp_kit.render._word')\n"
        "print('ready', len(word._CACHE) if word else 0, 'docxtpl' in sys.modules)",
    )
    source = write_plans(tmp_path / "in", [plan_record("C-A", "Aurelia", "Aurelia will read.")])
    out = tmp_path / "out"

    result = run_batch(source, out, jobs=1, notebook=notebook, formats=formats)

    assert [child.status for child in result.children] == ["succeeded"]
    executed = nbformat.read(out / "C-A" / "plan.ipynb", as_version=4)
    text = "".join(output.get("text", "") for output in executed.cells[2].outputs)
    assert f"ready {ready}" in text


def test_a_kernel_that_fails_to_start_once_is_started_again(tmp_path, monkeypatch, caplog):
    marker = tmp_path / "failed-once"
    launcher = tmp_path / "flaky_kernel.py"
    launcher.write_text(
        "import os, sys\n"
        f"marker = {str(marker)!r}\n"
        "if not os.path.exists(marker):\n"
        "    open(marker, 'w').close()\n"
        "    sys.exit(3)\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', *sys.argv[1:]])\n",
        encoding="utf-8",
    )
    spec_folder = tmp_path / "jupyter" / "kernels" / "flaky"
    spec_folder.mkdir(parents=True)
    (spec_folder / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(launcher), "-f", "{connection_file}"],
        "display_name": "Fails once", "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    source = write_plans(tmp_path / "in", [plan_record("C-RETRY", "Ravi", "Ravi will read.")])

    with caplog.at_level(logging.WARNING, logger="ehcp_kit"):
        result = run_batch(source, tmp_path / "out", kernel_name="flaky", formats=["html"])

    assert marker.exists(), "the first start really failed"
    assert result.children[0].status == "succeeded", result.children[0].reason
    assert "kernel start failed (try 1 of 3)" in caplog.text
    assert (tmp_path / "out" / "C-RETRY" / "plan.html").exists()
    assert wait_for_no_child_processes() == []


def test_a_kernel_that_never_starts_fails_only_its_child_after_three_tries(
    tmp_path, monkeypatch
):
    spec_folder = tmp_path / "jupyter" / "kernels" / "broken"
    spec_folder.mkdir(parents=True)
    (spec_folder / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "raise SystemExit(2)", "{connection_file}"],
        "display_name": "Never starts", "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    source = write_plans(tmp_path / "in", [plan_record("C-NEVER", "Nia", "Nia will read.")])

    result = run_batch(source, tmp_path / "out", kernel_name="broken", formats=["html"])

    child = result.children[0]
    assert child.status == "failed"
    assert child.reason.startswith("KernelStartError: kernel 'broken' did not start after 3 tries")


def test_a_stuck_notebook_is_stopped_at_the_timeout_and_its_child_failed(tmp_path):
    notebook = notebook_with(
        tmp_path, "stuck.ipynb",
        "import time\nif 'STUCK' in plan_json:\n    time.sleep(120)",
        "from ehcp_kit import Plan\nfrom ehcp_kit.render import write_documents\n"
        "write_documents(Plan.model_validate_json(plan_json), output_dir, ['html'])",
    )
    source = write_plans(tmp_path / "in", [
        plan_record("C-STUCK", "Saoirse", "STUCK: Saoirse will read."),
        plan_record("C-FINE", "Fenella", "Fenella will read."),
    ])
    started = time.monotonic()

    result = run_batch(source, tmp_path / "out", jobs=2, notebook=notebook, timeout=2,
                       formats=["html"])

    assert time.monotonic() - started < 60
    statuses = {child.child_id: (child.status, child.reason) for child in result.children}
    assert statuses["C-STUCK"] == ("failed", "a cell ran past the time limit of 2 seconds")
    assert statuses["C-FINE"] == ("succeeded", "")
    left = wait_for_no_child_processes()
    assert left == [], [(p.pid, p.cmdline()) for p in left]


def test_a_notebook_that_exits_early_or_whose_kernel_dies_is_incomplete(tmp_path):
    notebook = notebook_with(
        tmp_path, "stopping.ipynb",
        "import os\n"
        "if 'EXIT' in plan_json:\n    raise SystemExit(0)\n"
        "if 'DIE' in plan_json:\n    os._exit(1)",
        "from ehcp_kit import Plan\nfrom ehcp_kit.render import write_documents\n"
        "write_documents(Plan.model_validate_json(plan_json), output_dir, ['html'])",
    )
    source = write_plans(tmp_path / "in", [
        plan_record("C-EXIT", "Esme", "EXIT: Esme will read."),
        plan_record("C-DIE", "Dmitri", "DIE: Dmitri will read."),
        plan_record("C-WHOLE", "Wren", "Wren will read."),
    ])
    out = tmp_path / "out"

    result = run_batch(source, out, notebook=notebook, formats=["html"])

    summary = read_summary(out)
    assert summary["C-EXIT"]["status"] == "incomplete"
    assert "SystemExit" in summary["C-EXIT"]["reason"]
    assert summary["C-DIE"]["status"] == "incomplete"
    assert summary["C-DIE"]["reason"] == "the kernel stopped before every cell had run"
    assert summary["C-WHOLE"]["status"] == "succeeded"
    assert {child.child_id for child in result.incomplete} == {"C-EXIT", "C-DIE"}
    assert not (out / "C-EXIT" / "plan.html").exists()
    exited = nbformat.read(out / "C-EXIT" / "plan.ipynb", as_version=4)
    assert exited.cells[-1].execution_count is None, "the record shows the cell never ran"


def test_no_worker_zygote_or_kernel_outlives_the_batch(tmp_path):
    source = write_plans(tmp_path / "in", [
        plan_record(f"C-{number}", f"Child{number}", "They will read.") for number in range(4)
    ])

    result = run_batch(source, tmp_path / "out", jobs=2, formats=["html"])

    assert len(result.succeeded) == 4
    assert wait_for_no_child_processes(seconds=5) == []
