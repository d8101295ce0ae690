"""Checked examples in the handbook: the example bank's pages, and examples in the prose.

Two things here run the checker while the handbook is built, so no example in it can
say something the checks do not:

- the example bank (``examples/bank/``) is written out as one page per area of need,
  each pair with the findings its poor version actually gets; a pair whose tags no
  longer match what the checks find is a build warning, which ``-W`` makes an error;
- the ``checked-example`` directive shows a poor and an improved statement in a guidance
  chapter with their findings, and fails if the poor one passes or the improved one
  does not::

      ```{checked-example}
      :kind: outcome
      :shows: vague-verb
      Poor: By the end of Year 4, Ollie will improve his handwriting.
      Improved: By the end of Year 4, Ollie will write three sentences ...
      ```

  ``:year-group: Year 4`` checks an outcome's timescale too, for a child of that year
  group in a plan dated 2 March 2026 (as the bank does).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from rule_pages import escape, findings_list, marked, write_if_changed
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ehcp_kit import TimescaleError, resolve
from ehcp_kit.areas import AreaOfNeed
from ehcp_kit.bank import PLAN_DATE, YEAR_GROUPS, Bank, ExamplePair, find_bank, load_bank
from ehcp_kit.rules import Config, Finding, check_outcome, check_provision

logger = logging.getLogger(__name__)

# The page each area of need's pairs are written to, under docs/bank/areas/.
AREA_PAGES: dict[AreaOfNeed, str] = {
    AreaOfNeed.COMMUNICATION_AND_INTERACTION: "communication-and-interaction",
    AreaOfNeed.COGNITION_AND_LEARNING: "cognition-and-learning",
    AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH: "social-emotional-and-mental-health",
    AreaOfNeed.SENSORY_AND_PHYSICAL: "sensory-and-physical",
    AreaOfNeed.HEALTH: "health",
    AreaOfNeed.SOCIAL_CARE: "social-care",
}


def _version(text: str, findings: list[Finding]) -> list[str]:
    lines = [f"> {marked(text, findings)}", ""]
    if findings:
        return lines + ["The checks find:", "", *findings_list(findings), ""]
    return lines + ["The checks find nothing.", ""]


def pair_section(bank: Bank, pair: ExamplePair) -> tuple[list[str], list[str]]:
    """A pair's section of its area page, and any disagreement between tags and checks."""
    poor, improved = bank.check(pair)
    problems = []
    if {finding.slug for finding in poor} != set(pair.rules):
        problems.append(f"{pair.id}: the poor version shows "
                        f"{sorted({finding.slug for finding in poor})}, not its tags "
                        f"{sorted(pair.rules)}")
    if improved:
        problems.append(f"{pair.id}: the improved version gets findings: "
                        + "; ".join(finding.describe() for finding in improved))

    shows = ", ".join(f"{{doc}}`{slug} </rules/{slug}>`" for slug in pair.rules)
    lines = [
        f"## {pair.id}: {pair.kind}, {pair.year_group} ({pair.phase})",
        "",
        f"Shows: {shows}",
        "",
        "**Poor**",
        "",
        *_version(pair.poor, poor),
        "**Improved**",
        "",
        *_version(pair.improved, improved),
    ]
    if pair.note:
        lines += [f"*Why:* {escape(pair.note)}", ""]
    return lines, problems


def area_page(bank: Bank, area: AreaOfNeed) -> tuple[str, list[str]]:
    """One area of need's page of pairs, and any disagreements found while writing it."""
    pairs = bank.filter(area=area)
    outcomes = sum(1 for pair in pairs if pair.kind == "outcome")
    lines = [
        f"# {area.value}",
        "",
        f"{len(pairs)} pairs: {outcomes} outcomes and {len(pairs) - outcomes} provision "
        "statements, from the files in `examples/bank/`.",
        "Each poor version is shown with the findings the checks give it, worked out when "
        "this page was built; the marked words are the ones each finding points at.",
        "Outcomes are checked for a child of the pair's year group in a plan dated "
        f"{PLAN_DATE.day} {PLAN_DATE:%B %Y}.",
        "",
    ]
    problems: list[str] = []
    for pair in pairs:
        section, found = pair_section(bank, pair)
        lines += section
        problems += found
    return "\n".join(lines), problems


def write_bank_pages(folder: Path, bank: Bank) -> list[str]:
    """Write every area's page into ``folder``; return the disagreements found."""
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for area, name in AREA_PAGES.items():
        text, found = area_page(bank, area)
        write_if_changed(folder / f"{name}.md", text)
        problems += found
    return problems


def _on_builder_inited(app: Sphinx) -> None:
    folder = app.config.example_bank_folder or find_bank(Path(app.confdir))
    bank = load_bank(folder)
    for problem in write_bank_pages(Path(app.srcdir) / "bank" / "areas", bank):
        logger.warning("example bank: %s", problem)


def _year_group(value: str | None) -> str:
    """A year group as the bank names it ("Year 4", "Reception"), or a clear error."""
    value = (value or "").strip()
    if value not in YEAR_GROUPS:
        raise ValueError(f"{value!r} is not a year group; use one of {', '.join(YEAR_GROUPS)}")
    return value


class CheckedExample(SphinxDirective):
    """A poor and an improved statement, with the findings the checker gives each."""

    has_content = True
    option_spec = {
        "kind": lambda value: directives.choice(value, ("outcome", "provision")),
        "shows": directives.unchanged,
        "year-group": _year_group,
    }

    def run(self) -> list[nodes.Node]:
        kind = self.options.get("kind", "outcome")
        texts = {}
        for line in self.content:
            label, _, text = line.partition(":")
            if label.strip().lower() in ("poor", "improved") and text.strip():
                texts[label.strip().lower()] = text.strip()
        if set(texts) != {"poor", "improved"}:
            raise self.error("checked-example needs a 'Poor: ...' line and an 'Improved: ...' "
                             "line")

        findings = {version: self._check(kind, text) for version, text in texts.items()}
        shows = {slug.strip() for slug in self.options.get("shows", "").split(",") if slug.strip()}
        missing = shows - {finding.slug for finding in findings["poor"]}
        if not findings["poor"] or missing:
            raise self.error(f"the poor example {texts['poor']!r} does not show "
                             f"{sorted(missing) if missing else 'any finding'}")
        if findings["improved"]:
            raise self.error(f"the improved example {texts['improved']!r} gets findings: "
                             + "; ".join(finding.describe() for finding in findings["improved"]))

        lines = ["**Poor**", "", *_version(texts["poor"], findings["poor"]),
                 "**Improved**", "", *_version(texts["improved"], findings["improved"])]
        container = nodes.container(classes=["checked-example"])
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]),
                                self.content_offset, container)
        return [container]

    def _check(self, kind: str, text: str) -> list[Finding]:
        if kind == "provision":
            return check_provision(text, config=Config())
        year = self.options.get("year-group")
        if year is None:
            return check_outcome(text)
        pair = ExamplePair("example", "outcome", AreaOfNeed.HEALTH, year, ("-",), text, text)
        return check_outcome(text, date_of_birth=pair.date_of_birth, plan_date=PLAN_DATE)


class ResolvedTimescales(SphinxDirective):
    """A table of timescale phrases and the dates they resolve to for one child.

    ::

        ```{resolved-timescales}
        :born: 2017-01-15
        :plan-date: 2026-03-02
        by the end of Key Stage 2
        by the time he is 16
        ```

    The dates are worked out by :func:`ehcp_kit.resolve` during the build; a phrase it
    cannot resolve is shown with the reason, as the checks would report it.
    """

    has_content = True
    option_spec = {"born": directives.unchanged_required,
                   "plan-date": directives.unchanged_required,
                   "year-group-override": directives.nonnegative_int}

    def run(self) -> list[nodes.Node]:
        try:
            born = date.fromisoformat(self.options["born"])
            plan_date = date.fromisoformat(self.options["plan-date"])
        except (KeyError, ValueError) as error:
            raise self.error(f"resolved-timescales needs :born: and :plan-date: as "
                             f"YYYY-MM-DD ({error})") from error
        override = self.options.get("year-group-override")

        lines = ["| Timescale as written | Date | How it was worked out |", "|---|---|---|"]
        for phrase in (line.strip() for line in self.content if line.strip()):
            try:
                resolution = resolve(phrase, date_of_birth=born, plan_date=plan_date,
                                     year_group_override=override)
                when = f"{resolution.date.day} {resolution.date:%B %Y}"
                how = resolution.explanation
            except TimescaleError as error:
                when, how = "cannot be resolved", str(error)
            lines.append(f"| {escape(phrase)} | {when} | {escape(how)} |")

        container = nodes.container(classes=["resolved-timescales"])
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]),
                                self.content_offset, container)
        return [container]


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("example_bank_folder", None, "env")
    app.connect("builder-inited", _on_builder_inited)
    app.add_directive("checked-example", CheckedExample)
    app.add_directive("resolved-timescales", ResolvedTimescales)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
