"""Forms for writing outcomes and plans, with live feedback, in a notebook or a browser.

Each form is a set of labelled ipywidgets inputs with the quality checks' feedback
beside them, updated as the user types: the findings for what has been typed, with the
words that triggered each one marked and the reason in plain English, and the date the
timescale falls on for this child.

- :class:`OutcomeForm` holds one outcome (text, needs, timescale, steps, success
  criteria); :class:`OutcomeBuilder` adds the child's dates, for one outcome on its own.
- :class:`ProvisionForm` holds one item of provision and its resources.
- :class:`PlanForm` holds a whole plan and opens and saves YAML plan files in a plans
  folder; ``ehcp-kit app`` serves it in a browser.

Display a form's ``widget`` in a notebook. The feedback functions (:func:`highlight`,
:func:`outcome_findings` and the rest) need no widgets.
"""

from ._feedback import (
    ChildDates,
    Part,
    describe_resolution,
    feedback_html,
    highlight,
    outcome_findings,
    provision_findings,
    resolve_outcome,
)
from ._outcome import FormError, OutcomeBuilder, OutcomeForm, TimescaleInput
from ._plan import PLANS_DIR_VARIABLE, PlanForm
from ._provision import ProvisionForm
from ._saving import PlanFileError, plan_file_path, plan_yaml, save_plan

__all__ = [
    "ChildDates",
    "FormError",
    "OutcomeBuilder",
    "OutcomeForm",
    "PLANS_DIR_VARIABLE",
    "Part",
    "PlanFileError",
    "PlanForm",
    "ProvisionForm",
    "TimescaleInput",
    "describe_resolution",
    "feedback_html",
    "highlight",
    "outcome_findings",
    "plan_file_path",
    "plan_yaml",
    "provision_findings",
    "resolve_outcome",
    "save_plan",
]
