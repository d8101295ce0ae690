"""Build the bundled Word template, ``ehcp_kit/templates/outcomes.docx``.

The template is an ordinary Word document holding docxtpl tags, so an authority can
open it in Word, restyle it and pass it back as ``template=``. It is built here, rather
than by hand in Word, so that its structure can be reviewed and rebuilt. Run it from
the repository after changing it, and commit both this script and the file it writes::

    .venv/bin/python scripts/make_word_template.py [OUTPUT]

The variables the tags use are listed in the docstring of ``ehcp_kit.render``.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "ehcp_kit" / "templates" / "outcomes.docx"

# Fixed metadata, so that rebuilding the template changes nothing a reader can see.
BUILT = datetime(2025, 1, 1)

NOT_STATED = "'Not stated'"


def main(argv: list[str]) -> int:
    """Write the template to the path given, or to the bundled location."""
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    build_template().save(output)
    print(f"wrote {output}")
    return 0


def build_template():
    """The outcomes template as a python-docx ``Document``."""
    document = Document()
    _set_up_page(document)
    _set_up_styles(document)
    _set_properties(document)
    _header_and_footer(document)

    # Plan details and Section A.
    document.add_heading("Education, Health and Care plan for {{ child.name }}", level=1)
    _tag(document, "{%p if branding.introduction %}")
    document.add_paragraph("{{ branding.introduction }}")
    _tag(document, "{%p endif %}")
    _table(
        document,
        "Plan details",
        ["Local authority", "Child or young person", "Reference", "Plan date", "Review date",
         "Status"],
        [f"{{{{ authority or {NOT_STATED} }}}}", "{{ child.name }}", "{{ child.id }}",
         "{{ plan_date }}", "{{ review_date or 'Not set' }}", "{{ status|capitalize }}"],
    )
    document.add_heading("Section A: aspirations", level=2)
    _tag(document, "{%p if aspirations %}")
    _tag(document, "{%p for aspiration in aspirations %}")
    document.add_paragraph("{{ aspiration }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p else %}")
    document.add_paragraph("No aspirations are recorded.")
    _tag(document, "{%p endif %}")

    # Section E: one block per outcome, in the order of the outcome template.
    document.add_heading("Section E: outcomes", level=2)
    _tag(document, "{%p for outcome in outcomes %}")
    document.add_heading("Outcome {{ outcome.number }} ({{ outcome.id }})", level=3)
    document.add_paragraph("{{ outcome.text }}", style="Outcome")
    _tag(document, "{%p if outcome.preparing_for_adulthood %}")
    document.add_paragraph(
        "Preparing for adulthood: {{ outcome.preparing_for_adulthood|join(', ') }}"
    )
    _tag(document, "{%p endif %}")
    _table(
        document,
        "What outcome {{ outcome.number }} addresses and when",
        ["Areas of need", "Needs it addresses", "Timescale as written", "Date it resolves to"],
        [
            f"{{{{ outcome.areas|join('\\n') or {NOT_STATED} }}}}",
            "{% for need in outcome.needs %}{{ need.id }}"
            "{% if need.description %}: {{ need.description }}{% endif %}"
            "{% if not loop.last %}{{ '\\n' }}{% endif %}"
            "{% else %}Not stated{% endfor %}",
            f"{{{{ outcome.timescale or {NOT_STATED} }}}}",
            "{% if outcome.resolved %}{{ outcome.target_date }}{% else %}not resolved"
            "{% endif %}{{ '\\n' }}{{ outcome.resolution }}",
        ],
    )

    _part(
        document,
        "Steps towards the outcome",
        "outcome.steps",
        "step",
        ["Step", "Target"],
        ["{{ step.text }}", f"{{{{ step.target or {NOT_STATED} }}}}"],
        "No steps are recorded for this outcome.",
        caption="Steps towards outcome {{ outcome.number }}",
    )
    _part(
        document,
        "Success criteria",
        "outcome.success_criteria",
        "criterion",
        ["What will success look like?", "How will we measure this?",
         "When will we measure this?", "Who will measure this?"],
        [f"{{{{ criterion.{name} or {NOT_STATED} }}}}" for name in (
            "what_success_looks_like", "how_measured", "when_measured", "who_measures")],
        "No success criteria are recorded for this outcome.",
        caption="Success criteria for outcome {{ outcome.number }}",
    )
    _part(
        document,
        "Actions required (provision)",
        "outcome.actions",
        "action",
        ["Provision", "What will the interventions be?", "Who will do them?",
         "How often will they happen?", "For how long?", "Group size or ratio"],
        ["{{ action.id }} (Section {{ action.section }})", "{{ action.what }}"]
        + [f"{{{{ action.{name} or {NOT_STATED} }}}}" for name in (
            "who", "frequency", "how_long", "group_size")],
        "No provision in this plan says it serves this outcome.",
        caption="Actions for outcome {{ outcome.number }}",
    )
    _part(
        document,
        "Resources required",
        "outcome.resources",
        "resource",
        ["Provision", "What will support the provision?", "Where is this coming from?"],
        ["{{ resource.provision_id }}", f"{{{{ resource.what or {NOT_STATED} }}}}",
         f"{{{{ resource.source or {NOT_STATED} }}}}"],
        "No resources are recorded for this outcome.",
        caption="Resources for outcome {{ outcome.number }}",
    )

    _tag(document, "{%p else %}")
    document.add_paragraph("No outcomes are recorded in this plan.")
    _tag(document, "{%p endfor %}")

    _appendix(document)
    _preserve_spaces(document)
    return document


def _appendix(document):
    """The quality appendix, shown only when the document is made with ``appendix=True``."""
    _tag(document, "{%p if appendix %}")
    document.add_heading("Appendix: quality checks", level=2)
    document.add_paragraph(
        "What ehcp-kit's rule library found in this plan when these documents were made, "
        "for the people who check plans. Each finding names the rule (its code and name), "
        "how serious it is and where in the plan it is. The command \u201cehcp-kit rules\u201d "
        "explains every rule."
    )
    _part(
        document,
        "Findings",
        "appendix.findings",
        "finding",
        ["Code", "Rule", "Severity", "Where", "Message"],
        ["{{ finding.code }}", "{{ finding.slug }}", "{{ finding.severity }}",
         "{{ finding.where }}", "{{ finding.message }}"],
        "The rule library found nothing to report.",
        level=3,
        caption="Quality findings",
    )
    document.add_heading("Provision hours a year", level=3)
    document.add_paragraph(
        "Hours a year that the provision's own words add up to, over a school year of "
        "{{ appendix.school_weeks }} weeks. An item serving needs in two areas counts in "
        "full in each, so the areas can add up to more than the total."
    )
    table = _table(
        document,
        "Provision hours a year by area of need",
        ["Area of need", "Hours a year"],
        ["{{ row.area }}", "{{ row.hours }}"],
        loop="row in appendix.hours",
        visible_caption=False,
    )
    total = table.add_row()
    total.cells[0].paragraphs[0].add_run("All provision").bold = True
    total.cells[1].paragraphs[0].add_run("{{ appendix.total_hours }}").bold = True
    _tag(document, "{%p if appendix.unquantified %}")
    document.add_paragraph(
        "No amount is stated for {{ appendix.unquantified|join(', ') }}, so "
        "{{ 'it is' if appendix.unquantified|length == 1 else 'they are' }} left out of the "
        "hours, not estimated."
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endif %}")


def _header_and_footer(document):
    """The authority's name and logo and the child's reference on every page; never the
    child's name or date of birth. The foot carries the contact line and the page number."""
    section = document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    for name in ("Header", "Footer"):
        # One tab stop, at the right margin of the landscape page.
        stops = document.styles[name].paragraph_format.tab_stops
        stops.clear_all()
        stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)

    header = section.header.paragraphs[0]
    header.add_run("{{ branding.logo }}")
    header.add_run(" {{ branding.name }}").bold = True
    header.add_run("\t{{ reference }}")

    footer = section.footer.paragraphs[0]
    footer.add_run("{{ branding.contact }}\tPage ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction):
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _part(document, heading, items, item, headers, cells, when_empty, *, level=4,
          caption=None):
    """A heading, then a table with one row per item, or a sentence when there is none.

    The heading above it names the table for a reader; ``caption`` (default: the
    heading) names it for a screen reader.
    """
    document.add_heading(heading, level=level)
    _tag(document, f"{{%p if {items} %}}")
    _table(document, caption or heading, headers, cells, loop=f"{item} in {items}",
           visible_caption=False)
    _tag(document, "{%p else %}")
    document.add_paragraph(when_empty)
    _tag(document, "{%p endif %}")


def _table(document, caption, headers, cells, loop=None, visible_caption=True):
    """A captioned table with a repeating, bold header row and one templated row.

    The caption is a paragraph in Word's Caption style above the table (left out where
    a heading right above says the same) and the table's alternative-text title, which
    screen readers announce. With ``loop`` ("step in outcome.steps"), the templated row
    sits between docxtpl's ``{%tr for %}`` and ``{%tr endfor %}`` rows, so it is
    repeated for every item.
    """
    if visible_caption:
        document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    _full_width(table)
    _describe(table, caption)

    header = table.rows[0]
    _mark_header_row(header)
    for cell, text in zip(header.cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True

    if loop is not None:
        table.add_row().cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    row = table.add_row()
    _keep_row_on_one_page(row)
    for cell, text in zip(row.cells, cells, strict=True):
        cell.paragraphs[0].add_run(text)
    if loop is not None:
        table.add_row().cells[0].paragraphs[0].add_run("{%tr endfor %}")
    return table


def _tag(document, text):
    """A paragraph holding only a docxtpl paragraph tag; docxtpl removes it on rendering."""
    return document.add_paragraph(text)


def _mark_header_row(row):
    """Make ``row`` a header row: Word repeats it on each page and reads it as headers."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _full_width(table):
    """Stretch the table across the page, as the HTML and PDF tables are."""
    width = table._tbl.tblPr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        table._tbl.tblPr.append(width)
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")


def _keep_row_on_one_page(row):
    """Never split the row across pages: a success criterion is read whole."""
    split = OxmlElement("w:cantSplit")
    split.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(split)


def _describe(table, caption):
    """Give the table a caption that screen readers announce (Word's alt text title)."""
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), caption)
    table._tbl.tblPr.append(element)


def _preserve_spaces(document):
    # Keep spaces at the ends of text runs once values are filled in.
    for text in document.element.body.iter(qn("w:t")):
        text.set(qn("xml:space"), "preserve")


def _set_up_page(document):
    # A4 landscape: the actions table has six columns.
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))


def _set_up_styles(document):
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)

    # Headings in the body font; their colour comes from the branding when rendered.
    for level, size in ((1, 18), (2, 15), (3, 13), (4, 11.5)):
        heading = document.styles[f"Heading {level}"]
        heading.font.name = "Arial"
        heading.font.size = Pt(size)
        heading.font.italic = False
        fonts = heading.element.get_or_add_rPr().find(qn("w:rFonts"))
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)

    caption = document.styles["Caption"]
    caption.font.name = "Arial"
    caption.font.size = Pt(11)
    caption.font.italic = False
    caption.font.bold = True
    caption.paragraph_format.keep_with_next = True

    # The outcome itself: emphasised by a style of its own, not by bold typed over Normal.
    outcome = document.styles.add_style("Outcome", WD_STYLE_TYPE.PARAGRAPH)
    outcome.base_style = normal
    outcome.quick_style = True
    outcome.font.bold = True
    outcome.font.size = Pt(12)
    outcome.paragraph_format.space_after = Pt(8)

    # Spell-check and read aloud in British English.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = run_defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_defaults.append(language)
    language.set(qn("w:val"), "en-GB")


def _set_properties(document):
    properties = document.core_properties
    properties.title = "Education, Health and Care plan: outcomes"
    properties.subject = "Section E outcomes, with steps, success criteria and provision"
    properties.author = "ehcp-kit"
    properties.last_modified_by = "ehcp-kit"
    properties.comments = "Default ehcp-kit template. Restyle freely; keep the tags."
    properties.language = "en-GB"
    properties.keywords = ""
    properties.revision = 1
    properties.created = BUILT
    properties.modified = BUILT


if __name__ == "__main__":
    sys.exit(main(sys.argv))
