"""The ``ehcp-kit`` command line.

Each command is thin: it parses options and calls one library function, so that
notebooks and tests can do everything the command line does.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

__all__ = ["main"]


@click.group()
def main() -> None:
    """Write, check and render the Outcomes section of English EHC plans."""


# ---------------------------------------------------------------------------------------
# Quality checks: `check` and `rules`
# ---------------------------------------------------------------------------------------

_FORMAT = click.Choice(["text", "json"])


def _rule_names(value: str | None) -> list[str]:
    """Split a comma-separated option value ("E101,vague-verb") into rule names."""
    return [name.strip() for name in (value or "").split(",") if name.strip()]


@main.command()
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--outcome", "outcome_text", help="Check one outcome statement instead.")
@click.option("--provision", "provision_text", help="Check one provision statement instead.")
@click.option("--dob", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
              help="Date of birth, to check an outcome's timescale (with --plan-date).")
@click.option("--plan-date", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
              help="Plan date, to check an outcome's timescale (with --dob).")
@click.option("--format", "output_format", type=_FORMAT, default="text", show_default=True)
@click.option("--select", help="Only these rules: codes, code prefixes or slugs, comma-separated.")
@click.option("--ignore", help="Skip these rules: codes, code prefixes or slugs, comma-separated.")
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path),
              help="A pyproject.toml or ehcp-kit.toml (default: the one beside PATH).")
def check(
    path: Path | None,
    outcome_text: str | None,
    provision_text: str | None,
    dob,
    plan_date,
    output_format: str,
    select: str | None,
    ignore: str | None,
    config_path: Path | None,
) -> None:
    """Check plans (a plan file, a folder or a workbook) or one statement.

    Exits with status 1 when any finding is an error, or a plan cannot be loaded.
    """
    from .config import ConfigError
    from .errors import EhcpKitError
    from .rules import check_outcome, check_provision, check_source, render_report

    given = [value is not None for value in (path, outcome_text, provision_text)]
    if sum(given) != 1:
        raise click.UsageError("give exactly one of PATH, --outcome or --provision")
    statement = outcome_text if outcome_text is not None else provision_text
    if statement is not None and not statement.strip():
        raise click.UsageError("the statement is empty: give the words to check")
    if (dob is None) != (plan_date is None):
        raise click.UsageError("--dob and --plan-date go together")
    try:
        config = _load_config(config_path or path).with_options(
            select=_rule_names(select) or None, ignore=_rule_names(ignore)
        )
    except ConfigError as error:
        raise click.UsageError(str(error)) from error

    try:
        if path is None:
            if outcome_text is not None:
                findings = check_outcome(outcome_text, date_of_birth=_day(dob),
                                         plan_date=_day(plan_date), config=config)
            else:
                findings = check_provision(provision_text or "", config=config)
            click.echo(_statement_output(findings, output_format))
            failed = any(finding.severity == "error" for finding in findings)
        else:
            report = check_source(path, config=config)
            click.echo(render_report(report, output_format), nl=False)
            failed = report.failed
    except EhcpKitError as error:
        raise click.ClickException(str(error)) from error

    if failed:
        raise SystemExit(1)


def _load_config(where: Path | None):
    from .config import Config

    return Config() if where is None else Config.load(where)


def _day(value) -> date | None:
    return None if value is None else value.date()


def _statement_output(findings, output_format: str) -> str:
    """One statement's findings: a JSON array, or one line per finding."""
    if output_format == "json":
        return json.dumps([finding.to_dict() for finding in findings], indent=2)
    if not findings:
        return "No findings."
    return "\n".join(finding.describe() for finding in findings)


@main.command()
@click.option("--format", "output_format", type=_FORMAT, default="text", show_default=True)
def rules(output_format: str) -> None:
    """List every quality rule: code, slug, severity and summary."""
    from .rules import RULES

    if output_format == "json":
        click.echo(json.dumps([rule.to_dict() for rule in RULES], indent=2))
        return
    for rule in RULES:
        click.echo(f"{rule.code}  {rule.slug:<24} {rule.severity:<8} {rule.summary}")


# ---------------------------------------------------------------------------------------
# Batch runs: `batch`
# ---------------------------------------------------------------------------------------


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the children's folders, summary.csv and findings.csv.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes; each child still gets a fresh kernel of its own.")
@click.option("--formats", default="docx,html", show_default=True,
              help="Documents to write, comma-separated: docx, html, pdf (plan.pdf), "
                   "my-outcomes-pdf and my-outcomes-html (the child's own version).")
@click.option("--no-notebook", is_flag=True,
              help="Write the documents without executing a notebook (no audit record).")
@click.option("--notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run this notebook instead of the bundled per-child notebook.")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An authority's own Word template (.docx) for plan.docx.")
@click.option("--branding", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A branding file (TOML): the authority's name, logo, colours, contact "
                   "line and wording, for every document.")
@click.option("--appendix", is_flag=True,
              help="Add a quality appendix (the checks' findings and the provision hours "
                   "a year) to plan.docx, plan.html and plan.pdf.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Seconds a notebook cell may run before the child is marked failed.")
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path),
              help="A pyproject.toml or ehcp-kit.toml for the checks (default: beside INPUT).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="Where children run: local worker processes, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="A running Dask scheduler (tcp://host:8786); with --executor dask only. "
                   "Without it, --executor dask starts a cluster of --jobs workers here.")
@click.option("--force", is_flag=True,
              help="Make every child again, even those whose outputs are current.")
@click.option("--verbose", is_flag=True, help="Log progress (child ids only) to standard error.")
def batch(
    input_path: Path,
    out_dir: Path,
    jobs: int,
    formats: str,
    no_notebook: bool,
    notebook: Path | None,
    template: Path | None,
    branding: Path | None,
    appendix: bool,
    timeout: float,
    config_path: Path | None,
    executor: str,
    scheduler: str | None,
    force: bool,
    verbose: bool,
) -> None:
    """Produce every child's plan from INPUT: a workbook, a CSV folder or a folder of plans.

    Writes OUT/<child id>/plan.ipynb, plan.docx and plan.html, then OUT/summary.csv,
    OUT/findings.csv and OUT/dashboard.html. A rerun into the same OUT skips children
    whose outputs are current (OUT/manifest.sqlite says what they were made from).
    Exits with status 1 when any child failed or was left incomplete.
    """
    from tqdm import tqdm

    from .batch import check_formats, run_batch
    from .errors import EhcpKitError

    if verbose:
        _log_to_stderr()
    if scheduler and executor != "dask":
        raise click.BadParameter("a scheduler needs --executor dask", param_hint="--scheduler")
    try:
        chosen = check_formats(formats.split(","))
    except EhcpKitError as error:
        raise click.BadParameter(str(error), param_hint="--formats") from error

    def progress(items):
        return tqdm(items, desc="children", unit="child", leave=False, disable=None)

    try:
        result = run_batch(
            input_path, out_dir, jobs=jobs, formats=chosen, notebook=notebook,
            use_notebook=not no_notebook, timeout=timeout, template=template,
            config=_load_config(config_path or input_path), progress=progress,
            executor=executor, scheduler=scheduler, force=force, appendix=appendix,
            branding=branding,
        )
    except EhcpKitError as error:
        raise click.ClickException(str(error)) from error

    done, failed = len(result.succeeded), len(result.failed)
    click.echo(f"{done} of {len(result.children)} children succeeded; "
               f"{failed} of {len(result.children)} children failed.")
    if result.skipped:
        click.echo(f"{len(result.skipped)} of {len(result.children)} children were current "
                   f"and left as they were (--force makes them again).")
    for child in result.failed:
        click.echo(f"  {child.child_id} ({child.status}): {child.reason}")
    click.echo(f"Summary: {result.out_dir / 'summary.csv'}")
    click.echo(f"Dashboard: {result.dashboard}")
    if failed:
        raise SystemExit(1)


# ---------------------------------------------------------------------------------------
# The plan builder in a browser: `app`
# ---------------------------------------------------------------------------------------


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True,
              help="Port on 127.0.0.1 to serve the plan builder on.")
@click.option("--plans-dir", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Folder the plan builder opens plans from and saves to.")
def app(port: int, plans_dir: Path) -> None:
    """Serve the plan builder at http://127.0.0.1:PORT/ (this computer only); Ctrl-C stops."""
    from .app import serve
    from .errors import EhcpKitError

    try:
        serve(port, plans_dir, echo=click.echo)
    except EhcpKitError as error:
        raise click.ClickException(str(error)) from error


def _log_to_stderr() -> None:
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    package_logger = logging.getLogger("ehcp_kit")
    package_logger.addHandler(handler)
    package_logger.setLevel(logging.INFO)
