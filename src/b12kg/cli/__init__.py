"""Layer 7, a face: the ``b12kg`` command line, a thin layer over :mod:`b12kg`'s API.

Exit codes: 0 success, 1 findings (e.g. the graph does not conform), 2 usage or runtime error.
Heavy libraries (rdflib, pyshacl, owlready2) are imported only by the commands that need them.

May import: every layer below (:mod:`b12kg.graph` first of all); no other face.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from ..core import __version__
from ..core.errors import B12kgError

__all__ = ["cli", "main"]

EPILOG = """\b
Examples:
  b12kg queries -v                                list the named queries and their parameters
  b12kg query symptoms-by-kind                    run a named query (table; --format csv|tsv|json)
  b12kg query about-concept --param concept="muscle spasm"
  b12kg query -e 'SELECT ?s WHERE { ?s a b12kg:Food }' --format csv
  b12kg validate                                  SHACL-validate the graph (exit 1 if it does not conform)
  b12kg reason                                    HermiT: consistency, unsatisfiable classes, inferences
  b12kg qc --format markdown                      quality-control report of the native terms
  b12kg xrefs check                               check every mapping against the import modules
  b12kg build -o dist                             the release: ontology, RDF, KGX, OBO Graphs, Neo4j, SSSOM
  b12kg export --format kgx -o kgx/               one export format (see 'b12kg export --help')
  b12kg load hp.owl && b12kg query NAME           add a whole ontology to the local store, then query it
  b12kg stats

Not medical advice: b12kg encodes one popular-science article for research use.
"""


class _Group(click.Group):
    """Turns b12kg errors into a message on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except B12kgError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(2)
        except FileNotFoundError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="b12kg")
def cli() -> None:
    """b12kg: a knowledge graph of vitamin B12, nerve function and muscle spasms.

    Query it with SPARQL, validate it with SHACL and export it for other tools.
    """


def _register() -> None:
    """Add the commands of each command module (each exposes ``COMMANDS``)."""
    from . import build, core, docs, qc, reason, serve, store, xrefs

    for module in (core, store, build, reason, qc, xrefs, serve, docs):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    """Entry point of the ``b12kg`` console script."""
    sys.exit(cli.main(prog_name="b12kg", standalone_mode=True))
