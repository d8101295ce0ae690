"""How long the forms take to give feedback after one edit: the checks plus the HTML.

A caseworker types into the outcome box and the feedback beside it must keep up, so the
target is well under 50 ms an edit. Each edit here sets a widget's value, which runs the
same observers a keystroke does in a notebook or in ``ehcp-kit app``: the checks, the
resolved date and the feedback HTML. Sending that HTML to the browser is not included
(it is one message of a few kilobytes). This script measures; it asserts nothing.

    .venv/bin/python benchmarks/form_feedback.py [--repeat 3]

Three cases: an outcome form on its own, typed one character at a time; the same typing
into an outcome of a whole example plan, where the whole-plan checks run too; and a
provision item typed one character at a time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ehcp_kit.forms import ChildDates, OutcomeForm, PlanForm, ProvisionForm

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "plans" / "example-primary.yaml"

OUTCOMES = [
    "Maisie will improve her listening and develop an understanding of instructions.",
    "By the end of Key Stage 2, Maisie will follow spoken instructions with four key words "
    "given to the whole class on 4 out of 5 occasions, so that she can start tasks.",
    "Staff will support Maisie to make progress with her reading as needed.",
]
PROVISION = "Regular small group support from suitably trained staff, up to 3 hours a week."


def typing(text: str) -> list[str]:
    """Every state of the box while ``text`` is typed one character at a time."""
    return [text[:end] for end in range(1, len(text) + 1)]


def time_edits(edit: Callable[[str], None], states: list[str]) -> list[float]:
    """Milliseconds for each edit."""
    times = []
    for state in states:
        start = time.perf_counter()
        edit(state)
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"{name:<48} edits {len(times):>5}   median {statistics.median(times):6.2f} ms   "
          f"p99 {p99:6.2f} ms   max {ordered[-1]:6.2f} ms")


def main() -> None:
    """Type the statements into each form and print the time per edit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="times to type each statement")
    repeat = parser.parse_args().repeat
    states = [state for text in OUTCOMES for state in typing(text)] * repeat

    outcome = OutcomeForm(child=ChildDates(date(2016, 11, 3), date(2025, 2, 10)))
    outcome.timescale.kind.value = "key-stage"
    outcome.timescale.stage.value = "2"
    report("outcome form", time_edits(lambda text: setattr(outcome.text, "value", text),
                                      states))

    plan = PlanForm(ROOT / "examples" / "plans")
    plan.open(PLAN.name)
    box = plan.outcomes.rows[1].text
    report(f"outcome in a whole plan ({PLAN.name})",
           time_edits(lambda text: setattr(box, "value", text), states))

    provision = ProvisionForm()
    report("provision form", time_edits(
        lambda text: setattr(provision.parts["what"], "value", text),
        typing(PROVISION) * repeat,
    ))


if __name__ == "__main__":
    main()
