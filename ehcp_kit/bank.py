"""The example bank: poor and improved outcomes and provision, side by side, with tags.

Trainers and caseworkers learn plan writing fastest from pairs: a statement as it is
often written, and the same intention written well. The bank in ``examples/bank/``
holds such pairs as YAML files, one list of pairs per file::

    pairs:
      - id: CI-03
        kind: outcome               # or "provision"
        area: Communication and interaction
        year_group: Year 4          # Nursery, Reception, Year 1 ... Year 13, Post-19
        rules: [vague-verb, unmeasurable]
        poor: Sam will improve his communication skills.
        improved: By the end of Year 6, Sam will ...
        note: Why the improved version is better, in a sentence or two.

``rules`` lists every rule the poor version shows, by slug. The tags are not trusted:
:meth:`Bank.check` runs the checks on both versions, for a child of that year group
with a plan dated :data:`PLAN_DATE`, so the bank's tests can prove that each poor
version shows exactly its rules and each improved version passes. The bank is read with
the settings in the ``ehcp-kit.toml`` beside it, as an authority's data would be (the
bank's settings list a banned phrase, so that rule has examples too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml

from .areas import AreaOfNeed, normalise_area
from .config import Config
from .errors import DataError, Location
from .rules import RULES_BY_SLUG, Finding, check_outcome, check_provision

__all__ = [
    "PHASES",
    "PLAN_DATE",
    "YEAR_GROUPS",
    "Bank",
    "ExamplePair",
    "find_bank",
    "load_bank",
    "phase_of",
    "statement_rule_slugs",
    "tagged_slugs",
]

Kind = Literal["outcome", "provision"]

# The bank's examples are written as if every plan were dated this day, so that their
# timescales ("by July 2027") can be checked for a child of the pair's year group.
PLAN_DATE = date(2026, 3, 2)

# Year groups as a reader names them, and the national curriculum year each stands for
# (Post-19 stands for a young person of about 21).
YEAR_GROUPS: dict[str, int] = {
    "Nursery": -1,
    "Reception": 0,
    **{f"Year {number}": number for number in range(1, 14)},
    "Post-19": 16,
}

# Phases from early years to post-16, each with the last year group it holds.
PHASES: tuple[str, ...] = (
    "Early years", "Key Stage 1", "Key Stage 2", "Key Stage 3", "Key Stage 4", "Post-16",
)
_PHASE_LAST_YEAR = dict(zip(PHASES, (0, 2, 6, 9, 11, 99), strict=True))

# The rules each kind of statement can show: its own wording rules, the free-text rules
# and, for outcomes, the timescale rules run for a child of the pair's year group.
_DATE_RULES = ("timescale-unresolved", "timescale-past", "timescale-beyond-phase",
               "beyond-age-25")
_SCOPES: dict[str, tuple[str, ...]] = {"outcome": ("outcome", "text"),
                                       "provision": ("provision", "text")}
_KEYS = {"id", "kind", "area", "year_group", "rules", "poor", "improved", "note"}
_REQUIRED = ("id", "kind", "area", "year_group", "rules", "poor", "improved")


def phase_of(year_group: int) -> str:
    """The phase of education a national curriculum year belongs to."""
    return next(phase for phase, last in _PHASE_LAST_YEAR.items() if year_group <= last)


@dataclass(frozen=True)
class ExamplePair:
    """One poor statement and its improved version, with what the poor one shows."""

    id: str
    kind: Kind
    area: AreaOfNeed
    year_group: str
    rules: tuple[str, ...]
    poor: str
    improved: str
    note: str = ""
    source: str = ""

    @property
    def year_number(self) -> int:
        """The national curriculum year of :attr:`year_group` (0 Reception, -1 Nursery)."""
        return YEAR_GROUPS[self.year_group]

    @property
    def phase(self) -> str:
        return phase_of(self.year_number)

    @property
    def date_of_birth(self) -> date:
        """A made-up date of birth that puts the child in this year group on PLAN_DATE.

        Mid-January, so that no boundary of the school year is anywhere near.
        """
        reception_start = PLAN_DATE.year - 1 - self.year_number
        return date(reception_start - 4, 1, 15)


@dataclass
class Bank:
    """Every pair in the bank, and the settings its checks run with."""

    pairs: list[ExamplePair]
    config: Config = field(default_factory=Config)
    folder: Path | None = None

    def __len__(self) -> int:
        return len(self.pairs)

    def __iter__(self):
        return iter(self.pairs)

    def findings(self, pair: ExamplePair, version: Literal["poor", "improved"]) -> list[Finding]:
        """The checks' findings for one version of a pair, dates included for outcomes."""
        text = getattr(pair, version)
        if pair.kind == "outcome":
            return check_outcome(text, date_of_birth=pair.date_of_birth, plan_date=PLAN_DATE,
                                 config=self.config)
        return check_provision(text, config=self.config)

    def check(self, pair: ExamplePair) -> tuple[list[Finding], list[Finding]]:
        """The findings for the poor version and for the improved version."""
        return self.findings(pair, "poor"), self.findings(pair, "improved")

    def filter(
        self,
        *,
        area: str | AreaOfNeed | None = None,
        phase: str | None = None,
        rule: str | None = None,
        kind: str | None = None,
    ) -> list[ExamplePair]:
        """The pairs with every tag asked for (``None`` means any)."""
        wanted_area = None if area is None else normalise_area(area)
        return [
            pair for pair in self.pairs
            if (wanted_area is None or pair.area is wanted_area)
            and (phase is None or pair.phase == phase)
            and (rule is None or rule in pair.rules)
            and (kind is None or pair.kind == kind)
        ]

    def coverage(self) -> dict[str, Counter[str]]:
        """How many pairs there are for each area of need, phase and rule."""
        return {
            "area": Counter(pair.area.value for pair in self.pairs),
            "phase": Counter(pair.phase for pair in self.pairs),
            "rule": Counter(slug for pair in self.pairs for slug in pair.rules),
        }


def find_bank(start: str | Path | None = None) -> Path:
    """The ``examples/bank`` folder in ``start`` (default: the current folder) or above.

    Notebooks run from different folders (``notebooks/``, ``notebooks/training/``, the
    handbook's build), so they look upwards for the bank rather than hard-code a path.
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "examples" / "bank"
        if candidate.is_dir():
            return candidate
    raise DataError([(Location(str(here)), "no examples/bank folder here or in any folder "
                                           "above it")])


def load_bank(folder: str | Path | None = None) -> Bank:
    """Read every ``*.yaml`` file of the bank in ``folder`` (default: :func:`find_bank`).

    Raises :class:`~ehcp_kit.errors.DataError` listing every fault, each with the file
    and the pair's field (``pairs[3].rules``), so the whole bank can be fixed in one go.
    """
    folder = Path(folder) if folder is not None else find_bank()
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise DataError([(Location(str(folder)), "the folder holds no .yaml files")])

    pairs: list[ExamplePair] = []
    problems: list[tuple[Location, str]] = []
    for path in files:
        pairs.extend(_read_file(path, problems))

    # Ids name pairs in the handbook and in the explorer, so each may be used once.
    seen: dict[str, str] = {}
    for pair in pairs:
        if pair.id in seen:
            problems.append((Location(pair.source, field="id"),
                             f"id {pair.id!r} is also used in {seen[pair.id]}"))
        seen.setdefault(pair.id, pair.source)

    if problems:
        raise DataError(problems)
    return Bank(pairs, Config.load(folder), folder)


def _read_file(path: Path, problems: list[tuple[Location, str]]) -> list[ExamplePair]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append((Location(path.name), f"not valid YAML: {error}"))
        return []
    if not isinstance(data, dict) or not isinstance(data.get("pairs"), list):
        problems.append((Location(path.name), "the file should hold a list under 'pairs:'"))
        return []

    pairs = []
    for index, entry in enumerate(data["pairs"]):
        pair = _read_pair(entry, path.name, index, problems)
        if pair is not None:
            pairs.append(pair)
    return pairs


def _read_pair(entry: Any, source: str, index: int,
               problems: list[tuple[Location, str]]) -> ExamplePair | None:
    """One pair, or ``None`` with its faults added to ``problems``."""

    def fault(key: str | None, message: str) -> None:
        where = f"pairs[{index}]" if key is None else f"pairs[{index}].{key}"
        problems.append((Location(source, field=where), message))

    if not isinstance(entry, dict):
        fault(None, f"each pair should be a mapping of fields, not {entry!r}")
        return None
    before = len(problems)
    for key in sorted(set(entry) - _KEYS):
        fault(key, f"unknown field {key!r}; expected some of {', '.join(sorted(_KEYS))}")
    for key in _REQUIRED:
        if entry.get(key) in (None, ""):
            fault(key, "is missing")
    if len(problems) > before:
        return None

    kind = entry["kind"]
    if kind not in _SCOPES:
        fault("kind", f"{kind!r} is not 'outcome' or 'provision'")
    try:
        area = normalise_area(str(entry["area"]))
    except ValueError as error:
        fault("area", str(error))
    if entry["year_group"] not in YEAR_GROUPS:
        fault("year_group", f"{entry['year_group']!r} is not a year group; expected one of "
                            f"{', '.join(YEAR_GROUPS)}")
    rules = entry["rules"]
    if not isinstance(rules, list) or not rules:
        fault("rules", f"should be a list of rule slugs, not {rules!r}")
    else:
        for slug in rules:
            _check_slug(slug, kind, fault)
    for key in ("poor", "improved", "note"):
        if not isinstance(entry.get(key, ""), str):
            fault(key, f"should be text, not {entry[key]!r}")
    if len(problems) > before:
        return None

    return ExamplePair(
        id=str(entry["id"]), kind=kind, area=area, year_group=entry["year_group"],
        rules=tuple(rules), poor=entry["poor"].strip(), improved=entry["improved"].strip(),
        note=" ".join(entry.get("note", "").split()), source=source,
    )


def _check_slug(slug: Any, kind: str, fault) -> None:
    rule = RULES_BY_SLUG.get(str(slug))
    if rule is None:
        fault("rules", f"{slug!r} is not a rule slug (see `ehcp-kit rules`)")
    elif kind in _SCOPES and rule.scope not in _SCOPES[kind] and not (
        kind == "outcome" and rule.slug in _DATE_RULES
    ):
        fault("rules", f"{slug!r} checks {rule.scope} statements, so a {kind} cannot show it")


def slugs_a_kind_can_show(kind: str) -> tuple[str, ...]:
    """Every rule slug a statement of this kind can be tagged with."""
    return tuple(
        slug for slug, rule in RULES_BY_SLUG.items()
        if rule.scope in _SCOPES[kind] or (kind == "outcome" and slug in _DATE_RULES)
    )


def statement_rule_slugs() -> tuple[str, ...]:
    """Every rule that reads one statement (outcome, provision or any free text)."""
    return tuple(slug for slug, rule in RULES_BY_SLUG.items() if rule.scope != "plan")


def tagged_slugs(pairs: Iterable[ExamplePair]) -> set[str]:
    """Every rule slug any of ``pairs`` is tagged with."""
    return {slug for pair in pairs for slug in pair.rules}
