"""The HTML page of one child's outcomes section, from a Jinja2 template.

The same page is the source of the PDF: its print styles give the page header, page
numbers, the draft watermark and the page breaks WeasyPrint lays out.
"""

from __future__ import annotations

import base64
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..plan import Plan
from ._branding import Branding, as_branding
from ._context import document_context

if TYPE_CHECKING:
    import os

    from ..config import Config

__all__ = ["FONTS", "html_environment", "render_html"]

TEMPLATE_NAME = "plan.html.j2"

# Noto covers Latin with every accent, Arabic and Chinese; Debian's fonts-noto-core and
# fonts-noto-cjk install it (scripts/setup.sh), and WeasyPrint embeds what a PDF uses.
FONTS = Markup(
    '"Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC", Arial, Helvetica, sans-serif'
)


def _lines(text: str) -> Markup:
    """Escape ``text`` and show each newline in it as a line break."""
    return Markup("<br>\n").join(escape(line) for line in text.split("\n"))


def _css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string that no value can break out of.

    Everything but letters, digits and spaces is written as a CSS escape, so quotes,
    backslashes and ``</style>`` in an authority's name or contact line stay text. Each
    escape ends with the one space CSS swallows after it, so spaces that follow survive.
    """
    escaped = "".join(
        char if char.isascii() and (char.isalnum() or char == " ") else f"\\{ord(char):x} "
        for char in text.replace("\n", " ")
    )
    return Markup(f'"{escaped}"')


@cache
def html_environment() -> Environment:
    """The Jinja2 environment of every HTML template, the child's document's too."""
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
    environment.filters["css_string"] = _css_string
    environment.globals["fonts"] = FONTS
    environment.globals["watermark"] = _watermark()
    return environment


def _watermark() -> Markup:
    """The "DRAFT" watermark as a data URI, so a page never loads anything from elsewhere."""
    svg = resources.files("ehcp_kit").joinpath("templates", "draft-watermark.svg").read_bytes()
    return Markup(f"data:image/svg+xml;base64,{base64.b64encode(svg).decode('ascii')}")


def html_context(branding: Branding, context: dict) -> dict:
    """The document context with the logo written into the page as a data URI."""
    if branding.logo is not None:
        context["branding"]["logo"] = branding.logo.data_uri
    return context


def render_html(
    plan: Plan,
    *,
    fragment: bool = False,
    branding: Branding | str | os.PathLike[str] | None = None,
    appendix: bool = False,
    config: Config | None = None,
) -> str:
    """The outcomes section of ``plan`` as HTML.

    By default a whole page: ``lang="en-GB"``, a banner with the authority's name and
    logo, a contents list, one ``h1``, the plan details and Section A aspirations, then
    every outcome with its steps, success criteria, actions and resources, a footer with
    the contact line, and a print stylesheet; it loads nothing from elsewhere, so it can
    be opened or archived on its own. With ``fragment=True`` only the outcomes section
    is returned, for showing inside a notebook.

    ``branding`` is a :class:`Branding` or the path of a branding file (default: the
    bundled neutral one). ``appendix=True`` adds the quality appendix: the rule
    library's findings (with ``config``'s settings) and the provision hours a year.
    """
    chosen = as_branding(branding)
    context = html_context(chosen, document_context(plan, chosen, appendix=appendix,
                                                    config=config))
    template = html_environment().get_template(TEMPLATE_NAME)
    return template.render(context, fragment=fragment)
