"""The documents of one child's outcomes section (HTML and Word) and the per-child notebook."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from itertools import pairwise
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

import ehcp_kit.batch
import ehcp_kit.render
import ehcp_kit.render._word
from ehcp_kit import Plan
from ehcp_kit.cli import main as cli_main
from ehcp_kit.config import Config
from ehcp_kit.loaders import load_plan
from ehcp_kit.render import (
    DOCUMENT_FORMATS,
    BrandingError,
    WordTemplateError,
    contrast_ratio,
    load_branding,
    render_docx,
    render_html,
    write_documents,
)
from ehcp_kit.rules import check_plan, provision_hours

REPOSITORY = Path(__file__).resolve().parent.parent
NOTEBOOK = REPOSITORY / "ehcp_kit" / "notebooks" / "plan.ipynb"
EXAMPLES = REPOSITORY / "examples"
EXAMPLE_BRANDING = EXAMPLES / "branding" / "northbrook.toml"

TRICKY = "Smith & Sons <Ltd>"
SUCCESS_CRITERIA_HEADERS = [
    "What will success look like?",
    "How will we measure this?",
    "When will we measure this?",
    "Who will measure this?",
]


def make_plan(**changes: object) -> Plan:
    """A small invented plan: one outcome that resolves, one that does not."""
    data: dict = {
        "child": {
            "id": "T-001",
            "name": "Zoë Łukasz-O'Neill",
            "date_of_birth": "2016-11-03",
            "pronouns": "she/her",
            "aspirations": [f"To work at {TRICKY}", 'To read "Matilda" to her brother'],
        },
        "authority": f"{TRICKY} Borough Council",
        "plan_date": "2025-02-10",
        "review_date": "2026-02-09",
        "needs": [
            {"id": "N1", "area": "SLCN", "description": "Understands two key words."},
            {"id": "N2", "area": "Cognition and learning",
             "description": "Reads at Reception level."},
        ],
        "outcomes": [
            {
                "id": "E1",
                "text": "By the end of Key Stage 2, Zoë will follow four-key-word instructions.",
                "need_ids": ["N1"],
                "timescale": "by the end of Key Stage 2",
                "steps": [{"text": "Zoë will follow three-key-word instructions.",
                           "target": "by the end of Year 4"}],
                "success_criteria": [{
                    "what_success_looks_like": "Zoë starts tasks with her class.",
                    "how_measured": "Teacher's tally: 8 out of 10 instructions.",
                    "when_measured": "Each half term",
                    "who_measures": "Class teacher",
                }],
            },
            {
                "id": "E2",
                "text": "Zoë will read aloud.\nShe will choose her own books.",
                "need_ids": ["N2"],
                "timescale": "when the time is right",
            },
        ],
        "provision": [
            {
                "id": "F1",
                "what": "Speech & language therapy <1:1>",
                "who": "Speech and language therapist",
                "how_often": "Once a week",
                "how_long": "45 minutes",
                "group_size": "1:1",
                "period": "Term time",
                "need_ids": ["N1"],
                "outcome_ids": ["E1"],
                "resources": {"what": "30 sessions a year", "source": TRICKY},
            }
        ],
    }
    data.update(changes)
    return Plan.model_validate(data)


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def outcome_section(soup: BeautifulSoup, outcome_id: str):
    return soup.find("section", id=f"outcome-{outcome_id}")


def word_document(plan: Plan, tmp_path: Path, **options: object):
    path = tmp_path / "plan.docx"
    render_docx(plan, path, **options)
    return Document(str(path))


def table_with_header(document, header: list[str]):
    for table in document.tables:
        if [cell.text for cell in table.rows[0].cells] == header:
            return table
    raise AssertionError(f"no table with header {header!r}")


# The HTML page.


def test_html_page_is_in_british_english_with_one_h1_inside_main():
    soup = parse(render_html(make_plan()))

    assert soup.html["lang"] == "en-GB"
    assert [h1.get_text() for h1 in soup.find_all("h1")] == [
        "Education, Health and Care plan for Zoë Łukasz-O'Neill"
    ]
    assert soup.find("main").find("h1") is not None


def test_html_headings_run_in_order_without_skipping_a_level():
    soup = parse(render_html(make_plan()))

    levels = [int(heading.name[1]) for heading in soup.find_all(["h1", "h2", "h3", "h4", "h5"])]
    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False))
    assert [h.get_text() for h in soup.find_all("h2")] == [
        "Section A: aspirations", "Section E: outcomes"
    ]


def test_html_tables_have_captions_and_scoped_header_cells():
    soup = parse(render_html(make_plan()))
    tables = soup.find_all("table")

    assert len(tables) == 7  # details; E1: addresses, steps, criteria, actions, resources; E2
    for table in tables:
        assert table.caption is not None and table.caption.get_text().strip()
        assert table.find("thead").find_all("th")
        for header in table.find_all("th"):
            assert header["scope"] in ("col", "row")


def test_html_shows_each_outcome_text_and_the_date_its_timescale_resolves_to():
    soup = parse(render_html(make_plan()))
    first, second = outcome_section(soup, "E1"), outcome_section(soup, "E2")

    assert first.find("p", class_="outcome-text").get_text() == (
        "By the end of Key Stage 2, Zoë will follow four-key-word instructions."
    )
    assert first.find("time").get_text() == "31 July 2028"
    assert first.find("time")["datetime"] == "2028-07-31"
    assert second.find("p", class_="outcome-text").get_text() == (
        "Zoë will read aloud.\nShe will choose her own books."
    )


def test_html_says_plainly_when_a_timescale_is_not_resolved():
    soup = parse(render_html(make_plan()))
    cells = outcome_section(soup, "E2").find("table", class_="addresses").find_all("td")

    assert cells[2].get_text() == "when the time is right"
    assert cells[3].find("strong").get_text() == "not resolved"
    assert "when the time is right" in cells[3].find("span", class_="note").get_text()


def test_html_shows_ampersands_and_angle_brackets_literally():
    html = render_html(make_plan())
    soup = parse(html)

    assert "Smith &amp; Sons &lt;Ltd&gt;" in html
    assert "<Ltd>" not in html and "<1:1>" not in html
    assert soup.find("ltd") is None
    assert soup.find("td").get_text() == f"{TRICKY} Borough Council"
    assert soup.find("section", class_="aspirations").find("li").get_text() == (
        f"To work at {TRICKY}"
    )
    assert soup.find("table", class_="actions").find("td").get_text() == (
        "Speech & language therapy <1:1>"
    )


def test_html_shows_newlines_in_free_text_as_line_breaks():
    soup = parse(render_html(make_plan()))
    text = outcome_section(soup, "E2").find("p", class_="outcome-text")

    assert [str(part) for part in text.contents] == [
        "Zoë will read aloud.", "<br/>", "\nShe will choose her own books."
    ]


def test_html_lays_each_outcome_out_in_the_order_of_the_outcome_template():
    soup = parse(render_html(make_plan()))
    first = outcome_section(soup, "E1")

    assert [h.get_text() for h in first.find_all("h4")] == [
        "Steps towards the outcome", "Success criteria", "Actions required (provision)",
        "Resources required",
    ]
    criteria = first.find("table", class_="success-criteria")
    assert [th.get_text() for th in criteria.find_all("th")] == SUCCESS_CRITERIA_HEADERS
    assert [td.get_text() for td in criteria.find_all("td")] == [
        "Zoë starts tasks with her class.", "Teacher's tally: 8 out of 10 instructions.",
        "Each half term", "Class teacher",
    ]
    action = first.find("table", class_="actions").find("tbody").find("tr")
    assert [cell.get_text() for cell in action.find_all(["th", "td"])] == [
        "F1 (Section F)", "Speech & language therapy <1:1>", "Speech and language therapist",
        "Once a week; Term time", "45 minutes", "1:1",
    ]
    resource = first.find("table", class_="resources").find("tbody").find("tr")
    assert [cell.get_text() for cell in resource.find_all(["th", "td"])] == [
        "F1", "30 sessions a year", TRICKY,
    ]
    assert [p.get_text() for p in outcome_section(soup, "E2").find_all("p", class_="missing")] == [
        "No steps are recorded for this outcome.",
        "No success criteria are recorded for this outcome.",
        "No provision in this plan says it serves this outcome.",
        "No resources are recorded for this outcome.",
    ]


def test_html_header_shows_authority_child_reference_dates_and_aspirations():
    soup = parse(render_html(make_plan()))
    details = soup.find("table", class_="plan-details").find("tbody").find_all("td")

    assert [cell.get_text() for cell in details] == [
        f"{TRICKY} Borough Council", "Zoë Łukasz-O'Neill", "T-001", "10 February 2025",
        "9 February 2026", "Draft",
    ]
    assert [li.get_text() for li in soup.find("section", class_="aspirations").find_all("li")] == [
        f"To work at {TRICKY}", 'To read "Matilda" to her brother'
    ]


def test_html_page_has_a_print_stylesheet_and_loads_nothing_from_elsewhere():
    html = render_html(make_plan(), branding=EXAMPLE_BRANDING, appendix=True)
    soup = parse(html)
    ids = {tag["id"] for tag in soup.find_all(id=True)}

    assert "@media print" in soup.find("style").get_text()
    assert "http" not in html
    assert soup.find(["link", "script", "iframe", "object", "embed"]) is None
    # The logo and the watermark travel inside the page; links stay on the page.
    assert [tag["src"][:22] for tag in soup.find_all(src=True)] == ["data:image/png;base64,"]
    assert re.findall(r"url\(\"?([a-z]+:)", soup.find("style").get_text()) == ["data:"]
    assert [tag["href"] for tag in soup.find_all(href=True)
            if tag["href"][1:] not in ids or not tag["href"].startswith("#")] == []


def test_html_fragment_is_only_the_outcomes_section():
    fragment = render_html(make_plan(), fragment=True)
    soup = parse(fragment)

    assert fragment.lstrip().startswith('<section class="outcomes"')
    assert soup.find(["html", "main", "h1", "style"]) is None
    assert [h.get_text() for h in soup.find_all("h2")] == ["Section E: outcomes"]
    assert [h.get_text() for h in soup.find_all("h3")] == ["Outcome 1 (E1)", "Outcome 2 (E2)"]


# The Word document.


def test_word_document_uses_heading_styles_in_reading_order(tmp_path):
    document = word_document(make_plan(), tmp_path)

    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    parts = [("Heading 4", "Steps towards the outcome"), ("Heading 4", "Success criteria"),
             ("Heading 4", "Actions required (provision)"), ("Heading 4", "Resources required")]
    assert headings == [
        ("Heading 1", "Education, Health and Care plan for Zoë Łukasz-O'Neill"),
        ("Heading 2", "Section A: aspirations"),
        ("Heading 2", "Section E: outcomes"),
        ("Heading 3", "Outcome 1 (E1)"), *parts,
        ("Heading 3", "Outcome 2 (E2)"), *parts,
    ]


def test_word_document_shows_each_outcome_text_and_resolved_date(tmp_path):
    document = word_document(make_plan(), tmp_path)
    texts = [p.text for p in document.paragraphs]
    addresses = [table for table in document.tables
                 if table.rows[0].cells[0].text == "Areas of need"]

    assert "By the end of Key Stage 2, Zoë will follow four-key-word instructions." in texts
    assert "Zoë will read aloud.\nShe will choose her own books." in texts
    assert [table.rows[1].cells[3].text.split("\n")[0] for table in addresses] == [
        "31 July 2028", "not resolved"
    ]
    assert addresses[0].rows[1].cells[2].text == "by the end of Key Stage 2"


def test_word_success_criteria_table_has_the_four_columns_as_a_header_row(tmp_path):
    document = word_document(make_plan(), tmp_path)
    table = table_with_header(document, SUCCESS_CRITERIA_HEADERS)

    assert [cell.text for cell in table.rows[1].cells] == [
        "Zoë starts tasks with her class.", "Teacher's tally: 8 out of 10 instructions.",
        "Each half term", "Class teacher",
    ]
    assert len(table.rows) == 2
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_word_document_shows_special_characters_and_newlines_literally(tmp_path):
    name = 'Zoë "Zo" Łukasz-O\'Neill 李明 محمد'
    plan = make_plan(child={
        "id": "T-002", "name": name, "date_of_birth": "2016-11-03",
        "aspirations": [f"{TRICKY}\nsecond line", r"Files in C:\temp\x", "{{ 7*7 }} {%p if %}"],
    })
    document = word_document(plan, tmp_path)
    paragraphs = [p.text for p in document.paragraphs]
    details = table_with_header(document, [
        "Local authority", "Child or young person", "Reference", "Plan date", "Review date",
        "Status",
    ])

    assert f"Education, Health and Care plan for {name}" in paragraphs
    assert f"{TRICKY}\nsecond line" in paragraphs
    assert r"Files in C:\temp\x" in paragraphs
    assert "{{ 7*7 }} {%p if %}" in paragraphs
    assert [cell.text for cell in details.rows[1].cells][:3] == [
        f"{TRICKY} Borough Council", name, "T-002"
    ]
    actions = table_with_header(document, [
        "Provision", "What will the interventions be?", "Who will do them?",
        "How often will they happen?", "For how long?", "Group size or ratio",
    ])
    assert actions.rows[1].cells[1].text == "Speech & language therapy <1:1>"


def test_word_document_from_an_authority_template_uses_the_same_variables(tmp_path):
    template = Document()
    template.add_heading("{{ authority }}", level=1)
    template.add_paragraph("{{ child.name }} has {{ outcomes|length }} outcomes")
    template.add_paragraph("{{ outcomes[0].target_date }}")
    template.save(str(tmp_path / "authority.docx"))

    document = word_document(make_plan(), tmp_path, template=tmp_path / "authority.docx")

    assert [p.text for p in document.paragraphs] == [
        f"{TRICKY} Borough Council", "Zoë Łukasz-O'Neill has 2 outcomes", "31 July 2028"
    ]


def test_word_template_naming_an_unknown_variable_is_an_error(tmp_path):
    template = Document()
    template.add_paragraph("{{ child.date_of_birth }}")
    template.save(str(tmp_path / "authority.docx"))

    with pytest.raises(WordTemplateError, match=r"'authority\.docx'.*date_of_birth"):
        render_docx(make_plan(), tmp_path / "plan.docx", template=tmp_path / "authority.docx")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["authority.docx"]


def test_missing_word_template_is_named_in_the_error(tmp_path):
    missing = tmp_path / "no-such-template.docx"

    with pytest.raises(FileNotFoundError, match="no-such-template.docx"):
        render_docx(make_plan(), tmp_path / "plan.docx", template=missing)


def test_bundled_word_template_is_what_the_script_builds(tmp_path):
    rebuilt = tmp_path / "outcomes.docx"
    subprocess.run(
        [sys.executable, str(REPOSITORY / "scripts" / "make_word_template.py"), str(rebuilt)],
        check=True, capture_output=True,
    )
    bundled = REPOSITORY / "ehcp_kit" / "templates" / "outcomes.docx"

    with zipfile.ZipFile(bundled) as old, zipfile.ZipFile(rebuilt) as new:
        assert sorted(old.namelist()) == sorted(new.namelist())
        for part in ("word/document.xml", "word/styles.xml", "word/header1.xml",
                     "word/footer1.xml", "docProps/core.xml"):
            assert old.read(part) == new.read(part), part


def header_and_footer_text(path: Path) -> tuple[str, str]:
    document = Document(str(path))
    section = document.sections[0]
    return ("\n".join(p.text for p in section.header.paragraphs),
            "\n".join(p.text for p in section.footer.paragraphs))


def test_word_headings_are_real_heading_styles_never_bold_normal_text(tmp_path):
    document = word_document(load_plan(EXAMPLES / "plans" / "example-primary.yaml"), tmp_path,
                             appendix=True)
    body = document.paragraphs

    fake = [p.text for p in body if p.text.strip() and p.runs
            and all(run.bold for run in p.runs if run.text.strip())
            and not p.style.name.startswith(("Heading", "Outcome", "Caption"))]
    assert fake == []
    levels = [int(p.style.name.split()[1]) for p in body if p.style.name.startswith("Heading")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in pairwise(levels))
    assert [p.style.name for p in body if p.text.startswith("By the end of Key Stage 2")] == [
        "Outcome"
    ]


def test_word_tables_repeat_their_header_rows_keep_rows_whole_and_have_captions(tmp_path):
    document = word_document(load_plan(EXAMPLES / "plans" / "example-primary.yaml"), tmp_path,
                             appendix=True)

    assert len(document.tables) > 10
    for table in document.tables:
        header, *rows = table.rows
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
                   for row in rows if row.cells[0].text != "All provision")
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        assert caption is not None and caption.get(qn("w:val")).strip()
    captions = [table._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val"))
                for table in document.tables]
    assert captions[:6] == [
        "Plan details", "What outcome 1 addresses and when", "Steps towards outcome 1",
        "Success criteria for outcome 1", "Actions for outcome 1", "Resources for outcome 1",
    ]
    visible = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert visible == ["Plan details", "What outcome 1 addresses and when",
                       "What outcome 2 addresses and when", "What outcome 3 addresses and when"]


def test_word_document_has_a_title_and_is_in_british_english(tmp_path):
    plan = load_plan(EXAMPLES / "plans" / "names-in-many-scripts.yaml")
    word_document(plan, tmp_path)

    document = Document(str(tmp_path / "plan.docx"))
    assert document.core_properties.title == (
        "Education, Health and Care plan: outcomes for Zuzanna Łęcka-Wiśniewska"
    )
    assert document.core_properties.language == "en-GB"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(
        qn("w:val")) == "en-GB"


def test_an_authority_template_gets_the_title_and_language_too(tmp_path):
    template = Document()
    template.add_paragraph("{{ child.id }}")
    template.core_properties.language = ""
    template.save(str(tmp_path / "authority.docx"))

    document = word_document(make_plan(), tmp_path, template=tmp_path / "authority.docx")

    assert document.core_properties.title == (
        "Education, Health and Care plan: outcomes for Zoë Łukasz-O'Neill"
    )
    assert document.core_properties.language == "en-GB"


def test_word_header_names_authority_and_reference_never_the_child(tmp_path):
    render_docx(load_plan(EXAMPLES / "plans" / "names-in-many-scripts.yaml"),
                tmp_path / "plan.docx", branding=EXAMPLE_BRANDING)
    header, footer = header_and_footer_text(tmp_path / "plan.docx")
    document = Document(str(tmp_path / "plan.docx"))

    assert header == " Northbrook Borough Council\tReference EX-SCRIPTS-01 · Draft"
    assert "Zuzanna" not in header and "2015" not in header
    assert footer.startswith("SEN team: 01632 960 418")
    fields = [field.get(qn("w:instr")) for field in
              document.sections[0].footer._element.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    # The logo, described for screen readers.
    pictures = document.sections[0].header._element.findall(
        ".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    assert [picture.get("descr") for picture in pictures] == ["Northbrook Borough Council"]


def test_word_document_takes_the_brandings_colours(tmp_path):
    document = word_document(make_plan(), tmp_path, branding=EXAMPLE_BRANDING)
    header_cell = document.tables[0].rows[0].cells[0]._tc

    assert str(document.styles["Heading 1"].font.color.rgb) == "00594F"
    assert str(document.styles["Normal"].font.color.rgb) == "1A1A1A"
    assert header_cell.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "E3EFED"


# Branding.


def write_branding(folder: Path, text: str, name: str = "branding.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_branding_is_neutral_and_passes_its_own_contrast_check():
    branding = load_branding()

    assert branding.name == "" and branding.logo is None
    assert branding.source.endswith("branding.toml")
    assert contrast_ratio(branding.colours.text, "#ffffff") > 15
    assert contrast_ratio(branding.colours.banner_text, branding.colours.banner_background) > 7


def test_contrast_ratio_follows_the_wcag_formula():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    # #767676 is the lightest grey that passes AA on white; #777777 just fails.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5


def test_a_branding_file_keeps_the_defaults_for_what_it_leaves_out(tmp_path):
    path = write_branding(tmp_path, '[authority]\nname = "Westmere Council"\n'
                                    '[colours]\naccent = "#702"\n')
    branding = load_branding(path)

    assert branding.name == "Westmere Council"
    assert branding.colours.accent == "#770022"
    assert branding.colours.text == load_branding().colours.text
    assert branding.introduction == load_branding().introduction


def test_the_example_branding_reaches_the_html_banner_and_footer():
    soup = parse(render_html(make_plan(), branding=EXAMPLE_BRANDING))

    assert soup.find("header").find("p", class_="authority").get_text() == (
        "Northbrook Borough Council")
    assert soup.find("header").find("img")["alt"] == "Northbrook Borough Council"
    assert soup.find("footer").find("p").get_text().startswith("SEN team: 01632 960 418")
    assert "--accent: #00594f" in soup.find("style").get_text()


@pytest.mark.parametrize(("text", "message"), [
    ('[colours]\naccent = "#9a9a9a"\n',
     r"branding.toml, field 'colours.accent': '#9a9a9a' on the white page '#ffffff' has a "
     r"contrast of 2.8\d:1; text needs at least 4.5:1"),
    ('[colours]\nbanner-text = "#ffffff"\nbanner-background = "#7fb3d5"\n',
     r"field 'colours.banner-text': '#ffffff' on colours.banner-background '#7fb3d5' has a "
     r"contrast of 2.\d\d:1"),
    ('[colours]\ntext = "dark blue"\n',
     r"field 'colours.text': 'dark blue' is not a colour; write it as '#' and six hex"),
    ('[colours]\ntext = 0x123456\n', r"field 'colours.text': must be text in quotes, not 1193046"),
    ('[authority]\nlogo = "missing.png"\n',
     r"field 'authority.logo': logo file '.*missing.png' does not exist"),
    ('[authority]\ncolour = "#000000"\n',
     r"field 'authority.colour': unknown key; expected one of name, logo, logo-text, contact"),
    ('[colors]\ntext = "#000000"\n', r"field 'colors': unknown table; expected \[authority\]"),
    ('[authority\nname = "x"\n', r"branding file '.*branding.toml' is not valid TOML"),
])
def test_bad_branding_is_refused_naming_the_file_and_the_key(tmp_path, text, message):
    path = write_branding(tmp_path, text)

    with pytest.raises(BrandingError, match=message):
        load_branding(path)


def test_a_logo_that_is_not_a_bitmap_is_refused_naming_the_file(tmp_path):
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    path = write_branding(tmp_path, '[authority]\nlogo = "logo.svg"\n')

    with pytest.raises(BrandingError, match=r"logo file '.*logo.svg' is not a PNG or JPEG"):
        load_branding(path)


def test_a_missing_branding_file_is_named():
    with pytest.raises(BrandingError, match="branding file 'nowhere.toml' does not exist"):
        load_branding("nowhere.toml")


def test_batch_refuses_bad_branding_once_with_a_message_and_no_traceback(tmp_path):
    path = write_branding(tmp_path, '[colours]\ntable-header-background = "#333333"\n')

    result = CliRunner().invoke(cli_main, [
        "batch", str(EXAMPLES / "plans"), "--out", str(tmp_path / "out"), "--no-notebook",
        "--branding", str(path),
    ])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert str(path) in result.output and "colours.table-header-text" in result.output
    assert not (tmp_path / "out" / "EX-PRIMARY-01").exists()


# The quality appendix.


def appendix_rows(soup, css_class: str) -> list[list[str]]:
    table = soup.find("section", class_="appendix").find("table", class_=css_class)
    return [[cell.get_text() for cell in row.find_all(["th", "td"])]
            for row in table.find("tbody").find_all("tr")]


def test_the_appendix_is_off_unless_asked_for(tmp_path):
    plan = load_plan(EXAMPLES / "plans" / "poor-primary.yaml")
    written = write_documents(plan, tmp_path, "docx,html")

    assert "Appendix" not in written["html"].read_text(encoding="utf-8")
    assert "Appendix" not in "\n".join(p.text for p in Document(str(written["docx"])).paragraphs)


def test_html_appendix_lists_every_finding_and_the_hours_a_year_per_area():
    plan = load_plan(EXAMPLES / "plans" / "poor-primary.yaml")
    soup = parse(render_html(plan, appendix=True))
    findings = check_plan(plan)
    hours = provision_hours(plan)

    assert len(findings) >= 5
    assert appendix_rows(soup, "findings") == [
        [finding.code, finding.slug, finding.severity,
         finding.field + (f", characters {finding.span[0]}-{finding.span[1]}"
                          if finding.span else ""),
         finding.message]
        for finding in findings
    ]
    assert appendix_rows(soup, "hours") == [
        *([str(area), f"{value:g}"] for area, value in hours.by_area.items()),
        ["All provision", f"{hours.total:g}"],
    ]
    assert soup.find("nav").find_all("a")[-1]["href"] == "#appendix"


def test_appendix_uses_the_settings_given_so_it_agrees_with_findings_csv():
    plan = load_plan(EXAMPLES / "plans" / "poor-primary.yaml")
    codes = {finding.code for finding in check_plan(plan)}
    ignored = sorted(codes)[0]

    soup = parse(render_html(plan, appendix=True, config=Config(ignore=(ignored,))))

    assert [row[0] for row in appendix_rows(soup, "findings")] == [
        finding.code for finding in check_plan(plan) if finding.code != ignored
    ]


def test_word_appendix_has_the_same_findings_and_hours(tmp_path):
    plan = load_plan(EXAMPLES / "plans" / "poor-primary.yaml")
    document = word_document(plan, tmp_path, appendix=True)
    findings = table_with_header(document, ["Code", "Rule", "Severity", "Where", "Message"])
    hours = table_with_header(document, ["Area of need", "Hours a year"])
    expected = provision_hours(plan)

    assert [[cell.text for cell in row.cells] for row in findings.rows[1:]] == [
        [finding.code, finding.slug, finding.severity,
         finding.field + (f", characters {finding.span[0]}-{finding.span[1]}"
                          if finding.span else ""),
         finding.message]
        for finding in check_plan(plan)
    ]
    assert [[cell.text for cell in row.cells] for row in hours.rows[1:]] == [
        *([str(area), f"{value:g}"] for area, value in expected.by_area.items()),
        ["All provision", f"{expected.total:g}"],
    ]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-3:] == ["Appendix: quality checks", "Findings", "Provision hours a year"]


def test_an_authority_template_without_an_appendix_says_so_in_the_log(tmp_path, caplog):
    template = Document()
    template.add_paragraph("{{ child.id }}")
    template.save(str(tmp_path / "authority.docx"))

    with caplog.at_level("WARNING", logger="ehcp_kit"):
        word_document(make_plan(), tmp_path, template=tmp_path / "authority.docx",
                      appendix=True)

    assert [record.getMessage() for record in caplog.records] == [
        "Word template authority.docx has no appendix section; the quality appendix is in "
        "the HTML and PDF only"
    ]


def test_batch_formats_are_the_renderers_formats():
    assert ehcp_kit.batch.FORMATS == DOCUMENT_FORMATS


# Writing the files.


def test_write_documents_writes_plan_docx_and_plan_html_and_nothing_else(tmp_path):
    written = write_documents(make_plan(), tmp_path / "T-001")

    assert written == {"docx": tmp_path / "T-001" / "plan.docx",
                       "html": tmp_path / "T-001" / "plan.html"}
    assert sorted(path.name for path in (tmp_path / "T-001").iterdir()) == [
        "plan.docx", "plan.html"
    ]
    assert written["html"].read_text(encoding="utf-8") == render_html(make_plan())
    assert Document(str(written["docx"])).paragraphs[0].text.endswith("Zoë Łukasz-O'Neill")


def test_write_documents_takes_formats_as_a_list_or_comma_separated_text(tmp_path):
    assert list(write_documents(make_plan(), tmp_path, ["html"])) == ["html"]
    assert list(write_documents(make_plan(), tmp_path, "docx, html")) == ["docx", "html"]


def test_write_documents_rejects_unknown_formats_by_name_and_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"\['rtf', 'odt'\]"):
        write_documents(make_plan(), tmp_path, ("html", "rtf", "odt"))
    assert list(tmp_path.iterdir()) == []


def test_failed_rendering_writes_nothing_and_keeps_the_old_documents(tmp_path, monkeypatch):
    (tmp_path / "plan.html").write_text("old page", encoding="utf-8")

    def broken(plan, template=None, **options):
        raise RuntimeError("template broke")

    monkeypatch.setattr(ehcp_kit.render._word, "docx_bytes", broken)
    with pytest.raises(RuntimeError, match="template broke"):
        write_documents(make_plan(), tmp_path)

    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.html"]
    assert (tmp_path / "plan.html").read_text(encoding="utf-8") == "old page"


def test_interrupted_write_removes_its_temporary_file(tmp_path, monkeypatch):
    (tmp_path / "plan.docx").write_bytes(b"old document")

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render_docx(make_plan(), tmp_path / "plan.docx")

    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.docx"]
    assert (tmp_path / "plan.docx").read_bytes() == b"old document"


# What importing costs, and the public surface.


def loaded_modules(code: str) -> list[str]:
    """Which heavy modules are loaded after running ``code`` in a fresh interpreter."""
    probe = (
        f"{code}\nimport sys, json\n"
        "print(json.dumps(sorted(m for m in ('ehcp_kit.render', 'jinja2', 'docxtpl', 'docx', "
        "'lxml') if m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                            text=True)
    return json.loads(result.stdout)


def test_importing_ehcp_kit_loads_no_renderer():
    assert loaded_modules("import ehcp_kit") == []


def test_showing_html_loads_no_word_library():
    assert loaded_modules("from ehcp_kit.render import render_html") == [
        "ehcp_kit.render", "jinja2"
    ]


def test_render_public_api():
    assert sorted(ehcp_kit.render.__all__) == [
        "Branding", "BrandingError", "DOCUMENT_FILES", "DOCUMENT_FORMATS", "WordTemplateError",
        "contrast_ratio", "load_branding", "render_docx", "render_html",
        "render_my_outcomes_html", "render_my_outcomes_pdf", "render_pdf", "write_documents",
    ]


# The per-child notebook.


def test_notebook_has_a_parameters_cell_with_the_three_defaults_and_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    parameters = [cell for cell in notebook.cells
                  if "parameters" in cell.metadata.get("tags", [])]
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]

    assert len(parameters) == 1
    defaults: dict = {}
    exec(parameters[0].source, defaults)
    assert {key: defaults[key] for key in ("plan_json", "output_dir", "formats", "branding",
                                           "appendix")} == {
        "plan_json": "", "output_dir": ".", "formats": "docx,html", "branding": "",
        "appendix": False,
    }
    assert [cell.outputs for cell in code_cells] == [[]] * len(code_cells)
    assert [cell.execution_count for cell in code_cells] == [None] * len(code_cells)


def test_notebooks_folder_links_to_the_packaged_notebook():
    link = REPOSITORY / "notebooks" / "plan.ipynb"

    assert link.is_symlink()
    assert os.readlink(link) == "../ehcp_kit/notebooks/plan.ipynb"
    assert link.resolve() == NOTEBOOK


@pytest.mark.slow
def test_notebook_rebuilds_in_the_kernel_exactly_the_plan_it_was_sent(tmp_path):
    import papermill

    name = 'Zoë "Zo" Łukasz-O\'Neill'
    plan = make_plan(
        child={
            "id": "T-003",
            "name": name,
            "date_of_birth": "2016-11-03",
            "pronouns": "she/her",
            "aspirations": [
                "李明 and محمد are her best friends",
                r"Saves her drawings in C:\temp\x and ends with a backslash \\",
                'Says "hello" and \'goodbye\'\nand waves',
                f"A Saturday job at {TRICKY}",
            ],
        },
    )
    output_dir = tmp_path / "out" / "T-003"

    papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "plan.ipynb"),
        parameters={"plan_json": plan.model_dump_json(), "output_dir": str(output_dir),
                    "formats": "docx,html"},
        kernel_name="python3", progress_bar=False, cwd=str(tmp_path),
    )

    # The kernel's fingerprint of the plan it rebuilt is the fingerprint of the plan sent.
    executed = nbformat.read(tmp_path / "plan.ipynb", as_version=4)
    build = next(cell for cell in executed.cells if cell.get("id") == "build-plan")
    printed = "".join(output.get("text", "") for output in build.outputs)
    sent = hashlib.sha256(plan.model_dump_json().encode("utf-8")).hexdigest()
    assert printed.splitlines() == [
        "Child T-003: outcomes 2, provision items 1",
        f"Plan fingerprint (SHA-256): {sent}",
    ]

    # And the page it wrote carries the exact text.
    assert sorted(path.name for path in output_dir.iterdir()) == ["plan.docx", "plan.html"]
    soup = parse((output_dir / "plan.html").read_text(encoding="utf-8"))
    assert soup.find("table", class_="plan-details").find_all("td")[1].get_text() == name
    aspirations = soup.find("section", class_="aspirations").find_all("li")
    assert [li.get_text() for li in aspirations] == plan.child.aspirations
    last = executed.cells[-1]
    assert "".join(output["text"] for output in last.outputs).splitlines() == [
        f"Wrote plan.docx in {output_dir}", f"Wrote plan.html in {output_dir}"
    ]


@pytest.mark.slow
def test_batch_hands_branding_and_the_appendix_to_the_notebook(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    plan_file = EXAMPLES / "plans" / "first-person-secondary.yaml"
    (source / plan_file.name).write_bytes(plan_file.read_bytes())

    result = CliRunner().invoke(cli_main, [
        "batch", str(source), "--out", str(tmp_path / "out"),
        "--formats", "html,my-outcomes-html", "--appendix", "--branding", str(EXAMPLE_BRANDING),
    ])

    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "EX-FIRST-PERSON"
    assert sorted(path.name for path in folder.iterdir()) == [
        "my-outcomes.html", "plan.html", "plan.ipynb"
    ]
    page = parse((folder / "plan.html").read_text(encoding="utf-8"))
    assert page.find("section", class_="appendix") is not None
    assert page.find("header").find("img")["alt"] == "Northbrook Borough Council"
    child = parse((folder / "my-outcomes.html").read_text(encoding="utf-8"))
    assert child.find("h1").get_text() == "My outcomes"
    notebook = nbformat.read(folder / "plan.ipynb", as_version=4)
    injected = next(cell for cell in notebook.cells
                    if "injected-parameters" in cell.metadata.get("tags", []))
    assert "appendix = True" in injected.source
    assert f'branding = "{EXAMPLE_BRANDING.resolve()}"' in injected.source
