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

    # Plan details and Section A.
    document.add_heading("Education, Health and Care plan for {{ child.name }}", level=1)
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
    document.add_paragraph().add_run("{{ outcome.text }}").bold = True
    _tag(document, "{%p if outcome.preparing_for_adulthood %}")
    document.add_paragraph(
        "Preparing for adulthood: {{ outcome.preparing_for_adulthood|join(', ') }}"
    )
    _tag(document, "{%p endif %}")
    _table(
        document,
        "What the outcome addresses and when",
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
    )

    _tag(document, "{%p else %}")
    document.add_paragraph("No outcomes are recorded in this plan.")
    _tag(document, "{%p endfor %}")

    _preserve_spaces(document)
    return document


def _part(document, heading, items, item, headers, cells, when_empty):
    """A Heading 4, then a table with one row per item, or a sentence when there is none."""
    document.add_heading(heading, level=4)
    _tag(document, f"{{%p if {items} %}}")
    _table(document, heading, headers, cells, loop=f"{item} in {items}")
    _tag(document, "{%p else %}")
    document.add_paragraph(when_empty)
    _tag(document, "{%p endif %}")


def _table(document, caption, headers, cells, loop=None):
    """A table with a repeating, bold header row and one templated row.

    With ``loop`` ("step in outcome.steps"), the templated row sits between docxtpl's
    ``{%tr for %}`` and ``{%tr endfor %}`` rows, so it is repeated for every item.
    """
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    _describe(table, caption)

    header = table.rows[0]
    _mark_header_row(header)
    for cell, text in zip(header.cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True

    if loop is not None:
        table.add_row().cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    row = table.add_row()
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
