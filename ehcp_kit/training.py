"""Workshop exercises: edit an outcome, provision or plan and see what the checks find.

The training notebooks in ``notebooks/training/`` stay short because each exercise is
one call here. An exercise is a text box holding a statement to improve, and beside it
the findings of the same checks a caseworker's plan goes through, redrawn on every
edit, with the words that triggered each finding highlighted::

    from ehcp_kit.training import outcome_exercise
    outcome_exercise("Ollie will improve his handwriting.", task="Make it measurable.")

:func:`print_findings` prints the findings as text, for a facilitator's screen and for
notebook tests that compare printed output. Nothing here changes what the checks find:
the rules are :mod:`ehcp_kit.rules`, unaltered.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import yaml
from pydantic import ValidationError

from .bank import PHASES, Bank, ExamplePair, tagged_slugs
from .config import Config
from .plan import Plan
from .rules import RULES_BY_SLUG, Finding, check_outcome, check_plan, check_provision
from .rules.whole_plan import pfa_areas

__all__ = [
    "bank_explorer",
    "describe_findings",
    "findings_html",
    "outcome_exercise",
    "pair_html",
    "plan_exercise",
    "plot_bank_coverage",
    "plan_feedback_html",
    "print_findings",
    "provision_exercise",
    "read_plan_text",
]

_SEVERITY_WORDS = {"error": "Must fix", "warning": "Should fix", "info": "Note"}
# Dark enough on white for AA contrast; the words carry the meaning, not the colour.
_SEVERITY_COLOURS = {"error": "#a3001b", "warning": "#7a4a00", "info": "#1f4e79"}


def _check(kind: str, text: str, date_of_birth: date | None, plan_date: date | None,
           config: Config | None) -> list[Finding]:
    if kind == "outcome":
        return check_outcome(text, date_of_birth=date_of_birth, plan_date=plan_date,
                             config=config)
    if kind == "provision":
        return check_provision(text, config=config)
    raise ValueError(f"kind {kind!r} is not 'outcome' or 'provision'")


def describe_findings(findings: Sequence[Finding]) -> str:
    """The findings as lines of text, or a line saying there are none."""
    if not findings:
        return "No findings: this passes every check."
    return "\n".join(finding.describe() for finding in findings)


def print_findings(
    text: str,
    kind: str = "outcome",
    *,
    date_of_birth: date | None = None,
    plan_date: date | None = None,
    config: Config | None = None,
) -> list[Finding]:
    """Check one statement, print what the checks find, and return the findings."""
    findings = _check(kind, text, date_of_birth, plan_date, config)
    print(describe_findings(findings))
    return findings


def _highlighted(text: str, findings: Sequence[Finding]) -> str:
    """The text as HTML, with the words each finding points at marked."""
    spans = sorted({finding.span for finding in findings if finding.span is not None})
    pieces, position = [], 0
    for start, end in spans:
        if start < position:  # overlapping spans: mark the first one only
            continue
        pieces.append(html.escape(text[position:start]))
        pieces.append(f'<mark style="background:#ffe066;color:#000">'
                      f"{html.escape(text[start:end])}</mark>")
        position = end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


def findings_html(text: str, findings: Sequence[Finding]) -> str:
    """Feedback as HTML: the text with the triggering words marked, then each finding.

    Each finding says how serious it is in words ("Must fix"), what is wrong, and links
    to its page in the handbook, which explains why.
    """
    if not findings:
        return ('<div class="ehcp-feedback"><p><strong>No findings:</strong> this passes '
                "every check.</p></div>")

    items = []
    for finding in findings:
        colour = _SEVERITY_COLOURS[finding.severity]
        page = RULES_BY_SLUG[finding.slug].help_url
        items.append(
            f'<li><strong style="color:{colour}">{_SEVERITY_WORDS[finding.severity]}</strong> '
            f'<a href="{page}">{finding.code} {finding.slug}</a>: '
            f"{html.escape(finding.message)}</li>"
        )
    counts = {level: sum(1 for f in findings if f.severity == level) for level in _SEVERITY_WORDS}
    summary = ", ".join(f"{count} {_SEVERITY_WORDS[level].lower()}"
                        for level, count in counts.items() if count)
    return (
        '<div class="ehcp-feedback">'
        f"<p><strong>{len(findings)} finding{'s' if len(findings) != 1 else ''}</strong> "
        f"({summary})</p>"
        f'<p style="line-height:1.6">{_highlighted(text, findings)}</p>'
        f"<ul>{''.join(items)}</ul></div>"
    )


def _exercise(text: str, task: str, label: str, rows: int,
              feedback: Callable[[str], str]) -> Any:
    """A task, a text box and feedback that follows every edit."""
    import ipywidgets as widgets

    box = widgets.Textarea(
        value=text, description=label, rows=rows, continuous_update=True,
        layout=widgets.Layout(width="95%"), style={"description_width": "9em"},
    )
    result = widgets.HTML(value=feedback(text))

    def redraw(change: dict[str, Any]) -> None:
        result.value = feedback(change["new"])

    box.observe(redraw, names="value")
    parts = [box, result]
    if task:
        parts.insert(0, widgets.HTML(value=f"<p><strong>Task:</strong> {html.escape(task)}</p>"))
    return widgets.VBox(parts, layout=widgets.Layout(width="100%"))


def outcome_exercise(
    text: str,
    *,
    task: str = "",
    date_of_birth: date | None = None,
    plan_date: date | None = None,
    config: Config | None = None,
) -> Any:
    """An outcome in a text box, with the outcome checks' feedback beside it.

    With a date of birth and a plan date the timescale is checked for that child too
    (whether it resolves, lies in the past, or runs beyond the next stage).
    """
    return _exercise(
        text, task, "Outcome", 4,
        lambda value: findings_html(value, check_outcome(
            value, date_of_birth=date_of_birth, plan_date=plan_date, config=config)),
    )


def provision_exercise(text: str, *, task: str = "", config: Config | None = None) -> Any:
    """A provision statement in a text box, with the provision checks' feedback."""
    return _exercise(text, task, "Provision", 4,
                     lambda value: findings_html(value, check_provision(value, config=config)))


def plan_exercise(plan_yaml: str, *, task: str = "", config: Config | None = None) -> Any:
    """A small plan written as YAML in a text box, with the whole-plan checks' feedback.

    For the golden thread: learners add links between needs, outcomes and provision and
    watch the findings about missing links go. The Preparing for Adulthood areas each
    outcome works towards are listed too.
    """
    return _exercise(plan_yaml, task, "Plan (YAML)", 22,
                     lambda value: plan_feedback_html(value, config=config))


def read_plan_text(plan_yaml: str) -> tuple[Plan | None, list[str]]:
    """The plan in ``plan_yaml``, or ``None`` and what is wrong with it, field by field."""
    try:
        data = yaml.safe_load(plan_yaml)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return None, [f"the YAML cannot be read{where}: {getattr(error, 'problem', error)}"]
    if not isinstance(data, dict):
        return None, ["the text should hold a plan: child, plan_date, needs, outcomes, "
                      "provision"]
    try:
        return Plan.model_validate(data), []
    except ValidationError as error:
        return None, [
            f"{'.'.join(str(part) for part in problem['loc']) or 'plan'}: {problem['msg']}"
            for problem in error.errors()
        ]


def plan_feedback_html(plan_yaml: str, *, config: Config | None = None) -> str:
    """Feedback on a plan written as YAML: load problems, or findings and PfA areas."""
    plan, problems = read_plan_text(plan_yaml)
    if plan is None:
        items = "".join(f"<li>{html.escape(problem)}</li>" for problem in problems)
        return (f'<div class="ehcp-feedback"><p><strong>The plan cannot be read yet</strong>'
                f"</p><ul>{items}</ul></div>")

    findings = check_plan(plan, config=config)
    listed = "".join(
        f"<li><strong>{_SEVERITY_WORDS[finding.severity]}</strong> {finding.code} "
        f"{finding.slug}: {html.escape(finding.message)}</li>"
        for finding in findings
    ) or "<li>No findings: this plan passes every check.</li>"
    areas = "".join(
        f"<li>{html.escape(outcome.id)}: "
        f"{html.escape(', '.join(sorted(area.value for area in pfa_areas(outcome))) or 'none')}"
        "</li>"
        for outcome in plan.outcomes
    )
    return (
        f'<div class="ehcp-feedback"><p><strong>{len(findings)} finding'
        f"{'s' if len(findings) != 1 else ''}</strong> in Year {plan.year_group()}</p>"
        f"<ul>{listed}</ul><p>Preparing for Adulthood areas each outcome works towards:</p>"
        f"<ul>{areas}</ul></div>"
    )


# The example bank, for the explorer notebook.


def pair_html(bank: Bank, pair: ExamplePair) -> str:
    """One pair side by side: the poor version with its findings, the improved one."""
    poor, improved = bank.check(pair)
    tags = ", ".join(pair.rules)
    cell = 'style="vertical-align:top;padding:0.4em;border:1px solid #999;width:50%"'
    return (
        f'<table class="ehcp-pair" style="border-collapse:collapse;width:100%;margin:0.6em 0">'
        f'<caption style="text-align:left"><strong>{html.escape(pair.id)}</strong> '
        f"{html.escape(pair.kind)} · {html.escape(pair.area.value)} · "
        f"{html.escape(pair.year_group)} ({html.escape(pair.phase)}) · shows: "
        f"{html.escape(tags)}</caption>"
        f'<tr><th scope="col" {cell}>Poor</th><th scope="col" {cell}>Improved</th></tr>'
        f"<tr><td {cell}>{findings_html(pair.poor, poor)}</td>"
        f"<td {cell}>{findings_html(pair.improved, improved)}</td></tr>"
        f'<tr><td colspan="2" {cell}><em>Why:</em> {html.escape(pair.note)}</td></tr>'
        "</table>"
    )


def bank_explorer(
    bank: Bank,
    *,
    area: str | None = None,
    phase: str | None = None,
    rule: str | None = None,
    limit: int = 10,
) -> Any:
    """Filters for area, phase and rule over the bank, and the matching pairs side by side.

    At most ``limit`` pairs are drawn at once, so that the page stays quick to read; the
    count says how many match.
    """
    import ipywidgets as widgets

    any_value = "(any)"
    areas = sorted({pair.area.value for pair in bank})
    phases = [phase for phase in PHASES if bank.filter(phase=phase)]
    rules = sorted(tagged_slugs(bank))
    style = {"description_width": "6em"}
    pickers = {
        "area": widgets.Dropdown(options=[any_value, *areas], value=area or any_value,
                                 description="Area", style=style),
        "phase": widgets.Dropdown(options=[any_value, *phases], value=phase or any_value,
                                  description="Phase", style=style),
        "rule": widgets.Dropdown(options=[any_value, *rules], value=rule or any_value,
                                 description="Rule", style=style),
    }
    count = widgets.HTML()
    shown = widgets.HTML()

    def redraw(_change: object = None) -> None:
        chosen = {name: (None if picker.value == any_value else picker.value)
                  for name, picker in pickers.items()}
        pairs = bank.filter(**chosen)
        count.value = (f"<p><strong>{len(pairs)} of {len(bank)} pairs</strong> match"
                       + (f"; the first {limit} are shown" if len(pairs) > limit else "")
                       + ".</p>")
        shown.value = "".join(pair_html(bank, pair) for pair in pairs[:limit])

    for picker in pickers.values():
        picker.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(pickers.values())), count, shown])


def plot_bank_coverage(bank: Bank):
    """Bar charts of how many pairs the bank holds for each area, phase and rule."""
    import matplotlib.pyplot as plt

    coverage = bank.coverage()
    figure, axes = plt.subplots(1, 3, figsize=(13, 5.5), width_ratios=(1, 1, 1.3))
    orders = {
        "area": sorted(coverage["area"]),
        "phase": list(PHASES),
        "rule": sorted(coverage["rule"], key=lambda slug: RULES_BY_SLUG[slug].code),
    }
    titles = {"area": "By area of need", "phase": "By phase",
              "rule": "By rule the poor version shows"}
    for axis, (name, labels) in zip(axes, orders.items(), strict=True):
        counts = [coverage[name].get(label, 0) for label in labels]
        axis.barh(labels, counts, color="#1f4e79")
        axis.invert_yaxis()
        axis.set_title(titles[name])
        axis.set_xlabel("pairs")
        axis.tick_params(axis="y", labelsize=8)
    figure.suptitle(f"The example bank: {len(bank)} pairs")
    figure.tight_layout()
    return figure
