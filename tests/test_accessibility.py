"""The HTML pages meet WCAG 2.2 AA: axe-core in headless Chromium, and the structure checked.

axe-core comes from the npm registry (package.json, ``npm ci`` in scripts/setup.sh) and is
loaded into each page from ``node_modules``: nothing is fetched from a CDN. A test fails
on any violation of a WCAG A or AA rule and prints every one, with where it is.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ehcp_kit import Plan
from ehcp_kit.loaders import load_batch, load_plan
from ehcp_kit.render import render_html, render_my_outcomes_html

REPOSITORY = Path(__file__).resolve().parent.parent
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
PLANS = REPOSITORY / "examples" / "plans"
WORKBOOK = REPOSITORY / "examples" / "authority_export.xlsx"
BRANDING = REPOSITORY / "examples" / "branding" / "northbrook.toml"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Twelve of the workbook's 44 children, among them names in Polish, Arabic and Chinese,
# draft and final plans, young children and young adults, plans good and poor.
WORKBOOK_SAMPLE = ("NB-0001", "NB-0002", "NB-0005", "NB-0006", "NB-0008", "NB-0012",
                   "NB-0017", "NB-0024", "NB-0029", "NB-0033", "NB-0040", "NB-0044")


@cache
def hand_written() -> dict[str, Plan]:
    return {path.stem: load_plan(path) for path in sorted(PLANS.glob("*.yaml"))}


@cache
def workbook() -> dict[str, Plan]:
    return {child.child_id: child.plan for child in load_batch(WORKBOOK)
            if child.plan is not None}


def pages() -> list[tuple[str, str]]:
    """(name, HTML) of every page the axe test opens."""
    made = [(f"{name}: plan", render_html(plan)) for name, plan in hand_written().items()]
    made += [(f"{child_id}: plan", render_html(workbook()[child_id]))
             for child_id in WORKBOOK_SAMPLE]
    made += [(f"{name}: my outcomes", render_my_outcomes_html(plan))
             for name, plan in hand_written().items()]
    made += [(f"{child_id}: my outcomes", render_my_outcomes_html(workbook()[child_id]))
             for child_id in WORKBOOK_SAMPLE[:3]]
    # The authority's branding, and the quality appendix.
    scripts = hand_written()["names-in-many-scripts"]
    made += [
        ("branded plan with appendix", render_html(scripts, branding=BRANDING, appendix=True)),
        ("branded my outcomes", render_my_outcomes_html(scripts, branding=BRANDING)),
    ]
    return made


PAGES = pages()


def test_the_sample_covers_names_in_other_scripts_and_drafts():
    names = [workbook()[child_id].child.name for child_id in WORKBOOK_SAMPLE]
    statuses = {workbook()[child_id].status for child_id in WORKBOOK_SAMPLE}

    assert len(WORKBOOK_SAMPLE) >= 10
    assert "Łukasz Nowak" in names and "李思远" in names
    assert any("\u0600" <= char <= "\u06ff" for name in names for char in name)
    assert statuses == {"draft", "final"}


def axe_violations(page, html: str) -> list[dict]:
    page.set_content(html)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "html"), PAGES, ids=[name for name, _ in PAGES])
def test_axe_finds_no_wcag_a_or_aa_violation(page, name, html):
    violations = axe_violations(page, html)

    print(describe(violations))
    assert violations == [], describe(violations)


def test_axe_does_catch_a_violation_on_a_page_made_worse(page):
    """The test above can fail: text the colour of the page is a contrast violation."""
    html = render_html(hand_written()["example-primary"]).replace(
        "</style>", ".outcome-text { color: #bbbbbb; }</style>"
    )

    assert [violation["id"] for violation in axe_violations(page, html)] == ["color-contrast"]


# The structure the pages share.


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize(("name", "html"), PAGES, ids=[name for name, _ in PAGES])
def test_page_has_landmarks_one_h1_and_headings_in_order(name, html):
    soup = soup_of(html)
    levels = [int(heading.name[1]) for heading in soup.find_all(["h1", "h2", "h3", "h4",
                                                                 "h5", "h6"])]

    assert soup.html["lang"] == "en-GB"
    assert soup.title.get_text().strip()
    assert len(soup.find_all("header", recursive=True)) == 1
    assert len(soup.find_all("main")) == 1 and len(soup.find_all("footer")) == 1
    assert soup.body.find("header", recursive=False) is not None
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in pairwise(levels)), levels


@pytest.mark.parametrize(("name", "html"), PAGES, ids=[name for name, _ in PAGES])
def test_every_table_header_cell_has_a_scope_and_every_table_a_caption(name, html):
    soup = soup_of(html)

    assert [th for th in soup.find_all("th") if th.get("scope") not in ("col", "row")] == []
    assert [table for table in soup.find_all("table")
            if not table.caption or not table.caption.get_text().strip()] == []


def test_the_plan_page_has_a_contents_list_of_links_into_the_page():
    soup = soup_of(render_html(hand_written()["example-primary"], appendix=True))
    navigation = soup.find("nav")
    ids = {tag["id"] for tag in soup.find_all(id=True)}

    assert soup.find(id=navigation["aria-labelledby"]).get_text() == "Contents"
    targets = [link["href"] for link in navigation.find_all("a")]
    assert targets == ["#plan-details", "#section-a", "#section-e", "#outcome-E1",
                       "#outcome-E2", "#outcome-E3", "#appendix"]
    assert all(target[1:] in ids for target in targets)


def test_keyboard_focus_is_visible_on_every_link(page):
    page.set_content(render_html(hand_written()["example-primary"], branding=BRANDING))
    links = page.locator("a").count()
    outlines = []

    for _ in range(links):
        page.keyboard.press("Tab")
        outlines.append(page.evaluate("""() => {
            const style = getComputedStyle(document.activeElement);
            const box = document.activeElement.getBoundingClientRect();
            return [document.activeElement.tagName, style.outlineStyle,
                    parseFloat(style.outlineWidth), box.top >= 0 && box.height > 0];
        }"""))

    assert links >= 5
    assert outlines == [["A", "solid", 3.0, True]] * links


def test_the_skip_link_comes_first_and_shows_when_focused(page):
    page.set_content(render_html(hand_written()["example-primary"]))
    skip = page.locator("a.skip-link")

    assert skip.bounding_box()["y"] < 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["y"] >= 0
    assert skip.get_attribute("href") == "#main"
