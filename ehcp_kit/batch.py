"""Run a batch: every child's plan from analysts' data, each in its own folder.

For every child the batch executes the per-child notebook with papermill in a fresh
kernel (the executed notebook is the audit record) and the notebook writes that child's
documents. Children run in worker processes, each child in its own kernel, so nothing
one child's notebook defines can reach another's. A child whose data or notebook fails
is recorded with the reason and the batch goes on; ``summary.csv`` holds every child's
status and hours of provision a year, ``findings.csv`` every quality finding and
``provision_hours.csv`` each child's hours a year per area of need.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .config import Config
from .errors import EhcpKitError
from .plan import Plan
from .rules import ProvisionHours, check_plan, provision_hours

__all__ = ["BatchResult", "ChildResult", "FORMATS", "default_notebook", "run_batch"]

logger = logging.getLogger("ehcp_kit")

FORMATS = ("docx", "html")
SUMMARY_FIELDS = [
    "child_id", "status", "reason", "source", "folder", "outcomes", "provision",
    "findings", "errors", "warnings", "provision_hours", "unquantified_provision", "seconds",
]
HOURS_FIELDS = ["child_id", "area_of_need", "hours_per_year"]
FINDING_FIELDS = ["child_id", "code", "slug", "severity", "field", "item_id", "span", "message"]


@dataclass
class ChildResult:
    """What happened to one child in a batch."""

    child_id: str
    status: str  # "succeeded" or "failed"
    reason: str = ""
    source: str = ""
    folder: str = ""
    outcomes: int = 0
    provision: int = 0
    findings: list = field(default_factory=list)
    hours: ProvisionHours | None = None
    seconds: float = 0.0

    def summary_row(self) -> dict[str, object]:
        severities = [finding.severity for finding in self.findings]
        return {
            "child_id": self.child_id,
            "status": self.status,
            "reason": self.reason,
            "source": self.source,
            "folder": self.folder,
            "outcomes": self.outcomes,
            "provision": self.provision,
            "findings": len(self.findings),
            "errors": severities.count("error"),
            "warnings": severities.count("warning"),
            "provision_hours": "" if self.hours is None else f"{self.hours.total:g}",
            "unquantified_provision": "" if self.hours is None else len(self.hours.unquantified),
            "seconds": f"{self.seconds:.2f}",
        }


@dataclass
class BatchResult:
    """Every child's result, in input order, and where the summary was written."""

    children: list[ChildResult]
    out_dir: Path

    @property
    def failed(self) -> list[ChildResult]:
        return [child for child in self.children if child.status != "succeeded"]

    @property
    def succeeded(self) -> list[ChildResult]:
        return [child for child in self.children if child.status == "succeeded"]


def default_notebook() -> Path:
    """The per-child notebook that ships with the package."""
    return Path(str(resources.files("ehcp_kit") / "notebooks" / "plan.ipynb"))


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """Refuse a document format the renderers cannot write, naming it."""
    chosen = tuple(dict.fromkeys(name.strip().lower() for name in formats if name.strip()))
    unknown = [name for name in chosen if name not in FORMATS]
    if unknown or not chosen:
        raise EhcpKitError(
            f"unknown document format(s) {unknown!r}; choose from {', '.join(FORMATS)}"
        )
    return chosen


def run_batch(
    input_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int = 1,
    formats: Sequence[str] = FORMATS,
    notebook: str | os.PathLike[str] | None = None,
    use_notebook: bool = True,
    timeout: float | None = 600,
    template: str | os.PathLike[str] | None = None,
    config: Config | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> BatchResult:
    """Produce every child's documents from ``input_path`` into ``out_dir``.

    ``input_path`` is a workbook, a folder of CSV files, or a folder of YAML/JSON plans.
    Each child gets ``out_dir/<child id>/`` with ``plan.ipynb`` (unless ``use_notebook``
    is false) and one document per format. ``summary.csv`` and ``findings.csv`` are
    written last, whatever happened to the children. The quality checks use ``config``,
    or else the settings file beside ``input_path`` (see :class:`ehcp_kit.config.Config`).
    """
    from .loaders import load_batch

    formats = check_formats(formats)
    config = config if config is not None else Config.load(input_path)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    notebook_path = Path(notebook) if notebook else default_notebook()

    # Load everything first: bad rows become failed children, not a stopped batch.
    loaded = load_batch(input_path)
    results: list[ChildResult] = []
    runnable: list[tuple[ChildResult, Plan, Path]] = []
    seen: set[str] = set()
    for child in loaded:
        result = ChildResult(child.child_id, "failed", source=child.source)
        results.append(result)
        if child.plan is None:
            result.reason = "; ".join(f"{where}: {what}" for where, what in child.problems)
            logger.warning("child %s not loaded: data faults", child.child_id)
            continue
        if child.child_id in seen:
            result.reason = f"child id {child.child_id!r} appears more than once in the input"
            continue
        seen.add(child.child_id)
        try:
            folder = _child_folder(out, child.child_id)
        except EhcpKitError as error:
            result.reason = str(error)
            continue
        result.folder = folder.relative_to(out).as_posix()
        result.outcomes = len(child.plan.outcomes)
        result.provision = len(child.plan.provision)
        result.findings = check_plan(child.plan, config=config)
        result.hours = provision_hours(child.plan, school_weeks=config.school_weeks)
        runnable.append((result, child.plan, folder))

    logger.info("batch: %d children loaded, %d to run", len(results), len(runnable))
    tasks = [
        (
            result.child_id,
            plan.model_dump_json(),
            str(folder),
            formats,
            str(notebook_path) if use_notebook else None,
            timeout,
            # The kernel runs in the child's folder, so paths it is given must be absolute.
            str(Path(template).resolve()) if template else None,
            str(Path(config.source).resolve()) if config.source else None,
        )
        for result, plan, folder in runnable
    ]
    outcomes = _execute(tasks, jobs, progress)
    for (result, _, _), (status, reason, seconds) in zip(runnable, outcomes, strict=True):
        result.status, result.reason, result.seconds = status, reason, seconds

    _write_summary(out, results)
    return BatchResult(results, out)


def _child_folder(out: Path, child_id: str) -> Path:
    """The child's output folder, refusing any id that would land outside ``out``."""
    folder = (out / child_id).resolve()
    if folder.parent != out or child_id in ("", ".", ".."):
        raise EhcpKitError(f"child id {child_id!r} would write outside {out}")
    return folder


def _execute(tasks: list[tuple], jobs: int, progress) -> list[tuple[str, str, float]]:
    """Run every task, in worker processes when ``jobs`` > 1; results in task order."""
    if jobs <= 1 or len(tasks) <= 1:
        iterator = (run_child(*task) for task in tasks)
        return list(progress(iterator) if progress else iterator)

    results: dict[int, tuple[str, str, float]] = {}
    pending = list(range(len(tasks)))
    attempts = dict.fromkeys(pending, 0)
    while pending:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures: dict[Future, int] = {pool.submit(run_child, *tasks[i]): i for i in pending}
            done_iter = as_completed(futures)
            for future in progress(done_iter) if progress else done_iter:
                index = futures[future]
                try:
                    results[index] = future.result()
                except BrokenProcessPool:
                    # A worker died. Which child killed it is unknown, so every child
                    # caught in the crash gets one more try in a new pool.
                    attempts[index] += 1
                    if attempts[index] > 1:
                        results[index] = ("failed", "the worker process crashed twice", 0.0)
        pending = [i for i in pending if i not in results]
    return [results[i] for i in range(len(tasks))]


def run_child(
    child_id: str,
    plan_json: str,
    folder: str,
    formats: Sequence[str],
    notebook: str | None,
    timeout: float | None,
    template: str | None,
    config_path: str | None = None,
) -> tuple[str, str, float]:
    """Produce one child's outputs; returns ``(status, reason, seconds)``.

    Runs in a worker process. Every failure is caught and returned as a reason, so
    that one child can never stop the batch.
    """
    started = time.perf_counter()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    try:
        if notebook is None:
            from .render import write_documents

            plan = Plan.model_validate_json(plan_json)
            write_documents(plan, target, formats, template=template)
        else:
            _run_notebook(notebook, target, plan_json, formats, timeout, template, config_path)
    except Exception as error:  # noqa: BLE001 - a child's failure must not stop a batch
        logger.warning("child %s failed: %s", child_id, type(error).__name__)
        return "failed", _describe(error), time.perf_counter() - started
    logger.info("child %s done", child_id)
    return "succeeded", "", time.perf_counter() - started


def _run_notebook(
    notebook, target: Path, plan_json, formats, timeout, template, config_path=None
) -> None:
    import papermill

    parameters = {"plan_json": plan_json, "output_dir": str(target), "formats": ",".join(formats)}
    if template:
        parameters["template"] = template
    if config_path:
        parameters["config_path"] = config_path
    # Write the executed notebook beside its final name, then move it into place, so a
    # stopped batch never leaves a half-written audit record.
    handle, partial = tempfile.mkstemp(prefix=".plan-", suffix=".ipynb", dir=target)
    os.close(handle)
    try:
        papermill.execute_notebook(
            notebook,
            partial,
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=timeout,
            cwd=str(target),
        )
    except BaseException:
        if os.path.getsize(partial):
            os.replace(partial, target / "plan.ipynb")  # keep the failed run as its record
        else:
            os.unlink(partial)
        raise
    os.replace(partial, target / "plan.ipynb")


def _describe(error: BaseException) -> str:
    """One line a caseworker can read, without the traceback."""
    name = getattr(error, "ename", None) or type(error).__name__
    value = getattr(error, "evalue", None) or str(error)
    first = value.strip().splitlines()[0] if value.strip() else ""
    return f"{name}: {first}" if first else name


def _write_summary(out: Path, results: list[ChildResult]) -> None:
    rows = [result.summary_row() for result in results]
    _write_csv(out / "summary.csv", SUMMARY_FIELDS, rows)

    finding_rows = [
        {
            "child_id": result.child_id,
            "code": finding.code,
            "slug": finding.slug,
            "severity": finding.severity,
            "field": finding.field,
            "item_id": finding.item_id or "",
            "span": "" if finding.span is None else f"{finding.span[0]}-{finding.span[1]}",
            "message": finding.message,
        }
        for result in results
        for finding in result.findings
    ]
    _write_csv(out / "findings.csv", FINDING_FIELDS, finding_rows)

    hours_rows = [
        {"child_id": result.child_id, "area_of_need": str(area), "hours_per_year": f"{hours:g}"}
        for result in results
        if result.hours is not None
        for area, hours in result.hours.by_area.items()
    ]
    _write_csv(out / "provision_hours.csv", HOURS_FIELDS, hours_rows)


def _write_csv(path: Path, fields: list[str], rows: list[dict[str, object]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(path, buffer.getvalue())


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole: a temporary file in the same folder, then a rename."""
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise
