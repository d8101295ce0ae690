"""Settings for the quality checks, read from a TOML file.

An authority keeps its settings beside its data, in ``ehcp-kit.toml`` or in the
``[tool.ehcp-kit]`` table of a ``pyproject.toml``::

    [tool.ehcp-kit]
    select = ["E1", "vague-provision"]      # only these rules (codes, code prefixes, slugs)
    ignore = ["jargon"]                     # never these
    max-outcomes = 8                        # too-many-outcomes fires above this
    school-weeks = 38                       # weeks in the school year, for hours a year
    setting-names = ["Riverside Learning Centre"]   # settings the name pattern misses
    banned-phrases = ["in line with the school's offer"]

    [tool.ehcp-kit.severity]
    no-duration = "error"                   # change a rule's severity

In ``ehcp-kit.toml`` the same keys may sit at the top level. A rule name that matches
no rule is an error naming it, so a typing mistake cannot switch a check off silently.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EhcpKitError

if TYPE_CHECKING:
    from .rules._model import Rule

__all__ = ["CONFIG_FILE", "Config", "ConfigError"]

logger = logging.getLogger("ehcp_kit")

CONFIG_FILE = "ehcp-kit.toml"
SEVERITIES = ("error", "warning", "info")
_KNOWN_KEYS = {
    "select", "ignore", "severity", "max-outcomes", "school-weeks", "setting-names",
    "banned-phrases",
}


class ConfigError(EhcpKitError, ValueError):
    """A configuration file or option that cannot be used; the message says why."""


@dataclass(frozen=True)
class Config:
    """Which rules run, at what severity, with which thresholds and word lists.

    ``select`` and ``ignore`` hold rule names as given (codes, code prefixes such as
    ``"E2"``, or slugs); ``None`` for ``select`` means every rule. ``severity`` maps a
    rule name to "error", "warning" or "info".
    """

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    max_outcomes: int = 10
    school_weeks: int = 39
    setting_names: tuple[str, ...] = ()
    banned_phrases: tuple[str, ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        for name, level in self.severity.items():
            if level not in SEVERITIES:
                raise ConfigError(f"severity {level!r} for {name!r} is not one of "
                                  f"{', '.join(SEVERITIES)}{self._where}")
        if self.max_outcomes < 1 or not 1 <= self.school_weeks <= 52:
            raise ConfigError(f"max-outcomes {self.max_outcomes!r} must be at least 1 and "
                              f"school-weeks {self.school_weeks!r} 1 to 52{self._where}")
        names = [*(self.select or ()), *self.ignore, *self.severity]
        _check_rule_names(names, self._where)

    @property
    def _where(self) -> str:
        return f" (in {self.source})" if self.source else ""

    # Reading files.

    @classmethod
    def load(cls, path: str | Path) -> Config:
        """Read the settings for ``path``.

        ``path`` may be a TOML file (``pyproject.toml`` or ``ehcp-kit.toml``), a folder,
        or a data file; for a folder or a data file, the ``ehcp-kit.toml`` or
        ``pyproject.toml`` beside it is read. With no such file, the defaults apply.
        """
        path = Path(path)
        if path.suffix.lower() == ".toml":
            return cls._from_file(path)
        folder = path if path.is_dir() else path.parent
        for candidate in (folder / CONFIG_FILE, folder / "pyproject.toml"):
            if candidate.is_file():
                config = cls._from_file(candidate)
                if config.source is not None:
                    return config
        return cls()

    @classmethod
    def _from_file(cls, path: Path) -> Config:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise ConfigError(f"no configuration file {str(path)!r}") from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{str(path)!r} is not valid TOML: {error}") from error

        table = data.get("tool", {}).get("ehcp-kit")
        if table is None and path.name != "pyproject.toml":
            table = {key: value for key, value in data.items() if key != "tool"}
        if table is None:
            return cls()
        return cls.from_mapping(table, source=str(path))

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], *, source: str | None = None) -> Config:
        """Build settings from the keys of a ``[tool.ehcp-kit]`` table."""
        where = f" (in {source})" if source else ""
        unknown = sorted(set(table) - _KNOWN_KEYS)
        if unknown:
            # Other parts of ehcp-kit may keep their own keys here, so this is not fatal.
            logger.warning("ignoring unknown settings %s%s", ", ".join(unknown), where)
        select = table.get("select")
        return cls(
            select=None if select is None else _names(select, "select", where),
            ignore=_names(table.get("ignore", []), "ignore", where),
            severity=dict(_mapping(table.get("severity", {}), "severity", where)),
            max_outcomes=_integer(table.get("max-outcomes", 10), "max-outcomes", where),
            school_weeks=_integer(table.get("school-weeks", 39), "school-weeks", where),
            setting_names=_names(table.get("setting-names", []), "setting-names", where),
            banned_phrases=_names(table.get("banned-phrases", []), "banned-phrases", where),
            source=source,
        )

    def with_options(
        self, *, select: Iterable[str] | None = None, ignore: Iterable[str] = ()
    ) -> Config:
        """These settings with a command line's ``--select`` and ``--ignore`` applied.

        ``select`` replaces the file's selection; ``ignore`` adds to the file's.
        """
        return replace(
            self,
            select=self.select if select is None else tuple(select),
            ignore=(*self.ignore, *ignore),
        )

    # Questions the checks ask.

    def enabled(self, rule: Rule) -> bool:
        """Whether ``rule`` runs under these settings."""
        if any(_matches(name, rule) for name in self.ignore):
            return False
        return self.select is None or any(_matches(name, rule) for name in self.select)

    def severity_of(self, rule: Rule) -> str:
        """The severity ``rule`` reports at: its own, or the one set here."""
        for name, level in self.severity.items():
            if _matches(name, rule):
                return level
        return rule.severity

    @cached_property
    def enabled_rules(self) -> tuple[Rule, ...]:
        """Every rule that runs under these settings, in code order (worked out once)."""
        from .rules import RULES

        return tuple(rule for rule in RULES if self.enabled(rule))

    @cached_property
    def setting_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The configured setting names, compiled once, matched ignoring case."""
        return _phrase_patterns(self.setting_names)

    @cached_property
    def banned_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The configured banned phrases, compiled once, matched ignoring case."""
        return _phrase_patterns(self.banned_phrases)


def _phrase_patterns(phrases: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)", re.I)
        for phrase in phrases
        if phrase.strip()
    )


def _matches(name: str, rule: Rule) -> bool:
    """A name stands for a rule if it is its slug, its code, or a prefix of its code."""
    name = name.strip()
    return name.lower() == rule.slug or rule.code.startswith(name.upper())


def _check_rule_names(names: list[str], where: str) -> None:
    if not names:
        return
    from .rules import RULES

    unknown = [name for name in names if not any(_matches(name, rule) for rule in RULES)]
    if unknown:
        listing = ", ".join(repr(name) for name in unknown)
        raise ConfigError(
            f"unknown rule {listing}{where}: use a code such as 'E101', a code prefix such "
            "as 'E1', or a slug such as 'no-timescale' (see `ehcp-kit rules`)"
        )


def _names(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{key} must be a list of strings, not {value!r}{where}")
    return tuple(value)


def _mapping(value: Any, key: str, where: str) -> Mapping[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key} must be a table of rule = severity, not {value!r}{where}")
    return value


def _integer(value: Any, key: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key} must be a whole number, not {value!r}{where}")
    return value
