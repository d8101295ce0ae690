"""The outcome form: one outcome from the template, with live feedback beside it.

The fields follow the outcome template: the outcome, the needs it meets (and so its
areas of need), its timescale, the steps towards it and the four parts of its success
criteria. Beside them the feedback shows what the checks find in the words, with the
words that triggered each finding marked, and the date the timescale falls on for this
child.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import ipywidgets as widgets
from pydantic import ValidationError

from ..areas import PFA_AREAS, AreaOfNeed
from ..errors import EhcpKitError
from ..outcomes import Outcome, Step, SuccessCriterion
from ..plan import Need
from ..rules import Finding
from ..timescales import KEY_STAGE_LAST_YEAR, find_timescale
from ._feedback import (
    ChildDates,
    Part,
    describe_resolution,
    feedback_html,
    outcome_findings,
    resolve_outcome,
)
from ._inputs import (
    FORM_STYLE,
    Choices,
    DateInput,
    QuietEdits,
    RowList,
    dropdown,
    heading,
    text_input,
)

__all__ = ["FormError", "OutcomeBuilder", "OutcomeForm", "TimescaleInput"]

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_STAGE_NAMES = {"EYFS": "the Early Years Foundation Stage", "5": "16-19 study"}
_STAGES = [("Early Years Foundation Stage", "EYFS")] + [
    (f"Key Stage {stage}", stage) for stage in ("1", "2", "3", "4")
] + [("16-19 study", "5")]
_YEARS = [("Nursery", -1), ("Reception", 0)] + [(f"Year {year}", year) for year in range(1, 15)]
# ipywidgets shows a choice whose value is None as nothing chosen, so "as for their age"
# (no override) has a value of its own.
_AS_FOR_AGE = "as for their age"


def year_group_dropdown() -> widgets.Dropdown:
    """The year group a child is taught in, when it is not the one for their age."""
    return dropdown("Taught in year group", [("As for their age", _AS_FOR_AGE)] + _YEARS,
                    value=_AS_FOR_AGE)


def override_of(choice: widgets.Dropdown) -> int | None:
    return None if choice.value == _AS_FOR_AGE else choice.value


def show_override(choice: widgets.Dropdown, year: int | None) -> None:
    choice.value = _AS_FOR_AGE if year is None else year


_KINDS = [
    ("the end of a key stage", "key-stage"),
    ("the end of a year group", "year-group"),
    ("an age", "age"),
    ("a month", "month"),
    ("a date", "date"),
    ("other wording", "wording"),
]


class FormError(EhcpKitError, ValueError):
    """A form that cannot become a valid record yet; the message lists what to fix."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def validated(model, kind: str, item_id: str, problems: list[str], data: dict[str, Any]):
    """``data`` as a ``model``, or a :class:`FormError` listing the form's problems."""
    if problems:
        label = f"{kind} {item_id.strip() or '(no id)'}"
        raise FormError([f"{label}: {problem}" for problem in problems])
    return model.model_validate(data)


def _invalid(error: ValidationError, names: dict[str, str]) -> list[str]:
    """Pydantic's faults in the words of the form's labels."""
    problems = []
    for detail in error.errors(include_url=False):
        if not detail["loc"]:  # a check of the whole record, such as its links
            problems.extend(str((detail.get("ctx") or {}).get("error", detail["msg"]))
                            .split("; "))
            continue
        field = next((str(part) for part in detail["loc"] if isinstance(part, str)), "")
        label = names.get(field, field.replace("_", " "))
        if detail["type"] in ("missing", "string_too_short"):
            problems.append(f"{label} is required")
        else:
            message = str((detail.get("ctx") or {}).get("error", detail["msg"]))
            problems.append(f"{label}: {message}")
    return problems


# ---------------------------------------------------------------------------------------
# The timescale
# ---------------------------------------------------------------------------------------


class TimescaleInput(QuietEdits):
    """When the outcome falls due: chosen from the usual kinds, or in the author's words.

    The wording is what the plan keeps. Choosing a key stage, a year, an age, a month or
    a date writes the wording ("By the end of Key Stage 2"); wording typed or loaded is
    kept exactly as it is, and the choices follow it where they can.
    """

    def __init__(self) -> None:
        self.kind = dropdown("Falls due at", _KINDS)
        self.stage = dropdown("Key stage", _STAGES)
        self.year = dropdown("Year group", _YEARS)
        self.age = widgets.BoundedIntText(value=16, min=1, max=25, description="Age (years)",
                                          style={"description_width": "13em"})
        self.month = dropdown("Month", [(name, number) for number, name in enumerate(_MONTHS, 1)])
        self.month_year = widgets.BoundedIntText(value=2027, min=2014, max=2100,
                                                 description="Year",
                                                 style={"description_width": "13em"})
        self.date = DateInput("Date")
        self.wording = text_input("Timescale wording", placeholder="By the end of Key Stage 2")
        self.choice_box = widgets.VBox([])
        self.widget = widgets.VBox([self.kind, self.choice_box, self.wording])
        self._listeners: list[Callable[[], None]] = []

        for picker in (self.kind, self.stage, self.year, self.age, self.month, self.month_year):
            picker.observe(self._on_choice, "value")
        self.date.on_change(lambda: self._on_choice(None))
        self.wording.observe(self._on_wording, "value")
        self._show_choices()

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    @property
    def timescale(self) -> str:
        return self.wording.value.strip()

    @property
    def target_date(self) -> date | None:
        return self.date.value if self.kind.value == "date" else None

    def problems(self) -> list[str]:
        """A kind of timescale chosen with its value left empty."""
        empty = {"key-stage": (self.stage, "the key stage"),
                 "year-group": (self.year, "the year group"),
                 "month": (self.month, "the month")}
        if self.kind.value in empty and empty[self.kind.value][0].value is None:
            return [f"choose {empty[self.kind.value][1]} the outcome falls due at"]
        if self.kind.value == "date" and self.date.value is None:
            return ["choose the date the outcome falls due"]
        return []

    def set(self, timescale: str, target_date: date | None) -> None:
        """Show a stored timescale, keeping its wording as written."""
        with self.quietly():
            self.wording.value = timescale
            if target_date is not None:
                self.kind.value = "date"
                self.date.value = target_date
            else:
                self._follow(timescale)
            self._show_choices()

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def _on_choice(self, change: dict[str, Any] | None) -> None:
        self._show_choices()
        if self._quiet:
            return
        wording = self._wording()
        if wording is not None:
            with self.quietly():
                self.wording.value = wording
        self._changed()

    def _on_wording(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        with self.quietly():
            if self.kind.value != "date":
                self._follow(change["new"])
            self._show_choices()
        self._changed()

    def _wording(self) -> str | None:
        """The wording for the current choices, or ``None`` for the author's own."""
        kind = self.kind.value
        if kind == "key-stage" and self.stage.value is not None:
            stage = self.stage.value
            return f"By the end of {_STAGE_NAMES.get(stage, f'Key Stage {stage}')}"
        if kind == "year-group" and self.year.value is not None:
            return f"By the end of {dict((v, k) for k, v in _YEARS)[self.year.value]}"
        if kind == "age":
            return f"By the age of {self.age.value}"
        if kind == "month" and self.month.value is not None:
            return f"By {_MONTHS[self.month.value - 1]} {self.month_year.value}"
        if kind == "date" and self.date.value is not None:
            day = self.date.value
            return f"By {day.day} {_MONTHS[day.month - 1]} {day.year}"
        return None

    def _follow(self, wording: str) -> None:
        """Set the choices to match ``wording``, if it is one they can express."""
        found = find_timescale(wording) if wording.strip() else None
        if found is None:
            self.kind.value = "wording" if wording.strip() else None
            return
        values = found.values
        # Wording that offers a choice ("Year 6 or 7") or an age in months stays as written.
        if found.kind == "key-stage" and values[1] is None:
            number, _, early_years, _ = values
            words = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
            stage = "EYFS" if early_years else (words.get(str(number).lower(), number)
                                                 if number else "5")
            self.kind.value = "key-stage"
            self.stage.value = stage if stage in KEY_STAGE_LAST_YEAR else None
        elif found.kind == "year-group" and values[1] is None:
            number, _, reception, _ = values
            year = int(number) if number else (0 if reception else -1)
            self.kind.value = "year-group"
            self.year.value = year if -1 <= year <= 14 else None
        elif found.kind == "age" and str(values[0]).isdigit() and values[1:] == (None, None):
            self.kind.value = "age"
            self.age.value = max(1, min(25, int(values[0])))
        elif found.kind == "month-year":
            month, year = values
            index = next((number for number, name in enumerate(_MONTHS, start=1)
                          if name.lower().startswith(month.lower()[:3])), None)
            self.kind.value = "month"
            self.month.value = index
            self.month_year.value = max(2014, min(2100, int(year)))
        else:
            self.kind.value = "wording"

    def _show_choices(self) -> None:
        shown = {
            "key-stage": [self.stage],
            "year-group": [self.year],
            "age": [self.age],
            "month": [self.month, self.month_year],
            "date": [self.date.widget],
        }.get(self.kind.value, [])
        if list(self.choice_box.children) != shown:
            self.choice_box.children = shown


# ---------------------------------------------------------------------------------------
# Steps and success criteria
# ---------------------------------------------------------------------------------------


class StepRow:
    """One step towards the outcome, and when it should be reached."""

    def __init__(self) -> None:
        self.text = text_input("Step", required=True,
                               placeholder="Sam will read 20 common words on sight")
        self.target = text_input("By when", placeholder="By the end of Year 4")
        self.widget = widgets.VBox([self.text, self.target])

    def on_change(self, listener: Callable[[], None]) -> None:
        for box in (self.text, self.target):
            box.observe(lambda _: listener(), "value")

    def data(self) -> dict[str, str]:
        return {"text": self.text.value, "target": self.target.value}

    def set(self, step: Step) -> None:
        self.text.value, self.target.value = step.text, step.target


_CRITERION_LABELS = {
    "what_success_looks_like": "What success looks like",
    "how_measured": "How it is measured",
    "when_measured": "When it is measured",
    "who_measures": "Who measures it",
}


class CriterionRow:
    """One row of success criteria, in the template's four columns."""

    def __init__(self) -> None:
        self.parts = {name: text_input(label, rows=2) for name, label in _CRITERION_LABELS.items()}
        self.widget = widgets.VBox(list(self.parts.values()))

    def on_change(self, listener: Callable[[], None]) -> None:
        for box in self.parts.values():
            box.observe(lambda _: listener(), "value")

    def data(self) -> dict[str, str]:
        return {name: box.value for name, box in self.parts.items()}

    def set(self, criterion: SuccessCriterion) -> None:
        for name, box in self.parts.items():
            box.value = getattr(criterion, name)


# ---------------------------------------------------------------------------------------
# The outcome form
# ---------------------------------------------------------------------------------------


class OutcomeForm(QuietEdits):
    """One outcome, with the checks' feedback beside it as it is typed.

    ``child`` gives the dates its timescale is resolved with; :meth:`set_needs` offers the
    plan's needs to link it to. :meth:`outcome` returns the :class:`~ehcp_kit.Outcome`,
    or raises :class:`FormError` listing what is still missing.
    """

    def __init__(self, outcome_id: str = "O1", child: ChildDates | None = None) -> None:
        self._child = child or ChildDates()
        self._listeners: list[Callable[[], None]] = []
        self.findings: list[Finding] = []

        self.id = text_input("Outcome id", required=True, value=outcome_id)
        self.text = text_input(
            "Outcome", required=True, rows=4,
            placeholder="By the end of Key Stage 2, Sam will ... so that ...",
        )
        self.needs = Choices("Needs it meets", "No needs in the plan yet.")
        self.areas = widgets.HTML()
        self.timescale = TimescaleInput()
        self.long_term = widgets.Checkbox(description="Long-term outcome (beyond the next "
                                          "key stage)", indent=False,
                                          layout=widgets.Layout(width="auto"))
        self.preparing_for_adulthood = Choices("Preparing for adulthood", "")
        self.preparing_for_adulthood.set_options((area.value, area.value) for area in PFA_AREAS)
        self.steps = RowList(StepRow, add_label="Add a step", item_name="Step")
        self.criteria = RowList(CriterionRow, add_label="Add success criteria",
                                item_name="Success criteria")
        self.feedback = widgets.HTML()
        self._needs: list[Need] = []

        fields = widgets.VBox([
            self.id, self.text, self.needs.widget, self.areas,
            heading("Timescale", 4), self.timescale.widget,
            self.long_term, self.preparing_for_adulthood.widget,
            heading("Steps towards the outcome", 4), self.steps.widget,
            heading("Success criteria", 4), self.criteria.widget,
        ], layout=widgets.Layout(width="58%"))
        panel = widgets.VBox([heading("Feedback", 4), self.feedback],
                             layout=widgets.Layout(width="40%", margin="0 0 0 2%"))
        self.widget = widgets.HBox([fields, panel])
        self.widget.add_class("ehcp-form")

        for box in (self.id, self.text, self.long_term):
            box.observe(lambda _: self._edited(), "value")
        for part in (self.needs, self.timescale, self.preparing_for_adulthood, self.steps,
                     self.criteria):
            part.on_change(self._edited)
        self.refresh()

    # Data in and out.

    def data(self) -> dict[str, Any]:
        """The form's values in the shape of :class:`~ehcp_kit.Outcome`."""
        return {
            "id": self.id.value.strip(),
            "text": self.text.value,
            "need_ids": self.needs.value,
            "timescale": self.timescale.timescale,
            "target_date": self.timescale.target_date,
            "long_term": self.long_term.value,
            "preparing_for_adulthood": self.preparing_for_adulthood.value,
            "steps": [row.data() for row in self.steps.rows],
            "success_criteria": [row.data() for row in self.criteria.rows],
        }

    def problems(self) -> list[str]:
        """What stops the form from making a valid outcome, in the form's words."""
        problems = list(self.timescale.problems())
        try:
            Outcome.model_validate(self.data())
        except ValidationError as error:
            problems.extend(_invalid(error, {"id": "the outcome id", "text": "the outcome",
                                             "steps": "each step"}))
        return problems

    def outcome(self) -> Outcome:
        return validated(Outcome, "outcome", self.id.value, self.problems(), self.data())

    def set(self, outcome: Outcome) -> None:
        """Show ``outcome`` in the form, replacing what was there."""
        with self.quietly():
            self.id.value = outcome.id
            self.text.value = outcome.text
            self.needs.value = outcome.need_ids
            self.timescale.set(outcome.timescale, outcome.target_date)
            self.long_term.value = outcome.long_term
            self.preparing_for_adulthood.value = [area.value
                                                  for area in outcome.preparing_for_adulthood]
            _fill(self.steps, outcome.steps)
            _fill(self.criteria, outcome.success_criteria)
        self._edited()

    # The plan around it.

    @property
    def child(self) -> ChildDates:
        return self._child

    @child.setter
    def child(self, child: ChildDates) -> None:
        if child != self._child:
            self._child = child
            self.refresh()

    def set_needs(self, needs: Sequence[Need]) -> None:
        """Offer the plan's needs to link this outcome to."""
        self._needs = list(needs)
        self.needs.set_options((need.id, f"{need.id}: {need.area.value}") for need in needs)
        self._show_areas()

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    # Feedback.

    def _edited(self) -> None:
        if self._quiet:
            return
        self.refresh()
        for listener in self._listeners:
            listener()

    def refresh(self) -> None:
        """Run the checks on what is in the form and show the feedback."""
        self._show_areas()
        draft = self._draft()
        if draft is None:
            self.findings = []
            self.feedback.value = ("<p><em>Write the outcome to see what the checks find "
                                   "and when it falls due.</em></p>")
            return
        self.findings = outcome_findings(draft, self._child)
        when = describe_resolution(resolve_outcome(draft, self._child))
        self.feedback.value = feedback_html(self._parts(draft), self.findings, when=when,
                                            empty="No findings: this outcome passes the checks.")

    def _draft(self) -> Outcome | None:
        """The outcome as typed so far, with a stand-in id and blank rows left out."""
        data = self.data()
        if not data["text"].strip():
            return None
        data["steps"] = [step for step in data["steps"] if step["text"].strip()]
        for stand_in in (data["id"], "outcome"):
            try:
                return Outcome.model_validate({**data, "id": stand_in})
            except ValidationError:
                continue
        return None

    def _parts(self, outcome: Outcome) -> list[Part]:
        base = f"outcomes[{outcome.id}]"
        parts = [Part("Outcome", f"{base}.text", outcome.text),
                 Part("Timescale", f"{base}.timescale", outcome.timescale),
                 Part("Steps", f"{base}.steps", "")]
        for index, step in enumerate(outcome.steps):
            parts.append(Part(f"Step {index + 1}", f"{base}.steps[{index}].text", step.text))
            parts.append(Part(f"Step {index + 1}: by when", f"{base}.steps[{index}].target",
                              step.target))
        parts.append(Part("Success criteria", f"{base}.success_criteria", ""))
        for index, criterion in enumerate(outcome.success_criteria):
            for name, label in _CRITERION_LABELS.items():
                parts.append(Part(f"Success criteria {index + 1}: {label.lower()}",
                                  f"{base}.success_criteria[{index}].{name}",
                                  getattr(criterion, name)))
        return parts

    def _show_areas(self) -> None:
        chosen = set(self.needs.value)
        areas = list(dict.fromkeys(need.area.value for need in self._needs if need.id in chosen))
        text = ", ".join(areas) if areas else "none yet (tick the needs this outcome meets)"
        self.areas.value = (f"<span style='margin-left:13em'>Areas of need: "
                            f"{html.escape(text)}</span>")


def _fill(rows: RowList[Any], items: Sequence[Any]) -> None:
    rows.clear()
    for item in items:
        rows.add().set(item)


# ---------------------------------------------------------------------------------------
# The outcome builder: one outcome, for one child, outside a plan
# ---------------------------------------------------------------------------------------


class OutcomeBuilder:
    """An outcome form with the child's dates and an area of need, for writing one outcome.

    Trainers and caseworkers use it to draft or practise an outcome without a whole plan;
    the outcome links to a need ``N1`` in the chosen area.
    """

    def __init__(self, *, date_of_birth: date | None = None, plan_date: date | None = None,
                 area: AreaOfNeed | None = None) -> None:
        self.date_of_birth = DateInput("Date of birth", check=self._check_birth)
        self.plan_date = DateInput("Plan date")
        self.year_group_override = year_group_dropdown()
        self.area = dropdown("Area of need", [(area.value, area) for area in AreaOfNeed],
                             value=area)
        self.form = OutcomeForm()
        self.widget = widgets.VBox([
            widgets.HTML(FORM_STYLE),
            heading("The child", 3),
            self.date_of_birth.widget, self.plan_date.widget, self.year_group_override,
            self.area,
            heading("The outcome", 3),
            self.form.widget,
        ])
        self.widget.add_class("ehcp-form")

        self.date_of_birth.on_change(self._dates_changed)
        self.plan_date.on_change(self._dates_changed)
        self.year_group_override.observe(lambda _: self._dates_changed(), "value")
        self.area.observe(lambda _: self._area_changed(), "value")
        self.date_of_birth.value = date_of_birth
        self.plan_date.value = plan_date
        self._area_changed()

    def _check_birth(self, day: date) -> str | None:
        plan_date = self.plan_date.value
        if plan_date is not None and day >= plan_date:
            return "the date of birth must be before the plan date"
        return None

    def _dates_changed(self) -> None:
        self.date_of_birth.recheck()
        self.form.child = ChildDates(self.date_of_birth.value, self.plan_date.value,
                                     override_of(self.year_group_override))

    def _area_changed(self) -> None:
        if self.area.value is None:
            self.form.set_needs([])
            self.form.needs.value = []
        else:
            self.form.set_needs([Need(id="N1", area=self.area.value)])
            self.form.needs.value = ["N1"]
        self.form.refresh()
