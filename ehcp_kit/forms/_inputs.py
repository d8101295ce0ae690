"""Labelled inputs the forms are made of: text, choices, dates, and lists of rows.

Every input carries its label as the widget's ``description``, which ipywidgets renders
as a ``<label>`` tied to the input, so the label is visible, read out by screen readers
and clickable; required fields end in " *". All of them are ordinary focusable controls,
so Tab reaches each one.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar

import ipywidgets as widgets

__all__ = [
    "Choices",
    "DateInput",
    "FORM_STYLE",
    "RowList",
    "dropdown",
    "heading",
    "text_input",
]

LABEL_WIDTH = "13em"
_STYLE = {"description_width": LABEL_WIDTH}

# Labels wrap instead of being cut short with "...", so a long label is read in full.
FORM_STYLE = """<style>
.ehcp-form .widget-label, .ehcp-form .jupyter-widget-label,
.ehcp-form .widget-label-basic, .ehcp-form .jupyter-widget-label-basic {
  white-space: normal !important; overflow: visible !important; line-height: 1.2;
}
.ehcp-form mark { background: #ffe066; }
.ehcp-form .ehcp-box { border: 1px solid #bbb; border-radius: 4px; padding: 0.5em; }
</style>"""


def _label(text: str, required: bool) -> str:
    return f"{text} *" if required else text


def text_input(
    label: str,
    *,
    required: bool = False,
    placeholder: str = "",
    rows: int = 0,
    value: str = "",
) -> widgets.Text | widgets.Textarea:
    """A text box (``rows`` > 0: several lines) that reports every keystroke."""
    options: dict[str, Any] = {
        "description": _label(label, required),
        "placeholder": placeholder,
        "value": value,
        "continuous_update": True,
        "style": _STYLE,
        "layout": widgets.Layout(width="97%"),
    }
    if rows:
        return widgets.Textarea(rows=rows, **options)
    return widgets.Text(**options)


def dropdown(label: str, options: Sequence[Any], *, required: bool = False,
             value: Any = None) -> widgets.Dropdown:
    """A list to choose from; with ``value=None`` nothing is chosen until the user does."""
    return widgets.Dropdown(
        description=_label(label, required), options=options, value=value, style=_STYLE,
        layout=widgets.Layout(width="97%"),
    )


def heading(text: str, level: int = 3) -> widgets.HTML:
    return widgets.HTML(f"<h{level} style='margin:0.6em 0 0.2em'>{html.escape(text)}</h{level}>")


def message(text: str = "") -> widgets.HTML:
    """A line of text for what an input refused or changed, read out when it changes."""
    return widgets.HTML(text, layout=widgets.Layout(margin="0 0 0 " + LABEL_WIDTH))


class QuietEdits:
    """A form that sets its own widgets without taking that for the user's edit.

    Widgets report every change of value, whoever made it; while :meth:`quietly` is in
    force, the form's handlers see ``_quiet`` and leave the change alone.
    """

    _quiet = False

    @contextmanager
    def quietly(self) -> Iterator[None]:
        previous, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = previous


class DateInput:
    """A date picker that says what it did with a date it could not take as given.

    The browser's date picker sends only dates, but code (or a pasted value) may set a
    date and time: the time is dropped and the message says so. A date that ``check``
    refuses is not kept: the picker goes back to the last good date (or empty) and the
    message says what was refused and why. Nothing is clamped to a range in silence.
    """

    def __init__(self, label: str, *, required: bool = False,
                 check: Callable[[date], str | None] | None = None) -> None:
        self.picker = widgets.DatePicker(description=_label(label, required), style=_STYLE)
        self.message = message()
        self.widget = widgets.VBox([self.picker, self.message])
        self.required = required
        self._check = check
        self._good: date | None = None
        self._note = ""  # what the message says about the date kept
        self._listeners: list[Callable[[], None]] = []
        self._busy = False
        self.picker.observe(self._on_change, "value")

    @property
    def value(self) -> date | None:
        return self._good

    @value.setter
    def value(self, new: date | None) -> None:
        self.picker.value = new

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def recheck(self) -> None:
        """Check the current date again (another date it depends on has changed)."""
        if self._good is not None and self._check is not None:
            reason = self._check(self._good)
            self.message.value = (_warning(f"{_day(self._good)}: {reason}") if reason
                                  else self._note)

    def _on_change(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        new = change["new"]
        note = ""
        if isinstance(new, datetime):
            if new.time() != datetime.min.time():
                note = (f"{new:%H:%M} was dropped: a plan records dates, not times of day; "
                        f"kept {_day(new.date())}.")
            new = new.date()
            self._set_quietly(new)

        reason = self._check(new) if (new is not None and self._check) else None
        if reason:
            self.message.value = _warning(f"{_day(new)} was not accepted: {reason}")
            self._set_quietly(self._good)
            return
        self._good = new
        self._note = _warning(note) if note else ""
        self.message.value = self._note
        for listener in self._listeners:
            listener()

    def _set_quietly(self, value: date | None) -> None:
        self._busy = True
        try:
            self.picker.value = value
        finally:
            self._busy = False


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _warning(text: str) -> str:
    return f'<span role="alert" style="color:#b00020">{html.escape(text)}</span>'


class Choices:
    """Tick boxes for choosing several of a changing set (needs, outcomes).

    A chosen value that is no longer on offer stays, marked as missing, so that renaming
    a need does not drop a link without the user seeing it.
    """

    def __init__(self, label: str, empty: str) -> None:
        self.label = widgets.HTML(f"<span>{label}</span>",
                                  layout=widgets.Layout(width=LABEL_WIDTH))
        self.boxes = widgets.VBox([])
        self.widget = widgets.HBox([self.label, self.boxes])
        self._empty = empty
        self._options: list[tuple[str, str]] = []
        self._chosen: list[str] = []
        self._listeners: list[Callable[[], None]] = []
        self._render()

    @property
    def value(self) -> list[str]:
        return list(self._chosen)

    @value.setter
    def value(self, chosen: Iterable[str]) -> None:
        self._chosen = list(dict.fromkeys(chosen))
        self._render()

    def set_options(self, options: Iterable[tuple[str, str]]) -> None:
        """Offer ``(value, label)`` pairs, keeping what was chosen."""
        options = list(options)
        if options != self._options:
            self._options = options
            self._render()

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _render(self) -> None:
        offered = dict(self._options)
        entries = list(self._options) + [
            (value, f"{value} (not in this plan)") for value in self._chosen
            if value not in offered
        ]
        boxes = []
        for value, label in entries:
            box = widgets.Checkbox(value=value in self._chosen, description=label,
                                   indent=False, layout=widgets.Layout(width="auto"))
            box.observe(self._toggle(value), "value")
            boxes.append(box)
        if not boxes:
            boxes = [widgets.HTML(f"<em>{self._empty}</em>")]
        self.boxes.children = boxes

    def _toggle(self, value: str) -> Callable[[dict[str, Any]], None]:
        def toggle(change: dict[str, Any]) -> None:
            # A new choice goes last, so a plan's own order ("N3, N1") is kept.
            if change["new"] and value not in self._chosen:
                self._chosen.append(value)
            elif not change["new"] and value in self._chosen:
                self._chosen.remove(value)
            for listener in self._listeners:
                listener()

        return toggle


class Row(Protocol):
    """What a :class:`RowList` holds: something with a widget and change listeners."""

    widget: widgets.Widget

    def on_change(self, listener: Callable[[], None]) -> None: ...


RowT = TypeVar("RowT", bound=Row)


class RowList(Generic[RowT]):
    """A list of rows (steps, needs, outcomes...) to add, remove and reorder.

    Each row has "Move up", "Move down" and "Remove" buttons labelled in words, and the
    list has an "Add" button, so the whole list works from the keyboard.
    """

    def __init__(self, make_row: Callable[[], RowT], *, add_label: str, item_name: str,
                 titled: bool = False) -> None:
        self._make_row = make_row
        self._item_name = item_name
        self._titled = titled
        self.rows: list[RowT] = []
        self.add_button = widgets.Button(description=add_label, icon="plus",
                                         tooltip=add_label, layout=widgets.Layout(width="auto"))
        self.add_button.on_click(lambda _: self.add())
        self.items = widgets.VBox([])
        self.widget = widgets.VBox([self.items, self.add_button])
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def add(self) -> RowT:
        row = self._make_row()
        row.on_change(self._changed)
        self.rows.append(row)
        self._render()
        self._changed()
        return row

    def clear(self) -> None:
        self.rows = []
        self._render()

    def remove(self, row: RowT) -> None:
        self.rows.remove(row)
        self._render()
        self._changed()

    def move(self, row: RowT, by: int) -> None:
        index = self.rows.index(row)
        target = index + by
        if 0 <= target < len(self.rows):
            self.rows[index], self.rows[target] = self.rows[target], self.rows[index]
            self._render()
            self._changed()

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def _render(self) -> None:
        boxes = []
        for number, row in enumerate(self.rows, start=1):
            name = f"{self._item_name} {number}"
            buttons = [
                self._button("Move up", f"Move {name} up", lambda _, r=row: self.move(r, -1),
                             disabled=number == 1),
                self._button("Move down", f"Move {name} down",
                             lambda _, r=row: self.move(r, 1), disabled=number == len(self.rows)),
                self._button("Remove", f"Remove {name}", lambda _, r=row: self.remove(r)),
            ]
            title = widgets.HTML(f"<strong>{name}</strong>") if self._titled else None
            bar = widgets.HBox(([title] if title else []) + buttons)
            box = widgets.VBox([bar, row.widget] if self._titled else [row.widget, bar])
            box.add_class("ehcp-box")
            boxes.append(box)
        self.items.children = boxes

    @staticmethod
    def _button(text: str, tooltip: str, action: Callable[[Any], None], *,
                disabled: bool = False) -> widgets.Button:
        button = widgets.Button(description=text, tooltip=tooltip, disabled=disabled,
                                layout=widgets.Layout(width="auto"))
        button.on_click(action)
        return button
