"""The Word document of one child's outcomes section, from a docxtpl template.

docxtpl (and python-docx, lxml under it) is imported only when a Word document is
made, so that showing a plan in a notebook does not pay for it.
"""

from __future__ import annotations

import io
import logging
import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..plan import Plan
from ._branding import Branding, Logo
from ._context import document_context

if TYPE_CHECKING:
    from ..config import Config

__all__ = ["DEFAULT_TEMPLATE", "docx_bytes"]

logger = logging.getLogger("ehcp_kit")

DEFAULT_TEMPLATE = "outcomes.docx"
LOGO_HEIGHT_MM = 10


def docx_bytes(
    plan: Plan,
    template: str | os.PathLike[str] | None = None,
    *,
    branding: Branding | None = None,
    appendix: bool = False,
    config: Config | None = None,
) -> bytes:
    """The Word document of ``plan``, rendered from ``template`` (default: the bundled one).

    Values are escaped as they go in (docxtpl's autoescaping), so ``&``, ``<`` and quotes
    in a plan come out literally; a newline in free text becomes a line break. The
    branding's colours restyle the bundled template; an authority's own template keeps
    its own look and can use the branding's values (``branding.name``, ``branding.logo``).
    """
    from docxtpl import DocxTemplate

    from ._branding import default_branding

    branding = branding or default_branding()
    if template is None:
        source = resources.files("ehcp_kit").joinpath("templates", DEFAULT_TEMPLATE)
        document = DocxTemplate(io.BytesIO(source.read_bytes()))
    else:
        path = Path(template)
        if not path.is_file():
            raise FileNotFoundError(f"Word template {str(path)!r} does not exist")
        document = DocxTemplate(path)

    context = document_context(plan, branding, appendix=appendix, config=config)
    if branding.logo is not None:
        context["branding"]["logo"] = _logo_image(document, branding.logo)
    if appendix and template is not None:
        _warn_without_appendix(document, template)

    # XXX: docxtpl turns a literal "{_{" in a value into "{{" after rendering; no plan
    # text is expected to hold it, so it is left alone.
    document.render(context, jinja_env=_environment(), autoescape=True)

    _set_properties(document, context)
    if template is None:
        _apply_colours(document, branding)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_ENVIRONMENT = None


def _environment():
    """The one Jinja environment of this process for Word templates.

    A misspelt variable in an authority's template fails loudly (``StrictUndefined``)
    instead of leaving a blank in a legal document. docxtpl compiles each part of the
    template afresh on every render, which is half the cost of a document; the parts are
    the same for every child, so their compiled form is kept, keyed by their text.
    """
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        from jinja2 import Environment, StrictUndefined

        class _CompiledOnce(Environment):
            compiled: dict = {}

            def from_string(self, source, globals=None, template_class=None):
                if globals or template_class or not isinstance(source, str):
                    return super().from_string(source, globals, template_class)
                if source not in self.compiled:
                    if len(self.compiled) >= 32:  # a few templates in one run, not many
                        self.compiled.clear()
                    self.compiled[source] = super().from_string(source)
                return self.compiled[source]

        _ENVIRONMENT = _CompiledOnce(undefined=StrictUndefined, autoescape=True)
    return _ENVIRONMENT


def _logo_image(document, logo: Logo):
    """The logo as a docxtpl image, described for screen readers by the logo's text."""
    from docx.oxml import parse_xml
    from docx.shared import Mm
    from docxtpl import InlineImage

    class DescribedImage(InlineImage):
        # docxtpl writes no description on the picture; Word's accessibility check
        # needs one, so it is added to the drawing docxtpl makes.
        def _insert_image(self) -> str:
            pic = self.tpl.current_rendering_part.new_pic_inline(
                self.image_descriptor, self.width, self.height
            )
            inline = parse_xml(pic.xml)
            for properties in inline.xpath(".//wp:docPr"):
                properties.set("descr", logo.text)
            return (f"</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r>"
                    '<w:t xml:space="preserve">')

    return DescribedImage(document, io.BytesIO(logo.data), height=Mm(LOGO_HEIGHT_MM))


def _warn_without_appendix(document, template: str | os.PathLike[str]) -> None:
    """An authority's template that never names ``appendix`` cannot show it: say so."""
    if "appendix" not in document.get_undeclared_template_variables():
        logger.warning("Word template %s has no appendix section; the quality appendix "
                       "is in the HTML and PDF only", Path(template).name)


def _set_properties(document, context: dict[str, Any]) -> None:
    # The title a screen reader announces, and the language it reads in.
    properties = document.core_properties
    properties.title = (
        f"Education, Health and Care plan: outcomes for {context['child']['name']}"
    )
    if not properties.language:
        properties.language = "en-GB"


def _apply_colours(document, branding: Branding) -> None:
    """Restyle the bundled template in the branding's colours."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    colours = branding.colours
    styles = document.styles
    styles["Normal"].font.color.rgb = RGBColor.from_string(colours.hex("text"))
    for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption"):
        styles[name].font.color.rgb = RGBColor.from_string(colours.hex("accent"))

    # Header rows: the branding's header colours, shaded behind the text.
    for table in document.tables:
        for row in table.rows:
            properties = row._tr.trPr
            if properties is None or properties.find(qn("w:tblHeader")) is None:
                continue
            for cell in row.cells:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:color"), "auto")
                shading.set(qn("w:fill"), colours.hex("table_header_background"))
                cell._tc.get_or_add_tcPr().append(shading)
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.color.rgb = RGBColor.from_string(
                            colours.hex("table_header_text"))
