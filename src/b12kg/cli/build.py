"""The ``b12kg build`` command: write the release (every export plus ``manifest.json``)."""

from __future__ import annotations

import time

import click

from .output import Progress

__all__ = ["COMMANDS"]


@click.command()
@click.option(
    "-o",
    "--output",
    default="dist",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Release directory (replaced atomically; must be new, empty or an earlier release).",
)
@click.option(
    "--reasoner",
    type=click.Choice(["hermit", "none"]),
    default="hermit",
    show_default=True,
    help="Add HermiT's inferences to b12kg-full (needs Java; falls back to asserted-only).",
)
@click.option("--skip-checks", is_flag=True,
              help="Do not require SHACL conformance and a QC report without ERROR before writing.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines on standard error.")
def build(output: str, reasoner: str, skip_checks: bool, quiet: bool) -> None:
    """Build the release: every export, checked, with manifest.json.

    Writes the base/full ontology, RDF, OBO Graphs, KGX, Neo4j, SSSOM and manifest.json. The graph must
    first pass SHACL validation and QC (no ERROR), unless --skip-checks. Two builds of
    the same inputs are byte-identical. Steps that take over a second are reported on stderr (plain
    lines, also in logs; --quiet silences them).

    \b
    Examples:
      b12kg build                      write ./dist
      b12kg build -o /tmp/dist --reasoner none
    """
    from ..formats.release import build_release

    start = time.perf_counter()
    with Progress(quiet=quiet) as progress:
        result = build_release(output, reasoner=reasoner, progress=progress, checks=not skip_checks)
    m = result.manifest
    inferred = m["inferred"]
    click.echo(
        f"b12kg {m['version']} release in {result.directory}: {len(m['files']) + 1} files; "
        f"inferred: {inferred['reasoner'] or 'none'} ({inferred['triples']} triples); "
        f"{time.perf_counter() - start:.1f} s"
    )


COMMANDS = [build]
