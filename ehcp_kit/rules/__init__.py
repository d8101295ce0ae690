"""Quality checks for outcomes and provision, as a rule library.

Every rule has a stable code and slug, a severity, a message that says what is wrong in
the sentence checked, an explanation with its source, and a page in the handbook.
Rules flag and explain; they never invent hours, ratios or staff.

- :func:`check_outcome` and :func:`check_provision` check one statement (forms call them
  on every edit);
- :func:`check_provision_item` checks one provision item, field by field;
- :func:`check_plan` checks a whole plan: statements, links, counts and dates;
- :func:`parse_frequency` and :func:`provision_hours` read amounts of provision.

Rule codes: E1xx outcome wording, E2xx provision wording, E3xx the whole plan, E4xx any
free text.
"""

from ..config import Config, ConfigError
from . import any_text, outcome_text, provision_text, whole_plan  # noqa: F401  (registers)
from ._check import check_outcome, check_plan, check_provision, check_provision_item
from ._model import SEVERITIES, Finding, Rule, registered_rules
from ._report import (
    ChildReport,
    Report,
    check_source,
    describe_hours,
    hours_to_dict,
    render_report,
)
from .any_text import find_identifiers, nhs_check_digit_valid
from .frequency import Frequency, ProvisionHours, parse_frequency, provision_hours
from .outcome_text import JARGON_ACRONYMS, JARGON_PHRASES, find_jargon

RULES: tuple[Rule, ...] = registered_rules()
RULES_BY_SLUG: dict[str, Rule] = {rule.slug: rule for rule in RULES}

__all__ = [
    "ChildReport",
    "Config",
    "ConfigError",
    "Finding",
    "Frequency",
    "JARGON_ACRONYMS",
    "JARGON_PHRASES",
    "ProvisionHours",
    "RULES",
    "RULES_BY_SLUG",
    "Report",
    "Rule",
    "SEVERITIES",
    "check_outcome",
    "check_plan",
    "check_provision",
    "check_provision_item",
    "check_source",
    "describe_hours",
    "find_identifiers",
    "find_jargon",
    "hours_to_dict",
    "nhs_check_digit_valid",
    "parse_frequency",
    "provision_hours",
    "render_report",
]
