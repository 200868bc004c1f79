"""Core commands: query, queries, validate, export, stats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..core.errors import ParameterError
from ..core.files import atomic_write
from ..formats.registry import EXPORT_FORMATS, RESULT_FORMATS, get_export_format, get_result_format
from ..graph import KnowledgeGraph
from ..queries.catalog import NamedQuery, QueryCatalog, load_query_file
from .options import graph_options, load_graph, query_limit_options
from .output import (
    RDF_RESULT_FORMATS,
    Progress,
    emit,
    export_format_for,
    export_summary,
    file_summary,
    plural,
    quiet_option,
    refuse_overwriting_inputs,
    result_format_for,
    result_rdf,
    table_options,
    table_width,
    written,
)
from .terminal import reader_table

__all__ = ["COMMANDS"]

#: every format ``b12kg query`` writes: the result formats, and RDF for CONSTRUCT/DESCRIBE answers
QUERY_FORMATS = [*RESULT_FORMATS, *RDF_RESULT_FORMATS]
#: export formats written as several files into a folder
DIRECTORY_FORMATS = sorted(name for name, f in EXPORT_FORMATS.items() if f.files is not None)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        if "=" not in v:
            raise ParameterError(f"--param takes NAME=VALUE, got {v!r}")
        k, _, val = v.partition("=")
        out[k.strip()] = val
    return out


# -- shell completion of names ---------------------------------------------------------------------------
def _complete_query(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Query names, or files when the word looks like a path."""
    from click.shell_completion import CompletionItem

    if "/" in incomplete or incomplete.endswith(".rq") or incomplete.startswith("."):
        return [CompletionItem(incomplete, type="file")]
    return [CompletionItem(q.name, help=q.title) for q in QueryCatalog() if q.name.startswith(incomplete)]


def _complete_param(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """``NAME=`` for each parameter of the named query on the command line."""
    from click.shell_completion import CompletionItem

    # when the option's value is being typed, parsing stops early: the name is then left in ctx.args
    name = ctx.params.get("name_or_file") or next((a for a in ctx.args if not a.startswith("-")), "")
    catalog = QueryCatalog()
    if name not in catalog:
        return []
    return [CompletionItem(f"{p.name}=", help=p.description) for p in catalog.get(name).parameters
            if f"{p.name}=".startswith(incomplete)]


def _complete_export_format(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(n, help=f.description) for n, f in sorted(EXPORT_FORMATS.items())
            if n.startswith(incomplete)]


# -- commands -----------------------------------------------------------------------------------------------
@click.command(short_help="Run a named query, a .rq file or SPARQL text (-e).")
@click.argument("name_or_file", required=False, shell_complete=_complete_query)
@click.option("-e", "--expr", "expr", help="Run this SPARQL text instead of a named query.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", shell_complete=_complete_param,
              help="Bind a query parameter (a CURIE, IRI or label for concept parameters). Repeatable.")
@click.option("-f", "--format", "fmt", default=None, type=click.Choice(QUERY_FORMATS),
              help="Output format (default: from the -o file's extension, else table). RDF formats "
                   "(turtle, nt, …) are for CONSTRUCT and DESCRIBE queries.")
@click.option("--backend", type=click.Choice(["oxigraph", "rdflib", "remote"]), default=None,
              help="SPARQL engine: oxigraph (default; the cached compiled store plus files added with "
                   "'b12kg load'), rdflib, or remote (the --endpoint).")
@click.option("--endpoint", metavar="URL", envvar="B12KG_ENDPOINT",
              help="Send the query to this SPARQL 1.1 endpoint (env B12KG_ENDPOINT); "
                   "implies --backend remote.")
@click.option("--endpoint-graph", metavar="IRI",
              help="With --endpoint: query this named graph of the server as the default graph.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the results to this file (.csv, .tsv, .json, .txt; .ttl, .nt… for CONSTRUCT).")
@table_options
@query_limit_options
@quiet_option
@graph_options("Query")
def query(name_or_file: str | None, expr: str | None, params: tuple[str, ...], fmt: str | None,
          backend: str | None, endpoint: str | None, endpoint_graph: str | None, output: str | None,
          width: int | None, no_wrap: bool, no_ids: bool,
          timeout: float | None, allow_service: tuple[str, ...], endpoint_method: str, max_response: int | None,
          quiet: bool,
          files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Run a named query, a .rq file, or SPARQL text (-e).

    'b12kg queries' lists the named queries and their parameters. Tables show each IRI as its label
    followed by its CURIE and wrap long text to the terminal's width; CSV, TSV and JSON show CURIEs.
    The format follows the -o file's extension unless -f says otherwise.

    \b
    Examples:
      b12kg query treatment-by-cause
      b12kg query about-concept -p concept="muscle spasms"
      b12kg query about-concept -p concept=HP:0003394 --format tsv
      b12kg query vegan-sources -o vegan.csv
      b12kg query -e 'SELECT ?food WHERE { ?food b12kg:inFoodGroup b12kg:shellfish }'
      b12kg query -e 'CONSTRUCT WHERE { ?s b12kg:causes ?o }' -o causes.ttl
      b12kg query my.rq --width 100
      b12kg query symptoms-by-kind --endpoint http://127.0.0.1:7878/query
    """
    if bool(name_or_file) == bool(expr):
        raise click.UsageError("give a query NAME ('b12kg queries' lists them), a .rq FILE, or -e 'SPARQL TEXT'"
                               if not expr else "give either a query NAME or FILE, or -e TEXT, not both")
    q: NamedQuery | str
    if expr:
        q = expr
    elif name_or_file and (name_or_file.endswith(".rq") or Path(name_or_file).exists()):
        q = load_query_file(Path(name_or_file))
    else:
        q = QueryCatalog().get(name_or_file or "")
    fmt = fmt or (result_format_for(output) if output else "table")
    if backend == "remote" and not endpoint:
        raise click.UsageError("--backend remote needs --endpoint URL")
    if endpoint and backend not in (None, "remote"):
        raise click.UsageError(f"--endpoint sends the query to a server; it excludes --backend {backend}")
    if endpoint:
        kg = KnowledgeGraph.remote(endpoint, default_graph=endpoint_graph, method=endpoint_method,
                                   max_bytes=max_response)
    else:
        kg = load_graph(files, extra, local=True)
    refuse_overwriting_inputs(output, kg, [q.path] if isinstance(q, NamedQuery) and q.path else [])
    allow = allow_service or None
    result = kg.query(q, _params(params), backend=backend, timeout=timeout,  # type: ignore[arg-type]
                      allow_service=allow)
    if fmt in RDF_RESULT_FORMATS:
        data = result_rdf(result, fmt)
        if output:
            atomic_write(Path(output), data)
            written(f"wrote {plural(len(result), 'triple')} to {output}", quiet)
        else:
            click.echo(data.decode("utf-8"), nl=False)
        return
    if fmt == "table":
        text = reader_table(result, ids=not no_ids, width=table_width(width, not no_wrap, to_file=bool(output)))
    else:
        text = get_result_format(fmt).write(result)
    what = f"the answer ({'yes' if result.boolean else 'no'})" if result.boolean is not None else plural(
        len(result), "row")
    emit(text, output, quiet, what)


@click.command(short_help="List the named queries with their titles.")
@click.option("-v", "--verbose", is_flag=True, help="Show descriptions and parameters too.")
def queries(verbose: bool) -> None:
    """List the named queries with their titles (-v: descriptions and parameters too).

    Run one with 'b12kg query NAME'; parameters are given as -p NAME=VALUE.

    \b
    Examples:
      b12kg queries
      b12kg queries -v
      b12kg query claims-by-section -p section=b12kg:section_5_diagnosis_treatment
    """
    from ..core.results import wrap_text

    cat = QueryCatalog()
    width = max((len(n) for n in cat.names()), default=0)
    room = max((table_width(None, True) or 80) - 8, 30)
    for q in cat:
        click.echo(f"{q.name.ljust(width)}  {q.title}")
        if verbose:
            for line in wrap_text(q.description, room + 4) if q.description else []:
                click.echo(f"    {line}")
            for p in q.parameters:
                default = f" (default {p.default})" if p.default else ""
                click.echo(f"    --param {p.name}=<{p.kind}>{default}")
                for line in wrap_text(p.description, room) if p.description else []:
                    click.echo(f"        {line}")


@click.command(short_help="Check the graph against the SHACL shapes.")
@click.option("--inference", type=click.Choice(["none", "rdfs", "owlrl"]), default="none", show_default=True,
              help="Entailment added before validating. The shapes need none: class targets already follow "
                   "rdfs:subClassOf in the ontology.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "tsv"]), default="text", show_default=True,
              help="Report format.")
@click.option("--shapes", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="SHACL shapes files to use instead of the bundled ones (repeatable).")
@click.option("--engine", type=click.Choice(["oxigraph", "pyshacl"]), default="oxigraph", show_default=True,
              help="oxigraph: the shapes compiled to SPARQL on Oxigraph; pyshacl: the reference validator "
                   "(same results, slower).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@quiet_option
@graph_options("Validate")
def validate(inference: str, fmt: str, shapes: tuple[str, ...], engine: str, output: str | None, quiet: bool,
             files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Validate the graph against the SHACL shapes. Exit 1 when it does not conform.

    Every finding names the focus node, the property path, the value and how to fix it.

    \b
    Examples:
      b12kg validate
      b12kg validate --add my-foods.ttl
      b12kg validate --shapes my-shapes.ttl --format tsv -o report.tsv
      b12kg validate --graph data.ttl --shapes my-shapes.ttl --engine pyshacl
    """
    from ..core.errors import NothingCheckedError

    kg = load_graph(files, extra)
    refuse_overwriting_inputs(output, kg, shapes)
    report = kg.validate(inference=inference, shapes=[Path(s) for s in shapes] or None, engine=engine)
    if not report.focus_nodes:
        raise NothingCheckedError(
            "the shapes selected no node of the graph, so nothing was validated: check the shapes' targets "
            "(sh:targetClass, sh:targetNode…) and the --graph/--add files")
    emit(report.text() + "\n" if fmt == "text" else report.to_tsv(), output, quiet,
          f"the validation report ({plural(len(report.results), 'finding')})")
    if fmt != "text" or output:
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
    if not report.conforms:
        raise SystemExit(1)


@click.command(short_help="Write the graph in one format (Turtle, KGX, Neo4j…).")
@click.option("-f", "--format", "fmt", metavar="FORMAT", shell_complete=_complete_export_format,
              help=f"One of: {', '.join(sorted(EXPORT_FORMATS))} (default: from the -o file's extension, "
                   "else turtle).")
@click.option("-o", "--output", type=click.Path(),
              help="Output file (default: standard output); a directory for kgx, kgx-jsonl and neo4j.")
@quiet_option
@graph_options("Export")
def export(fmt: str | None, output: str | None, quiet: bool, files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Export the graph in one format: Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML (OWL), OBO Graphs,
    SSSOM, KGX or Neo4j.

    Without -f the format follows the file's extension (.ttl .nt .nq .trig .jsonld .owl .json
    .sssom.tsv); kgx, kgx-jsonl and neo4j write a folder. A summary line goes to stderr.

    \b
    Examples:
      b12kg export -o b12kg.ttl
      b12kg export -o b12kg.trig --add my-foods.ttl
      b12kg export -f kgx -o kgx/
      b12kg export -f nt | wc -l
    """
    if fmt is None:
        if output and (output.endswith(("/", "\\")) or Path(output).is_dir()):
            raise click.UsageError(f"{output} is a folder: give the format, -f {' | '.join(DIRECTORY_FORMATS)}")
        fmt = export_format_for(output) if output else "turtle"
    f = get_export_format(fmt)
    kg = load_graph(files, extra)
    refuse_overwriting_inputs(output, kg)
    with Progress(quiet=quiet) as progress:
        if f.files is not None:
            if not output or Path(output).is_file():
                raise click.UsageError(f"the {f.name} export is several files: give a directory with -o DIR")
            progress(f"writing {f.name} files into {output}")
            paths = f.write_dir(kg, output)
            written(f"wrote {output}: {', '.join(file_summary(p) for p in paths)}", quiet)
            return
        progress(f"writing {f.name}")
        data = f.write(kg)
    if output:
        atomic_write(Path(output), data)
        written(f"wrote {export_summary(f.name, data)} to {output}", quiet)
    else:
        click.echo(data.decode("utf-8"), nl=False)


@click.command(short_help="Count triples, classes, individuals, edges and queries.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
@graph_options("Count")
def stats(fmt: str, files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Count triples, classes, properties, individuals, curated edges and queries.

    Counts are of asserted triples (what 'b12kg export' writes); inferred triples are counted apart.

    \b
    Examples:
      b12kg stats
      b12kg stats --add my-foods.ttl --format json
    """
    import json

    counts = load_graph(files, extra).stats()
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
        return
    width = max(len(k) for k in counts)
    for k, v in counts.items():
        click.echo(f"{k.replace('_', ' ').ljust(width)}  {v:>9,}")


COMMANDS = [query, queries, validate, export, stats]
