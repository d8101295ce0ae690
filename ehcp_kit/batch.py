"""Run a batch: every child's plan from analysts' data, each in its own folder.

For every child the batch executes the per-child notebook with papermill in a brand-new
kernel (the executed notebook is the audit record) and the notebook writes that child's
documents; with ``use_notebook=False`` the documents are written directly instead. A
child whose data or notebook fails is recorded with the reason and the batch goes on.

What a batch writes into its folder:

- ``<child id>/`` for each child: ``plan.ipynb`` and one document per format;
- ``summary.csv``: every child's status and reason, counts and hours a year;
- ``findings.csv``: every quality finding, with the areas of need it touches;
- ``provision_hours.csv``: each child's hours a year per area of need;
- ``outcomes.csv``: each outcome's key stage, timescale and target date;
- ``dashboard.html``: the whole batch at a glance, for managers;
- ``manifest.sqlite``: what each child's outputs were made from (see
  :mod:`ehcp_kit.manifest`), so that a rerun skips children whose outputs are current.

Children run in this process (``jobs=1``), in local worker processes, or on a Dask
cluster (see :mod:`ehcp_kit.executors`), a few at a time, so memory stays flat however
many children there are. The summary files are written at the end from the manifest,
each one whole (a temporary file, then a rename).
"""

from __future__ import annotations

import csv
import logging
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, fields
from functools import partial
from importlib import resources
from pathlib import Path

from . import __version__
from ._workers import (
    ChildOutcome,
    ChildTask,
    close_kernel_supplies,
    describe_error,
    prepare_worker,
    run_children,
)
from .config import Config
from .errors import EhcpKitError
from .manifest import Manifest, Record, text_digest

__all__ = [
    "BatchResult",
    "ChildResult",
    "FORMATS",
    "check_formats",
    "default_notebook",
    "run_batch",
    "run_child",
]

logger = logging.getLogger("ehcp_kit")

# The documents a batch can write (ehcp_kit.render.DOCUMENT_FILES names their files).
FORMATS = ("docx", "html", "pdf", "my-outcomes-pdf", "my-outcomes-html")
SUMMARY_FIELDS = [
    "child_id", "status", "reason", "source", "folder", "outcomes", "provision",
    "findings", "errors", "warnings", "provision_hours", "unquantified_provision", "seconds",
]
HOURS_FIELDS = ["child_id", "area_of_need", "hours_per_year"]
FINDING_FIELDS = [
    "child_id", "code", "slug", "severity", "field", "item_id", "span", "message",
    "areas_of_need",
]
OUTCOME_FIELDS = [
    "child_id", "outcome_id", "key_stage", "areas_of_need", "timescale", "target_date",
    "months_to_target",
]
# Children handed to a worker at a time: with notebooks, the next child's kernel starts
# while one runs; without, fewer round trips.
NOTEBOOK_CHILDREN_PER_PIECE = 4
DOCUMENT_CHILDREN_PER_PIECE = 16


@dataclass
class ChildResult:
    """What happened to one child in a batch: the child's row of ``summary.csv``."""

    child_id: str
    status: str  # "succeeded", "failed" or "incomplete"
    reason: str = ""
    source: str = ""
    folder: str = ""
    outcomes: int = 0
    provision: int = 0
    findings: int = 0
    errors: int = 0
    warnings: int = 0
    provision_hours: str = ""
    unquantified_provision: str = ""
    seconds: float = 0.0
    skipped: bool = False  # its outputs were current, so this run left them alone

    def summary_row(self) -> dict[str, object]:
        row = {name: getattr(self, name) for name in SUMMARY_FIELDS}
        row["seconds"] = f"{self.seconds:.2f}"
        return row

    @classmethod
    def from_row(cls, row: dict[str, object], *, skipped: bool = False) -> ChildResult:
        known = {item.name for item in fields(cls)}
        values = {name: value for name, value in row.items() if name in known}
        values["seconds"] = float(values.get("seconds") or 0)
        for name in ("outcomes", "provision", "findings", "errors", "warnings"):
            values[name] = int(values.get(name) or 0)
        return cls(**values, skipped=skipped)


@dataclass
class BatchResult:
    """Every child's result, in input order, and where the batch was written."""

    children: list[ChildResult]
    out_dir: Path

    @property
    def failed(self) -> list[ChildResult]:
        """Every child that did not succeed, incomplete ones included."""
        return [child for child in self.children if child.status != "succeeded"]

    @property
    def succeeded(self) -> list[ChildResult]:
        return [child for child in self.children if child.status == "succeeded"]

    @property
    def incomplete(self) -> list[ChildResult]:
        return [child for child in self.children if child.status == "incomplete"]

    @property
    def skipped(self) -> list[ChildResult]:
        """Children whose outputs were already current, so were not made again."""
        return [child for child in self.children if child.skipped]

    @property
    def dashboard(self) -> Path:
        return self.out_dir / "dashboard.html"


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
    formats: Sequence[str] = ("docx", "html"),
    notebook: str | os.PathLike[str] | None = None,
    use_notebook: bool = True,
    timeout: float | None = 600,
    template: str | os.PathLike[str] | None = None,
    config: Config | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    kernel_name: str = "python3",
    appendix: bool = False,
    branding: str | os.PathLike[str] | None = None,
) -> BatchResult:
    """Produce every child's documents from ``input_path`` into ``out_dir``.

    ``input_path`` is a workbook, a folder of CSV files, or a folder of YAML/JSON plans.
    Each child gets ``out_dir/<child id>/`` with ``plan.ipynb`` (unless ``use_notebook``
    is false) and one document per format. A child whose outputs are current (same
    input, notebook, templates, settings and package version, files unchanged) is
    skipped unless ``force``. ``timeout`` is the seconds one notebook cell may run.
    ``executor`` is "local" (``jobs`` worker processes) or "dask" (the cluster at
    ``scheduler``, or a local one of ``jobs`` workers). The summary files and the
    dashboard are written last, whatever happened to the children. The checks use
    ``config``, or else the settings file beside ``input_path``. ``appendix`` adds the
    quality appendix to the plan's documents; ``branding`` is a branding file (see
    :func:`ehcp_kit.render.load_branding`), checked before any child runs.

    With ``jobs`` > 1 the workers are new Python processes ("spawned"), which import the
    calling script again: call ``run_batch`` from a script under
    ``if __name__ == "__main__":``, as Python's multiprocessing asks.
    """
    from .executors import make_executor
    from .loaders import open_batch

    formats = check_formats(formats)
    config = config if config is not None else Config.load(input_path)
    notebook_path = (Path(notebook) if notebook else default_notebook()).resolve()
    template_path = str(Path(template).resolve()) if template else None
    branding_path = _checked_branding(branding)
    _checked_template(template_path, formats)
    # Only once the settings, branding and template are found sound is a folder made.
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    recipe = _recipe_digest(notebook_path if use_notebook else None, template_path, formats,
                            config, kernel_name, appendix=appendix, branding=branding_path)

    with ExitStack() as stack:
        # Workers start while the input loads; the dashboard's drawing library too.
        stack.enter_context(_stopped_by_sigterm())
        stack.callback(close_kernel_supplies)
        warm_up = partial(prepare_worker, str(notebook_path) if use_notebook else None,
                          kernel_name, formats)
        pool = stack.enter_context(
            make_executor(executor, jobs=jobs, scheduler=scheduler, warm_up=warm_up)
        )
        threading.Thread(target=_import_for_dashboard, daemon=True).start()
        manifest = stack.enter_context(Manifest(out))

        # A fault in the layout stops the batch here; each child is read only when it is
        # handed out, and bad rows become failed children, not a stopped batch.
        children = open_batch(input_path)
        total = len(children)
        logger.info("batch: %d children in %s", total, children.path.name)

        order: list[str | ChildResult] = []
        skipped: set[str] = set()
        plan_tasks = _tasks(
            children, out, order, skipped, manifest, recipe, force,
            notebook=str(notebook_path) if use_notebook else None,
            formats=formats, timeout=timeout, template=template_path, config=config,
            kernel_name=kernel_name, appendix=appendix, branding=branding_path,
        )
        size = NOTEBOOK_CHILDREN_PER_PIECE if use_notebook else DOCUMENT_CHILDREN_PER_PIECE
        pieces = _pieces(plan_tasks, size, jobs=max(pool.workers, 1), total=total)
        finished = _record(pool.run(run_children, pieces, _crashed), manifest, recipe)
        ticks = _Ticks(_every_child(finished, order), total)
        for _ in progress(ticks) if progress else ticks:
            pass
        pool.stop_kernels()

        del children  # read to the end: let its rows go before the summaries are written
        results = _write_summaries(out, order, manifest, skipped)
    _write_dashboard(out)
    logger.info("batch: %d children done, %d skipped as current", len(results), len(skipped))
    return BatchResult(results, out)


def run_child(task: ChildTask) -> ChildOutcome:
    """Produce one child's outputs from ``task``, here and now (for tests and tools)."""
    return run_children([task])[0]


# ---------------------------------------------------------------------------------------
# Handing out work
# ---------------------------------------------------------------------------------------


def _tasks(children, out: Path, order, skipped, manifest, recipe, force, **settings):
    """One task per child that needs running, in input order; the rest go straight to
    ``order`` (data faults as their summary rows, current children as their ids).

    ``children`` is read one child at a time, so each plan is held only until its task
    is handed out."""
    seen: set[str] = set()
    for child in children:
        row = ChildResult(child.child_id, "failed", source=child.source)
        if child.plan is None:
            row.reason = "; ".join(f"{where}: {what}" for where, what in child.problems)
            logger.warning("child %s not loaded: data faults", child.child_id)
            order.append(row)
            try:
                _remove_old_documents(_child_folder(out, child.child_id))
            except EhcpKitError:
                pass  # an id that names no folder of this batch has no documents in it
            continue
        if child.child_id in seen:
            row.reason = f"child id {child.child_id!r} appears more than once in the input"
            order.append(row)
            continue
        seen.add(child.child_id)
        try:
            folder = _child_folder(out, child.child_id)
        except EhcpKitError as error:
            row.reason = str(error)
            order.append(row)
            continue

        plan_json = child.plan.model_dump_json()
        order.append(child.child_id)
        previous = None if force else manifest.get(child.child_id)
        if previous is not None and previous.is_current(folder, text_digest(plan_json), recipe):
            skipped.add(child.child_id)
            continue
        _remove_old_documents(folder)
        yield _Pending(
            ChildTask(child.child_id, plan_json, str(folder), **settings),
            source=child.source,
            folder=folder.relative_to(out).as_posix(),
            outcomes=len(child.plan.outcomes),
            provision=len(child.plan.provision),
        )


def _remove_old_documents(folder: Path) -> None:
    """Remove a child's documents from an earlier run before the child is made again.

    Whatever happens to the child in this run, nothing is left in its folder that could
    be sent out as current when its data has since failed or changed.
    """
    from .render import DOCUMENT_FILES

    for name in (*DOCUMENT_FILES.values(), "plan.ipynb"):
        (folder / name).unlink(missing_ok=True)


@dataclass
class _Pending:
    """A task and the parts of its summary row the parent already knows."""

    task: ChildTask
    source: str
    folder: str
    outcomes: int
    provision: int


def _pieces(pending: Iterator[_Pending], size: int, *, jobs: int, total: int):
    """Group tasks into pieces of work, smaller for small batches so every worker helps."""
    size = max(1, min(size, -(-total // (jobs * 2)) if total else 1))
    piece: list[_Pending] = []
    for item in pending:
        piece.append(item)
        if len(piece) == size:
            yield piece, [item.task for item in piece]
            piece = []
    if piece:
        yield piece, [item.task for item in piece]


def _crashed(piece: list[_Pending], reason: str) -> list[ChildOutcome]:
    return [ChildOutcome(item.task.child_id, "failed", reason) for item in piece]


def _record(finished, manifest: Manifest, recipe: str) -> Iterator[list[Record]]:
    """Write each finished piece to the manifest at once; yield its records."""
    for piece, outcomes in finished:
        records = [_record_of(item, outcome, recipe)
                   for item, outcome in zip(piece, outcomes, strict=True)]
        manifest.put(records, time.time())
        for record in records:
            if record.status == "succeeded":
                logger.info("child %s done", record.child_id)
            else:
                logger.warning("child %s %s", record.child_id, record.status)
        yield records


def _record_of(item: _Pending, outcome: ChildOutcome, recipe: str) -> Record:
    severities = [finding["severity"] for finding in outcome.findings]
    summary = ChildResult(
        item.task.child_id, outcome.status, outcome.reason, item.source, item.folder,
        item.outcomes, item.provision, len(severities), severities.count("error"),
        severities.count("warning"),
        "" if outcome.hours_total is None else f"{outcome.hours_total:g}",
        "" if outcome.unquantified is None else str(outcome.unquantified),
        outcome.seconds,
    ).summary_row()
    return Record(
        item.task.child_id, text_digest(item.task.plan_json), recipe, __version__,
        outcome.status, outcome.reason, outcome.outputs, summary,
        outcome.findings, outcome.hours, outcome.outcomes,
    )


def _every_child(finished: Iterator[list[Record]], order: list) -> Iterator[None]:
    """One tick per child: those run, as they finish, then those never run."""
    ran = 0
    for records in finished:
        ran += len(records)
        yield from (None for _ in records)
    for _ in range(len(order) - ran):
        yield None


class _Ticks:
    """An iterable with a length, so a progress bar knows the total."""

    def __init__(self, items: Iterator[None], total: int) -> None:
        self._items, self._total = items, total

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return self._total


def _child_folder(out: Path, child_id: str) -> Path:
    """The child's output folder, refusing any id that would land outside ``out``."""
    folder = (out / child_id).resolve()
    if folder.parent != out or child_id in ("", ".", ".."):
        raise EhcpKitError(f"child id {child_id!r} would write outside {out}")
    return folder


def _checked_branding(branding: str | os.PathLike[str] | None) -> str | None:
    """The branding file's absolute path, once it has been read and found sound.

    A bad file (a missing logo, a colour that fails the contrast check) is reported
    once here, naming the file and the key, rather than once for every child.
    """
    if branding is None:
        return None
    from .render import load_branding

    load_branding(branding)
    return str(Path(branding).resolve())


def _checked_template(template: str | None, formats: Sequence[str]) -> None:
    """Read and compile an authority's Word template once, before any child runs.

    A file that is not a Word document, a tag Jinja cannot read, or a variable no plan
    has (a misspelt ``{{ refrence }}``) would fail every child alike, so it stops the
    batch here with one message naming the file. What depends on the child (a value one
    plan lacks) can only fail that child.
    """
    if template is None or "docx" not in formats:
        return
    from .render._word import check_template

    check_template(template)


def _recipe_digest(notebook, template, formats, config: Config, kernel_name: str, *,
                   appendix: bool = False, branding: str | None = None) -> str:
    """A digest of everything besides the child's own record that shapes the outputs."""
    parts = [f"ehcp-kit {__version__}", ",".join(formats), repr(config), kernel_name]
    if appendix:
        parts.append("appendix")
    if branding:
        # The file and the logo it names: a new logo must remake every document.
        from .render import load_branding

        chosen = load_branding(branding)
        parts.append(text_digest(Path(branding).read_bytes()))
        if chosen.logo is not None:
            parts.append(text_digest(chosen.logo.data))
    parts.append(text_digest(Path(notebook).read_bytes()) if notebook else "no notebook")
    if template:
        parts.append(text_digest(Path(template).read_bytes()))
    bundled = resources.files("ehcp_kit") / "templates"
    for entry in sorted(bundled.iterdir(), key=lambda entry: entry.name):
        # The dashboard is the batch's page, not any child's: it changes no child.
        if entry.is_file() and not entry.name.startswith("dashboard"):
            parts.append(f"{entry.name}:{text_digest(entry.read_bytes())}")
    if config.source and Path(config.source).is_file():
        parts.append(text_digest(Path(config.source).read_bytes()))
    return text_digest("\n".join(parts))


@contextmanager
def _stopped_by_sigterm():
    """Let SIGTERM stop the batch as Ctrl-C does, so workers and kernels are stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# ---------------------------------------------------------------------------------------
# The summary files
# ---------------------------------------------------------------------------------------


def _write_summaries(out: Path, order, manifest: Manifest, skipped: set[str]):
    """Write summary.csv, findings.csv, provision_hours.csv and outcomes.csv in one pass."""
    children: list[ChildResult] = []
    with ExitStack() as stack:
        summary = stack.enter_context(_AtomicCsv(out / "summary.csv", SUMMARY_FIELDS))
        findings = stack.enter_context(_AtomicCsv(out / "findings.csv", FINDING_FIELDS))
        hours = stack.enter_context(_AtomicCsv(out / "provision_hours.csv", HOURS_FIELDS))
        outcomes = stack.enter_context(_AtomicCsv(out / "outcomes.csv", OUTCOME_FIELDS))
        for entry in order:
            if isinstance(entry, ChildResult):
                children.append(entry)
                summary.write(entry.summary_row())
                continue
            record = manifest.get(entry)
            assert record is not None, entry
            children.append(ChildResult.from_row(record.summary, skipped=entry in skipped))
            summary.write(record.summary)
            for row in record.findings:
                findings.write({"child_id": entry, **row})
            for row in record.outcomes:
                outcomes.write({"child_id": entry, **row})
            for area, amount in record.hours.items():
                hours.write({"child_id": entry, "area_of_need": area,
                             "hours_per_year": f"{amount:g}"})
    return children


class _AtomicCsv:
    """A CSV file written row by row into a temporary file, renamed into place at the end."""

    def __init__(self, path: Path, fields: list[str]) -> None:
        self.path = path
        handle, self._partial = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        _readable(self._partial)
        self._stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._stream, fieldnames=fields, lineterminator="\n")
        self._writer.writeheader()

    def write(self, row: dict[str, object]) -> None:
        self._writer.writerow(row)

    def __enter__(self) -> _AtomicCsv:
        return self

    def __exit__(self, kind, *_rest) -> None:
        self._stream.close()
        if kind is None:
            os.replace(self._partial, self.path)
        else:
            os.unlink(self._partial)


def _remove_leftovers(out: Path) -> None:
    """Remove temporary summary files that a killed batch left behind."""
    for entry in out.glob(".*.csv-*"):
        entry.unlink(missing_ok=True)
    for entry in out.glob(".dashboard.html-*"):
        entry.unlink(missing_ok=True)


def _import_for_dashboard() -> None:
    """Import matplotlib while the children run, not after them (about a second)."""
    try:
        import matplotlib.backends.backend_svg  # noqa: F401
        import matplotlib.figure  # noqa: F401
    except ImportError:
        pass


def _write_dashboard(out: Path) -> None:
    """The managers' page; a batch whose dashboard fails still has its summary files."""
    from .dashboard import write_dashboard

    try:
        write_dashboard(out)
    except Exception as error:  # noqa: BLE001 - the children's outputs matter more
        logger.warning("dashboard not written: %s", describe_error(error))


def write_text_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces, as they come) to ``path`` whole: a temporary file in
    the same folder, then a rename."""
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        _readable(partial)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.writelines([text] if isinstance(text, str) else text)
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise


def _readable(path: str) -> None:
    """Give a temporary file the permissions a plain new file would have (the umask's)."""
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
