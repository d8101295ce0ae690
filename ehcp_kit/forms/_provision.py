"""The provision form: one item of provision, with live feedback on its wording.

Provision in Section F is a duty the authority must secure, so the form asks for each
part a tribunal would look for (what, who, how often, how long, group size, over what
period) and the resources behind it, and shows beside them what the checks find, part by
part, with the words that triggered each finding marked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
from pydantic import ValidationError

from ..plan import Need
from ..provision import SECTIONS, Provision
from ..rules import Finding
from ._feedback import Part, feedback_html, provision_findings
from ._inputs import Choices, QuietEdits, dropdown, heading, text_input
from ._outcome import _invalid, validated

__all__ = ["ProvisionForm"]

_PARTS = {
    "what": ("What will happen", "Direct teaching of phonics, following a written programme"),
    "who": ("Who will do it", "Teaching assistant trained by the SENCO"),
    "how_often": ("How often", "3 times a week"),
    "how_long": ("How long each time", "30 minutes"),
    "group_size": ("Group size", "1:1, or no more than 4 pupils"),
    "period": ("Over what period", "Term time, for the life of the plan"),
}


class ProvisionForm(QuietEdits):
    """One provision item, with the checks' feedback beside it as it is typed.

    :meth:`set_links` offers the plan's needs and outcomes; :meth:`provision` returns the
    :class:`~ehcp_kit.Provision` or raises :class:`FormError` listing what is missing.
    """

    def __init__(self, provision_id: str = "F1") -> None:
        self._listeners: list[Callable[[], None]] = []
        self.findings: list[Finding] = []

        self.id = text_input("Provision id", required=True, value=provision_id)
        self.section = dropdown("Section", [(f"{key}: {name}", key) for key, name in
                                            SECTIONS.items()], required=True, value="F")
        self.parts = {
            name: text_input(label, required=name == "what", placeholder=example,
                             rows=3 if name == "what" else 0)
            for name, (label, example) in _PARTS.items()
        }
        self.resources_what = text_input("Resources: what", placeholder="2 hours a week of "
                                         "teaching assistant time")
        self.resources_source = text_input("Resources: from where",
                                           placeholder="School's notional SEN budget")
        self.needs = Choices("Needs it meets", "No needs in the plan yet.")
        self.outcomes = Choices("Outcomes it serves", "No outcomes in the plan yet.")
        self.feedback = widgets.HTML()

        fields = widgets.VBox([
            self.id, self.section, *self.parts.values(), self.needs.widget,
            self.outcomes.widget, heading("Resources", 4), self.resources_what,
            self.resources_source,
        ], layout=widgets.Layout(width="58%"))
        panel = widgets.VBox([heading("Feedback", 4), self.feedback],
                             layout=widgets.Layout(width="40%", margin="0 0 0 2%"))
        self.widget = widgets.HBox([fields, panel])
        self.widget.add_class("ehcp-form")

        for box in (self.id, self.section, *self.parts.values(), self.resources_what,
                    self.resources_source):
            box.observe(lambda _: self._edited(), "value")
        self.needs.on_change(self._edited)
        self.outcomes.on_change(self._edited)
        self.refresh()

    def data(self) -> dict[str, Any]:
        """The form's values in the shape of :class:`~ehcp_kit.Provision`."""
        return {
            "id": self.id.value.strip(),
            "section": self.section.value,
            **{name: box.value for name, box in self.parts.items()},
            "need_ids": self.needs.value,
            "outcome_ids": self.outcomes.value,
            "resources": {"what": self.resources_what.value,
                          "source": self.resources_source.value},
        }

    def problems(self) -> list[str]:
        if self.section.value is None:
            return ["choose the section"]
        try:
            Provision.model_validate(self.data())
        except ValidationError as error:
            return _invalid(error, {"id": "the provision id", "what": "what will happen"})
        return []

    def provision(self) -> Provision:
        return validated(Provision, "provision", self.id.value, self.problems(), self.data())

    def set(self, item: Provision) -> None:
        """Show ``item`` in the form, replacing what was there."""
        with self.quietly():
            self.id.value = item.id
            self.section.value = item.section
            for name, box in self.parts.items():
                box.value = getattr(item, name)
            self.resources_what.value = item.resources.what
            self.resources_source.value = item.resources.source
            self.needs.value = item.need_ids
            self.outcomes.value = item.outcome_ids
        self._edited()

    def set_links(self, needs: Sequence[Need], outcome_ids: Sequence[str]) -> None:
        """Offer the plan's needs and outcomes to link this provision to."""
        self.needs.set_options((need.id, f"{need.id}: {need.area.value}") for need in needs)
        self.outcomes.set_options((outcome_id, outcome_id) for outcome_id in outcome_ids)

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _edited(self) -> None:
        if self._quiet:
            return
        self.refresh()
        for listener in self._listeners:
            listener()

    def refresh(self) -> None:
        """Run the checks on what is in the form and show the feedback."""
        data = self.data()
        if not data["what"].strip():
            self.findings = []
            self.feedback.value = "<p><em>Say what will happen to see what the checks find."
            self.feedback.value += "</em></p>"
            return
        item = None
        for stand_in in (data["id"], "provision"):
            try:
                item = Provision.model_validate({**data, "id": stand_in,
                                                 "section": data["section"] or "F"})
                break
            except ValidationError:
                continue
        if item is None:
            return
        self.findings = provision_findings(item)
        base = f"provision[{item.id}]"
        parts = [Part(label, f"{base}.{name}", getattr(item, name))
                 for name, (label, _) in _PARTS.items()]
        parts += [Part("Resources: what", f"{base}.resources.what", item.resources.what),
                  Part("Resources: from where", f"{base}.resources.source",
                       item.resources.source)]
        self.feedback.value = feedback_html(
            parts, self.findings, empty="No findings: this provision passes the checks."
        )
