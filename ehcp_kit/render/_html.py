"""The HTML page of one child's outcomes section, from a Jinja2 template."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..plan import Plan
from ._context import plan_context

__all__ = ["render_html"]

TEMPLATE_NAME = "plan.html.j2"


def _lines(text: str) -> Markup:
    """Escape ``text`` and show each newline in it as a line break."""
    return Markup("<br>\n").join(escape(line) for line in text.split("\n"))


@cache
def _environment() -> Environment:
    # Autoescaping is on for every template: plan text is data, never markup.
    environment = Environment(
        loader=PackageLoader("ehcp_kit", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["lines"] = _lines
    return environment


def render_html(plan: Plan, *, fragment: bool = False) -> str:
    """The outcomes section of ``plan`` as HTML.

    By default a whole page: ``lang="en-GB"``, one ``h1``, the plan details and Section A
    aspirations, then every outcome with its steps, success criteria, actions and
    resources, and a print stylesheet; it loads nothing from elsewhere, so it can be
    opened or archived on its own. With ``fragment=True`` only the outcomes section is
    returned, for showing inside a notebook.
    """
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(plan_context(plan), fragment=fragment)
