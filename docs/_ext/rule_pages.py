"""The rule reference, written from the rule library at every build.

Every finding links to ``rules/<slug>.html`` (see ``ehcp_kit/rules/_model.py``), so
there is one page per rule, made from the :class:`~ehcp_kit.rules.Rule` itself: code,
slug, severity, what it looks for, why and the source. Each page shows the rule's poor
and improved examples with the findings the checker actually gives them, worked out
during the build. A statement rule whose poor example does not trigger it, or whose
improved example does, stops the build: the page cannot drift from the code. Whole-plan
rules are checked the same way on the small plans in :mod:`plan_examples`.

The pages are written into ``docs/rules/`` (ignored by git) before Sphinx reads the
sources, and only when their text changes, so a rebuild with no change to the rules
re-reads nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import plan_examples
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ehcp_kit import Plan
from ehcp_kit.rules import (
    RULES,
    RULES_BY_SLUG,
    Config,
    Finding,
    Rule,
    check_outcome,
    check_plan,
    check_provision,
)

logger = logging.getLogger(__name__)

# Settings an example needs to mean anything: the banned-phrase rule does nothing until
# an authority lists phrases, and its examples assume this list (see its explanation).
EXAMPLE_SETTINGS: dict[str, dict[str, object]] = {
    "banned-phrase": {"banned-phrases": ["in line with the school's offer"]},
}
# Settings that change what a rule finds, named on its page.
RELATED_SETTINGS: dict[str, str] = {
    "too-many-outcomes": "max-outcomes",
    "names-setting": "setting-names",
    "banned-phrase": "banned-phrases",
}
SCOPE_WORDS = {
    "outcome": "the words of one outcome",
    "provision": "the words of one provision item",
    "text": "any free text: outcomes, provision, steps, success criteria, needs, aspirations",
    "plan": "a whole plan: its links, counts and dates",
}
FAMILIES = {
    "E1": "Outcome wording",
    "E2": "Provision wording",
    "E3": "The whole plan",
    "E4": "Any free text",
}


class RuleExampleError(ExtensionError):
    """A rule's own examples disagree with what the rule does."""


@dataclass
class RuleCheck:
    """What the checker says about one rule's poor and improved examples."""

    rule: Rule
    kind: str  # "outcome", "provision" or "plan"
    settings: dict[str, object]
    poor: list[Finding]
    improved: list[Finding]
    poor_plan: Plan | None = None
    improved_plan: Plan | None = None
    problems: list[str] = field(default_factory=list)


def _check_statement(kind: str, text: str, config: Config) -> list[Finding]:
    return (check_outcome if kind == "outcome" else check_provision)(text, config=config)


def statement_kind(rule: Rule, config: Config) -> str:
    """Which checker a statement rule's examples go through.

    Outcome and provision rules use their own. A free-text rule runs in both, so its
    examples go through the one under which the improved example is cleanest (an
    outcome on a tie): "Literacy teaching in line with..." reads as provision.
    """
    if rule.scope in ("outcome", "provision"):
        return rule.scope
    as_outcome = _check_statement("outcome", rule.improved_example, config)
    as_provision = _check_statement("provision", rule.improved_example, config)
    return "provision" if len(as_provision) < len(as_outcome) else "outcome"


def check_rule(rule: Rule) -> RuleCheck:
    """Run a rule's examples through the checker and note any disagreement.

    The poor example must trigger the rule and the improved example must not.
    """
    settings = EXAMPLE_SETTINGS.get(rule.slug, {})
    config = Config.from_mapping(settings)

    if rule.scope == "plan":
        if rule.slug not in plan_examples.PLAN_EXAMPLES:
            return RuleCheck(rule, "plan", settings, [], [], problems=[
                f"{rule.code} {rule.slug}: no example plans in docs/_ext/plan_examples.py"])
        poor_plan = plan_examples.build(rule.slug, "poor")
        improved_plan = plan_examples.build(rule.slug, "improved")
        result = RuleCheck(rule, "plan", settings, check_plan(poor_plan, config=config),
                           check_plan(improved_plan, config=config), poor_plan, improved_plan)
    else:
        kind = statement_kind(rule, config)
        result = RuleCheck(rule, kind, settings,
                           _check_statement(kind, rule.poor_example, config),
                           _check_statement(kind, rule.improved_example, config))

    what = "poor example plan" if rule.scope == "plan" else f"poor example {rule.poor_example!r}"
    if rule.slug not in {finding.slug for finding in result.poor}:
        result.problems.append(f"{rule.code} {rule.slug}: its {what} does not trigger it")
    what = ("improved example plan" if rule.scope == "plan"
            else f"improved example {rule.improved_example!r}")
    if rule.slug in {finding.slug for finding in result.improved}:
        result.problems.append(f"{rule.code} {rule.slug}: its {what} triggers it")
    return result


# Writing MyST Markdown.

_SPECIAL = re.compile(r"([\\*_\[\]<>|{}~#`$])")
_SPECIAL_BUT_CODE = re.compile(r"([\\*_\[\]<>|{}~#$])")


def escape(text: str, *, keep_code: bool = False) -> str:
    """Text that MyST shows exactly as written (``keep_code`` keeps ``code`` spans).

    Runs of white space become one space, but a space at either end is kept, so that
    pieces of a sentence can be escaped one at a time and joined again.
    """
    return (_SPECIAL_BUT_CODE if keep_code else _SPECIAL).sub(r"\\\1", re.sub(r"\s+", " ", text))


def marked(text: str, findings: Iterable[Finding]) -> str:
    """The text, escaped, with the words the findings point at marked."""
    spans = sorted({finding.span for finding in findings if finding.span is not None})
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        pieces += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def findings_list(findings: Sequence[Finding], *, this_rule: str | None = None) -> list[str]:
    """Markdown bullet lines, one a finding, each linking to its rule's page."""
    lines = []
    for finding in findings:
        note = " (this rule)" if finding.slug == this_rule else ""
        lines.append(f"- {{doc}}`{finding.code} {finding.slug} </rules/{finding.slug}>` "
                     f"({finding.severity}){note}: {escape(finding.message)}")
    return lines


def _kind_words(kind: str) -> str:
    return {"outcome": "an outcome", "provision": "a provision statement"}[kind]


def _example_section(title: str, check: RuleCheck, version: str, *,
                     heading: str = "##") -> list[str]:
    rule = check.rule
    findings = check.poor if version == "poor" else check.improved
    text = rule.poor_example if version == "poor" else rule.improved_example
    lines = [f"{heading} {title}" if heading else f"**{title}**", ""]

    if check.kind == "plan":
        plan = check.poor_plan if version == "poor" else check.improved_plan
        lines += [escape(text), "", "Checked during this build on a small plan:", ""]
        lines += [f"- {escape(line)}" for line in plan_examples.describe_plan(plan)]
        lines += ["", "The checks find"]
    else:
        own = [finding for finding in findings if finding.slug == rule.slug]
        lines += [f"> {marked(text, own)}", "",
                  f"Checked during this build as {_kind_words(check.kind)}, the checks find"]

    if findings:
        lines[-1] += ":"
        lines += ["", *findings_list(findings, this_rule=rule.slug), ""]
    else:
        lines[-1] += " nothing."
        lines.append("")
    return lines


def rule_page(check: RuleCheck) -> str:
    """The MyST source of one rule's page."""
    rule = check.rule
    lines = [
        f"(rule-{rule.slug})=",
        f"# {rule.code} {rule.slug}",
        "",
        escape(rule.summary, keep_code=True),
        "",
        "| | |",
        "|---|---|",
        f"| Code | `{rule.code}` |",
        f"| Slug | `{rule.slug}` |",
        f"| Severity | {rule.severity} |",
        f"| Reads | {escape(SCOPE_WORDS[rule.scope])} |",
        f"| Source | {escape(rule.source)} |",
        "",
        "## Why it matters",
        "",
        escape(rule.explanation, keep_code=True),
        "",
    ]
    if check.settings:
        lines += ["The examples below are checked with these settings:", "", "```toml",
                  "[tool.ehcp-kit]"]
        lines += [f"{key} = {_toml(value)}" for key, value in check.settings.items()]
        lines += ["```", ""]
    lines += _example_section("Poor example", check, "poor")
    lines += _example_section("Improved example", check, "improved")
    lines += [
        "## Settings",
        "",
        "Switch the rule off, or change its severity, in the `[tool.ehcp-kit]` table of a "
        "`pyproject.toml` or in an `ehcp-kit.toml` beside your data "
        "(see {doc}`/reference/configuration`):",
        "",
        "```toml",
        "[tool.ehcp-kit]",
        f'ignore = ["{rule.slug}"]',
        "",
        "[tool.ehcp-kit.severity]",
        f'{rule.slug} = "{"warning" if rule.severity == "error" else "error"}"',
        "```",
        "",
    ]
    if rule.slug in RELATED_SETTINGS:
        lines += [f"What it finds also depends on the `{RELATED_SETTINGS[rule.slug]}` setting.",
                  ""]
    return "\n".join(lines)


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def index_page(rules: Sequence[Rule]) -> str:
    """The rule reference's front page: every rule, by family, with its summary."""
    lines = [
        "# Rule reference",
        "",
        "Every check in ehcp-kit is a rule with a stable code and a short name (its slug).",
        "A finding names its rule, and its link leads to the rule's page here.",
        "These pages are written from the rule library at every build, and each rule's "
        "examples are run through the checker as the page is made, so what a page shows is "
        "what the code does.",
        "",
        "The rules flag and explain; they never invent hours, ratios or staff.",
        "They look for patterns of words, so they can miss a fault or flag a sound "
        "sentence: read a finding as a question to ask, not a verdict.",
        "Nothing here is legal advice.",
        "",
    ]
    for prefix, family in FAMILIES.items():
        members = [rule for rule in rules if rule.code.startswith(prefix)]
        if not members:
            continue
        lines += [f"## {family}", "", "| Code | Rule | Severity | What it looks for |",
                  "|---|---|---|---|"]
        lines += [f"| {rule.code} | {{doc}}`{rule.slug}` | {rule.severity} | "
                  f"{escape(rule.summary)} |" for rule in members]
        lines.append("")
    lines += ["```{toctree}", ":hidden:", "", *[rule.slug for rule in rules], "```", ""]
    return "\n".join(lines)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it (so Sphinx does not re-read it)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def write_rule_pages(folder: Path, rules: Sequence[Rule] = RULES) -> list[RuleCheck]:
    """Check every rule's examples and write its page; raise if any example disagrees."""
    folder.mkdir(parents=True, exist_ok=True)
    checks = [check_rule(rule) for rule in rules]
    problems = [problem for check in checks for problem in check.problems]
    if problems:
        raise RuleExampleError(
            "the rule reference cannot be built, because a rule's own example disagrees "
            "with the rule (fix the example in ehcp_kit/rules/ or the rule):\n  "
            + "\n  ".join(problems)
        )

    wanted = {f"{check.rule.slug}.md": rule_page(check) for check in checks}
    wanted["index.md"] = index_page(rules)
    for name, text in wanted.items():
        write_if_changed(folder / name, text)
    for stale in folder.glob("*.md"):
        if stale.name not in wanted:  # a rule that has been removed or renamed
            stale.unlink()
    logger.info("rule reference: %d rules checked and written", len(checks))
    return checks


def _on_builder_inited(app: Sphinx) -> None:
    write_rule_pages(Path(app.srcdir) / "rules")


class RuleExample(SphinxDirective):
    """A rule's own poor and improved examples, checked, inside a guidance chapter.

    ``{rule-example} need-without-provision`` shows the same examples, with the same
    findings, as the rule's page; for a whole-plan rule, its small plans.
    """

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        rule = RULES_BY_SLUG.get(self.arguments[0])
        if rule is None:
            raise self.error(f"{self.arguments[0]!r} is not a rule slug")
        check = check_rule(rule)
        if check.problems:
            raise self.error("; ".join(check.problems))

        lines = [*_example_section(f"Poor ({rule.code} {rule.slug})", check, "poor", heading=""),
                 *_example_section("Improved", check, "improved", heading="")]
        container = nodes.container(classes=["checked-example"])
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]),
                                self.content_offset, container)
        return [container]


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _on_builder_inited)
    app.add_directive("rule-example", RuleExample)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
