"""Documents of one child's outcomes section: Word, HTML and PDF, and the child's own.

The plan's documents are laid out like the outcome template: for each outcome, the
outcome itself, what it addresses and when it falls due, the steps towards it, the four
success-criteria columns, then the actions (provision) and the resources behind them.
All come from the same values in the same order, and all escape what they are given,
so text such as ``Smith & Sons <Ltd>`` shows literally. The PDF is made from the HTML
page by WeasyPrint, tagged (PDF/UA-1) with its fonts embedded.

The "my outcomes" document is the child's own: the same outcomes in words they can read,
in large type, one outcome a page (see :mod:`ehcp_kit.render._child`).

Every document takes the authority's look from a branding file (:func:`load_branding`;
the bundled ``ehcp_kit/templates/branding.toml`` is the neutral default) and can carry
a quality appendix (``appendix=True``): the rule library's findings for the plan and
its provision hours a year per area of need.

Functions
---------
``render_html(plan, fragment=False, branding=None, appendix=False, config=None)``
    The HTML page as a string (or only the outcomes section, for a notebook).
``render_docx(plan, path, template=None, branding=None, appendix=False, config=None)``
    Write the Word document to ``path``.
``render_pdf(plan, path, branding=None, appendix=False, config=None)``
    Write the PDF to ``path``.
``render_my_outcomes_html(plan, branding=None)``, ``render_my_outcomes_pdf(plan, path, ...)``
    The child's "my outcomes" document, as HTML or written as a PDF.
``write_documents(plan, folder, formats=("docx", "html"), template=None, ...)``
    Write the documents asked for into a child's folder, each file whole (also takes
    ``branding``, ``appendix`` and ``config``, as above).

Formats and the files they write: ``docx`` plan.docx, ``html`` plan.html, ``pdf``
plan.pdf, ``my-outcomes-pdf`` my-outcomes.pdf, ``my-outcomes-html`` my-outcomes.html.

Using an authority's own Word template
--------------------------------------
The bundled template, ``ehcp_kit/templates/outcomes.docx``, can be opened in Word and
restyled (its headings use Word's Heading styles and its tables have header rows), or
replaced by any ``.docx`` holding docxtpl tags: ``{{ ... }}`` for a value, ``{%p ... %}``
for a paragraph-level ``for`` or ``if``, ``{%tr ... %}`` for a table row. Pass it as
``template=``. Values are escaped for you; a newline in a value becomes a line break. A
variable the template names but the plan does not have is an error, not a blank: a
``WordTemplateError`` naming the file, the part and the words around a broken tag. The
branding's colours restyle only the bundled template: an authority's own template keeps
its own look, and can place the branding's name, logo and wording with the variables
below. The document's title and language are set whichever template is used.

A template sees these variables (every value is text unless said otherwise; empty text
means the plan does not say)::

    authority            the local authority named in the plan
    status               "draft" or "final"
    reference            "Reference NB-0001 · Draft": what the page header says
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
    branding             the authority's look, from the branding file:
      .name              the issuing authority (the plan's authority if not set)
      .logo              the logo as an image ("" when there is none)
      .logo_text         what the logo says, for people who cannot see it
      .contact           the contact line
      .introduction      the paragraph under the title
      .colours           .text .accent .banner_text .banner_background
                         .table_header_text .table_header_background ("#rrggbb")
    appendix             none unless asked for (appendix=True); then
      .findings          list: .code .slug .severity .where .message
      .hours             list, per area of need: .area .hours (a year)
      .total_hours       all provision, hours a year
      .unquantified      list of the ids of provision that states no amount
      .school_weeks      the weeks in a school year the hours assume (a number)

The child's date of birth, UPN and NHS number are not offered: the outcomes section
does not need them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..plan import Plan
from ._branding import Branding, BrandingError, as_branding, contrast_ratio, load_branding
from ._child import render_my_outcomes_html
from ._files import write_whole
from ._html import render_html
from ._word import WordTemplateError

if TYPE_CHECKING:
    from ..config import Config

__all__ = [
    "DOCUMENT_FILES",
    "DOCUMENT_FORMATS",
    "Branding",
    "BrandingError",
    "contrast_ratio",
    "load_branding",
    "render_docx",
    "render_html",
    "render_my_outcomes_html",
    "render_my_outcomes_pdf",
    "render_pdf",
    "WordTemplateError",
    "write_documents",
]

logger = logging.getLogger("ehcp_kit")

# Each format and the file it writes in a child's folder.
DOCUMENT_FILES = {
    "docx": "plan.docx",
    "html": "plan.html",
    "pdf": "plan.pdf",
    "my-outcomes-pdf": "my-outcomes.pdf",
    "my-outcomes-html": "my-outcomes.html",
}
DOCUMENT_FORMATS = tuple(DOCUMENT_FILES)

BrandingOption = Branding | str | os.PathLike[str] | None


def render_docx(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    template: str | os.PathLike[str] | None = None,
    branding: BrandingOption = None,
    appendix: bool = False,
    config: Config | None = None,
) -> None:
    """Write the Word document of ``plan`` to ``path``, from ``template`` if given.

    ``template`` is the path of an authority's own ``.docx`` template (see the module
    docstring for the variables it can use); the bundled default is used otherwise.
    ``branding`` is a :class:`Branding` or a branding file; ``appendix=True`` adds the
    quality appendix, checked with ``config``. The file is written whole: it appears
    complete or not at all.
    """
    from ._word import docx_bytes

    data = docx_bytes(plan, template, branding=as_branding(branding), appendix=appendix,
                      config=config)
    write_whole(path, data)


def render_pdf(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    branding: BrandingOption = None,
    appendix: bool = False,
    config: Config | None = None,
) -> None:
    """Write the PDF of ``plan`` to ``path``: the HTML page laid out for A4 paper.

    Tagged PDF/UA-1 with the title and language set and every font embedded; a page
    header with the authority's name and the child's reference (never their name),
    "Page 2 of 5" at the foot, and a "DRAFT" watermark until the plan is final. Needs
    the ``pdf`` extra (WeasyPrint). Written whole, like every document.
    """
    from ._pdf import pdf_bytes

    html = render_html(plan, branding=branding, appendix=appendix, config=config)
    write_whole(path, pdf_bytes(html))


def render_my_outcomes_pdf(
    plan: Plan, path: str | os.PathLike[str], *, branding: BrandingOption = None
) -> None:
    """Write the child's "my outcomes" document to ``path`` as a PDF (A4, large type)."""
    from ._pdf import pdf_bytes

    write_whole(path, pdf_bytes(render_my_outcomes_html(plan, branding=branding)))


def write_documents(
    plan: Plan,
    folder: str | os.PathLike[str],
    formats: Iterable[str] = ("docx", "html"),
    *,
    template: str | os.PathLike[str] | None = None,
    branding: BrandingOption = None,
    appendix: bool = False,
    config: Config | None = None,
) -> dict[str, Path]:
    """Write the documents named in ``formats`` for one child into ``folder``.

    ``formats`` names the documents wanted (see :data:`DOCUMENT_FILES`); a single string
    such as ``"docx,html,pdf"`` is accepted too. Every document is rendered before any
    is written, and each is written whole, so a failure leaves no half-written or
    half-updated set. The PDF is made from the very HTML written as ``plan.html``.
    Returns the path written for each format. Raises ``ValueError`` naming any format
    it does not know, and :class:`BrandingError` for a branding file it cannot use,
    before writing anything.
    """
    wanted = _format_names(formats)
    unknown = [name for name in wanted if name not in DOCUMENT_FILES]
    if unknown:
        raise ValueError(
            f"unknown document format(s) {unknown!r}; expected some of {DOCUMENT_FORMATS!r}"
        )
    chosen = as_branding(branding)

    # Render everything first: an error in one document then writes none of them.
    made: dict[str, str] = {}

    def page(name: str, render: Callable[[], str]) -> str:
        if name not in made:
            made[name] = render()
        return made[name]

    def plan_page() -> str:
        return page("plan", lambda: render_html(plan, branding=chosen, appendix=appendix,
                                               config=config))

    def child_page() -> str:
        return page("child", lambda: render_my_outcomes_html(plan, branding=chosen))

    rendered: dict[str, bytes] = {}
    for name in wanted:
        if name == "html":
            rendered[name] = plan_page().encode("utf-8")
        elif name == "my-outcomes-html":
            rendered[name] = child_page().encode("utf-8")
        elif name in ("pdf", "my-outcomes-pdf"):
            from ._pdf import pdf_bytes

            rendered[name] = pdf_bytes(plan_page() if name == "pdf" else child_page())
        else:
            from ._word import docx_bytes

            rendered[name] = docx_bytes(plan, template, branding=chosen, appendix=appendix,
                                        config=config)

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {name: write_whole(folder / DOCUMENT_FILES[name], data)
               for name, data in rendered.items()}
    logger.info("wrote %s for child %s", ", ".join(written), plan.child.id)
    return written


def _format_names(formats: Iterable[str]) -> list[str]:
    """The format names asked for, in order, once each, from a list or "docx,html"."""
    if isinstance(formats, str):
        formats = formats.split(",")
    names = (str(name).strip() for name in formats)
    return list(dict.fromkeys(name for name in names if name))
