"""The plan form: a child's details, needs, outcomes and provision, saved as a YAML plan.

The plan builder notebook and ``ehcp-kit app`` show this form. It opens a plan file from
the plans folder for editing, or starts a new one, and saves into the same folder a file
that ``ehcp-kit check`` and ``ehcp-kit batch`` read. Saving is refused while anything
required is missing, with the list of what to fix shown above the Save button.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from pydantic import ValidationError

from ..areas import AreaOfNeed
from ..errors import DataError
from ..loaders import MAX_AGE, PLAN_SUFFIXES, _age_problems, load_plan
from ..plan import Need, Plan
from ..rules import Finding, check_plan
from ._feedback import DATE_RULES, LINK_RULES, ChildDates, Part, feedback_html
from ._inputs import (
    FORM_STYLE,
    DateInput,
    QuietEdits,
    RowList,
    dropdown,
    heading,
    text_input,
)
from ._outcome import (
    FormError,
    OutcomeForm,
    _invalid,
    override_of,
    show_override,
    year_group_dropdown,
)
from ._provision import ProvisionForm
from ._saving import PlanFileError, plan_file_path, save_plan

__all__ = ["PLANS_DIR_VARIABLE", "PlanForm"]

logger = logging.getLogger("ehcp_kit")

# The environment variable `ehcp-kit app` sets to tell the form where plans are kept.
PLANS_DIR_VARIABLE = "EHCP_KIT_PLANS_DIR"

# Whole-plan findings each outcome or provision form already shows beside itself.
_SHOWN_BY_OUTCOMES = DATE_RULES | {"steps-missing", "criteria-incomplete"}


class NeedRow:
    """One need in Section B, C or D: its id, its area and what it is."""

    def __init__(self, need_id: str = "N1") -> None:
        self.id = text_input("Need id", required=True, value=need_id)
        self.area = dropdown("Area of need", [(area.value, area) for area in AreaOfNeed],
                             required=True)
        self.description = text_input("Description", rows=2)
        self.widget = widgets.VBox([self.id, self.area, self.description])

    def on_change(self, listener: Callable[[], None]) -> None:
        for box in (self.id, self.area, self.description):
            box.observe(lambda _: listener(), "value")

    def data(self) -> dict[str, Any]:
        return {"id": self.id.value.strip(), "area": self.area.value,
                "description": self.description.value}

    def problems(self) -> list[str]:
        name = f"need {self.id.value.strip() or '(no id)'}"
        if self.area.value is None:
            return [f"{name}: choose its area of need"]
        try:
            Need.model_validate(self.data())
        except ValidationError as error:
            return [f"{name}: {problem}" for problem in _invalid(error, {"id": "the need id"})]
        return []

    def set(self, need: Need) -> None:
        self.id.value, self.area.value, self.description.value = (
            need.id, need.area, need.description)


class PlanForm(QuietEdits):
    """A whole plan, section by section, with feedback and Open and Save.

    ``plans_dir`` is the folder plans are opened from and saved to (default: the folder
    named by ``EHCP_KIT_PLANS_DIR``, else the current folder). Names that would leave
    it are refused.
    """

    def __init__(self, plans_dir: str | Path | None = None) -> None:
        self.plans_dir = Path(plans_dir or os.environ.get(PLANS_DIR_VARIABLE) or ".").resolve()
        self._original: str | None = None
        self._opened_name: str | None = None
        self.findings: list[Finding] = []

        self._build_file_section()
        self._build_child_section()
        self.needs = RowList(lambda: NeedRow(self._next_id("N", self.needs)),
                             add_label="Add a need", item_name="Need")
        self.outcomes = RowList(self._new_outcome, add_label="Add an outcome",
                                item_name="Outcome", titled=True)
        self.provision = RowList(lambda: ProvisionForm(self._next_id("F", self.provision)),
                                 add_label="Add provision", item_name="Provision",
                                 titled=True)
        self.plan_feedback = widgets.HTML()
        self.problems_list = widgets.HTML()

        self.widget = widgets.VBox([
            widgets.HTML(FORM_STYLE),
            heading("Plan file", 2), self.file_section,
            heading("The child and the plan", 2), self.child_section,
            heading("Needs (Sections B, C and D)", 2), self.needs.widget,
            heading("Outcomes (Section E)", 2), self.outcomes.widget,
            heading("Provision (Sections F, G and H)", 2), self.provision.widget,
            heading("The whole plan", 2), self.plan_feedback,
            self.problems_list, self.save_bar, self.save_message,
        ])
        self.widget.add_class("ehcp-form")

        for rows in (self.needs, self.outcomes, self.provision):
            rows.on_change(self._edited)
        self._edited()

    # Building the sections.

    def _build_file_section(self) -> None:
        self.folder_note = widgets.HTML(
            f"Plans are opened from and saved to <code>{html.escape(str(self.plans_dir))}"
            "</code>.")
        self.open_choice = dropdown("Plan to open", [])
        self.open_button = widgets.Button(description="Open", icon="folder-open",
                                          tooltip="Open the chosen plan for editing")
        self.open_button.on_click(lambda _: self.open(self.open_choice.value or ""))
        self.file_name = text_input("File name", required=True, placeholder="plan.yaml")
        self.save_button = widgets.Button(description="Save", icon="save", button_style="primary",
                                          tooltip="Save the plan in the plans folder")
        self.save_button.on_click(lambda _: self.save())
        self.save_message = widgets.HTML()
        self.save_bar = widgets.HBox([self.file_name, self.save_button])
        self.file_section = widgets.VBox([
            self.folder_note, widgets.HBox([self.open_choice, self.open_button]),
        ])
        self.file_name.observe(lambda _: self._update_save(), "value")
        self._list_plans()

    def _build_child_section(self) -> None:
        self.child_id = text_input("Child id", required=True, placeholder="LA-000123")
        self.name = text_input("Name", required=True)
        self.date_of_birth = DateInput("Date of birth", required=True, check=self._check_birth)
        self.year_group_override = year_group_dropdown()
        self.pronouns = text_input("Pronouns", value="they/them")
        self.aspirations = text_input("Aspirations (one a line)", rows=3)
        self.upn = text_input("Unique pupil number")
        self.nhs_number = text_input("NHS number")
        self.authority = text_input("Local authority")
        self.plan_date = DateInput("Plan date", required=True)
        self.review_date = DateInput("Review date", check=self._check_review)
        self.status = dropdown("Status", [("Draft", "draft"), ("Final", "final")],
                               required=True, value="draft")
        self.child_section = widgets.VBox([
            self.child_id, self.name, self.date_of_birth.widget, self.year_group_override,
            self.pronouns, self.aspirations, self.upn, self.nhs_number, self.authority,
            self.plan_date.widget, self.review_date.widget, self.status,
        ])
        for box in (self.child_id, self.name, self.year_group_override, self.pronouns,
                    self.aspirations, self.upn, self.nhs_number, self.authority, self.status):
            box.observe(lambda _: self._edited(), "value")
        for picker in (self.date_of_birth, self.plan_date, self.review_date):
            picker.on_change(self._edited)

    def _new_outcome(self) -> OutcomeForm:
        return OutcomeForm(self._next_id("O", self.outcomes), child=self._child_dates())

    @staticmethod
    def _next_id(prefix: str, rows: RowList[Any]) -> str:
        taken = {row.id.value.strip() for row in rows.rows}
        number = len(rows.rows) + 1
        while f"{prefix}{number}" in taken:
            number += 1
        return f"{prefix}{number}"

    # Date checks: refused dates are named, never clamped.

    def _check_birth(self, day: date) -> str | None:
        plan_date = self.plan_date.value
        if plan_date is None:
            return None
        if day >= plan_date:
            return "the date of birth must be before the plan date"
        if _age_problems(day, plan_date):  # the loader's test, so a saved plan loads back
            return f"an EHC plan ends in the school year the young person turns {MAX_AGE}"
        return None

    def _check_review(self, day: date) -> str | None:
        plan_date = self.plan_date.value
        if plan_date is not None and day < plan_date:
            return "the review date cannot be before the plan date"
        return None

    # The plan in and out.

    def data(self) -> dict[str, Any]:
        """The form's values in the shape of :class:`~ehcp_kit.Plan`."""
        lines = [line.strip() for line in self.aspirations.value.splitlines()]
        return {
            "child": {
                "id": self.child_id.value.strip(),
                "name": self.name.value,
                "date_of_birth": self.date_of_birth.value,
                "year_group_override": override_of(self.year_group_override),
                "pronouns": self.pronouns.value,
                "aspirations": [line for line in lines if line],
                "upn": self.upn.value.strip() or None,
                "nhs_number": self.nhs_number.value.strip() or None,
            },
            "authority": self.authority.value,
            "plan_date": self.plan_date.value,
            "review_date": self.review_date.value,
            "status": self.status.value,
            "needs": [row.data() for row in self.needs.rows],
            "outcomes": [row.data() for row in self.outcomes.rows],
            "provision": [row.data() for row in self.provision.rows],
        }

    def problems(self) -> list[str]:
        """Everything that stops the plan being saved, in the form's words."""
        problems = []
        if not self.child_id.value.strip():
            problems.append("the child id is required")
        if not self.name.value.strip():
            problems.append("the child's name is required")
        if self.date_of_birth.value is None:
            problems.append("the date of birth is required")
        if self.plan_date.value is None:
            problems.append("the plan date is required")
        # A date kept before the plan date changed may no longer fit it.
        for label, picker, check in (("date of birth", self.date_of_birth, self._check_birth),
                                     ("review date", self.review_date, self._check_review)):
            reason = check(picker.value) if picker.value is not None else None
            if reason:
                problems.append(f"{label}: {reason}")
        for row in self.needs.rows:
            problems.extend(row.problems())
        for form in self.outcomes.rows:
            problems.extend(f"outcome {form.id.value.strip() or '(no id)'}: {problem}"
                            for problem in form.problems())
        for form in self.provision.rows:
            problems.extend(f"provision {form.id.value.strip() or '(no id)'}: {problem}"
                            for problem in form.problems())
        if problems:
            return problems
        try:
            Plan.model_validate(self.data())
        except ValidationError as error:
            problems.extend(_invalid(error, {"id": "the child id", "name": "the child's name"}))
        return problems

    def plan(self) -> Plan:
        """The plan in the form; raises :class:`FormError` listing what to fix first."""
        problems = self.problems()
        if problems:
            raise FormError(problems)
        return Plan.model_validate(self.data())

    def set(self, plan: Plan) -> None:
        """Show ``plan`` in the form, replacing everything that was there."""
        with self.quietly():
            child = plan.child
            self.child_id.value = child.id
            self.name.value = child.name
            self.plan_date.value = plan.plan_date
            self.date_of_birth.value = child.date_of_birth
            show_override(self.year_group_override, child.year_group_override)
            self.pronouns.value = child.pronouns
            self.aspirations.value = "\n".join(child.aspirations)
            self.upn.value = child.upn or ""
            self.nhs_number.value = child.nhs_number or ""
            self.authority.value = plan.authority
            self.review_date.value = plan.review_date
            self.status.value = plan.status
            for rows, items in ((self.needs, plan.needs), (self.outcomes, plan.outcomes),
                                (self.provision, plan.provision)):
                rows.clear()
                for item in items:
                    rows.add().set(item)
        self._edited()

    # Files.

    def open(self, name: str) -> Plan | None:
        """Open the plan file ``name`` from the plans folder for editing."""
        try:
            path = plan_file_path(self.plans_dir, name, reading=True)
            if path.exists() and not path.is_file():
                raise PlanFileError(f"{name!r} is a folder, not a plan file")
            if not path.is_file():
                raise PlanFileError(f"there is no plan {name!r} in the plans folder")
            plan = load_plan(path)
        except (DataError, PlanFileError) as error:
            self._say(f"Could not open {name!r}: {error}", problem=True)
            return None

        self.set(plan)
        is_yaml = path.suffix.lower() in (".yaml", ".yml")
        self._original = path.read_bytes().decode("utf-8") if is_yaml else None
        self._opened_name = path.name if is_yaml else None
        self.file_name.value = path.name if is_yaml else path.with_suffix(".yaml").name
        logger.info("opened plan for child %s", plan.child.id)
        self._say(f"Opened {path.name}.")
        return plan

    def save(self) -> Path | None:
        """Save the plan under the file name given; return the path, or ``None`` if refused."""
        try:
            plan = self.plan()
            path = plan_file_path(self.plans_dir, self.file_name.value)
            same_file = self._opened_name == path.name
            if path.exists() and not same_file:
                raise PlanFileError(f"{path.name!r} already exists: open it to edit it, or "
                                    "choose another name")
            saved = save_plan(plan, self.plans_dir, path.name,
                              self._original if same_file else None)
        except (FormError, PlanFileError) as error:
            self._say(f"Not saved: {error}", problem=True)
            return None
        except OSError as error:
            self._say(f"Not saved: cannot write the file ({error.strerror})", problem=True)
            return None

        self._original = saved.read_bytes().decode("utf-8")
        self._opened_name = saved.name
        logger.info("saved plan for child %s", plan.child.id)
        self._say(f"Saved {saved.name} in the plans folder.")
        self._list_plans()
        return saved

    def _list_plans(self) -> None:
        names = sorted(path.name for path in self.plans_dir.glob("*")
                       if path.suffix.lower() in PLAN_SUFFIXES and not path.name.startswith(".")
                       and path.is_file())
        self.open_choice.options = names
        self.open_choice.value = None
        self.open_button.disabled = not names

    def _say(self, text: str, *, problem: bool = False) -> None:
        colour = "#b00020" if problem else "#1b5e20"
        role = "alert" if problem else "status"
        self.save_message.value = (f'<p role="{role}" style="color:{colour}">'
                                   f"{html.escape(text)}</p>")

    # Keeping everything in step as the user types.

    def _child_dates(self) -> ChildDates:
        return ChildDates(self.date_of_birth.value, self.plan_date.value,
                          override_of(self.year_group_override))

    def _edited(self) -> None:
        if self._quiet:
            return
        self.date_of_birth.recheck()
        self.review_date.recheck()
        needs = [Need.model_validate(row.data()) for row in self.needs.rows
                 if not row.problems()]
        outcome_ids = [form.id.value.strip() for form in self.outcomes.rows]
        child = self._child_dates()
        for form in self.outcomes.rows:
            form.set_needs(needs)
            form.child = child
        for form in self.provision.rows:
            form.set_links(needs, outcome_ids)
        self.refresh()

    def refresh(self) -> None:
        """Check the whole plan and show what no single form shows, and what blocks Save."""
        problems = self.problems()
        self.findings = []
        if not problems:
            plan = Plan.model_validate(self.data())
            self.findings = [finding for finding in check_plan(plan)
                             if not _shown_by_a_form(finding)]
            parts = [Part(f"Aspiration {index + 1}", f"child.aspirations[{index}]", text)
                     for index, text in enumerate(plan.child.aspirations)]
            parts += [Part(f"Need {need.id}", f"needs[{need.id}]", need.description)
                      for need in plan.needs]
            self.plan_feedback.value = feedback_html(
                parts, self.findings, empty="No findings across the whole plan.")
        else:
            self.plan_feedback.value = ("<p><em>The whole plan is checked once everything "
                                        "required is filled in.</em></p>")
        self._problems = problems
        self._update_save()

    def _update_save(self) -> None:
        problems = list(getattr(self, "_problems", []))
        if not self.file_name.value.strip():
            problems.append("give the plan a file name")
        self.save_button.disabled = bool(problems)
        if problems:
            items = "".join(f"<li>{html.escape(problem)}</li>" for problem in problems)
            self.problems_list.value = (f"<div><strong>Before saving:</strong><ul>{items}</ul>"
                                        "</div>")
        else:
            self.problems_list.value = ""


def _shown_by_a_form(finding: Finding) -> bool:
    field = finding.field or ""
    if field.startswith("outcomes[") and finding.slug not in LINK_RULES:
        return True
    return field.startswith("provision[") and finding.slug != "provision-without-outcome"

