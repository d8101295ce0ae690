"""The child's own "my outcomes" document: the plan's outcomes, in words they can read."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from ehcp_kit import Plan
from ehcp_kit.loaders import load_batch, load_plan
from ehcp_kit.render import render_my_outcomes_html, render_my_outcomes_pdf, write_documents
from ehcp_kit.render._child import PLAIN_WORDS, plain_words, short_sentences
from ehcp_kit.rules import JARGON_ACRONYMS, JARGON_PHRASES, find_jargon

REPOSITORY = Path(__file__).resolve().parent.parent
PLANS = REPOSITORY / "examples" / "plans"
WORKBOOK = REPOSITORY / "examples" / "authority_export.xlsx"
BRANDING = REPOSITORY / "examples" / "branding" / "northbrook.toml"
SIXTEEN_POINT_PX = 16 * 96 / 72


@cache
def every_example() -> tuple[Plan, ...]:
    """Every bundled example plan: the hand-written ones and the workbook's children."""
    plans = [load_plan(path) for path in sorted(PLANS.glob("*.yaml"))]
    plans += [child.plan for child in load_batch(WORKBOOK) if child.plan is not None]
    return tuple(plans)


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["style", "title", "head"]):
        hidden.decompose()
    return " ".join(soup.get_text(" ").split())


def outcome_page(html: str, outcome_id: str):
    return BeautifulSoup(html, "html.parser").find("section", id=f"outcome-{outcome_id}")


def texts_under(section, heading: str) -> list[str]:
    """The items listed under an ``h3`` of an outcome's page."""
    title = section.find("h3", string=heading)
    if title is None:
        return []
    following = title.find_next_sibling()
    items = following.find_all("li") if following.name == "ul" else [following]
    return [" ".join(item.get_text(" ").split()) for item in items]


# No jargon.


def test_every_term_on_the_shared_jargon_list_has_words_for_a_child():
    assert set(PLAIN_WORDS) == set(JARGON_ACRONYMS) | set(JARGON_PHRASES)
    for meaning in PLAIN_WORDS.values():
        assert list(find_jargon(meaning)) == [], meaning


def test_the_examples_hold_jargon_for_the_child_version_to_explain():
    plans = every_example()
    raw = " ".join(
        " ".join([item.who for item in plan.provision]
                 + [c.who_measures for o in plan.outcomes for c in o.success_criteria])
        for plan in plans
    )
    assert len(plans) >= 50
    assert {term for term, _, explained in find_jargon(raw) if not explained} >= {
        "SENCO", "SALT", "ELSA", "EP", "TA"
    }


@pytest.mark.parametrize("plan", every_example(), ids=lambda plan: plan.child.id)
def test_my_outcomes_of_every_example_holds_no_unexplained_jargon(plan):
    text = visible_text(render_my_outcomes_html(plan))

    unexplained = [term for term, _, explained in find_jargon(text) if not explained]
    assert unexplained == []


def test_jargon_is_explained_in_brackets_where_it_stands_and_explained_terms_are_left():
    assert plain_words("Checked by the SENCO each term") == (
        "Checked by the SENCO (the teacher in charge of extra help) each term"
    )
    assert plain_words("ELSA (emotional literacy support assistant)") == (
        "ELSA (emotional literacy support assistant)"
    )
    assert plain_words("Practise the Zones of Regulation with the TA") == (
        "Practise the Zones of Regulation (a way of naming feelings with colours) with the "
        "TA (teaching assistant)"
    )


# Short sentences, the child's own words.


def test_so_that_and_semicolons_begin_new_shorter_sentences():
    assert short_sentences(
        "By the end of Year 6, Sam will swim 25 metres, so that he can join the club; "
        "he will also float", drop_opening_time=True,
    ) == [
        "Sam will swim 25 metres.", "This is so that he can join the club.",
        "He will also float.",
    ]


def test_a_time_phrase_stays_in_the_sentence_unless_it_opens_it_and_is_dropped():
    assert short_sentences("Sam will swim by July 2028.", drop_opening_time=True) == [
        "Sam will swim by July 2028."
    ]
    assert short_sentences("Before lunch, Sam will wash his hands.",
                           drop_opening_time=True) == ["Before lunch, Sam will wash his hands."]
    assert short_sentences("By July 2028, Sam will swim.") == ["By July 2028, Sam will swim."]


def test_first_person_outcomes_stay_in_the_childs_own_words():
    plan = load_plan(PLANS / "first-person-secondary.yaml")
    html = render_my_outcomes_html(plan)

    page = outcome_page(html, "O2")
    assert [p.get_text() for p in page.find("div", class_="outcome-words").find_all("p")] == [
        "I will tell a teacher when I need a break, by speaking or by showing my break card, "
        "instead of walking out of the lesson."
    ]
    assert texts_under(page, "What success will look like") == [
        "Teachers know when I need a break and I come back to the lesson."
    ]
    assert texts_under(page, "When") == ["By July 2027."]


def test_an_outcome_written_about_the_child_keeps_their_name_and_is_not_put_in_their_mouth():
    plan = load_plan(PLANS / "example-primary.yaml")
    page = outcome_page(render_my_outcomes_html(plan), "E1")

    assert [p.get_text() for p in page.find("div", class_="outcome-words").find_all("p")] == [
        "Maisie will follow spoken instructions with up to four key words given to the whole "
        "class, without an adult repeating them.",
        "This is so that she can start tasks at the same time as her classmates.",
    ]
    assert texts_under(page, "When") == ["By July 2028."]


def test_each_outcome_page_says_what_success_looks_like_who_helps_and_who_checks():
    plan = load_plan(PLANS / "names-in-many-scripts.yaml")
    page = outcome_page(render_my_outcomes_html(plan), "O2")

    assert page.find("h2").get_text() == "Outcome 2 of 3"
    assert [h3.get_text() for h3 in page.find_all("h3")] == [
        "When", "What success will look like", "Who will help me",
        "Who will check how I am doing",
    ]
    assert texts_under(page, "What success will look like") == [
        'Zuzanna tells an adult "I am on yellow" and uses her card.'
    ]
    assert texts_under(page, "Who will help me") == [
        "ELSA (someone at school who helps with feelings), supervised by the EP "
        "(educational psychologist: someone who finds out how children learn best) "
        "Once a week"
    ]
    assert texts_under(page, "Who will check how I am doing") == [
        "ELSA (someone at school who helps with feelings)"
    ]


def test_an_outcome_with_no_date_or_helpers_says_so_plainly():
    plan = Plan.model_validate({
        "child": {"id": "T-9", "name": "Ola", "date_of_birth": "2016-01-01"},
        "plan_date": "2025-01-10",
        "outcomes": [{"id": "O1", "text": "Ola will ride a bike."}],
    })
    page = outcome_page(render_my_outcomes_html(plan), "O1")

    assert texts_under(page, "When") == ["My plan does not say when yet."]
    assert texts_under(page, "Who will help me") == ["My plan does not say this yet."]


def test_the_documents_own_wording_is_in_sentences_of_twelve_words_or_fewer():
    plan = Plan.model_validate({
        "child": {"id": "T-9", "name": "Ola", "date_of_birth": "2016-01-01",
                  "aspirations": ["Ride."]},
        "plan_date": "2025-01-10",
        "status": "final",
        "outcomes": [{"id": "O1", "text": "Ride.", "target_date": "2026-07-31",
                      "steps": [{"text": "Pedal."}],
                      "success_criteria": [{"what_success_looks_like": "Rides.",
                                            "who_measures": "Mum"}]}],
        "provision": [{"id": "F1", "what": "Practice.", "who": "Coach", "how_often": "Daily",
                       "outcome_ids": ["O1"]}],
    })
    soup = BeautifulSoup(render_my_outcomes_html(plan), "html.parser")
    blocks = [" ".join(block.get_text(" ").split())
              for block in soup.body.find_all(["p", "li", "h1", "h2", "h3"])]
    sentences = [sentence for block in blocks for sentence in re.split(r"(?<=[.!?])\s+", block)]

    longest = max(sentences, key=lambda sentence: len(sentence.split()))
    assert len(longest.split()) <= 12, longest


def test_the_child_version_leaves_out_what_only_professionals_need():
    plan = load_plan(PLANS / "names-in-many-scripts.yaml")
    text = visible_text(render_my_outcomes_html(plan))

    for professional in ("Top-up funding", "Section F", "notional SEN budget", "2015-05-14",
                         "developmental language disorder", "Appendix"):
        assert professional not in text


# Large type, one outcome a page.


def test_every_line_of_the_html_is_at_least_16_points(page):
    plan = load_plan(PLANS / "names-in-many-scripts.yaml")
    page.set_content(render_my_outcomes_html(plan, branding=BRANDING))

    sizes = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(element => [...element.childNodes].some(
            node => node.nodeType === Node.TEXT_NODE && node.textContent.trim()))
        .map(element => [element.tagName, parseFloat(getComputedStyle(element).fontSize)])""")

    assert len(sizes) > 30
    assert [entry for entry in sizes if entry[1] < SIXTEEN_POINT_PX] == []


@pytest.fixture(scope="module")
def child_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("child") / "my-outcomes.pdf"
    render_my_outcomes_pdf(load_plan(PLANS / "names-in-many-scripts.yaml"), path,
                           branding=BRANDING)
    return path


def test_body_text_of_the_pdf_is_at_least_16_points(child_pdf):
    reader = PdfReader(child_pdf)
    height = float(reader.pages[0].mediabox.height)
    top, bottom = 25 * 72 / 25.4, 22 * 72 / 25.4  # the page margins, where the header is
    sizes: list[tuple[float, str]] = []

    for page in reader.pages:
        def visit(text, cm, tm, font, size):
            y = height - (cm[3] * tm[5] + cm[5])  # from the top of the page, in points
            if text.strip() and top < y < height - bottom:
                sizes.append((round(size * abs(cm[0]) * abs(tm[0]), 2), text))

        page.extract_text(visitor_text=visit)

    assert len(sizes) > 40
    assert min(size for size, _ in sizes) >= 16, min(sizes)


def test_each_outcome_starts_a_page_of_its_own_in_the_pdf(child_pdf):
    pages = len(PdfReader(child_pdf).pages)
    texts = [
        subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(child_pdf),
                        "-"], check=True, capture_output=True, text=True).stdout
        for number in range(1, pages + 1)
    ]

    header = {"Northbrook Borough Council", "Reference EX-SCRIPTS-01 · Draft"}
    first_lines = [next(line for line in text.splitlines()
                        if line.strip() and line.strip() not in header)
                   for text in texts]

    # The front page, then each outcome's page (or pages), each starting with its heading.
    starts = [first_lines.index(f"Outcome {number} of 3") for number in (1, 2, 3)]
    assert first_lines[0] == "Northbrook Borough Council" or "My outcomes" in texts[0]
    assert starts[0] >= 1 and starts == sorted(set(starts))
    assert sum("Outcome 1 of 3" in text or "Outcome 2 of 3" in text
               or "Outcome 3 of 3" in text for text in texts) == 3


def test_the_child_pdf_is_tagged_and_titled_for_the_child(child_pdf):
    reader = PdfReader(child_pdf)
    catalog = reader.trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == "My outcomes: Zuzanna Łęcka-Wiśniewska"


def test_write_documents_writes_the_child_version_beside_the_plans(tmp_path):
    plan = load_plan(PLANS / "first-person-secondary.yaml")

    written = write_documents(plan, tmp_path, "html,my-outcomes-html")

    assert written == {"html": tmp_path / "plan.html",
                       "my-outcomes-html": tmp_path / "my-outcomes.html"}
    assert written["my-outcomes-html"].read_text(encoding="utf-8") == (
        render_my_outcomes_html(plan)
    )
