"""The same batch on a Dask cluster: real scheduler, worker processes, loopback only."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from test_batch import docx_text, plan_record, read_summary, write_plans

from ehcp_kit.batch import run_batch

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

# What differs between two runs of one notebook: times, durations, folders, addresses.
MASKS = [
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(\+\d{2}:\d{2}|Z)?"), "TIME"),
    (re.compile(r"/tmp/[^\s'\"<>]*"), "FOLDER"),
    (re.compile(r"0x[0-9a-f]+"), "ADDRESS"),
]


def masked(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def notebook_view(path: Path) -> list[tuple[str, str]]:
    """Each code cell's source and text output, with what may differ masked."""
    notebook = nbformat.read(path, as_version=4)
    view = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for output in cell.outputs:
            texts.append(output.get("text", ""))
            texts.append(output.get("data", {}).get("text/plain", ""))
        view.append((masked(cell.source), masked("".join(texts))))
    return view


def files_of(out: Path, child_id: str) -> list[str]:
    return sorted(path.name for path in (out / child_id).iterdir())


@pytest.fixture
def cluster():
    """Two worker processes on 127.0.0.1, shut down after the test whatever happens."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as local_cluster:
        yield local_cluster


def test_a_dask_batch_writes_what_a_local_batch_writes_child_for_child(tmp_path, cluster):
    source = write_plans(tmp_path / "in", [
        plan_record("C-DASK1", "Delphine", "By July 2028, Delphine will read 40 words."),
        plan_record("C-DASK2", "Dorian", "By July 2028, Dorian will count to 100."),
        plan_record("C-DASK3", "Dagny", "By July 2028, Dagny will swim 10 metres."),
    ])
    local_out, dask_out = tmp_path / "local", tmp_path / "dask"

    local = run_batch(source, local_out, jobs=2)
    on_dask = run_batch(source, dask_out, executor="dask", scheduler=cluster.scheduler_address)

    assert [child.status for child in on_dask.children] == ["succeeded"] * 3
    local_summary, dask_summary = read_summary(local_out), read_summary(dask_out)
    for child in local.children:
        child_id = child.child_id
        assert files_of(dask_out, child_id) == files_of(local_out, child_id)
        for column in ("status", "findings", "errors", "warnings", "provision_hours"):
            assert dask_summary[child_id][column] == local_summary[child_id][column]
        pages = [BeautifulSoup((out / child_id / "plan.html").read_text("utf-8"),
                               "html.parser").get_text() for out in (local_out, dask_out)]
        assert pages[0] == pages[1]
        assert docx_text(local_out / child_id / "plan.docx") == docx_text(
            dask_out / child_id / "plan.docx")
        assert notebook_view(local_out / child_id / "plan.ipynb") == notebook_view(
            dask_out / child_id / "plan.ipynb")
    assert (local_out / "findings.csv").read_text("utf-8") == (
        dask_out / "findings.csv").read_text("utf-8")


def test_dask_without_a_scheduler_starts_and_stops_a_cluster_of_its_own(tmp_path):
    source = write_plans(tmp_path / "in", [
        plan_record("C-OWN1", "Oona", "Oona will read."),
        plan_record("C-OWN2", "Osric", "Osric will read."),
    ])

    result = run_batch(source, tmp_path / "out", executor="dask", jobs=2,
                       use_notebook=False, formats=["html"])

    assert [child.status for child in result.children] == ["succeeded", "succeeded"]
    assert (tmp_path / "out" / "C-OWN2" / "plan.html").exists()
