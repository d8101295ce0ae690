"""Per-rule precision and recall over hand-labelled statements.

``tests/data/statements.yaml`` holds outcome and provision statements, each labelled with
the slugs a careful quality reviewer says must fire (``expect``) and those that may or
may not (``allow``); every other statement-level slug must not fire. Run with ``-s`` to
see the table.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from ehcp_kit.rules import RULES, check_outcome, check_provision

FIXTURE = Path(__file__).parent / "data" / "statements.yaml"
MIN_PRECISION = 0.9
MIN_RECALL = 0.85
MIN_EXAMPLES = 5  # positive examples a rule needs before its recall means anything

# Rules that judge one statement on its own; banned-phrase depends on configuration.
STATEMENT_SLUGS = {
    "outcome": {rule.slug for rule in RULES if rule.scope in ("outcome", "text")},
    "provision": {rule.slug for rule in RULES if rule.scope in ("provision", "text")},
}
for _slugs in STATEMENT_SLUGS.values():
    _slugs.discard("banned-phrase")

CHECKS = {"outcome": check_outcome, "provision": check_provision}


def load_statements() -> list[dict]:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def tally() -> tuple[Counter, Counter, Counter, list[str]]:
    """True positives, false positives and false negatives per slug, and each mistake."""
    hits, false_alarms, misses = Counter(), Counter(), Counter()
    mistakes = []
    for statement in load_statements():
        kind = statement["kind"]
        expected = set(statement.get("expect") or [])
        allowed = set(statement.get("allow") or [])
        fired = {f.slug for f in CHECKS[kind](statement["text"])} & STATEMENT_SLUGS[kind]
        hits.update(expected & fired)
        misses.update(expected - fired)
        false_alarms.update(fired - expected - allowed)
        if expected - fired or fired - expected - allowed:
            mistakes.append(f"{statement['text']!r}: missed {sorted(expected - fired)}, "
                            f"wrongly fired {sorted(fired - expected - allowed)}")
    return hits, false_alarms, misses, mistakes


def test_fixture_is_well_formed_and_large_enough():
    statements = load_statements()
    known = STATEMENT_SLUGS["outcome"] | STATEMENT_SLUGS["provision"]

    assert len(statements) >= 150
    assert {s["kind"] for s in statements} == {"outcome", "provision"}
    assert len({s["text"] for s in statements}) == len(statements)
    for statement in statements:
        labels = set(statement.get("expect") or []) | set(statement.get("allow") or [])
        assert labels <= STATEMENT_SLUGS[statement["kind"]], statement["text"]
        assert labels <= known


def test_every_statement_rule_meets_its_precision_and_recall():
    hits, false_alarms, misses, mistakes = tally()

    rows = []
    failing = []
    for slug in sorted(STATEMENT_SLUGS["outcome"] | STATEMENT_SLUGS["provision"]):
        found, wrong, missed = hits[slug], false_alarms[slug], misses[slug]
        precision = found / (found + wrong) if found + wrong else 1.0
        recall = found / (found + missed) if found + missed else 0.0
        rows.append(f"{slug:<24} {found + missed:>8} {found:>4} {wrong:>4} {missed:>4} "
                    f"{precision:>9.2f} {recall:>6.2f}")
        if precision < MIN_PRECISION or recall < MIN_RECALL or found + missed < MIN_EXAMPLES:
            failing.append(slug)

    print("\nrule                     expected   tp   fp   fn precision recall")
    print("\n".join(rows))
    if mistakes:
        print("\n".join(["", "mistakes:", *mistakes]))
    assert failing == [], f"below {MIN_PRECISION} precision or {MIN_RECALL} recall: {failing}"


@pytest.mark.parametrize("kind", ["outcome", "provision"])
def test_good_statements_of_each_kind_are_in_the_fixture(kind):
    clean = [s for s in load_statements() if s["kind"] == kind and not s.get("expect")]
    assert len(clean) >= 20
