"""Core commands: query, queries, validate, export, stats."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import ParameterError
from ..core.files import atomic_write
from ..formats.registry import EXPORT_FORMATS, RESULT_FORMATS, get_export_format, get_result_format
from ..graph import KnowledgeGraph
from ..queries.catalog import NamedQuery, QueryCatalog, load_query_file
from .options import graph_options, load_graph, query_limit_options

__all__ = ["COMMANDS"]




def _params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        if "=" not in v:
            raise ParameterError(f"--param takes NAME=VALUE, got {v!r}")
        k, _, val = v.partition("=")
        out[k.strip()] = val
    return out


def _emit(text: str, output: str | None) -> None:
    if output:
        atomic_write(Path(output), text)
    else:
        click.echo(text, nl=False)



@click.command()
@click.argument("name_or_file", required=False)
@click.option("-e", "--expr", "expr", help="Run this SPARQL text instead of a named query.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (a CURIE, IRI or label for concept parameters). Repeatable.")
@click.option("-f", "--format", "fmt", default="table", show_default=True,
              type=click.Choice(list(RESULT_FORMATS)), help="Output format.")
@click.option("--backend", type=click.Choice(["oxigraph", "rdflib", "remote"]), default=None,
              help="SPARQL engine: oxigraph (default; the cached compiled store plus files added with "
                   "'b12kg load'), rdflib, or remote (the --endpoint).")
@click.option("--endpoint", metavar="URL", envvar="B12KG_ENDPOINT",
              help="Send the query to this SPARQL 1.1 endpoint (env B12KG_ENDPOINT); "
                   "implies --backend remote.")
@click.option("--endpoint-graph", metavar="IRI",
              help="With --endpoint: query this named graph of the server as the default graph.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the results to this file.")
@query_limit_options
@graph_options("Query")
def query(name_or_file: str | None, expr: str | None, params: tuple[str, ...], fmt: str, backend: str | None,
          endpoint: str | None, endpoint_graph: str | None, output: str | None,
          timeout: float | None, allow_service: tuple[str, ...], endpoint_method: str, max_response: int | None,
          files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Run a named query, a .rq file, or SPARQL text (-e).

    \b
    Examples:
      b12kg query treatment-by-cause
      b12kg query about-concept -p concept=b12kg:vitamin_b12 --format tsv
      b12kg query my.rq -o answers.csv --format csv
      b12kg query symptoms-by-kind --endpoint http://127.0.0.1:7878/query
    """
    if bool(name_or_file) == bool(expr):
        raise click.UsageError("give a query NAME or FILE, or -e TEXT (exactly one)")
    q: NamedQuery | str
    if expr:
        q = expr
    elif name_or_file and (name_or_file.endswith(".rq") or Path(name_or_file).exists()):
        q = load_query_file(Path(name_or_file))
    else:
        q = QueryCatalog().get(name_or_file or "")
    if backend == "remote" and not endpoint:
        raise click.UsageError("--backend remote needs --endpoint URL")
    if endpoint and backend not in (None, "remote"):
        raise click.UsageError(f"--endpoint sends the query to a server; it excludes --backend {backend}")
    if endpoint:
        kg = KnowledgeGraph.remote(endpoint, default_graph=endpoint_graph, method=endpoint_method,
                                   max_bytes=max_response)
    else:
        kg = load_graph(files, extra, local=True)
    allow = allow_service or None
    result = kg.query(q, _params(params), backend=backend, timeout=timeout, allow_service=allow)  # type: ignore[arg-type]
    _emit(get_result_format(fmt).write(result), output)


@click.command()
@click.option("-v", "--verbose", is_flag=True, help="Show descriptions and parameters too.")
def queries(verbose: bool) -> None:
    """List the named queries with their titles."""
    cat = QueryCatalog()
    width = max((len(n) for n in cat.names()), default=0)
    for q in cat:
        click.echo(f"{q.name.ljust(width)}  {q.title}")
        if verbose:
            if q.description:
                click.echo(f"{'':{width}}  {q.description}")
            for p in q.parameters:
                default = f" (default {p.default})" if p.default else ""
                click.echo(f"{'':{width}}  --param {p.name}=<{p.kind}>{default}  {p.description}")


@click.command()
@click.option("--inference", type=click.Choice(["none", "rdfs", "owlrl"]), default="none", show_default=True,
              help="Entailment added before validating. The shapes need none: class targets already follow "
                   "rdfs:subClassOf in the ontology.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "tsv"]), default="text", show_default=True)
@click.option("--shapes", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="SHACL shapes files to use instead of the bundled ones.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@graph_options("Validate")
def validate(inference: str, fmt: str, shapes: tuple[str, ...], output: str | None, files: tuple[str, ...],
             extra: tuple[str, ...]) -> None:
    """Validate the graph against the SHACL shapes. Exit 1 when it does not conform."""
    report = load_graph(files, extra).validate(inference=inference, shapes=[Path(s) for s in shapes] or None)
    _emit(report.text() + "\n" if fmt == "text" else report.to_tsv(), output)
    if not report.conforms:
        raise SystemExit(1)


@click.command()
@click.option("-f", "--format", "fmt", required=True, metavar="FORMAT",
              help=f"One of: {', '.join(sorted(EXPORT_FORMATS))}.")
@click.option("-o", "--output", type=click.Path(),
              help="Output file (default: standard output); a directory for kgx, kgx-jsonl and neo4j.")
@graph_options("Export")
def export(fmt: str, output: str | None, files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Export the graph in FORMAT (Turtle, TriG, JSON-LD, RDF/XML, OBO Graphs, KGX, Neo4j…)."""
    f = get_export_format(fmt)
    if f.files is not None:
        if not output or Path(output).is_file():
            raise click.UsageError(f"the {f.name} export is several files: give a directory with -o DIR")
        for path in f.write_dir(load_graph(files, extra), output):
            click.echo(str(path), err=True)
        return
    data = f.write(load_graph(files, extra))
    if output:
        atomic_write(Path(output), data)
    else:
        click.echo(data.decode("utf-8"), nl=False)


@click.command()
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@graph_options("Count")
def stats(fmt: str, files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Count triples, classes, properties, individuals, curated edges and queries."""
    import json

    counts = load_graph(files, extra).stats()
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
        return
    width = max(len(k) for k in counts)
    for k, v in counts.items():
        click.echo(f"{k.replace('_', ' ').ljust(width)}  {v}")


COMMANDS = [query, queries, validate, export, stats]
