"""The handbook: it builds, its pages follow the code, and its widgets render offline.

Building the handbook executes its notebooks, so it takes most of a minute. The tests
reuse ``docs/_build/html`` when the test script has just built it (the build leaves a
stamp only after a build with no warning, and the stamp must be newer than every source
of the handbook); otherwise they build it once into a temporary folder.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import click
import pytest
from bs4 import BeautifulSoup

from ehcp_kit.batch import FINDING_FIELDS, SUMMARY_FIELDS
from ehcp_kit.cli import main as cli
from ehcp_kit.config import _KNOWN_KEYS
from ehcp_kit.rules import RULES, RULES_BY_SLUG, check_outcome, check_provision

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
BUILT = DOCS / "_build" / "html"
STAMP = ".handbook-built"
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs")

sys.path.insert(0, str(DOCS / "_ext"))
import rule_pages  # noqa: E402
import widget_bundle  # noqa: E402


def _sources() -> list[Path]:
    """Every file the handbook is made from (the pages written at build time excluded)."""
    generated = {DOCS / "rules", DOCS / "bank" / "areas"}
    files = [path for path in DOCS.rglob("*")
             if path.is_file() and "_build" not in path.parts
             and not any(folder in path.parents for folder in generated)]
    files += list((ROOT / "notebooks").rglob("*.ipynb")) + list((ROOT / "notebooks").rglob("*.md"))
    files += list((ROOT / "examples" / "bank").iterdir()) + list((ROOT / "ehcp_kit").rglob("*.py"))
    return [path for path in files if ".ipynb_checkpoints" not in path.parts]


def _fresh(built: Path) -> bool:
    stamp = built / STAMP
    if not stamp.is_file():
        return False
    newest = max(path.stat().st_mtime for path in _sources() if path.exists())
    return stamp.stat().st_mtime >= newest


@pytest.fixture(scope="session")
def handbook(tmp_path_factory) -> Path:
    """The built handbook: the test script's fresh build, or one made here."""
    if _fresh(BUILT):
        return BUILT
    out = tmp_path_factory.mktemp("handbook")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
               "-d", str(out / ".doctrees"), str(DOCS), str(out / "html")]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"the handbook does not build:\n{run.stdout}\n{run.stderr}"
    assert (out / "html" / STAMP).is_file()
    return out / "html"


def _pages(handbook: Path) -> list[Path]:
    return sorted(handbook.rglob("*.html"))


# The build itself.


@pytest.mark.slow
def test_no_page_of_the_handbook_loads_anything_from_a_cdn(handbook):
    pages = _pages(handbook)
    assert len(pages) > 40
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not [host for host in CDN_HOSTS if host in text], page.relative_to(handbook)

        # Everything a page loads (scripts, styles, images) is a file of the handbook.
        soup = BeautifulSoup(text, "html.parser")
        loaded = [tag.get("src") for tag in soup.find_all(["script", "img"])]
        loaded += [tag.get("href") for tag in soup.find_all("link", rel="stylesheet")]
        remote = [address for address in loaded if address and "://" in address]
        assert remote == [], page.relative_to(handbook)


@pytest.mark.slow
def test_the_widget_javascript_is_the_bundled_npm_package(handbook):
    bundle = handbook / "_static" / "jupyter-widgets" / "embed.js"
    shipped = ROOT / widget_bundle.PACKAGE / "dist" / "embed.js"
    assert bundle.read_bytes() == shipped.read_bytes()
    page = (handbook / "training" / "01-what-makes-an-outcome.html").read_text(encoding="utf-8")
    assert 'src="../_static/jupyter-widgets/embed.js' in page
    assert "application/vnd.jupyter.widget-state+json" in page
    assert "require.min.js" not in page


@pytest.mark.slow
def test_every_rule_has_its_page_where_findings_link_to(handbook):
    for rule in RULES:
        assert rule.help_url.endswith(f"/rules/{rule.slug}.html")
        page = handbook / "rules" / f"{rule.slug}.html"
        text = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ")
        assert f"{rule.code} {rule.slug}" in text, rule.slug
        assert rule.severity in text and "Poor example" in text and "Improved example" in text


def _plain(text: str) -> str:
    """Text with the typographic quotes Sphinx puts in turned back, and spaces evened."""
    for curly, straight in (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.split())


@pytest.mark.slow
def test_rule_pages_show_the_findings_the_checker_gives_their_examples(handbook):
    for rule in RULES:
        page = handbook / "rules" / f"{rule.slug}.html"
        text = _plain(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" "))
        check = rule_pages.check_rule(rule)
        assert rule.slug in {finding.slug for finding in check.poor}, rule.slug
        for finding in check.poor + check.improved:
            assert _plain(finding.message) in text, (rule.slug, finding.message)
        if not check.improved:
            assert "the checks find nothing." in text.lower(), rule.slug


@pytest.mark.slow
def test_the_command_line_page_lists_every_command_and_option(handbook):
    html = (handbook / "reference" / "cli.html").read_text(encoding="utf-8")
    text = _plain(BeautifulSoup(html, "html.parser").get_text(" "))
    for name, command in cli.commands.items():
        assert f"ehcp-kit {name}" in text, name
        for parameter in command.params:
            shown = parameter.opts if isinstance(parameter, click.Option) else [
                parameter.human_readable_name]
            for flag in shown:
                assert flag in text, (name, flag)


@pytest.mark.slow
def test_the_api_reference_documents_the_public_functions(handbook):
    text = (handbook / "reference" / "api.html").read_text(encoding="utf-8")
    for name in ("ehcp_kit.rules.check_outcome", "ehcp_kit.batch.run_batch",
                 "ehcp_kit.loaders.load_batch", "ehcp_kit.bank.load_bank",
                 "ehcp_kit.training.outcome_exercise", "ehcp_kit.Plan"):
        assert f'id="{name}"' in text, name


# In the browser.


@pytest.mark.slow
def test_a_training_page_renders_its_widgets_with_no_network_and_no_console_errors(
    handbook, page
):
    messages, requests = [], []
    page.on("console", lambda message: messages.append((message.type, message.text)))
    page.on("pageerror", lambda error: messages.append(("pageerror", str(error))))
    page.on("request", lambda request: requests.append(request.url))

    page.goto((handbook / "training" / "01-what-makes-an-outcome.html").as_uri())
    box = page.locator(".widget-textarea textarea").first
    box.wait_for(state="visible", timeout=20_000)

    assert page.locator(".jupyter-widgets").first.is_visible()
    assert box.input_value() == "Staff will help Ollie to calm down when he is upset."
    feedback = page.locator(".ehcp-feedback").first
    assert feedback.is_visible()
    assert "service-subject" in feedback.inner_text()
    assert [message for message in messages if message[0] in ("error", "pageerror")] == []
    assert requests and all(url.startswith("file://") for url in requests), requests
    assert any(url.split("?")[0].endswith("_static/jupyter-widgets/embed.js") for url in requests)


@pytest.mark.slow
def test_the_explorer_page_shows_filters_pairs_and_the_coverage_chart(handbook, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((handbook / "bank" / "explore_examples.html").as_uri())
    page.locator(".widget-dropdown select").first.wait_for(state="visible", timeout=20_000)

    assert page.locator(".widget-dropdown select").count() == 3
    assert page.locator("table.ehcp-pair").count() == 6
    assert "Key Stage 2" in page.locator("table.ehcp-pair caption").first.inner_text()
    assert page.locator("img").count() >= 1  # the coverage chart
    assert errors == []


# What the handbook says, against the code (no build needed).


def test_the_configuration_page_documents_every_setting():
    text = (DOCS / "reference" / "configuration.md").read_text(encoding="utf-8")
    missing = [key for key in sorted(_KNOWN_KEYS) if f"`{key}`" not in text]
    assert missing == [], "document these settings in docs/reference/configuration.md"


def test_the_analysts_chapter_describes_every_column_of_summary_and_findings():
    text = (DOCS / "analysts" / "results.md").read_text(encoding="utf-8")
    columns = [*SUMMARY_FIELDS, *FINDING_FIELDS]
    missing = [column for column in columns if f"| `{column}` |" not in text]
    assert missing == [], "describe these columns in docs/analysts/results.md"


def test_a_missing_node_modules_stops_the_build_with_a_clear_message(tmp_path):
    with pytest.raises(Exception, match=r"scripts/setup\.sh.*npm ci") as caught:
        widget_bundle.bundle_folder(tmp_path)
    assert "@jupyter-widgets/html-manager" in str(caught.value)


def test_the_bundle_is_copied_with_its_fonts(tmp_path):
    copied = widget_bundle.copy_bundle(widget_bundle.bundle_folder(ROOT), tmp_path)
    names = {path.name for path in copied}
    assert "embed.js" in names and any(name.endswith(".woff2") for name in names)
    assert not any(name.endswith(".map") or "amd" in name for name in names)


def test_a_rule_whose_poor_example_passes_stops_the_build(tmp_path):
    rule = dataclasses.replace(RULES_BY_SLUG["no-timescale"],
                               poor_example=RULES_BY_SLUG["no-timescale"].improved_example)
    with pytest.raises(rule_pages.RuleExampleError, match="E101 no-timescale: its poor example"):
        rule_pages.write_rule_pages(tmp_path, [rule])
    assert not (tmp_path / "no-timescale.md").exists()


def test_a_rule_whose_improved_example_fires_stops_the_build(tmp_path):
    rule = dataclasses.replace(RULES_BY_SLUG["vague-provision"],
                               improved_example="Access to speech therapy as needed.")
    with pytest.raises(rule_pages.RuleExampleError, match="improved example .* triggers it"):
        rule_pages.write_rule_pages(tmp_path, [rule])


def test_every_rule_page_is_written_with_its_examples_checked(tmp_path):
    checks = rule_pages.write_rule_pages(tmp_path)
    assert {path.stem for path in tmp_path.glob("*.md")} == {rule.slug for rule in RULES} | {
        "index"}
    for check in checks:
        assert check.rule.slug in {finding.slug for finding in check.poor}
        assert check.rule.slug not in {finding.slug for finding in check.improved}
        if check.rule.scope == "plan":
            assert check.improved == [], check.rule.slug  # the improved plans pass everything


def test_free_text_rules_are_shown_with_the_checker_their_examples_belong_to():
    kinds = {rule.slug: rule_pages.check_rule(rule).kind for rule in RULES if rule.scope == "text"}
    assert kinds == {"names-setting": "outcome", "personal-identifier": "outcome",
                     "banned-phrase": "provision"}
    banned = rule_pages.check_rule(RULES_BY_SLUG["banned-phrase"])
    assert banned.settings == {"banned-phrases": ["in line with the school's offer"]}
    assert check_provision(RULES_BY_SLUG["banned-phrase"].poor_example)  # other rules fire too
    assert check_outcome(RULES_BY_SLUG["names-setting"].improved_example) == []


def test_markup_in_examples_is_shown_literally():
    assert rule_pages.escape("a *b* [c] <d> 1:1") == r"a \*b\* \[c\] \<d\> 1:1"
    assert rule_pages.escape("``max-outcomes``", keep_code=True) == "``max-outcomes``"
