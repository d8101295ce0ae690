"""What a batch worker does for each child: checks, documents, and the audit notebook.

A worker is given a few children at a time (:func:`run_children`). For each it checks
the plan, then either runs the per-child notebook in a brand-new kernel (which writes
the documents and is kept as the audit record) or writes the documents directly. While
one child's notebook runs, the kernel for the next child is already starting.

Everything a worker returns is plain data (ids, counts, digests, finding rows), never a
plan, so results are cheap to send back and hold no more of a child than the summary
files do. Failures are caught and returned as a status and a reason: one child can
never stop the batch.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .manifest import file_digest

__all__ = ["ChildTask", "close_kernel_supplies", "prepare_worker", "run_children"]

logger = logging.getLogger("ehcp_kit")

_TEMPORARY_PREFIXES = (".plan-", ".plan.", ".my-outcomes.")


@dataclass(frozen=True)
class ChildTask:
    """Everything a worker needs to produce one child's outputs (it pickles small)."""

    child_id: str
    plan_json: str
    folder: str
    formats: tuple[str, ...]
    notebook: str | None
    timeout: float | None
    template: str | None
    config: Config = field(default_factory=Config)
    kernel_name: str = "python3"
    appendix: bool = False  # the quality appendix in the plan's documents
    branding: str | None = None  # an absolute path to a branding file; None: the default


@dataclass
class ChildOutcome:
    """What became of one child in a worker."""

    child_id: str
    status: str  # "succeeded", "failed" or "incomplete"
    reason: str = ""
    seconds: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)
    findings: list[dict[str, object]] = field(default_factory=list)
    hours: dict[str, float] = field(default_factory=dict)
    hours_total: float | None = None
    unquantified: int | None = None
    outcomes: list[dict[str, object]] = field(default_factory=list)


def run_children(tasks: list[ChildTask]) -> list[ChildOutcome]:
    """Produce each child's outputs, in order; the next child's kernel starts meanwhile."""
    results = []
    for position, task in enumerate(tasks):
        following = tasks[position + 1] if position + 1 < len(tasks) else None
        results.append(run_one(task, following))
    _release_unused()
    return results


def run_one(task: ChildTask, following: ChildTask | None = None) -> ChildOutcome:
    """Produce one child's outputs; ``following`` is the child whose kernel to start next."""
    from .plan import Plan

    started = time.perf_counter()
    result = ChildOutcome(task.child_id, "failed")
    target = Path(task.folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(target)
        plan = Plan.model_validate_json(task.plan_json)
        _check(plan, task.config, result)
        if task.notebook is None:
            from .render import write_documents

            write_documents(plan, target, task.formats, template=task.template,
                            branding=task.branding, appendix=task.appendix,
                            config=task.config)
            result.status = "succeeded"
        else:
            result.status, result.reason = _run_notebook(task, target, following)
    except Exception as error:  # noqa: BLE001 - a child's failure must not stop a batch
        result.status, result.reason = "failed", describe_error(error)

    result.outputs = _digests(target, task)
    result.seconds = time.perf_counter() - started
    logger.debug("child %s %s in %.2f s", task.child_id, result.status, result.seconds)
    return result


def _check(plan, config: Config, result: ChildOutcome) -> None:
    """The quality checks, the hours of provision and each outcome's timescale."""
    from .rules import check_plan, provision_hours
    from .timescales import key_stage_of

    areas_of_item: dict[str, list[str]] = {}
    for outcome in plan.outcomes:
        areas_of_item[outcome.id] = [str(area) for area in plan.areas_of(outcome)]
    for item in plan.provision:
        needs = [need for need in plan.needs if need.id in item.need_ids]
        areas_of_item[item.id] = list(dict.fromkeys(str(need.area) for need in needs))

    for finding in check_plan(plan, config=config):
        result.findings.append({
            "code": finding.code,
            "slug": finding.slug,
            "severity": finding.severity,
            "field": finding.field,
            "item_id": finding.item_id or "",
            "span": "" if finding.span is None else f"{finding.span[0]}-{finding.span[1]}",
            "message": finding.message,
            "areas_of_need": "; ".join(areas_of_item.get(finding.item_id or "", [])),
        })

    hours = provision_hours(plan, school_weeks=config.school_weeks)
    result.hours = {str(area): float(amount) for area, amount in hours.by_area.items()}
    result.hours_total = float(hours.total)
    result.unquantified = len(hours.unquantified)

    # When each outcome falls due, seen from the child's key stage at the plan date.
    key_stage = key_stage_of(plan.year_group()) or ""
    for outcome in plan.outcomes:
        due = plan.target_date(outcome)
        months = "" if due is None else (
            (due.year - plan.plan_date.year) * 12 + due.month - plan.plan_date.month
        )
        result.outcomes.append({
            "outcome_id": outcome.id,
            "key_stage": key_stage,
            "areas_of_need": "; ".join(areas_of_item[outcome.id]),
            "timescale": outcome.timescale_text,
            "target_date": "" if due is None else due.isoformat(),
            "months_to_target": months,
        })


# ---------------------------------------------------------------------------------------
# The notebook
# ---------------------------------------------------------------------------------------

_SUPPLIES: dict[tuple, object] = {}
_SUPPLIES_LOCK = threading.Lock()


def _supply(notebook: str, kernel_name: str, formats: tuple[str, ...]):
    """This process's kernel supply for ``notebook``, made on first use.

    Its zygote imports what the notebook imports and gets the renderers of ``formats``
    ready, so every kernel forked from it starts with them loaded.
    """
    import nbformat

    from ._kernels import KernelSupply, notebook_imports

    key = (notebook, kernel_name, formats)
    with _SUPPLIES_LOCK:
        if key not in _SUPPLIES:
            cells = nbformat.read(notebook, as_version=4).cells
            preload = notebook_imports([cell.source for cell in cells if cell.cell_type == "code"])
            _SUPPLIES[key] = KernelSupply(kernel_name, preload=[*preload,
                                                                *_preparations(formats)])
            _stop_at_exit()
        return _SUPPLIES[key]


def _preparations(formats: tuple[str, ...]) -> list[str]:
    """What a zygote calls to get the renderers of ``formats`` ready (``module:function``).

    Word's is its bundled template prepared; the PDF's is WeasyPrint loaded, which
    otherwise costs each kernel most of a second.
    """
    calls = []
    if "docx" in formats:
        calls.append("ehcp_kit.render._word:prepare")
    if any(name.endswith("pdf") for name in formats):
        calls.append("ehcp_kit.render._pdf:prepare")
    return calls


def prepare_worker(notebook: str | None, kernel_name: str = "python3",
                   formats: tuple[str, ...] = ("docx", "html")) -> None:
    """Load what every child needs and start the kernel zygote, before any child comes."""
    import ehcp_kit.render  # noqa: F401
    import ehcp_kit.rules  # noqa: F401

    if notebook is not None:
        _supply(notebook, kernel_name, tuple(formats)).start()


def close_kernel_supplies() -> None:
    """Stop every kernel and zygote this process started for batches."""
    from jupyter_core.utils import run_sync

    with _SUPPLIES_LOCK:
        supplies = list(_SUPPLIES.values())
        _SUPPLIES.clear()
    for supply in supplies:
        try:
            run_sync(supply.aclose)()
        except Exception:  # noqa: BLE001 - already stopping: close what is left
            supply.close()


def _release_unused() -> None:
    """Stop kernels started ahead for children that never came to them."""
    from jupyter_core.utils import run_sync

    with _SUPPLIES_LOCK:
        supplies = list(_SUPPLIES.values())
    for supply in supplies:
        run_sync(supply.release_unused)()


_registered = False


def _stop_at_exit() -> None:
    """Close the supplies when this process ends, as a pool worker or as a script."""
    global _registered
    if _registered:
        return
    import atexit
    from multiprocessing import util

    atexit.register(close_kernel_supplies)
    util.Finalize(None, close_kernel_supplies, exitpriority=10)
    _registered = True


def _run_notebook(task: ChildTask, target: Path, following: ChildTask | None):
    """Run the child's notebook in a fresh kernel; ``(status, reason)``."""
    import papermill
    from jupyter_core.utils import run_sync
    from papermill.exceptions import PapermillExecutionError

    assert task.notebook is not None
    supply = _supply(task.notebook, task.kernel_name, task.formats)
    km = run_sync(supply.take)(str(target))
    if following is not None and following.notebook == task.notebook:
        # Start the next child's kernel now: it gets ready while this notebook runs.
        Path(following.folder).mkdir(parents=True, exist_ok=True)
        run_sync(supply.prepare)(following.folder)

    parameters = {
        "plan_json": task.plan_json,
        "output_dir": str(target),
        "formats": ",".join(task.formats),
    }
    if task.template:
        parameters["template"] = task.template
    if task.appendix:
        parameters["appendix"] = True
    if task.branding:
        parameters["branding"] = task.branding
    if task.config.source:
        parameters["config_path"] = str(Path(task.config.source).resolve())

    # The executed notebook is written beside its final name, then moved into place, so
    # a stopped batch never leaves a half-written audit record.
    handle, partial = tempfile.mkstemp(prefix=".plan-", suffix=".ipynb", dir=target)
    os.close(handle)
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(partial, 0o666 & ~mask)  # as readable as any new file, not mkstemp's 0600
    final = target / "plan.ipynb"
    try:
        executed = papermill.execute_notebook(
            task.notebook,
            partial,
            parameters=parameters,
            kernel_name=task.kernel_name,
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=task.timeout,
            km=km,
        )
    except PapermillExecutionError as error:
        _keep(partial, final)  # the failed run is the record of why it failed
        if error.ename == "SystemExit":
            where = error.cell_index
            return "incomplete", f"the notebook stopped early (SystemExit) in cell {where}"
        return "failed", describe_error(error)
    except BaseException as error:
        _keep(partial, final)
        if type(error).__name__ == "DeadKernelError":
            return "incomplete", "the kernel stopped before every cell had run"
        if type(error).__name__ == "CellTimeoutError":
            return "failed", f"a cell ran past the time limit of {task.timeout:g} seconds"
        raise
    finally:
        run_sync(supply.release)(km)

    os.replace(partial, final)
    return _completeness(executed)


def _completeness(executed) -> tuple[str, str]:
    """Whether every code cell ran: papermill lets ``SystemExit(0)`` stop a notebook
    quietly, which leaves the rest unexecuted, and that is no complete audit record."""
    for index, cell in enumerate(executed.cells):
        outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
        if any(output.get("ename") == "SystemExit" for output in outputs):
            return "incomplete", f"the notebook stopped early (SystemExit) in cell {index}"
    skipped = [
        index for index, cell in enumerate(executed.cells)
        if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None
    ]
    if skipped:
        return "incomplete", f"cells {skipped} were not executed"
    return "succeeded", ""


def _keep(partial: str, final: Path) -> None:
    """Move a written partial notebook into place; remove an empty one."""
    if os.path.exists(partial) and os.path.getsize(partial):
        os.replace(partial, final)
    elif os.path.exists(partial):
        os.unlink(partial)


def _remove_leftovers(folder: Path) -> None:
    """Remove temporary files that a killed run left in the child's folder."""
    for entry in folder.iterdir():
        if entry.name.startswith(_TEMPORARY_PREFIXES) and entry.is_file():
            entry.unlink(missing_ok=True)


def _digests(folder: Path, task: ChildTask) -> dict[str, str]:
    """The SHA-256 digest of every output the child has now, by file name."""
    from .render import DOCUMENT_FILES

    names = [DOCUMENT_FILES[name] for name in task.formats]
    if task.notebook is not None:
        names.append("plan.ipynb")
    return {name: file_digest(folder / name) for name in names if (folder / name).is_file()}


def describe_error(error: BaseException) -> str:
    """One line a caseworker can read, without the traceback."""
    name = getattr(error, "ename", None) or type(error).__name__
    value = getattr(error, "evalue", None) or str(error)
    first = value.strip().splitlines()[0] if value.strip() else ""
    return f"{name}: {first}" if first else name
