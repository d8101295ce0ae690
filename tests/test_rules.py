"""The quality-check rule library: rules, spans, configuration, plan rules, amounts, CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import ehcp_kit.rules as rules_module
from ehcp_kit import DataError, Plan
from ehcp_kit.areas import AreaOfNeed, PreparingForAdulthood
from ehcp_kit.cli import main
from ehcp_kit.config import Config, ConfigError
from ehcp_kit.rules import (
    RULES,
    RULES_BY_SLUG,
    Finding,
    check_outcome,
    check_plan,
    check_provision,
    check_provision_item,
    nhs_check_digit_valid,
    parse_frequency,
    provision_hours,
)
from ehcp_kit.timescales import find_timescale

ISSUE_SLUGS = {
    "no-timescale", "unmeasurable", "vague-verb", "provision-as-outcome",
    "aspiration-as-outcome", "service-subject", "names-setting", "continues", "jargon",
    "vague-provision", "no-frequency", "no-duration", "no-deliverer", "unspecified-expertise",
    "no-group-size", "delegated-decision", "self-amending", "ceiling-only",
    "need-without-provision", "outcome-without-need", "outcome-without-provision",
    "provision-without-outcome", "area-without-outcome", "too-many-outcomes", "pfa-missing",
    "steps-missing", "criteria-incomplete", "timescale-unresolved", "timescale-past",
    "timescale-beyond-phase", "beyond-age-25", "personal-identifier",
}
BANNED = Config(banned_phrases=("in line with the school's offer",))


def slugs(findings: list[Finding]) -> set[str]:
    return {finding.slug for finding in findings}


def only(findings: list[Finding], slug: str) -> Finding:
    matching = [finding for finding in findings if finding.slug == slug]
    assert len(matching) == 1, findings
    return matching[0]


# The register of rules.


def test_public_api_is_pinned():
    assert set(rules_module.__all__) >= {
        "Finding", "RULES", "Config", "check_outcome", "check_provision", "check_plan",
        "check_provision_item", "parse_frequency", "provision_hours",
    }


def test_every_slug_the_issue_fixes_is_a_rule_with_a_unique_code():
    assert ISSUE_SLUGS <= set(RULES_BY_SLUG)
    assert len({rule.code for rule in RULES}) == len(RULES)
    assert [rule.code for rule in RULES] == sorted(rule.code for rule in RULES)


def test_every_rule_explains_itself_and_links_to_its_handbook_page():
    for rule in RULES:
        assert rule.severity in ("error", "warning", "info")
        assert rule.summary and rule.explanation and rule.source
        assert rule.help_url == f"https://ehcp-kit.readthedocs.io/en/latest/rules/{rule.slug}.html"
        assert rule.to_dict()["help_url"] == rule.help_url


TEXT_RULES = [rule for rule in RULES if rule.scope != "plan"]


def _check_for(rule):
    return check_provision if rule.scope == "provision" else check_outcome


@pytest.mark.parametrize("rule", TEXT_RULES, ids=lambda rule: rule.slug)
def test_each_text_rule_flags_its_poor_example(rule):
    assert rule.slug in slugs(_check_for(rule)(rule.poor_example, config=BANNED))


@pytest.mark.parametrize("rule", TEXT_RULES, ids=lambda rule: rule.slug)
def test_each_text_rule_passes_its_improved_example(rule):
    assert rule.slug not in slugs(_check_for(rule)(rule.improved_example, config=BANNED))


def test_improved_outcome_examples_are_clean_of_every_outcome_rule():
    for rule in RULES:
        if rule.scope == "outcome":
            assert check_outcome(rule.improved_example) == [], rule.slug


# Spans point at the words that triggered a finding.


@pytest.mark.parametrize(
    ("check", "text", "slug", "words"),
    [
        (check_outcome, "By the end of Year 4, Ollie will improve his handwriting.", "vague-verb",
         "improve"),
        (check_outcome, "Staff will help Ollie to calm down when he is upset.", "service-subject",
         "Staff"),
        (check_outcome, "By the end of Year 6, the teachers will read with Amy every day.",
         "service-subject", "the teachers"),
        (check_outcome, "Ravi will receive speech and language therapy twice a week.",
         "provision-as-outcome", "will receive"),
        (check_outcome, "Zara will become a professional dancer.", "aspiration-as-outcome",
         "become a professional dancer"),
        (check_outcome, "By the end of Year 7, Lily will settle in at Brookfield Academy.",
         "names-setting", "Brookfield Academy"),
        (check_outcome, "Ben will continue to take part in family meals each evening.",
         "continues", "continue to"),
        (check_outcome, "By the end of Year 5, Amir will name three feelings in ELSA sessions.",
         "jargon", "ELSA"),
        (check_provision, "Up to 5 hours a week of teaching assistant support.", "ceiling-only",
         "Up to 5 hours"),
        (check_provision, "Maths in a small group three times a week for 20 minutes with a TA.",
         "no-group-size", "small group"),
        (check_provision, "Appropriately trained staff will deliver phonics for 15 minutes daily.",
         "unspecified-expertise", "Appropriately trained staff"),
        (check_provision, "Hours of support to be determined by the school.", "delegated-decision",
         "to be determined by"),
        (check_provision, "A TA for 20 minutes daily, subject to review.", "self-amending",
         "subject to review"),
        (check_provision, "The school will provide a quiet room at lunchtimes.", "no-deliverer",
         "The school"),
        (check_outcome, "Sam (UPN A123456789012) will read 20 words by the end of Year 2.",
         "personal-identifier", "A123456789012"),
    ],
)
def test_spans_point_at_the_triggering_words(check, text, slug, words):
    finding = only(check(text), slug)

    assert finding.span is not None
    assert text[finding.span[0]:finding.span[1]] == words


def test_a_finding_about_something_missing_has_no_span():
    assert only(check_outcome("Maya will read 20 words."), "no-timescale").span is None


def test_vague_provision_reports_each_vague_phrase():
    findings = check_provision("Access to occupational therapy as needed.")

    spans = [f.span for f in findings if f.slug == "vague-provision"]
    assert spans == [(0, 9), (31, 40)]


# Tricky wording.


def test_regular_followed_by_a_frequency_is_not_vague():
    text = ("A teaching assistant will run a regular weekly reading group of 4 pupils "
            "for 25 minutes.")
    assert check_provision(text) == []


def test_up_to_a_number_of_pupils_is_a_group_size_not_a_ceiling():
    text = ("Maths in a small group of up to 3 pupils with a teaching assistant, "
            "3 x 30 minutes a week.")
    assert check_provision(text) == []


def test_a_first_person_outcome_has_the_child_as_its_subject():
    text = ("By the end of Key Stage 3, I will order and pay for my own lunch in the canteen "
            "every day.")
    assert check_outcome(text) == []


def test_will_continue_to_is_information_not_a_fault():
    finding = only(check_outcome("By July 2027, Jo will continue to swim 25 metres weekly."),
                   "continues")
    assert finding.severity == "info"


@pytest.mark.parametrize(
    "name",
    ["Brookfield Academy", "Elmwood Primary School", "St Mary's C of E Primary",
     "Riverside College", "Little Acorns Nursery", "Oakfield High"],
)
def test_names_setting_finds_named_schools_and_settings(name):
    finding = only(check_outcome(f"By the end of Year 7, Ava will read at {name} every day."),
                   "names-setting")
    assert finding.message.startswith(repr(name))


@pytest.mark.parametrize(
    "text",
    [
        "By the end of Year 6, Ava will move to a secondary school and find her classes.",
        "By the end of Year 11, Ava will visit a college and choose a course.",
        "By the end of Year 2, Ava will walk into her school on her own every morning.",
        "By the end of Year 4, Ava will take part in Forest School sessions each week.",
        "By the end of Year 9, Ava will join a Further Education College taster day.",
    ],
)
def test_names_setting_ignores_generic_settings(text):
    assert "names-setting" not in slugs(check_outcome(text))


def test_configured_setting_names_are_found_whatever_their_case():
    config = Config(setting_names=("Riverside Learning Hub",))
    finding = only(check_outcome("By July 2028, Ava will attend the riverside learning hub "
                                 "on 4 days a week.", config=config), "names-setting")
    assert finding.span == (34, 56)


def test_nhs_numbers_are_flagged_only_when_the_check_digit_is_right():
    assert nhs_check_digit_valid("943 476 5919")
    assert not nhs_check_digit_valid("943 476 5918")
    text = "By July 2028, Jo will score {} points in a quiz each week."
    assert "personal-identifier" in slugs(check_outcome(text.format("9434765919")))
    assert "personal-identifier" not in slugs(check_outcome(text.format("9434765918")))


@pytest.mark.parametrize(
    "identifier",
    ["07700 900456", "0161 496 0732", "(0161) 496 0732", "+44 7700 900456", "jo.bloggs@example.org",
     "A123456789012", "943-476-5919"],
)
def test_personal_identifiers_of_every_kind_are_flagged(identifier):
    text = f"By the end of Year 6, Jo will read 20 words daily ({identifier})."
    finding = only(check_outcome(text), "personal-identifier")
    assert text[finding.span[0]:finding.span[1]] == identifier


def test_dates_and_counts_are_not_taken_for_identifiers():
    text = "Two 30-minute sessions a week with a speech and language therapist from 01/09/2026."
    assert "personal-identifier" not in slugs(check_provision(text))


@pytest.mark.parametrize(
    "phrase",
    ["by the end of the year", "by his next annual review", "by the end of primary school",
     "by summer 2027", "by the end of 2027"],
)
def test_common_timescale_phrasing_counts_as_a_time_anchor(phrase):
    assert find_timescale(f"Jo will swim 25 metres {phrase}.") is not None
    assert "no-timescale" not in slugs(check_outcome(f"Jo will swim 25 metres {phrase}."))


def test_suggestions_are_templates_with_blanks_not_invented_amounts():
    findings = check_provision("A speech and language therapist will see Maya.")

    assert only(findings, "no-frequency").suggestion == "___ sessions a week"
    assert only(findings, "no-duration").suggestion == "___ minutes each session"


# Dates for one outcome statement.


def test_check_outcome_with_dates_reports_a_timescale_beyond_the_next_key_stage():
    findings = check_outcome("By the end of Key Stage 4, Ravi will read 200 words a minute.",
                             date_of_birth=date(2019, 5, 1), plan_date=date(2026, 3, 1))

    finding = only(findings, "timescale-beyond-phase")
    assert finding.message == ("this outcome falls due on 2035-07-31, after the end of the next "
                               "key stage (2030-07-31); mark it long-term if that is intended")


def test_check_outcome_with_dates_reports_a_past_timescale():
    findings = check_outcome("By July 2025, Ravi will read 200 words a minute.",
                             date_of_birth=date(2015, 5, 1), plan_date=date(2026, 3, 1))
    assert slugs(findings) == {"timescale-past"}


def test_checking_an_outcome_for_a_child_born_after_the_plan_date_is_refused():
    with pytest.raises(DataError) as raised:
        check_outcome("By the end of Year 6, Ravi will read 200 words a minute.",
                      date_of_birth=date(2030, 1, 1), plan_date=date(2026, 3, 1))
    assert str(raised.value) == ("date of birth: '2030-01-01' is not before the plan date "
                                 "'2026-03-01'")


def test_cli_check_outcome_for_a_child_born_after_the_plan_date_says_so_without_a_traceback():
    result = CliRunner().invoke(main, [
        "check", "--outcome", "By July 2027, Ravi will swim 10 metres.", "--dob", "2030-01-01",
        "--plan-date", "2026-03-01"])

    assert result.exit_code == 1
    assert result.output == ("Error: date of birth: '2030-01-01' is not before the plan date "
                             "'2026-03-01'\n")


def test_dates_near_the_year_9999_are_checked_without_crashing():
    # Placeholder dates such as 9999-12-31 turn up in exports; the date rules must report
    # what they can rather than fail on a date past the end of the calendar.
    findings = check_outcome("By the end of Key Stage 5, Ravi will swim 10 metres.",
                             date_of_birth=date(9990, 12, 31), plan_date=date(9999, 1, 1))
    assert only(findings, "timescale-unresolved").message == (
        "cannot resolve the timescale of this outcome: cannot resolve 'end of Key Stage 5': "
        "year 10009 is out of range")

    plan = make_plan(child={"id": "C1", "name": "Nell", "date_of_birth": "9998-01-15"},
                     plan_date="9999-03-01")
    assert "beyond-age-25" not in slugs(check_plan(plan))


# Configuration.


def test_select_and_ignore_accept_codes_prefixes_and_slugs():
    text = "Maya will get better at reading."

    assert slugs(check_outcome(text, config=Config(select=("E101",)))) == {"no-timescale"}
    assert slugs(check_outcome(text, config=Config(select=("vague-verb",)))) == {"vague-verb"}
    assert slugs(check_outcome(text, config=Config(select=("E2",)))) == set()
    assert slugs(check_outcome(text, config=Config(ignore=("E101", "unmeasurable")))) == {
        "vague-verb"}


def test_severity_can_be_overridden_by_slug_or_code():
    config = Config(severity={"no-duration": "error", "E101": "info"})

    assert only(check_provision("A TA will read with Sam daily.", config=config),
                "no-duration").severity == "error"
    assert only(check_outcome("Sam will read 20 words.", config=config),
                "no-timescale").severity == "info"


def test_unknown_rule_names_are_an_error_naming_them():
    with pytest.raises(ConfigError, match=r"unknown rule 'no-timescal', 'X9'"):
        Config(select=("no-timescal",), ignore=("X9", "E101"))


def test_a_bad_severity_is_an_error_naming_it():
    with pytest.raises(ConfigError, match="severity 'fatal' for 'jargon'"):
        Config(severity={"jargon": "fatal"})


def test_config_loads_from_pyproject_beside_the_data(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ehcp-kit]\nignore = ["jargon"]\nmax-outcomes = 3\n'
        'school-weeks = 38\nsetting-names = ["Hilltop Hub"]\n'
        'banned-phrases = ["as per the offer"]\n\n[tool.ehcp-kit.severity]\nno-duration = "error"\n'
    )
    (tmp_path / "plan.yaml").write_text("")

    config = Config.load(tmp_path / "plan.yaml")

    assert config.ignore == ("jargon",)
    assert config.max_outcomes == 3
    assert config.school_weeks == 38
    assert config.setting_names == ("Hilltop Hub",)
    assert config.banned_phrases == ("as per the offer",)
    assert config.severity == {"no-duration": "error"}
    assert config.source == str(tmp_path / "pyproject.toml")


def test_ehcp_kit_toml_wins_over_pyproject_and_takes_top_level_keys(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.ehcp-kit]\nmax-outcomes = 3\n')
    (tmp_path / "ehcp-kit.toml").write_text('max-outcomes = 6\nselect = ["E2"]\n')

    config = Config.load(tmp_path)

    assert config.max_outcomes == 6
    assert config.select == ("E2",)


def test_a_folder_with_no_configuration_gets_the_defaults(tmp_path):
    assert Config.load(tmp_path) == Config()


def test_unknown_rule_in_a_file_names_the_file(tmp_path):
    path = tmp_path / "ehcp-kit.toml"
    path.write_text('ignore = ["vauge-verb"]\n')

    with pytest.raises(ConfigError, match=r"unknown rule 'vauge-verb' \(in .*ehcp-kit.toml\)"):
        Config.load(path)


def test_invalid_toml_is_a_config_error(tmp_path):
    path = tmp_path / "ehcp-kit.toml"
    path.write_text("select = [")

    with pytest.raises(ConfigError, match="is not valid TOML"):
        Config.load(path)


def test_banned_phrases_from_configuration_are_flagged():
    config = Config(banned_phrases=("in line with the school's offer",))
    finding = only(check_provision("Teaching in line with the  school's offer.", config=config),
                   "banned-phrase")
    assert finding.span == (9, 41)


def test_command_line_options_narrow_a_configuration():
    config = Config(ignore=("jargon",)).with_options(select=["E1"], ignore=["E102"])
    assert config.select == ("E1",)
    assert config.ignore == ("jargon", "E102")


# Amounts of provision.


@pytest.mark.parametrize(
    ("text", "sessions", "minutes", "per_week", "hours"),
    [
        ("2 x 45 minutes per week", 2.0, 45.0, 90.0, 58.5),
        ("daily 15-minute sessions", 5.0, 15.0, 75.0, 48.75),
        ("every two weeks", 0.5, None, None, None),
        ("once per term", 0.0769, None, None, None),
        ("3 hours weekly", None, None, 180.0, 117.0),
        ("25 hours per week", None, None, 1500.0, 975.0),
        ("each half term", 0.1538, None, None, None),
        ("for 30 minutes twice a week in term time", 2.0, 30.0, 60.0, 39.0),
        ("Three 20-minute sessions a week", 3.0, 20.0, 60.0, 39.0),
        ("a 50-minute session every fortnight", 0.5, 50.0, 25.0, 16.25),
        ("15 minutes each day", 5.0, 15.0, 75.0, 48.75),
        ("on 4 days a week for half an hour", 4.0, 30.0, 120.0, 78.0),
        ("twice daily", 10.0, None, None, None),
        ("an hour and a half every week", None, None, 90.0, 58.5),
    ],
)
def test_frequency_is_read_into_exact_numbers(text, sessions, minutes, per_week, hours):
    frequency = parse_frequency(text)

    assert frequency.sessions_per_week == sessions
    assert frequency.minutes_per_session == minutes
    assert frequency.minutes_per_week == per_week
    assert frequency.hours_per_year == hours


def test_school_weeks_is_a_setting_and_a_stated_period_of_weeks_wins():
    assert parse_frequency("2 x 45 minutes per week", school_weeks=38).hours_per_year == 57.0
    assert parse_frequency("weekly for 6 weeks, 30 minutes").hours_per_year == 3.0


def test_wording_with_no_amount_gives_no_numbers():
    frequency = parse_frequency("Regular check-ins with a key adult.")

    assert (frequency.sessions_per_week, frequency.minutes_per_session) == (None, None)
    assert not frequency.has_frequency and not frequency.has_duration


# Plans built in code.


def make_plan(**changes) -> Plan:
    record = {
        "child": {"id": "C1", "name": "Nell", "date_of_birth": "2016-10-12"},
        "plan_date": "2026-03-01",
        "needs": [
            {"id": "N1", "area": "Communication and interaction"},
            {"id": "N2", "area": "SEMH"},
        ],
        "outcomes": [
            {
                "id": "O1",
                "text": "By the end of Year 6, Nell will ask a friend to play on 3 days a week.",
                "need_ids": ["N1"],
                "steps": [{"text": "By the end of Year 4, Nell will say hello to a friend."}],
                "success_criteria": [{
                    "what_success_looks_like": "Nell asks a friend to play",
                    "how_measured": "Lunchtime observation log",
                    "when_measured": "Each half term",
                    "who_measures": "Class teacher",
                }],
            },
            {
                "id": "O2",
                "text": "By the end of Year 6, Nell will use her calm card on 4 of 5 occasions.",
                "need_ids": ["N2"],
                "steps": [{"text": "By the end of Year 4, Nell will point to her calm card."}],
                "success_criteria": [{
                    "what_success_looks_like": "Nell shows the card",
                    "how_measured": "Incident log",
                    "when_measured": "Termly",
                    "who_measures": "SENCO",
                }],
            },
        ],
        "provision": [
            {"id": "P1", "what": "Speech and language therapy", "who":
             "Speech and language therapist", "how_often": "Twice a week",
             "how_long": "30 minutes", "group_size": "1:1", "need_ids": ["N1"],
             "outcome_ids": ["O1"]},
            {"id": "P2", "what": "Emotional literacy sessions", "who":
             "Emotional literacy support assistant", "how_often": "Weekly",
             "how_long": "45 minutes", "group_size": "1:1", "need_ids": ["N2"],
             "outcome_ids": ["O2"]},
        ],
    }
    for key, value in changes.items():
        record[key] = value
    return Plan.model_validate(record)


def test_a_complete_plan_has_no_findings():
    assert check_plan(make_plan()) == []


def test_plan_findings_carry_child_item_and_field():
    plan = make_plan()
    plan.outcomes[0].text = "Nell will improve."

    finding = only(check_plan(plan), "vague-verb")

    assert (finding.child_id, finding.item_id, finding.field, finding.span) == (
        "C1", "O1", "outcomes[O1].text", (10, 17))


def test_timescale_column_stands_in_for_one_in_the_text():
    plan = make_plan()
    plan.outcomes[0].text = "Nell will ask a friend to play on 3 days a week."
    plan.outcomes[0].timescale = "By the end of Year 6"
    assert check_plan(plan) == []


def test_golden_thread_rules_follow_the_links_both_ways():
    plan = make_plan()
    plan.provision[1].need_ids = []
    plan.provision[1].outcome_ids = []
    plan.outcomes[1].need_ids = []

    found = {(f.slug, f.item_id) for f in check_plan(plan)}

    assert found == {
        ("need-without-provision", "N2"),
        ("outcome-without-need", "O2"),
        ("outcome-without-provision", "O2"),
        ("provision-without-outcome", "P2"),
        ("area-without-outcome", "N2"),
    }


def test_need_served_through_an_outcome_counts_as_provided_for():
    plan = make_plan()
    plan.provision[0].need_ids = []
    assert "need-without-provision" not in slugs(check_plan(plan))


def test_too_many_outcomes_uses_the_configured_threshold():
    plan = make_plan()
    assert "too-many-outcomes" not in slugs(check_plan(plan))

    finding = only(check_plan(plan, config=Config(max_outcomes=1)), "too-many-outcomes")
    assert finding.message == "2 outcomes is more than 1: combine or prioritise them"


def test_steps_and_success_criteria_parts_must_be_filled_in():
    plan = make_plan()
    plan.outcomes[0].steps = []
    plan.outcomes[1].success_criteria[0].who_measures = ""

    found = [(f.slug, f.field) for f in check_plan(plan)]

    assert found == [
        ("steps-missing", "outcomes[O1].steps"),
        ("criteria-incomplete", "outcomes[O2].success_criteria[0].who_measures"),
    ]


def test_pfa_missing_warns_per_missing_area_from_year_9():
    plan = make_plan(child={"id": "C1", "name": "Nell", "date_of_birth": "2011-10-12"})
    assert plan.year_group() == 9
    plan.outcomes[0].text = "By the end of Year 11, Nell will travel to college by bus on her own."
    plan.outcomes[0].timescale = ""
    plan.outcomes[1].preparing_for_adulthood = [PreparingForAdulthood.GOOD_HEALTH]
    plan.outcomes[1].text = "By the end of Year 11, Nell will use her calm card on 4 of 5 days."

    missing = [f.message for f in check_plan(plan) if f.slug == "pfa-missing"]

    assert missing == [
        "in Year 9, no outcome works towards 'friends, relationships and community'",
    ]


def test_pfa_missing_does_not_apply_before_year_9():
    assert "pfa-missing" not in slugs(check_plan(make_plan()))


def test_timescale_rules_resolve_each_outcome_for_this_child():
    plan = make_plan()  # Year 4 on the plan date
    plan.outcomes[0].timescale = "by the end of Year 15"
    plan.outcomes[1].timescale = "by July 2025"

    found = {(f.slug, f.item_id, f.field) for f in check_plan(plan)}

    assert found == {
        ("timescale-unresolved", "O1", "outcomes[O1].timescale"),
        ("timescale-past", "O2", "outcomes[O2].timescale"),
    }


def test_timescale_beyond_the_next_key_stage_unless_long_term():
    plan = make_plan()  # Year 4: Key Stage 2, so the limit is the end of Key Stage 3
    plan.outcomes[0].timescale = "by the end of Key Stage 3"
    plan.outcomes[1].timescale = "by the end of Key Stage 4"
    assert [f.item_id for f in check_plan(plan)] == ["O2"]

    plan.outcomes[1].long_term = True
    assert check_plan(plan) == []


def test_an_outcome_after_the_age_25_limit_is_an_error():
    plan = make_plan(child={"id": "C1", "name": "Nell", "date_of_birth": "2003-01-15"},
                     plan_date="2026-03-01")
    plan.outcomes[0].timescale = "by July 2029"

    finding = only(check_plan(plan, config=Config(ignore=("pfa-missing",))), "beyond-age-25")

    assert finding.severity == "error"
    assert finding.message == ("outcome 'O1' falls due on 2029-07-31, after the plan must end "
                               "(2028-07-31)")


def test_identifiers_are_found_in_every_free_text_field():
    plan = make_plan()
    plan.child.aspirations = ["To be a vet. Mum: 07700 900456"]
    plan.needs[0].description = "Contact nell.family@example.org"
    plan.outcomes[0].success_criteria[0].who_measures = "Class teacher (0161 496 0732)"

    fields = [f.field for f in check_plan(plan) if f.slug == "personal-identifier"]

    assert fields == [
        "outcomes[O1].success_criteria[0].who_measures",
        "child.aspirations[0]",
        "needs[N1].description",
    ]


def test_provision_item_findings_name_the_part_they_are_in():
    plan = make_plan()
    item = plan.provision[0]
    item.how_often = "Regularly"
    item.who = "Suitably trained staff"

    found = {(f.slug, f.field, f.span) for f in check_provision_item(item, child_id="C1")}

    assert found == {
        ("vague-provision", "provision[P1].how_often", (0, 9)),
        ("no-frequency", "provision[P1].how_often", None),
        ("unspecified-expertise", "provision[P1].who", (0, 22)),
    }


def test_provision_hours_per_child_and_per_area():
    plan = make_plan()
    plan.provision[1].how_often = "As needed"

    hours = provision_hours(plan)

    assert hours.by_item == {"P1": 39.0, "P2": None}
    assert hours.total == 39.0
    assert hours.by_area == {AreaOfNeed.COMMUNICATION_AND_INTERACTION: 39.0}
    assert hours.unquantified == ["P2"]


def test_finding_to_dict_is_plain_json():
    finding = only(check_outcome("Ollie will improve by the end of Year 4."), "vague-verb")
    assert json.loads(json.dumps(finding.to_dict())) == {
        "code": "E103", "slug": "vague-verb", "severity": "warning",
        "message": "'improve' is not something anyone can see the child do: name the action "
                   "instead",
        "span": [11, 18], "field": None, "item_id": None, "child_id": None, "suggestion": None,
    }


# The command line.


def write_plan(folder: Path, plan: Plan) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{plan.child.id}.yaml"
    path.write_text(yaml.safe_dump(plan.model_dump(mode="json"), sort_keys=False))
    return path


def test_cli_check_outcome_prints_a_json_array_of_findings():
    result = CliRunner().invoke(main, ["check", "--outcome", "Maya will get better at reading.",
                                       "--format", "json"])

    assert result.exit_code == 1
    findings = json.loads(result.output)
    assert [f["slug"] for f in findings] == ["no-timescale", "unmeasurable", "vague-verb"]
    assert findings[2]["span"] == [10, 23]
    assert set(findings[0]) >= {"code", "slug", "severity", "message", "span"}


def test_cli_check_exits_0_when_only_warnings_are_found():
    result = CliRunner().invoke(main, ["check", "--provision",
                                       "A TA will read with Sam daily.", "--format", "json"])

    assert result.exit_code == 0
    assert [f["slug"] for f in json.loads(result.output)] == ["no-duration"]


def test_cli_check_outcome_uses_dob_and_plan_date():
    result = CliRunner().invoke(main, [
        "check", "--outcome", "By July 2025, Ravi will swim 10 metres.", "--dob", "2015-05-01",
        "--plan-date", "01/03/2026", "--format", "json"])

    assert result.exit_code == 1
    assert [f["slug"] for f in json.loads(result.output)] == ["timescale-past"]


def test_cli_check_path_groups_findings_by_child_like_a_linter(tmp_path):
    plan = make_plan()
    plan.outcomes[0].text = "Nell will improve."
    write_plan(tmp_path / "plans", plan)

    result = CliRunner().invoke(main, ["check", str(tmp_path / "plans")])

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "C1 (C1.yaml)"
    assert lines[1].startswith("  outcomes[O1].text  E101 [error] no-timescale: ")
    assert lines[-1] == "1 children: 1 errors, 2 warnings, 0 notes"


def test_cli_check_path_select_ignore_and_json(tmp_path):
    plan = make_plan()
    plan.outcomes[0].text = "Nell will improve."
    path = write_plan(tmp_path, plan)

    result = CliRunner().invoke(main, ["check", str(path), "--select", "E1",
                                       "--ignore", "no-timescale", "--format", "json"])

    assert result.exit_code == 0
    (child,) = json.loads(result.output)
    assert child["child_id"] == "C1"
    assert [f["slug"] for f in child["findings"]] == ["unmeasurable", "vague-verb"]


def test_cli_check_reads_the_configuration_given(tmp_path):
    plan = make_plan()
    plan.outcomes[0].text = "Nell will improve."
    path = write_plan(tmp_path / "plans", plan)
    config = tmp_path / "strict.toml"
    config.write_text('[tool.ehcp-kit]\nignore = ["E101"]\n')

    result = CliRunner().invoke(main, ["check", str(path), "--config", str(config)])

    assert result.exit_code == 0
    assert "no-timescale" not in result.output


def test_cli_check_reports_load_problems_without_a_traceback(tmp_path):
    record = make_plan().model_dump(mode="json")
    record["needs"][0]["area"] = "Astrology"
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(record))

    result = CliRunner().invoke(main, ["check", str(tmp_path / "bad.yaml")])

    assert result.exit_code == 1
    assert "load problem:" in result.output
    assert "unknown area of need 'Astrology'" in result.output
    assert "Traceback" not in result.output
    last_line = result.output.splitlines()[-1]
    assert last_line == "1 children: 0 errors, 0 warnings, 0 notes, 1 not loaded"


def test_cli_check_refuses_an_unknown_rule_name():
    result = CliRunner().invoke(main, ["check", "--outcome", "x", "--select", "bogus"])

    assert result.exit_code == 2
    assert "unknown rule 'bogus'" in result.output


def test_cli_check_needs_exactly_one_thing_to_check():
    assert CliRunner().invoke(main, ["check"]).exit_code == 2
    assert CliRunner().invoke(main, ["check", "--outcome", "a", "--provision", "b"]).exit_code == 2


def test_cli_rules_lists_every_rule_as_text_and_json():
    text = CliRunner().invoke(main, ["rules"])
    as_json = CliRunner().invoke(main, ["rules", "--format", "json"])

    assert text.exit_code == 0 and as_json.exit_code == 0
    assert len(text.output.splitlines()) == len(RULES)
    assert text.output.splitlines()[0].split()[:3] == ["E101", "no-timescale", "error"]
    listed = json.loads(as_json.output)
    assert [rule["slug"] for rule in listed] == [rule.slug for rule in RULES]
    assert set(listed[0]) >= {"code", "slug", "severity", "summary", "help_url"}


def test_check_reports_provision_hours_per_child_and_area_in_text_and_json():
    """good-primary.yaml: F1 29.25 h (N1, N2), F2 195 h (N1, N3), F3 13 h (N1)."""
    plan = Path(__file__).resolve().parent.parent / "examples" / "plans" / "good-primary.yaml"
    runner = CliRunner()

    text = runner.invoke(main, ["check", str(plan)]).output
    as_json = json.loads(runner.invoke(main, ["check", str(plan), "--format", "json"]).output)

    assert "provision: 237.25 hours a year (Sensory and/or physical needs: 237.25; " in text
    assert as_json[0]["provision_hours"] == {
        "total_per_year": 237.25,
        "by_area": {
            "Sensory and/or physical needs": 237.25,
            "Cognition and learning": 29.25,
            "Social, emotional and mental health difficulties": 195.0,
        },
        "by_item": {"F1": 29.25, "F2": 195.0, "F3": 13.0},
        "unquantified": [],
    }


@pytest.mark.parametrize("option", ["--outcome", "--provision"])
@pytest.mark.parametrize("text", ["", "   "])
def test_cli_check_refuses_an_empty_statement(option, text):
    result = CliRunner().invoke(main, ["check", option, text])

    assert result.exit_code == 2
    assert "the statement is empty" in result.output


def test_weekend_days_count_as_a_frequency_and_care_workers_as_deliverers():
    """Social care provision (H1, H2) often happens at weekends and is done by care workers."""
    text = "A care worker will help Sam dress for 30 minutes every Saturday and Sunday."

    assert check_provision(text) == []
    assert parse_frequency(text).minutes_per_week == 60
