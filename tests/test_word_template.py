"""A Word template is prepared once and then renders what docxtpl's own cycle renders.

The reference for every comparison is docxtpl's usual way of making a document (open the
template, render it, save it), given the same template, context and Jinja environment.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import jinja2
import pytest
from docx import Document
from docx.shared import Pt
from docxtpl import DocxTemplate
from lxml import etree

from ehcp_kit import EhcpKitError
from ehcp_kit.loaders import load_batch, load_plan
from ehcp_kit.render import load_branding
from ehcp_kit.render._branding import default_branding
from ehcp_kit.render._context import CONTEXT_NAMES, document_context
from ehcp_kit.render._word import (
    DEFAULT_TEMPLATE,
    WordTemplateError,
    _apply_colours,
    _environment,
    _logo_image,
    check_template,
    docx_bytes,
)

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLES = REPOSITORY / "examples"
BUNDLED = REPOSITORY / "ehcp_kit" / "templates" / DEFAULT_TEMPLATE


def example_plans():
    plans = [child.plan for child in load_batch(EXAMPLES / "authority_export")
             if child.plan is not None]
    plans += [load_plan(path) for path in sorted((EXAMPLES / "plans").glob("*.yaml"))]
    return plans


def by_docxtpl(plan, template: Path, branding, *, restyle: bool, appendix: bool) -> bytes:
    """The document as docxtpl's own render-and-save cycle makes it."""
    document = DocxTemplate(io.BytesIO(template.read_bytes()))
    document.render_init()
    if restyle:
        _apply_colours(document.docx, branding)
    context = document_context(plan, branding, appendix=appendix)
    if branding.logo is not None:
        context["branding"]["logo"] = _logo_image(document, branding.logo)

    document.render(context, jinja_env=_environment(), autoescape=True)
    properties = document.core_properties
    properties.title = (
        f"Education, Health and Care plan: outcomes for {context['child']['name']}"
    )
    properties.language = properties.language or "en-GB"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    """Every part of a package, XML parts in canonical form (C14N)."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            content = package.read(name)
            if name.endswith((".xml", ".rels")):
                content = etree.tostring(etree.fromstring(content), method="c14n")
            found[name] = content
    return found


def assert_same_parts(made: bytes, reference: bytes) -> None:
    made_parts, reference_parts = parts(made), parts(reference)
    assert sorted(made_parts) == sorted(reference_parts)
    for name, content in reference_parts.items():
        assert made_parts[name] == content, name


def test_every_example_plan_renders_as_docxtpl_renders_it_from_the_bundled_template():
    branding = default_branding()
    plans = example_plans()

    for number, plan in enumerate(plans):
        appendix = number % 2 == 0
        made = docx_bytes(plan, branding=branding, appendix=appendix)
        reference = by_docxtpl(plan, BUNDLED, branding, restyle=True, appendix=appendix)
        assert_same_parts(made, reference)
    assert len(plans) >= 40


def test_a_branding_with_a_logo_renders_as_docxtpl_renders_it():
    branding = load_branding(EXAMPLES / "branding" / "northbrook.toml")
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")

    made = docx_bytes(plan, branding=branding, appendix=True)

    assert_same_parts(made, by_docxtpl(plan, BUNDLED, branding, restyle=True, appendix=True))
    images = [name for name in parts(made) if name.startswith("word/media/")]
    assert len(images) == 1


def authority_template(path: Path) -> Path:
    """A template that uses what an authority's might: a header and footer with tags,
    a column loop in a table, tabs and newlines, and a tag in a document property."""
    document = Document()
    document.add_heading("{{ authority }}", level=1)
    document.add_paragraph("{{ child.name }}\t{{ child.id }}{{ '\\n' }}second line")
    table = document.add_table(rows=2, cols=3)
    for column, text in enumerate(
            ["{%tc for outcome in outcomes %}", "{{ outcome.id }}", "{%tc endfor %}"]):
        table.cell(0, column).text = text
    table.cell(1, 0).text = "{{ outcomes|length }} outcomes"
    run = document.add_paragraph().add_run("{{ branding.name }}")
    run.font.size = Pt(14)
    document.sections[0].header.paragraphs[0].text = "{{ reference }} {{ branding.logo }}"
    document.sections[0].footer.paragraphs[0].text = "{{ branding.contact or 'No contact' }}"
    document.core_properties.subject = "Outcomes of {{ child.id }}"
    document.save(str(path))
    return path


def test_an_authority_template_renders_as_docxtpl_renders_it(tmp_path):
    template = authority_template(tmp_path / "authority.docx")
    branding = load_branding(EXAMPLES / "branding" / "northbrook.toml")

    for plan in example_plans()[:6]:
        made = docx_bytes(plan, template, branding=branding)
        reference = by_docxtpl(plan, template, branding, restyle=False, appendix=False)
        assert_same_parts(made, reference)


def test_an_authority_templates_column_loop_makes_one_cell_per_outcome(tmp_path):
    template = authority_template(tmp_path / "authority.docx")
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")

    document = Document(io.BytesIO(docx_bytes(plan, template)))

    cells = [cell.text for cell in document.tables[0].rows[0].cells]
    assert cells == [outcome.id for outcome in plan.outcomes]
    assert document.core_properties.subject == f"Outcomes of {plan.child.id}"


def test_the_same_plan_makes_the_same_bytes_every_time():
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")

    assert docx_bytes(plan) == docx_bytes(plan)


def test_each_document_is_one_whole_package_with_every_part_once():
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")

    with zipfile.ZipFile(io.BytesIO(docx_bytes(plan))) as package:
        names = package.namelist()
        assert package.testzip() is None
    assert len(names) == len(set(names))
    assert names[0] == "[Content_Types].xml"


def test_an_authority_template_edited_between_two_documents_is_read_again(tmp_path):
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")
    path = tmp_path / "authority.docx"
    for wording in ("First wording for {{ child.id }}", "Second wording for {{ child.id }}"):
        template = Document()
        template.add_paragraph(wording)
        template.save(str(path))

        document = Document(io.BytesIO(docx_bytes(plan, path)))

        assert document.paragraphs[0].text == wording.replace("{{ child.id }}", plan.child.id)


def test_one_childs_document_holds_nothing_of_the_child_before(tmp_path):
    first, second = example_plans()[:2]

    docx_bytes(first)
    text = b"".join(parts(docx_bytes(second)).values())

    assert first.child.name.encode("utf-8") not in text
    assert first.child.id.encode("utf-8") not in text
    assert second.child.id.encode("utf-8") in text


def test_each_branding_gets_a_template_prepared_for_it_alone():
    """One process making documents in two brandings keeps the two apart, either order."""
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")
    northbrook = load_branding(EXAMPLES / "branding" / "northbrook.toml")
    accent = northbrook.colours.hex("accent").encode("ascii")

    plain = docx_bytes(plan, branding=default_branding())
    branded = docx_bytes(plan, branding=northbrook)

    assert docx_bytes(plan, branding=default_branding()) == plain
    assert accent in parts(branded)["word/styles.xml"]
    assert accent not in parts(plain)["word/styles.xml"]


def broken_template(path: Path, fault: str) -> Path:
    """A template an authority might send by mistake, with one fault of the kind named."""
    if fault == "an empty file":
        path.write_bytes(b"")
    elif fault == "a text file":
        path.write_text("Outcomes for {{ child.id }}\n", encoding="utf-8")
    elif fault == "a zip that is no Word document":
        with zipfile.ZipFile(path, "w") as package:
            package.writestr("notes.txt", "not a document")
    else:
        document = Document()
        if fault == "a broken tag in the body":
            document.add_paragraph("Plan {{ child.id }}")
            document.add_paragraph("{% for outcome in outcomes %}{{ outcome.text }")
        elif fault == "a loop left open in the header":
            document.sections[0].header.paragraphs[0].text = "{% if status %}Draft"
            document.add_paragraph("Plan")
        elif fault == "a broken tag in a property":
            document.add_paragraph("Plan")
            document.core_properties.subject = "Outcomes of {{ child.id "
        document.save(str(path))
    return path


@pytest.mark.parametrize("fault", [
    "an empty file", "a text file", "a zip that is no Word document",
    "a broken tag in the body", "a loop left open in the header", "a broken tag in a property",
])
def test_a_template_that_cannot_be_read_is_named_in_the_error(tmp_path, fault):
    template = broken_template(tmp_path / "authority.docx", fault)
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")

    with pytest.raises(WordTemplateError, match=r"Word template 'authority\.docx'"):
        docx_bytes(plan, template)


def test_a_broken_tag_is_reported_with_the_words_around_it(tmp_path):
    template = broken_template(tmp_path / "authority.docx", "a broken tag in the body")
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")

    with pytest.raises(WordTemplateError, match=r"body.*outcome\.text \}") as raised:
        docx_bytes(plan, template)
    assert isinstance(raised.value, EhcpKitError) and isinstance(raised.value, ValueError)


def test_a_misspelt_variable_in_a_footer_names_the_template_and_the_part(tmp_path):
    template = Document()
    template.sections[0].footer.paragraphs[0].text = "Reference {{ child.reference }}"
    template.add_paragraph("Plan")
    template.save(str(tmp_path / "authority.docx"))
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")

    with pytest.raises(WordTemplateError,
                       match=r"'authority\.docx'.*footer.*reference") as raised:
        docx_bytes(plan, tmp_path / "authority.docx")
    assert isinstance(raised.value.__cause__, jinja2.UndefinedError)


def test_the_names_a_template_may_use_are_those_every_document_context_has():
    plan = load_plan(EXAMPLES / "plans" / "good-primary.yaml")

    for appendix in (False, True):
        context = document_context(plan, default_branding(), appendix=appendix)
        assert set(context) == CONTEXT_NAMES


def test_the_bundled_template_and_a_sound_authority_template_pass_the_check(tmp_path):
    check_template(BUNDLED)
    check_template(authority_template(tmp_path / "authority.docx"))


def test_a_template_naming_variables_no_plan_has_is_refused_naming_them(tmp_path):
    template = Document()
    template.add_paragraph("{{ refrence }} {{ child.id }} {% for x in range(2) %}{{ x }}"
                           "{% endfor %} {{ outcome_list }}")
    template.save(str(tmp_path / "authority.docx"))

    with pytest.raises(WordTemplateError, match="names 'outcome_list', 'refrence', which"):
        check_template(tmp_path / "authority.docx")
