"""Commands that explain the graph to a reader: ``explain`` (a symptom differential), ``path`` (chains of
curated statements between two concepts) and ``diagram`` (pictures of the mechanism, schema or a concept)."""

from __future__ import annotations

import click

from .options import graph_options, load_graph
from .output import emit, quiet_option, refuse_overwriting_inputs

__all__ = ["COMMANDS"]

_LAYOUT_HELP = ("Layout of SVG pictures: grandalf (the default: the same bytes on every machine), dot (Graphviz, "
                "when installed) or auto (dot when installed, else grandalf).")


@click.command(short_help="Rank the causes of muscle spasms for some symptoms, with evidence.")
@click.option("-s", "--symptom", "symptoms", multiple=True, metavar="TEXT",
              help="An observed symptom: a label, synonym, CURIE or external ID such as an HP ID. Repeatable.")
@click.option("-c", "--context", "context", multiple=True, metavar="TEXT",
              help="Context: a diet, a group of people, what brought the spasms on… Repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@quiet_option
@graph_options("Explain with")
def explain(symptoms: tuple[str, ...], context: tuple[str, ...], fmt: str, output: str | None, quiet: bool,
            files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Rank the causes of muscle spasms by how well the article's claims fit the observations.

    Every cause, match and test comes with the sections and claims of the article behind it. The scoring
    rule: for each cause and observation the strongest link counts (the cause itself 3, a finding of it 2,
    context 1, a link the article denies -2); see the README. Not medical advice.

    \b
    Examples:
      b12kg explain -s "muscle spasms" -s numbness -s fatigue
      b12kg explain -s spasms -s dehydration -c "after strenuous exercise"
      b12kg explain -s tingling -c "vegan diet" --format markdown
      b12kg explain -s HP:0003394 --format json
    """
    kg = load_graph(files, extra)
    refuse_overwriting_inputs(output, kg)
    d = kg.explain(symptoms, context)
    emit(d.to_json() if fmt == "json" else d.to_markdown() if fmt == "markdown" else d.to_table(), output, quiet,
         f"the differential ({fmt})")


@click.command(short_help="Chains of curated statements linking two concepts.")
@click.argument("source")
@click.argument("target")
@click.option("-n", "--max-length", type=click.IntRange(1, 12), default=6, show_default=True,
              help="Longest chain looked for, in steps.")
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True, help="Chains shown at most.")
@click.option("--via", multiple=True, metavar="PROPERTY",
              help="Follow only statements with this property (e.g. causes). Repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json", "dot", "svg"]), default="table",
              show_default=True, help="Output format (dot and svg draw the chains).")
@click.option("--layout", type=click.Choice(["grandalf", "dot", "auto"]), default="grandalf", show_default=True,
              help=_LAYOUT_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@quiet_option
@graph_options("Search")
def path(source: str, target: str, max_length: int, limit: int, via: tuple[str, ...], fmt: str, layout: str,
         output: str | None, quiet: bool, files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """The chains of curated statements from SOURCE to TARGET, shortest first, with their evidence.

    SOURCE and TARGET are labels, synonyms, CURIEs or external IDs. Each step is a statement of the
    article, in the direction it is stated, with every section and claim behind it.

    \b
    Examples:
      b12kg path "vitamin B12 deficiency" "muscle spasm"
      b12kg path "vegan diet" numbness --via "risk factor for" --via causes --via "has symptom"
      b12kg path b12kg:vitamin_b12 "myelin sheath" --format svg -o b12-myelin.svg
    """
    kg = load_graph(files, extra)
    refuse_overwriting_inputs(output, kg)
    result = kg.chains(source, target, max_length=max_length, limit=limit, via=via)
    if fmt in ("dot", "svg"):
        from ..formats.diagrams import chains_drawing, render

        text = render(chains_drawing(result), fmt, layout)
    else:
        text = result.to_json() if fmt == "json" else result.to_table()
    emit(text, output, quiet, f"the chains ({fmt})")


@click.command(short_help="Draw the mechanism, the schema or a concept (SVG or DOT).")
@click.argument("kind", type=click.Choice(["mechanism", "schema", "concept"]))
@click.argument("name", required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(["svg", "dot"]), default=None,
              help="svg (the default) or Graphviz dot text; taken from the -o file's extension if not given.")
@click.option("--layout", type=click.Choice(["grandalf", "dot", "auto"]), default="grandalf", show_default=True,
              help=_LAYOUT_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (e.g. mechanism.svg).")
@quiet_option
@graph_options("Draw")
def diagram(kind: str, name: str | None, fmt: str | None, layout: str, output: str | None, quiet: bool,
            files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Draw the mechanism, the schema, or one concept's neighbourhood (concept NAME) as SVG.

    \b
    Examples:
      b12kg diagram mechanism -o mechanism.svg
      b12kg diagram schema -o schema.svg
      b12kg diagram concept neuropathy -o neuropathy.svg
      b12kg diagram concept HP:0003394 --format dot | dot -Tpng -o spasm.png
    """
    if kind == "concept" and not name:
        raise click.UsageError("'diagram concept' needs the NAME of a concept (a label, synonym or CURIE)")
    if kind != "concept" and name:
        raise click.UsageError(f"'diagram {kind}' takes no NAME (only 'diagram concept NAME' does)")
    if fmt is None:
        fmt = "dot" if output and output.lower().endswith((".dot", ".gv")) else "svg"
    kg = load_graph(files, extra)
    refuse_overwriting_inputs(output, kg)
    emit(kg.diagram(kind, name, fmt=fmt, layout=layout), output, quiet, f"the {kind} diagram ({fmt})")


COMMANDS = [explain, path, diagram]
