"""The example bank in examples/bank/: its tags are true, and it covers what training needs."""

from pathlib import Path

import pytest

from ehcp_kit import AreaOfNeed
from ehcp_kit.bank import (
    PHASES,
    PLAN_DATE,
    find_bank,
    load_bank,
    phase_of,
    statement_rule_slugs,
    tagged_slugs,
)
from ehcp_kit.errors import DataError
from ehcp_kit.rules import RULES_BY_SLUG, check_provision
from ehcp_kit.timescales import year_group

ROOT = Path(__file__).parent.parent
BANK = load_bank(ROOT / "examples" / "bank")


def describe(findings) -> str:
    return "\n".join(finding.describe() for finding in findings) or "no findings"


def test_the_bank_holds_at_least_80_pairs_each_with_its_own_id():
    ids = [pair.id for pair in BANK]
    assert len(ids) >= 80
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("pair", BANK.pairs, ids=lambda pair: pair.id)
def test_each_poor_version_shows_exactly_the_rules_it_is_tagged_with(pair):
    poor = BANK.findings(pair, "poor")
    assert {finding.slug for finding in poor} == set(pair.rules), describe(poor)


@pytest.mark.parametrize("pair", BANK.pairs, ids=lambda pair: pair.id)
def test_each_improved_version_passes_every_check(pair):
    # Stricter than "no error-severity rule fires": an improved example that still earns
    # a warning would teach the wrong lesson.
    assert BANK.findings(pair, "improved") == [], describe(BANK.findings(pair, "improved"))


def test_no_improved_version_triggers_an_error_severity_statement_rule():
    errors = {slug for slug in statement_rule_slugs() if RULES_BY_SLUG[slug].severity == "error"}
    assert {"no-timescale", "vague-provision", "personal-identifier"} <= errors
    fired = [(pair.id, finding.slug) for pair in BANK
             for finding in BANK.findings(pair, "improved") if finding.slug in errors]
    assert fired == []


def test_every_tag_is_a_known_area_phase_and_rule():
    for pair in BANK:
        assert pair.area in set(AreaOfNeed), pair.id
        assert pair.phase in PHASES, pair.id
        assert set(pair.rules) <= set(RULES_BY_SLUG), pair.id


def test_each_pairs_child_is_in_its_year_group_on_the_plan_date():
    for pair in BANK:
        assert year_group(pair.date_of_birth, PLAN_DATE) == pair.year_number, pair.id


def test_the_bank_covers_every_area_of_need_including_health_and_social_care():
    assert {pair.area for pair in BANK} == set(AreaOfNeed)
    assert min(BANK.coverage()["area"].values()) >= 10


def test_the_bank_covers_every_phase_from_early_years_to_post_16():
    assert {pair.phase for pair in BANK} == set(PHASES)
    assert {"Nursery", "Reception", "Post-19"} <= {pair.year_group for pair in BANK}


def test_the_bank_shows_every_statement_level_rule_at_least_once():
    missing = set(statement_rule_slugs()) - tagged_slugs(BANK)
    assert missing == set()
    assert len(statement_rule_slugs()) == 20


def test_the_bank_also_shows_the_timescale_rules_for_a_child_of_that_age():
    assert {"timescale-unresolved", "timescale-past", "timescale-beyond-phase",
            "beyond-age-25"} <= tagged_slugs(BANK)


def test_the_bank_is_read_with_the_settings_file_beside_it():
    pair = next(pair for pair in BANK if pair.id == "CL-12")
    assert "in line with the school's offer" in BANK.config.banned_phrases
    assert "banned-phrase" in {finding.slug for finding in BANK.findings(pair, "poor")}
    # Under the default settings no phrase is banned, so the rule stays quiet.
    assert "banned-phrase" not in {finding.slug for finding in check_provision(pair.poor)}


def test_filtering_by_area_phase_and_rule_picks_the_right_pairs():
    assert {pair.id for pair in BANK.filter(rule="banned-phrase")} == {"CL-12", "SC-13"}
    semh = BANK.filter(area="SEMH")
    assert semh and all(pair.id.startswith("SE-") for pair in semh)
    assert len(semh) == sum(1 for pair in BANK if pair.id.startswith("SE-"))
    early_provision = BANK.filter(phase="Early years", kind="provision")
    assert {pair.id for pair in early_provision} >= {"CI-02", "SE-02", "SC-02"}
    assert all(pair.year_group in ("Nursery", "Reception") for pair in early_provision)
    assert BANK.filter(area="Health", phase="Key Stage 1", rule="vague-verb")[0].id == "HE-03"


@pytest.mark.parametrize(("year", "phase"), [(-1, "Early years"), (0, "Early years"),
                                            (2, "Key Stage 1"), (6, "Key Stage 2"),
                                            (9, "Key Stage 3"), (11, "Key Stage 4"),
                                            (12, "Post-16"), (16, "Post-16")])
def test_a_year_group_belongs_to_its_phase(year, phase):
    assert phase_of(year) == phase


def test_the_bank_is_found_from_a_notebook_folder_below_the_checkout():
    assert find_bank(ROOT / "notebooks" / "training") == ROOT / "examples" / "bank"


def test_no_bank_above_a_folder_is_reported_naming_the_folder(tmp_path):
    with pytest.raises(DataError, match="no examples/bank folder"):
        find_bank(tmp_path)


def test_faults_in_a_bank_file_are_all_reported_with_file_pair_and_field(tmp_path):
    (tmp_path / "faulty.yaml").write_text(
        "pairs:\n"
        "  - id: X-1\n    kind: outcome\n    area: Astronomy\n    year_group: Year 4\n"
        "    rules: [no-timescale]\n    poor: a\n    improved: b\n"
        "  - id: X-2\n    kind: provision\n    area: SEMH\n    year_group: Year 20\n"
        "    rules: [vague-verb, no-such-rule]\n    poor: a\n    improved: b\n    colour: red\n"
        "  - id: X-1\n    kind: outcome\n    area: Health\n    year_group: Reception\n"
        "    rules: [no-timescale]\n    poor: a\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_bank(tmp_path)

    message = str(caught.value)
    assert "faulty.yaml, field 'pairs[0].area': unknown area of need 'Astronomy'" in message
    assert "faulty.yaml, field 'pairs[1].colour': unknown field 'colour'" in message
    assert "faulty.yaml, field 'pairs[2].improved': is missing" in message

    (tmp_path / "faulty.yaml").write_text(
        "pairs:\n"
        "  - id: X-2\n    kind: provision\n    area: SEMH\n    year_group: Year 20\n"
        "    rules: [vague-verb, no-such-rule]\n    poor: a\n    improved: b\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_bank(tmp_path)
    message = str(caught.value)
    assert "'Year 20' is not a year group" in message
    assert "'vague-verb' checks outcome statements, so a provision cannot show it" in message
    assert "'no-such-rule' is not a rule slug" in message


def test_a_duplicate_id_across_files_is_refused(tmp_path):
    entry = ("pairs:\n  - id: DUP-1\n    kind: outcome\n    area: Health\n"
             "    year_group: Reception\n    rules: [no-timescale]\n    poor: a\n    improved: b\n")
    (tmp_path / "a.yaml").write_text(entry, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(entry, encoding="utf-8")
    with pytest.raises(DataError, match="id 'DUP-1' is also used in a.yaml"):
        load_bank(tmp_path)
