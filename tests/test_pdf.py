"""The PDF documents: tagged PDF/UA, fonts embedded, names in every script, page furniture.

WeasyPrint takes about a second a document, so each PDF is made once per module and
read by several tests; no test renders a whole batch of children as PDF.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from ehcp_kit import Plan
from ehcp_kit.cli import main
from ehcp_kit.errors import MissingDependencyError
from ehcp_kit.loaders import load_plan
from ehcp_kit.render import render_html, render_my_outcomes_pdf, render_pdf, write_documents
from ehcp_kit.render._pdf import pdf_bytes
from ehcp_kit.rules import check_plan

REPOSITORY = Path(__file__).resolve().parent.parent
PLANS = REPOSITORY / "examples" / "plans"
SCRIPTS_PLAN = PLANS / "names-in-many-scripts.yaml"
BRANDING = REPOSITORY / "examples" / "branding" / "northbrook.toml"

# Unicode's directional marks: pdftotext brackets right-to-left text with them.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
A4_LANDSCAPE = (842, 595)


def pdftotext(path: Path, *options: str) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
                            check=True, capture_output=True, text=True)
    return BIDI_CONTROLS.sub("", result.stdout)


def flat(text: str) -> str:
    """Text with every run of white space as one space, as lines wrap differently."""
    return " ".join(text.split())


def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)


def strip_of_page(path: Path, page: int, *, top: bool) -> str:
    """The text in the top (22 mm) or bottom (18 mm) margin of an A4 landscape page."""
    width, height = A4_LANDSCAPE
    band = 62 if top else 51
    y = 0 if top else height - band
    return flat(pdftotext(path, "-f", str(page), "-l", str(page), "-x", "0", "-y", str(y),
                          "-W", str(width), "-H", str(band)))


@pytest.fixture(scope="module")
def scripts_plan() -> Plan:
    return load_plan(SCRIPTS_PLAN)


@pytest.fixture(scope="module")
def draft_pdf(scripts_plan, tmp_path_factory) -> Path:
    """The draft plan with names in many scripts, branded, with the quality appendix."""
    path = tmp_path_factory.mktemp("draft") / "plan.pdf"
    render_pdf(scripts_plan, path, branding=BRANDING, appendix=True)
    return path


@pytest.fixture(scope="module")
def final_pdf(scripts_plan, tmp_path_factory) -> Path:
    """The same plan marked final, in the default branding, without the appendix."""
    path = tmp_path_factory.mktemp("final") / "plan.pdf"
    render_pdf(scripts_plan.model_copy(update={"status": "final"}), path)
    return path


# The PDF is tagged, titled and in English.


def test_pdf_is_tagged_pdf_ua_with_a_title_and_a_language(draft_pdf, scripts_plan):
    reader = PdfReader(draft_pdf)
    catalog = reader.trailer["/Root"]
    metadata = catalog["/Metadata"].get_object().get_data().decode("utf-8")

    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/StructTreeRoot"]["/K"]
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == (
        f"Education, Health and Care plan: outcomes for {scripts_plan.child.name}"
    )
    assert reader.metadata.author == "Northbrook Borough Council"
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", metadata)


def test_every_font_the_pdf_uses_is_embedded_including_arabic_and_chinese(draft_pdf):
    result = subprocess.run(["pdffonts", str(draft_pdf)], check=True, capture_output=True,
                            text=True)
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    # Each row: name, type..., encoding, emb, sub, uni, object, id.
    embedded = {row[0].split("+", 1)[1]: row[-5] for row in rows}

    assert set(embedded.values()) == {"yes"}
    assert {"Noto-Sans", "Noto-Sans-Bold"} <= set(embedded)
    assert any(name.startswith("Noto-Sans-Arabic") for name in embedded)
    assert any(name.startswith("Noto-Sans-CJK") for name in embedded)


def test_text_extracted_from_the_pdf_holds_names_in_every_script(draft_pdf):
    text = flat(pdftotext(draft_pdf))

    for name in ("Zuzanna Łęcka-Wiśniewska", "Małgorzata", "Kraków", "王秀英", "مريم الحسن"):
        assert name in text, name


@pytest.mark.parametrize("example", ["example-primary", "names-in-many-scripts"])
def test_pdftotext_recovers_every_outcome_in_reading_order(example, tmp_path):
    plan = load_plan(PLANS / f"{example}.yaml")
    render_pdf(plan, tmp_path / "plan.pdf")
    text = flat(pdftotext(tmp_path / "plan.pdf"))

    positions = [text.find(flat(outcome.text)) for outcome in plan.outcomes]
    assert -1 not in positions, [o.id for o, at in zip(plan.outcomes, positions, strict=True)
                                 if at < 0]
    assert positions == sorted(positions)
    assert len(positions) == len(plan.outcomes) >= 3


# What every page carries.


def test_page_header_names_the_authority_and_reference_but_never_the_child(draft_pdf):
    pages = page_count(draft_pdf)
    headers = [strip_of_page(draft_pdf, page, top=True) for page in range(2, pages + 1)]

    assert pages >= 4
    assert set(headers) == {"Northbrook Borough Council Reference EX-SCRIPTS-01 · Draft"}
    # The first page's banner says the same, above the title.
    first = flat(pdftotext(draft_pdf, "-f", "1", "-l", "1"))
    assert first.startswith("Northbrook Borough Council Reference EX-SCRIPTS-01 · Draft")
    for header in headers:
        assert "Zuzanna" not in header and "2015" not in header and "14 May" not in header


def test_every_page_is_numbered_and_carries_the_contact_line(draft_pdf):
    pages = page_count(draft_pdf)

    for page in range(1, pages + 1):
        footer = strip_of_page(draft_pdf, page, top=False)
        assert footer == ("SEN team: 01632 960 418 · sen.team@northbrook.example.org · "
                          f"Town Hall, Northbrook Page {page} of {pages}")


def watermark_pixels(path: Path, page: int, tmp_path: Path) -> int:
    """How many pixels of a page show the watermark's grey, #e2e2e2, at 30 dpi."""
    prefix = tmp_path / f"page-{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(prefix)], check=True)
    with Image.open(f"{prefix}.png") as image:
        return sum(count for count, colour in image.convert("RGB").getcolors(1 << 20)
                   if colour == (226, 226, 226))


def test_a_draft_carries_the_watermark_on_every_page_and_a_final_plan_none(
    draft_pdf, final_pdf, tmp_path
):
    draft = [watermark_pixels(draft_pdf, page, tmp_path)
             for page in range(1, page_count(draft_pdf) + 1)]
    final = [watermark_pixels(final_pdf, page, tmp_path)
             for page in range(1, page_count(final_pdf) + 1)]

    # The strokes of "DRAFT" cover about 550 pixels at 30 dpi; the edges of letters
    # make a few dozen of that grey on any page.
    assert min(draft) > 300, draft
    assert max(final) < 100, final
    assert "Draft" not in flat(pdftotext(final_pdf, "-f", "2", "-l", "2"))


def test_a_success_criterion_row_is_never_split_across_pages(tmp_path):
    criteria = [
        {
            "what_success_looks_like": f"Startmark{number:02d} " + "She reads aloud. " * 40,
            "how_measured": "Running record. " * 20,
            "when_measured": "Each half term",
            "who_measures": f"Class teacher Endmark{number:02d}",
        }
        for number in range(12)
    ]
    record = load_plan(PLANS / "example-primary.yaml").model_dump(mode="json")
    record["outcomes"] = [{**record["outcomes"][0], "success_criteria": criteria}]
    record["provision"] = [item for item in record["provision"]
                           if item["outcome_ids"] == [record["outcomes"][0]["id"]]]
    render_pdf(Plan.model_validate(record), tmp_path / "plan.pdf")

    page_of: dict[str, int] = {}
    for page in range(1, page_count(tmp_path / "plan.pdf") + 1):
        for mark in re.findall(r"(?:Start|End)mark\d\d",
                               pdftotext(tmp_path / "plan.pdf", "-f", str(page), "-l",
                                         str(page))):
            page_of[mark] = page

    pages = [(page_of[f"Startmark{n:02d}"], page_of[f"Endmark{n:02d}"]) for n in range(12)]
    assert all(start == end for start, end in pages), pages
    assert len({start for start, _ in pages}) >= 3  # the table really did run over pages


# Where the PDF comes from.


def test_pdf_is_made_from_the_very_html_written_beside_it(scripts_plan, tmp_path):
    written = write_documents(scripts_plan, tmp_path, "html,pdf", branding=BRANDING)

    html = written["html"].read_text(encoding="utf-8")
    assert written["pdf"].read_bytes() == pdf_bytes(html)
    assert html == render_html(scripts_plan, branding=BRANDING)


def test_pdf_carries_the_quality_appendix_only_when_asked(draft_pdf, final_pdf, scripts_plan):
    last = page_count(draft_pdf)
    appendix = pdftotext(draft_pdf, "-layout", "-f", str(last), "-l", str(last))
    findings = check_plan(scripts_plan)

    assert "Appendix: quality checks" in appendix
    assert [finding.code for finding in findings] == ["E205", "E308"]
    for finding in findings:
        # One row a finding: code, rule, severity, where and the start of the message.
        row = next(line for line in appendix.splitlines()
                   if line.split()[:1] == [finding.code])
        assert row.split()[1] in (finding.slug, finding.slug.split("-")[0] + "-")
        assert finding.severity in row and finding.field in row
        assert finding.message[:20] in row
    assert re.search(r"Cognition and learning\s+32\.5\n", appendix)
    assert re.search(r"All provision\s+65\n", appendix)
    assert "Appendix" not in flat(pdftotext(final_pdf))


def test_weasyprint_reports_no_problem_with_any_page(scripts_plan, tmp_path, caplog):
    with caplog.at_level("WARNING", logger="weasyprint"):
        render_pdf(scripts_plan, tmp_path / "plan.pdf", branding=BRANDING, appendix=True)
        render_my_outcomes_pdf(scripts_plan, tmp_path / "my-outcomes.pdf", branding=BRANDING)

    assert [record.getMessage() for record in caplog.records
            if record.name.startswith("weasyprint")] == []


def test_a_missing_weasyprint_names_the_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    with pytest.raises(MissingDependencyError, match=r"ehcp-kit\[pdf\]"):
        pdf_bytes("<html lang='en-GB'><title>t</title></html>")


def test_a_page_naming_something_elsewhere_fetches_nothing(tmp_path):
    secret = tmp_path / "secret.png"
    Image.new("RGB", (50, 50), "red").save(secret)
    html = (f"<html lang='en-GB'><title>t</title><body><img alt='x' src='file://{secret}'>"
            "<p>text</p></body></html>")

    text = flat(pdftotext_bytes(pdf_bytes(html), tmp_path))
    reader = PdfReader(tmp_path / "out.pdf")

    # WeasyPrint shows the image's alternative text in its place: nothing was read.
    assert text == "x text"
    assert not reader.pages[0]["/Resources"].get("/XObject")


def pdftotext_bytes(data: bytes, folder: Path) -> str:
    (folder / "out.pdf").write_bytes(data)
    return pdftotext(folder / "out.pdf")


# The command line.


def test_batch_writes_pdfs_with_branding_and_appendix_from_the_command_line(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / SCRIPTS_PLAN.name).write_bytes(SCRIPTS_PLAN.read_bytes())

    result = CliRunner().invoke(main, [
        "batch", str(source), "--out", str(tmp_path / "out"), "--no-notebook",
        "--formats", "pdf,my-outcomes-pdf", "--appendix", "--branding", str(BRANDING),
    ])

    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "EX-SCRIPTS-01"
    assert sorted(path.name for path in folder.iterdir()) == ["my-outcomes.pdf", "plan.pdf"]
    assert "Appendix: quality checks" in flat(pdftotext(folder / "plan.pdf"))
    assert strip_of_page(folder / "plan.pdf", 2, top=True) == (
        "Northbrook Borough Council Reference EX-SCRIPTS-01 · Draft"
    )
    assert flat(pdftotext(folder / "my-outcomes.pdf", "-f", "1", "-l", "1")).startswith(
        "Northbrook Borough Council Reference EX-SCRIPTS-01 · Draft My outcomes"
    )
