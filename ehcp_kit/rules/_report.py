"""Checking every plan in a file, folder or workbook, and reporting like a linter."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ._check import check_plan
from ._model import Finding
from .frequency import ProvisionHours, provision_hours

logger = logging.getLogger("ehcp_kit")


@dataclass
class ChildReport:
    """One child's findings, or the problems that stopped their plan loading."""

    child_id: str
    source: str
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    hours: ProvisionHours | None = None


@dataclass
class Report:
    """The findings for every child read from one input."""

    children: list[ChildReport]

    @property
    def failed(self) -> bool:
        """True when any finding is an error or any plan could not be loaded."""
        return any(
            child.problems or any(finding.severity == "error" for finding in child.findings)
            for child in self.children
        )

    def counts(self) -> Counter[str]:
        """Findings by severity, over every child."""
        return Counter(finding.severity for child in self.children for finding in child.findings)


def check_source(path: str | Path, *, config: Config | None = None) -> Report:
    """Load every plan in ``path`` (a plan file, a folder, a workbook) and check each.

    A plan that cannot be loaded is reported with its problems, not raised, so one bad
    record does not hide the findings for every other child.
    """
    from ..loaders import load_batch

    children = []
    for loaded in load_batch(path):
        report = ChildReport(loaded.child_id, loaded.source)
        if loaded.plan is None:
            report.problems = [f"{where}: {what}" for where, what in loaded.problems]
        else:
            report.findings = check_plan(loaded.plan, config=config)
            weeks = (config or Config()).school_weeks
            report.hours = provision_hours(loaded.plan, school_weeks=weeks)
        children.append(report)
    logger.info("checked %d children from %s", len(children), Path(path).name)
    return Report(children)


def render_report(report: Report, output_format: str = "text") -> str:
    """The report as text grouped by child, or as JSON (a list with one object a child)."""
    if output_format == "json":
        return json.dumps(
            [
                {
                    "child_id": child.child_id,
                    "source": child.source,
                    "problems": child.problems,
                    "findings": [finding.to_dict() for finding in child.findings],
                    "provision_hours": hours_to_dict(child.hours),
                }
                for child in report.children
            ],
            indent=2,
        ) + "\n"

    lines = []
    for child in report.children:
        lines.append(f"{child.child_id} ({child.source})")
        lines.extend(f"  load problem: {problem}" for problem in child.problems)
        lines.extend(f"  {finding.describe()}" for finding in child.findings)
        if not child.problems and not child.findings:
            lines.append("  no findings")
        if child.hours is not None:
            lines.append(f"  {describe_hours(child.hours)}")
    counts = report.counts()
    unloaded = sum(1 for child in report.children if child.problems)
    lines.append(
        f"{len(report.children)} children: {counts['error']} errors, {counts['warning']} "
        f"warnings, {counts['info']} notes" + (f", {unloaded} not loaded" if unloaded else "")
    )
    return "\n".join(lines) + "\n"


def hours_to_dict(hours: ProvisionHours | None) -> dict[str, object] | None:
    """Provision hours as JSON-ready values: areas by their names, ``None`` when unread."""
    if hours is None:
        return None
    return {
        "total_per_year": hours.total,
        "by_area": {str(area): value for area, value in hours.by_area.items()},
        "by_item": hours.by_item,
        "unquantified": hours.unquantified,
    }


def describe_hours(hours: ProvisionHours) -> str:
    """One line: hours a year in total and per area, and the items that give no amount."""
    areas = "; ".join(f"{area}: {value:g}" for area, value in hours.by_area.items())
    line = f"provision: {hours.total:g} hours a year" + (f" ({areas})" if areas else "")
    if hours.unquantified:
        line += f"; no amount stated for {', '.join(hours.unquantified)}"
    return line
