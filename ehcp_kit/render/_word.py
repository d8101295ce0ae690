"""The Word document of one child's outcomes section, from a docxtpl template.

docxtpl does the templating: it reads a Word document written with Jinja tags (the bundled
template, or an authority's own) and turns each part of it into a Jinja template. Its
usual cycle does all of that again for every document: open the package, patch and
compile the parts, render them, parse the result back, then write and compress every
part, the 350 kB of styles included. In a batch of thousands only the rendering differs
from child to child, so a template is prepared once per process (:class:`_WordTemplate`):
docxtpl patches and compiles its parts, the branding's colours and logo go in, and every
part without template tags is written and compressed once into a base package. A child's
document is the base package with that child's rendered parts added to it.

docxtpl (and python-docx, lxml under it) is imported only when a Word document is made,
so that showing a plan in a notebook does not pay for it.
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EhcpKitError
from ..plan import Plan
from ._branding import Branding, Logo
from ._context import document_context

if TYPE_CHECKING:
    from ..config import Config

__all__ = ["DEFAULT_TEMPLATE", "WordTemplateError", "check_template", "docx_bytes", "prepare"]

logger = logging.getLogger("ehcp_kit")

DEFAULT_TEMPLATE = "outcomes.docx"
LOGO_HEIGHT_MM = 10

# The parts of a package docxtpl renders besides the main document.
_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
# The document properties docxtpl renders as templates (those python-docx holds as text).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
# Template tags that change how many cells a table row has, which docxtpl then repairs.
_CELL_TAGS = re.compile(r"\{%-?\s*(?:tc|colspan|hm|vm)\b")
# The characters docxtpl turns into line, tab, paragraph and page breaks, and the
# paragraphs it looks for them in.
_LISTING_MARKS = "\t\a\n\f"
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Zip entries carry this date, so the same plan always makes the same bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_PREPARED_TEMPLATES = 4  # a few templates in one process, not many
# Tags between a paragraph's runs, to show a tag Jinja cannot read in the template's words.
_MARKUP = re.compile(r"<[^>]+>")


class WordTemplateError(EhcpKitError, ValueError):
    """A Word template that cannot be read or rendered; the message names the file, the
    part of the document (body, a header, a property) and, where Jinja knows it, the
    words around the fault."""


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
    from ._branding import default_branding

    branding = branding or default_branding()
    word = _prepared(template, branding)

    context = document_context(plan, branding, appendix=appendix, config=config)
    if appendix and template is not None and "appendix" not in word.names:
        logger.warning("Word template %s has no appendix section; the quality appendix "
                       "is in the HTML and PDF only", Path(template).name)
    title = f"Education, Health and Care plan: outcomes for {context['child']['name']}"
    return word.render(context, title)


def prepare(template: str | os.PathLike[str] | None = None) -> None:
    """Prepare ``template`` (default: the bundled one) in the default branding, ahead of
    any document.

    A batch's kernel zygote calls this, so every kernel forked from it has the template
    ready instead of preparing it for its one child; the batch calls it on an authority's
    template before any child runs, so that a file that is not a Word document or holds a
    tag Jinja cannot read is reported once, not once for every child.
    """
    from ._branding import default_branding

    _prepared(template, default_branding())


def check_template(template: str | os.PathLike[str]) -> None:
    """Refuse an authority's template that no plan could fill, naming the file.

    It must be a Word document whose tags Jinja can read, and every variable it names at
    the top level must be one the documents offer: a misspelt ``{{ refrence }}`` would
    otherwise fail every child of a batch, one by one.
    """
    from ._branding import default_branding
    from ._context import CONTEXT_NAMES

    word = _prepared(template, default_branding())
    unknown = sorted(word.names - CONTEXT_NAMES - set(_environment().globals))
    if unknown:
        shown = ", ".join(repr(name) for name in unknown)
        raise WordTemplateError(
            f"Word template {word.name!r} names {shown}, which no plan has; the variables "
            "a template can use are listed in the documentation of ehcp_kit.render"
        )


_CACHE: dict[tuple[object, Branding], _WordTemplate] = {}
_CACHE_LOCK = threading.Lock()


def _prepared(template: str | os.PathLike[str] | None, branding: Branding) -> _WordTemplate:
    """The template prepared for ``branding``, once per process for each version of it.

    An authority's template is known by its path, size and time of change, so one edited
    between two documents is read again; the bundled one is part of the package and is
    read only the first time.
    """
    if template is None:
        key: object = DEFAULT_TEMPLATE
    else:
        path = Path(template).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"Word template {str(template)!r} does not exist")
        status = path.stat()
        key = (str(path), status.st_size, status.st_mtime_ns)

    with _CACHE_LOCK:
        word = _CACHE.get((key, branding))
        if word is None:
            if template is None:
                name = DEFAULT_TEMPLATE
                data = resources.files("ehcp_kit").joinpath("templates", name).read_bytes()
            else:
                name, data = path.name, path.read_bytes()
            if len(_CACHE) >= _PREPARED_TEMPLATES:
                _CACHE.clear()
            word = _CACHE[key, branding] = _WordTemplate(data, branding, name=name,
                                                         restyle=template is None)
    return word


@dataclass
class _Part:
    """One part of the package that holds template tags, compiled."""

    name: str  # its name in the zip file: "word/header1.xml"
    place: str  # where it is, for messages: "the body", "the header (word/header1.xml)"
    compiled: Any  # a jinja2.Template
    logo: str  # the branding's logo as this part's drawing, or ""
    body: bool = False  # the document's body, which goes between ``prefix`` and ``suffix``


class _WordTemplate:
    """A Word template made ready to render many children's documents quickly.

    Everything here is docxtpl's and python-docx's own work, done once: patching each
    part's XML into a Jinja template, restyling, adding the logo's image to the package.
    What is left for each child is what docxtpl does after Jinja has run (line breaks
    for newlines, table and picture-id repairs when the template needs them) and adding
    the rendered parts to a copy of the base package.
    """

    def __init__(self, source: bytes, branding: Branding, *, name: str,
                 restyle: bool) -> None:
        from docxtpl import DocxTemplate
        from jinja2 import meta
        from lxml import etree

        self.name = name
        self._docxtpl = docxtpl = DocxTemplate(io.BytesIO(source))
        try:
            docxtpl.render_init()
        except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as error:
            raise WordTemplateError(
                f"Word template {name!r} is not a Word document (.docx): {error}"
            ) from error
        document = docxtpl.docx
        if restyle:
            _apply_colours(document, branding)

        # The body: docxtpl renders the <w:body> element and puts it back in the document.
        body = docxtpl.get_xml()
        whole = docxtpl.xml_to_string(document.element)
        start, end = whole.index("<w:body"), whole.rindex("</w:body>") + len("</w:body>")
        self._prefix, self._suffix = _DECLARATION + whole[:start], whole[end:]
        self._repair_tables = bool(_CELL_TAGS.search(body)) or _irregular_tables(docxtpl, body)
        sources = [("word/document.xml", document.part, docxtpl.patch_xml(body), True)]

        # Headers, footers and footnotes, rendered whole.
        for part in document.part.package.iter_parts():
            if part.content_type in (_HEADER, _FOOTER) and part.blob:
                xml = docxtpl.get_part_xml(part)
            elif part.content_type == _FOOTNOTES:
                xml = part.blob.decode("utf-8")
            else:
                continue
            sources.append((part.partname.lstrip("/"), part, docxtpl.patch_xml(xml), False))

        environment = _environment()
        self.names: set[str] = set()
        self._parts: list[_Part] = []
        for part_name, part, patched, is_body in sources:
            # As docxtpl does: each paragraph on a line of its own, for Jinja's messages.
            lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
            place = _place(part_name)
            with self._faults_named(place, lines):
                self.names |= meta.find_undeclared_variables(environment.parse(lines))
                compiled = environment.from_string(lines)
            logo = ""
            if branding.logo is not None and re.search(r"\blogo\b", patched):
                docxtpl.current_rendering_part = part
                logo = _logo_image(docxtpl, branding.logo)._insert_image()
            self._parts.append(_Part(part_name, place, compiled, logo, is_body))

        # The document properties, which may hold template tags too.
        self._properties = document.core_properties
        self._property_templates = {}
        for property_name in _PROPERTIES:
            text = getattr(self._properties, property_name)
            with self._faults_named(f"the document's {property_name} property", text):
                self._property_templates[property_name] = environment.from_string(text)
        self._core = next(part for part in document.part.package.iter_parts()
                          if part.content_type == _CORE)
        # Guards what renders change on shared objects: the properties, the picture ids.
        self._shared = threading.Lock()

        self._base = _base_package(document, {part.name for part in self._parts} |
                                   {self._core.partname.lstrip("/")})

    def render(self, context: dict[str, Any], title: str) -> bytes:
        """One child's document: the base package with the child's parts added."""
        from markupsafe import Markup

        rendered = {}
        for part in self._parts:
            context["branding"]["logo"] = Markup(part.logo)
            with self._faults_named(part.place):
                xml = part.compiled.render(context)
            xml = self._after_jinja(xml, body=part.body)
            if part.body:
                xml = self._prefix + xml + self._suffix
            elif not xml.startswith("<?xml"):
                xml = _DECLARATION + xml
            rendered[part.name] = xml.encode("utf-8")
        rendered[self._core.partname.lstrip("/")] = self._core_properties(context, title)

        buffer = io.BytesIO(self._base)
        buffer.seek(0, io.SEEK_END)
        with zipfile.ZipFile(buffer, "a") as package:
            for name, data in rendered.items():
                package.writestr(_entry(name), data)
        return buffer.getvalue()

    def _after_jinja(self, xml: str, *, body: bool) -> str:
        """What docxtpl does to a part once Jinja has rendered it."""
        from lxml import etree

        docxtpl = self._docxtpl
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        xml = (xml.replace("{_{", "{{").replace("}_}", "}}")
               .replace("{_%", "{%").replace("%_}", "%}"))
        if any(mark in xml for mark in _LISTING_MARKS):
            # Newlines, tabs and breaks in values, one paragraph at a time: docxtpl's
            # own step, given only the paragraphs that hold one.
            xml = _PARAGRAPH.sub(lambda found: docxtpl.resolve_listing(found[0])
                                 if any(mark in found[0] for mark in _LISTING_MARKS)
                                 else found[0], xml)
        if body and (self._repair_tables or "docPr" in xml):
            tree = docxtpl.fix_tables(xml)
            with self._shared:  # the picture ids are counted on the shared docxtpl object
                docxtpl.docx_ids_index = 1000
                docxtpl.fix_docpr_ids(tree)
            xml = etree.tostring(tree, encoding="unicode")
        return xml

    @contextmanager
    def _faults_named(self, place: str, source: str = "") -> Iterator[None]:
        """Turn Jinja's error in ``place`` into one naming the template, the place and,
        for a tag Jinja cannot read, the words of the paragraph it is in."""
        from jinja2 import TemplateError, TemplateSyntaxError

        try:
            yield
        except TemplateError as error:
            near = ""
            if isinstance(error, TemplateSyntaxError) and error.lineno:
                lines = source.splitlines()
                words = _MARKUP.sub("", lines[min(error.lineno, len(lines)) - 1]) if lines else ""
                near = f", near {words.strip()!r}" if words.strip() else ""
            raise WordTemplateError(
                f"Word template {self.name!r}, {place}{near}: "
                f"{error.message or type(error).__name__}"
            ) from error

    def _core_properties(self, context: dict[str, Any], title: str) -> bytes:
        """The title a screen reader announces, the language it reads in, and the rest
        of the template's properties rendered as docxtpl renders them."""
        with self._shared:
            properties = self._properties
            initial = {name: getattr(properties, name) for name in _PROPERTIES}
            try:
                for name, compiled in self._property_templates.items():
                    with self._faults_named(f"the document's {name} property"):
                        setattr(properties, name, compiled.render(context))
                properties.title = title
                if not properties.language:
                    properties.language = "en-GB"
                return self._core.blob
            finally:
                for name, value in initial.items():
                    setattr(properties, name, value)


def _place(part_name: str) -> str:
    """Where a part is, in a reader's words: "the body", "the header (word/header1.xml)"."""
    if part_name == "word/document.xml":
        return "the body"
    kind = re.sub(r"\d*\.xml$", "", part_name.rsplit("/", 1)[-1])
    return f"the {kind} ({part_name})"


def _irregular_tables(docxtpl, body: str) -> bool:
    """Whether docxtpl's table repair changes the template's own tables as they stand."""
    from lxml import etree

    return etree.tostring(docxtpl.fix_tables(body), encoding="unicode") != body


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _base_package(document, rendered: set[str]) -> bytes:
    """The package as python-docx writes it, less the parts each child's rendering adds."""
    whole = io.BytesIO()
    document.save(whole)

    base = io.BytesIO()
    with zipfile.ZipFile(whole) as written, zipfile.ZipFile(base, "w") as package:
        for name in written.namelist():
            if name not in rendered:
                package.writestr(_entry(name), written.read(name))
    return base.getvalue()


_ENVIRONMENT = None


def _environment():
    """The one Jinja environment of this process for Word templates.

    A misspelt variable in an authority's template fails loudly (``StrictUndefined``)
    instead of leaving a blank in a legal document.
    """
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        from jinja2 import Environment, StrictUndefined

        _ENVIRONMENT = Environment(undefined=StrictUndefined, autoescape=True)
    return _ENVIRONMENT


def _logo_image(document, logo: Logo):
    """The logo as a docxtpl image, described for screen readers by the logo's text."""
    from docx.oxml import parse_xml
    from docx.shared import Mm
    from docxtpl import InlineImage
    from lxml import etree

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
            drawing = etree.tostring(inline, encoding="unicode")
            return (f"</w:t></w:r><w:r><w:drawing>{drawing}</w:drawing></w:r><w:r>"
                    '<w:t xml:space="preserve">')

    return DescribedImage(document, io.BytesIO(logo.data), height=Mm(LOGO_HEIGHT_MM))


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
