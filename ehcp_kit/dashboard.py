"""The batch dashboard: one self-contained page a manager can open after a batch.

:func:`write_dashboard` reads a batch folder's summary files (``summary.csv``,
``findings.csv``, ``provision_hours.csv``, ``outcomes.csv``) and writes
``dashboard.html`` beside them: plans by status, findings by rule and by area of need,
outcomes per plan, timescales by key stage, and provision hours per child. Every chart
is an SVG drawn by matplotlib and written into the page itself, with a text alternative
and a table of the numbers it shows, so the page needs no network, no script and no
font from elsewhere, and a screen reader gets everything a sighted reader does.

The same functions draw the charts in ``notebooks/batch_dashboard.ipynb``:
:func:`load_batch_summary` reads the files, :func:`dashboard_charts` turns them into
:class:`Chart` objects, each with ``figure`` (a matplotlib figure), ``table`` and
``description``.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["BatchSummary", "Chart", "dashboard_charts", "load_batch_summary", "write_dashboard"]

logger = logging.getLogger("ehcp_kit")

STATUSES = ("succeeded", "failed", "incomplete")
KEY_STAGES = ("EYFS", "1", "2", "3", "4", "5", "")
TIMESCALE_BANDS = (
    "Already past", "Within 12 months", "13 to 24 months", "Over 24 months", "Not resolved",
)
HOUR_BANDS = (0, 50, 100, 200, 300, 500, 750, 1000)
# Colours that stay apart for the commonest colour-vision deficiencies (Okabe and Ito);
# every bar also carries its number, so no reading depends on colour alone.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")


@dataclass
class BatchSummary:
    """The rows of a batch folder's summary files."""

    folder: Path
    children: list[dict[str, str]] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    hours: list[dict[str, str]] = field(default_factory=list)
    outcomes: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Chart:
    """One chart: its heading, what it shows in words, its numbers, and its figure."""

    slug: str
    title: str
    description: str
    columns: list[str]
    rows: list[list[object]]
    figure: object = None  # a matplotlib Figure

    def svg(self) -> str:
        """The figure as an inline SVG element, labelled with the chart's description."""
        return _svg(self.figure, self.slug, self.title, self.description)

    def table_html(self) -> str:
        """The chart's numbers as an HTML table, for a notebook."""
        from markupsafe import escape

        head = "".join(f"<th scope='col'>{escape(column)}</th>" for column in self.columns)
        body = "".join(
            "<tr>" + f"<th scope='row'>{escape(row[0])}</th>"
            + "".join(f"<td>{escape(value)}</td>" for value in row[1:]) + "</tr>"
            for row in self.rows
        )
        return (f"<table><caption>{escape(self.title)}: the numbers</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def load_batch_summary(folder: str | os.PathLike[str]) -> BatchSummary:
    """Read the summary files of the batch written into ``folder``."""
    folder = Path(folder)
    summary = BatchSummary(folder)
    for name, attribute in (
        ("summary.csv", "children"),
        ("findings.csv", "findings"),
        ("provision_hours.csv", "hours"),
        ("outcomes.csv", "outcomes"),
    ):
        with _rows_of(folder / name) as rows:
            setattr(summary, attribute, list(rows))
    return summary


def dashboard_charts(summary: BatchSummary) -> list[Chart]:
    """Every chart of the dashboard, in the order the page shows them."""
    return _charts(_Tally.of(summary.children, summary.findings, summary.outcomes))


def write_dashboard(folder: str | os.PathLike[str]) -> Path:
    """Write ``folder/dashboard.html`` from the batch's summary files; returns its path.

    The files are read a row at a time and only the charts' counts are kept, and the
    page is written as it is rendered, so a batch of any size needs no more memory for
    its dashboard than one of a hundred children (less a few bytes a child for the
    median of the hours).
    """
    from .batch import write_text_atomic
    from .render._html import html_environment

    folder = Path(folder)
    with ExitStack() as stack:
        files = [stack.enter_context(_rows_of(folder / name))
                 for name in ("summary.csv", "findings.csv", "outcomes.csv")]
        tally = _Tally.of(*files)
    charts = _charts(tally)

    page = html_environment().get_template("dashboard.html.j2").generate(
        charts=[(chart, _safe(chart.svg())) for chart in charts],
        counts=tally.statuses,
        total=tally.children,
        has_hours=bool(tally.hour_totals),
        hours=_hours_by_child(folder),
        written=datetime.now(UTC).astimezone().strftime("%d %B %Y at %H:%M"),
    )
    target = folder / "dashboard.html"
    write_text_atomic(target, page)
    for chart in charts:
        _close(chart.figure)
    return target


@contextmanager
def _rows_of(path: Path) -> Iterator[Iterator[dict[str, str]]]:
    """The rows of one summary file as dictionaries, read as they are asked for; a file
    that is not there has no rows."""
    if not path.is_file():
        yield iter(())
        return
    with open(path, encoding="utf-8", newline="") as stream:
        yield iter(csv.DictReader(stream))


@dataclass
class _Tally:
    """What the charts count, gathered in one pass over the rows of a batch."""

    children: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    outcomes_per_plan: Counter[int] = field(default_factory=Counter)
    hour_totals: array = field(default_factory=lambda: array("d"))
    findings: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    areas: Counter[str] = field(default_factory=Counter)
    timescales: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, children: Iterable[dict[str, str]], findings: Iterable[dict[str, str]],
           outcomes: Iterable[dict[str, str]]) -> _Tally:
        tally = cls()
        for row in children:
            tally.children += 1
            tally.statuses[row["status"]] += 1
            if row.get("folder"):
                tally.outcomes_per_plan[int(row.get("outcomes") or 0)] += 1
            if row.get("provision_hours") not in (None, ""):
                tally.hour_totals.append(float(row["provision_hours"]))
        for row in findings:
            tally.findings += 1
            tally.rules[f"{row['code']} {row['slug']}"] += 1
            areas = [area for area in row.get("areas_of_need", "").split("; ") if area]
            tally.areas.update(areas or ["The whole plan (no one area)"])
        for row in outcomes:
            stage = _stage_name(row.get("key_stage", ""))
            counts = tally.timescales.setdefault(stage, Counter())
            counts[_band(row.get("months_to_target", ""))] += 1
        return tally


def _charts(tally: _Tally) -> list[Chart]:
    charts = [
        _plans_by_status(tally),
        _findings_by_rule(tally),
        _findings_by_area(tally),
        _outcomes_per_plan(tally),
        _timescales_by_key_stage(tally),
        _hours_per_child(tally),
    ]
    for chart in charts:
        chart.figure = _draw(chart)
    return charts


# ---------------------------------------------------------------------------------------
# The charts' numbers
# ---------------------------------------------------------------------------------------


def _plans_by_status(tally: _Tally) -> Chart:
    counts = tally.statuses
    rows = [[status.capitalize(), counts.get(status, 0)] for status in STATUSES]
    rows += [[status.capitalize(), n] for status, n in counts.items() if status not in STATUSES]
    total = tally.children
    words = ", ".join(f"{count} {name.lower()}" for name, count in rows)
    return Chart("status", "Plans by status", f"Of {total} plans: {words}.",
                 ["Status", "Plans"], rows)


def _findings_by_rule(tally: _Tally) -> Chart:
    counts = tally.rules
    rows = [[rule, count] for rule, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
    if rows:
        top = "; ".join(f"{rule}: {count}" for rule, count in rows[:3])
        words = f"{tally.findings} findings from {len(rows)} rules. Most often: {top}."
    else:
        words = "No findings in this batch."
    return Chart("rules", "Findings by rule", words, ["Rule", "Findings"], rows)


def _findings_by_area(tally: _Tally) -> Chart:
    counts = tally.areas
    rows = [[area, count] for area, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
    words = "; ".join(f"{area}: {count}" for area, count in rows) or "No findings."
    return Chart(
        "areas", "Findings by area of need",
        f"Findings counted against each area of need of the outcome or provision they are "
        f"about (a finding touching two areas counts for both). {words}.",
        ["Area of need", "Findings"], rows,
    )


def _outcomes_per_plan(tally: _Tally) -> Chart:
    counts = tally.outcomes_per_plan
    rows = [[number, counts[number]] for number in sorted(counts)]
    words = "; ".join(f"{plans} with {number}" for number, plans in rows) or "No plans loaded."
    return Chart("outcomes", "Outcomes per plan",
                 f"How many plans have each number of outcomes: {words}.",
                 ["Outcomes in the plan", "Plans"], rows)


def _timescales_by_key_stage(tally: _Tally) -> Chart:
    counts = tally.timescales
    stages = [_stage_name(stage) for stage in KEY_STAGES if _stage_name(stage) in counts]
    rows = [[stage, *(counts[stage][band] for band in TIMESCALE_BANDS)] for stage in stages]
    words = "; ".join(
        f"{row[0]}: " + ", ".join(f"{n} {band.lower()}" for band, n in
                                  zip(TIMESCALE_BANDS, row[1:], strict=True) if n)
        for row in rows
    ) or "No outcomes."
    return Chart(
        "timescales", "Timescales by key stage",
        f"When outcomes fall due, counted from the plan date, by the child's key stage on "
        f"that date. {words}.",
        ["Key stage", *TIMESCALE_BANDS], rows,
    )


def _hours_per_child(tally: _Tally) -> Chart:
    totals = tally.hour_totals
    labels = [*(f"{low} to {high}" for low, high in zip(HOUR_BANDS, HOUR_BANDS[1:],
                                                        strict=False)),
              f"{HOUR_BANDS[-1]} or more"]
    counts = Counter()
    for total in totals:
        band = sum(1 for edge in HOUR_BANDS[1:] if total >= edge)
        counts[labels[band]] += 1
    rows = [[label, counts[label]] for label in labels]
    if totals:
        ordered = sorted(totals)
        middle = ordered[len(ordered) // 2]
        words = (f"{len(totals)} children, from {ordered[0]:g} to {ordered[-1]:g} hours of "
                 f"provision a year; the median child has {middle:g}.")
    else:
        words = "No child's provision could be counted in hours."
    return Chart("hours", "Provision hours per child",
                 f"How many children have each band of hours of provision a year. {words}",
                 ["Hours a year", "Children"], rows)


def _hours_by_child(folder: Path) -> Iterator[tuple[str, str, str]]:
    """Each child's hours a year by area, for the table under the hours chart.

    The batch writes both files in the same order of children, so each child's rows of
    hours by area are read alongside its row of the summary, never all at once. Files
    edited by hand (sorted, a row taken out) may not keep that order; then the rows of
    hours are gathered by child first, so that no child loses theirs to another.
    """
    hours_file = folder / "provision_hours.csv"
    in_step = _in_step(folder)
    with _rows_of(folder / "summary.csv") as children, _rows_of(hours_file) as hours:
        if in_step:
            pairs = _alongside(children, hours)
        else:
            logger.warning("%s is not in the order of summary.csv; its rows are read whole "
                           "for the dashboard", hours_file.name)
            by_child: dict[str, list[str]] = {}
            for waiting in hours:
                by_child.setdefault(waiting["child_id"], []).append(_area_hours(waiting))
            pairs = ((row, by_child.get(row["child_id"], [])) for row in children)

        for row, by_area in pairs:
            if row.get("provision_hours") not in (None, ""):
                yield row["child_id"], row["provision_hours"], "; ".join(by_area)


def _alongside(children: Iterator[dict[str, str]], hours: Iterator[dict[str, str]]
               ) -> Iterator[tuple[dict[str, str], list[str]]]:
    """Each summary row with the rows of hours that follow, in their file, for its child."""
    waiting = next(hours, None)
    for row in children:
        by_area = []
        while waiting is not None and waiting["child_id"] == row["child_id"]:
            by_area.append(_area_hours(waiting))
            waiting = next(hours, None)
        yield row, by_area


def _in_step(folder: Path) -> bool:
    """Whether reading the two files alongside finds every row of hours its child."""
    hours_file = folder / "provision_hours.csv"
    with _rows_of(folder / "summary.csv") as children, _rows_of(hours_file) as hours:
        matched = sum(len(by_area) for _, by_area in _alongside(children, hours))
    with _rows_of(hours_file) as hours:
        return matched == sum(1 for _ in hours)


def _area_hours(row: dict[str, str]) -> str:
    return f"{row['area_of_need']}: {row['hours_per_year']}"


def _stage_name(stage: str) -> str:
    if stage in ("", "Not known"):
        return "Not known"
    return stage if stage == "EYFS" else f"Key stage {stage}"


def _band(months: str) -> str:
    if months in ("", None):
        return "Not resolved"
    months = int(months)
    if months < 0:
        return "Already past"
    if months <= 12:
        return "Within 12 months"
    return "13 to 24 months" if months <= 24 else "Over 24 months"


# ---------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------


def _draw(chart: Chart):
    """A matplotlib figure of the chart's table: bars, each labelled with its number."""
    from matplotlib.figure import Figure

    rows = chart.rows or [["(none)", *[0] * (len(chart.columns) - 1)]]
    labels = [str(row[0]) for row in rows]
    series = chart.columns[1:]
    horizontal = chart.slug in ("rules", "areas")
    height = max(2.6, 0.32 * len(labels) + 1.2) if horizontal else 3.2
    figure = Figure(figsize=(7.5, height), layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(labels)))

    left = [0.0] * len(labels)
    for number, name in enumerate(series):
        values = [float(row[number + 1] or 0) for row in rows]
        colour = COLOURS[number % len(COLOURS)]
        if horizontal:
            bars = axes.barh(positions, values, left=left, color=colour, label=name)
        else:
            bars = axes.bar(positions, values, bottom=left, color=colour, label=name)
        if len(series) == 1:
            axes.bar_label(bars, labels=[f"{value:g}" for value in values], padding=2)
        left = [a + b for a, b in zip(left, values, strict=True)]

    if horizontal:
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xlabel(series[0])
    else:
        axes.set_xticks(positions, labels, rotation=20 if len(labels) > 6 else 0)
        axes.set_ylabel(series[0] if len(series) == 1 else "Outcomes")
        axes.set_xlabel(chart.columns[0])
    if len(series) > 1:
        axes.legend(frameon=False, fontsize="small")
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _svg(figure, slug: str, title: str, description: str) -> str:
    """``figure`` as an ``<svg>`` element with ids of its own and a text alternative."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": slug, "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    # Several charts share one page: give every id in this one a prefix of its own.
    text = re.sub(r'id="([^"]+)"', rf'id="{slug}-\1"', text)
    text = re.sub(r'(href|xlink:href)="#([^"]+)"', rf'\1="#{slug}-\2"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{slug}-\1)", text)
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    label = f'role="img" aria-labelledby="{slug}-title {slug}-desc"'
    text = text.replace("<svg ", f"<svg {label} ", 1)
    head = text.index(">") + 1
    alternative = (f'<title id="{slug}-title">{_escape(title)}</title>'
                   f'<desc id="{slug}-desc">{_escape(description)}</desc>')
    return text[:head] + alternative + text[head:]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _safe(markup: str):
    from markupsafe import Markup

    return Markup(markup)  # noqa: S704 - our own SVG, every text in it escaped above


def _close(figure) -> None:
    """Let go of a figure (no pyplot is involved, so dropping it frees it)."""
    if figure is not None:
        figure.clear()
