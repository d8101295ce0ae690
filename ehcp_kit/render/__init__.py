"""Documents of one child's outcomes section: a Word document and an HTML page.

Both are laid out like the outcome template: for each outcome, the outcome itself, what
it addresses and when it falls due, the steps towards it, the four success-criteria
columns, then the actions (provision) and the resources behind them. Both come from the
same values in the same order, and both escape what they are given, so text such as
``Smith & Sons <Ltd>`` shows literally.

Functions
---------
``render_html(plan, fragment=False)``
    The HTML page as a string (or only the outcomes section, for a notebook).
``render_docx(plan, path, template=None)``
    Write the Word document to ``path``.
``write_documents(plan, folder, formats=("docx", "html"), template=None)``
    Write ``plan.docx`` and ``plan.html`` into a child's folder, each file whole.

Using an authority's own Word template
--------------------------------------
The bundled template, ``ehcp_kit/templates/outcomes.docx``, can be opened in Word and
restyled (its headings use Word's Heading styles and its tables have header rows), or
replaced by any ``.docx`` holding docxtpl tags: ``{{ ... }}`` for a value, ``{%p ... %}``
for a paragraph-level ``for`` or ``if``, ``{%tr ... %}`` for a table row. Pass it as
``template=``. Values are escaped for you; a newline in a value becomes a line break. A
variable the template names but the plan does not have is an error, not a blank.

A template sees these variables (every value is text unless said otherwise; empty text
means the plan does not say)::

    authority            the local authority's name
    status               "draft" or "final"
    plan_date            "14 March 2025"; plan_date_iso "2025-03-14"
    review_date          as plan_date, or ""; review_date_iso
    child.id             the pseudonymous reference
    child.name           the name used in the plan's text
    child.pronouns       e.g. "she/her"
    aspirations          Section A: list of text
    outcomes             Section E: list, in the plan's order, each with
      .number            1, 2, 3... (a number)
      .id                the outcome's id
      .text              the outcome as written
      .areas             list of the areas of need it addresses
      .needs             list of needs it addresses: .id .area .section .description
      .preparing_for_adulthood   list of Preparing for Adulthood areas
      .timescale         the timescale as written (or the phrase found in the text)
      .resolved          whether the timescale resolved to a date (true or false)
      .target_date       "31 July 2027", or "" when not resolved; .target_date_iso
      .resolution        how the date was reached, or why it could not be
      .steps             list: .text .target
      .success_criteria  list: .what_success_looks_like .how_measured
                         .when_measured .who_measures
      .actions           list of the provision serving it: .id .section
                         .section_name .what .who .how_often .period
                         .frequency (how often and period together) .how_long
                         .group_size
      .resources         list, one per action: .provision_id .what .source

The child's date of birth, UPN and NHS number are not offered: the outcomes section
does not need them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from ..plan import Plan
from ._files import write_whole
from ._html import render_html

__all__ = ["DOCUMENT_FORMATS", "render_docx", "render_html", "write_documents"]

logger = logging.getLogger("ehcp_kit")

DOCUMENT_FORMATS = ("docx", "html")


def render_docx(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    template: str | os.PathLike[str] | None = None,
) -> None:
    """Write the Word document of ``plan`` to ``path``, from ``template`` if given.

    ``template`` is the path of an authority's own ``.docx`` template (see the module
    docstring for the variables it can use); the bundled default is used otherwise.
    The file is written whole: it appears complete or not at all.
    """
    from ._word import docx_bytes

    write_whole(path, docx_bytes(plan, template))


def write_documents(
    plan: Plan,
    folder: str | os.PathLike[str],
    formats: Iterable[str] = DOCUMENT_FORMATS,
    *,
    template: str | os.PathLike[str] | None = None,
) -> dict[str, Path]:
    """Write ``plan.docx`` and/or ``plan.html`` for one child into ``folder``.

    ``formats`` names the documents wanted ("docx", "html"); a single string such as
    ``"docx,html"`` is accepted too. Every document is rendered before any is written,
    and each is written whole, so a failure leaves no half-written or half-updated
    set. Returns the path written for each format. Raises ``ValueError`` naming any
    format it does not know, before writing anything.
    """
    wanted = _format_names(formats)
    unknown = [name for name in wanted if name not in DOCUMENT_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown document format(s) {unknown!r}; expected some of {DOCUMENT_FORMATS!r}"
        )

    # Render everything first: an error in one document then writes none of them.
    rendered: dict[str, bytes] = {}
    for name in wanted:
        if name == "html":
            rendered[name] = render_html(plan).encode("utf-8")
        else:
            from ._word import docx_bytes

            rendered[name] = docx_bytes(plan, template)

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {name: write_whole(folder / f"plan.{name}", data) for name, data in rendered.items()}
    logger.info("wrote %s for child %s", ", ".join(written), plan.child.id)
    return written


def _format_names(formats: Iterable[str]) -> list[str]:
    """The format names asked for, in order, once each, from a list or "docx,html"."""
    if isinstance(formats, str):
        formats = formats.split(",")
    names = (str(name).strip() for name in formats)
    return list(dict.fromkeys(name for name in names if name))
