"""``b12kg qc``: the quality-control report (SPARQL checks with editable levels)."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.files import atomic_write
from .options import graph_options, load_graph
from .output import quiet_option, refuse_overwriting_inputs, table_width, written

__all__ = ["COMMANDS", "qc"]


@click.command(short_help="Quality-control report of the native terms.")
@click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False),
    help="A profile TSV (check, level, description) instead of the bundled queries/qc/profile.tsv.",
)
@click.option(
    "-c", "--check", "only", multiple=True, metavar="NAME", help="Run only this check (repeatable)."
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "tsv", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warn", "none"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding of this level (or worse) is found.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--width", type=click.IntRange(min=20), metavar="COLUMNS",
              help="Wrap the table to this width (default: the terminal's, 80 when piped).")
@quiet_option
@graph_options("Check")
def qc(
    profile: str | None,
    only: tuple[str, ...],
    fmt: str,
    fail_on: str,
    output: str | None,
    width: int | None,
    quiet: bool,
    files: tuple[str, ...],
    extra: tuple[str, ...],
) -> None:
    """Run the QC checks on native terms and report findings by level (ERROR, WARN, INFO), each with
    how to fix it.

    Each check is a SPARQL query in queries/qc/; levels come from the profile, which you can
    copy and edit (level OFF skips a check). Every native individual is checked, whether or not
    it is declared owl:NamedIndividual. A run that examines nothing (a profile without checks, a
    graph without b12kg terms) fails with exit 2. The summary line goes to standard error for
    tsv and json output.

    \b
    Examples:
      b12kg qc
      b12kg qc --format markdown -o qc.md --fail-on warn
      b12kg qc --check missing-provenance --add my-edges.ttl
    """
    from ..checks.qc import run_qc

    kg = load_graph(files, extra)
    refuse_overwriting_inputs(output, kg, [profile] if profile else [])
    report = run_qc(kg, profile, only=list(only) or None)
    text = report.format(fmt, table_width(width, True, to_file=bool(output)))
    if output:
        atomic_write(Path(output), text)
        written(f"wrote the QC report to {output}; {report.summary()}", quiet)
    else:
        click.echo(text, nl=False)
        if fmt in ("tsv", "json") and not quiet:
            click.echo(report.summary(), err=True)
    if report.failed(fail_on):
        raise SystemExit(1)


COMMANDS = [qc]
