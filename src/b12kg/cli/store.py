"""Store commands: ``load`` (add ontologies to the local user store), ``push`` (upload to a SPARQL server)
and ``cache`` (where the compiled stores are, how big, whether they check out; clear them)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import InputFile, Seconds

__all__ = ["COMMANDS"]


@click.command()
@click.argument("files", nargs=-1, type=InputFile())
@click.option("--reset", is_flag=True, help="Start again from the bundled graph (drop every loaded file).")
def load(files: tuple[str, ...], reset: bool) -> None:
    """Add ontologies to the local store that queries use.

    Turtle, N-Triples, RDF/XML and OBO files are streamed into an on-disk Oxigraph store (named graph
    https://w3id.org/b12kg/graph/external) beside the compiled bundled graph, so memory stays bounded.
    OBO files are converted to OWL (RDF/XML) with fastobo first. The new store replaces the old one only
    when it is complete: an interrupted or failed load leaves the store as it was.

    \b
    Examples:
      b12kg load hp.obo                 add the whole Human Phenotype Ontology
      b12kg load mondo.owl chebi.ttl
      b12kg load --reset                back to the bundled graph only
    """
    from ..store import userstore

    if not files:
        if not reset:
            raise click.UsageError("give FILES to load, or --reset")
        existed = userstore.reset_user_store()
        click.echo("user store removed; queries use the bundled graph" if existed
                   else "no user store to remove")
        return
    total = sum(Path(f).stat().st_size for f in files)
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="loading", file=sys.stderr, show_eta=True) as bar:
            info = userstore.load_files(files, reset=reset, progress=bar.update)
    else:
        info = userstore.load_files(files, reset=reset)
    for f in info.files:
        click.echo(f"{f['triples']:>10} triples  {f['path']}")
    click.echo(f"user store: {info.triples} triples in {info.path}")


@click.command()
@click.option("--endpoint", required=True, metavar="URL", help="The server's SPARQL query endpoint.")
@click.option("--graph", "graph_iri", metavar="IRI",
              help="Put the triples into this named graph (default: the server's default graph); the named "
                   "graphs of an .nq/.trig file are merged into it.")
@click.option("--named-graphs", is_flag=True,
              help="Keep b12kg's own named graphs (ontology, data, inferred…).")
@click.option("--store-url", metavar="URL",
              help="Graph Store Protocol URL (default: the endpoint with /query replaced by /store, "
                   "as Oxigraph serves it; Virtuoso: …/sparql-graph-crud).")
@click.option("--append", is_flag=True, help="POST (add to the graphs) instead of PUT (replace them).")
@click.option("--file", "files", multiple=True, type=InputFile(),
              help="Upload these RDF files (e.g. a release: .ttl .nt .owl .nq .trig) instead of the local "
                   "store; each is parsed first. Repeatable.")
@click.option("--bundled-only", is_flag=True,
              help="Upload the bundled graph even if 'b12kg load' added files.")
@click.option("--timeout", type=Seconds(), default=None,
              help="Give up on an upload after this many seconds [default: 600, env B12KG_PUSH_TIMEOUT].")
def push(endpoint: str, graph_iri: str | None, named_graphs: bool, store_url: str | None, append: bool,
         files: tuple[str, ...], bundled_only: bool, timeout: float | None) -> None:
    """Upload the graph to a SPARQL server (Graph Store Protocol).

    Each target graph is replaced (HTTP PUT), so pushing twice leaves the server as after one push
    (--append adds instead). Then query it with 'b12kg query NAME --endpoint URL' (add --endpoint-graph
    IRI if you used --graph).

    \b
    Examples:
      oxigraph serve --location db --bind 127.0.0.1:7878 &
      b12kg push --endpoint http://127.0.0.1:7878/query
      b12kg query symptoms-by-kind --endpoint http://127.0.0.1:7878/query
      b12kg push --endpoint http://127.0.0.1:8890/sparql --store-url http://127.0.0.1:8890/sparql-graph-crud \\
                 --graph https://w3id.org/b12kg/release --file dist/b12kg.trig
    """
    from ..store.remote import check_iri, derive_store_url, push_files, push_graph

    if graph_iri and named_graphs:
        raise click.UsageError("--graph and --named-graphs exclude each other")
    if named_graphs and files:
        raise click.UsageError("--named-graphs uploads b12kg's own graphs; the graphs of --file come from the "
                               "files (.nq, .trig)")
    if graph_iri is not None:
        check_iri(graph_iri, "--graph IRI")
    target = store_url or derive_store_url(endpoint)
    if files:
        report = push_files(files, target, graph=graph_iri, replace=not append, timeout=timeout)
    else:
        from ..graph import KnowledgeGraph

        kg = KnowledgeGraph.bundled() if bundled_only else KnowledgeGraph.local()
        report = push_graph(kg, endpoint, graph=graph_iri, store_url=store_url, replace=not append,
                            named_graphs=named_graphs, timeout=timeout)
    for name, n in report.uploads:
        click.echo(f"{n:>10} triples -> {name}")
    verb = "added" if append else "replaced"
    click.echo(f"uploaded {report.triples} triples to {report.store_url} ({len(report.uploads)} graph(s) {verb})")
    named = [name for name, _ in report.uploads if name != "default graph"]
    if named and not graph_iri:
        click.echo("note: the triples are in named graphs; a server without a union default graph (Oxigraph "
                   "without --union-default-graph) answers queries over its default graph only", err=True)


@click.group()
def cache() -> None:
    """Show, check or clear the cache of compiled stores.

    The compiled stores are rebuilt on demand, and rebuilt when found damaged; the environment variable
    B12KG_CACHE_DIR moves the cache.

    \b
    Examples:
      b12kg cache info
      B12KG_CACHE_DIR=/tmp/b12kg-cache b12kg query vegan-sources
      b12kg cache clear
    """


@cache.command("info")
def cache_info() -> None:
    """Where the cache is, its stores (checked), their sizes, the loaded files and stale temporary folders.

    \b
    Example:
      b12kg cache info
    """
    from ..core.errors import CacheError
    from ..core.files import folder_size
    from ..store import compiled, userstore

    root = compiled.cache_dir()
    click.echo(f"cache folder: {root}")
    stores = sorted((root / "stores").glob("bundled-*")) if (root / "stores").is_dir() else []
    for s in stores:
        problem = compiled.deep_verify(s)
        state = "ok (verified)" if problem is None else f"DAMAGED ({problem}; rebuilt on next use)"
        click.echo(f"  compiled store {s.name}  {folder_size(s) / 1e6:.1f} MB  {state}")
    stale = compiled.stale_temporary_folders()
    if stale:
        size = sum(folder_size(p) for p in stale)
        click.echo(f"stale temporary folders: {len(stale)} ({size / 1e6:.1f} MB; removed by the next query or "
                   "load, or by 'b12kg cache clear')")
    try:
        info = userstore.user_store_info()
    except CacheError as e:
        click.echo(f"user store: DAMAGED: {e}")
        return
    if info is None:
        click.echo("user store: none ('b12kg load FILE' makes one)")
        return
    problem = compiled.deep_verify(info.path)
    state = "ok (verified)" if problem is None else f"DAMAGED ({problem}; repaired on next use)"
    click.echo(f"user store: {info.path}  {info.triples} triples  {folder_size(info.path) / 1e6:.1f} MB  {state}")
    for f in info.files:
        click.echo(f"  {f['triples']:>10} triples  {f['path']}")


@cache.command("path")
def cache_path() -> None:
    """Print the cache folder.

    \b
    Example:
      du -sh "$(b12kg cache path)"
    """
    from ..store.compiled import cache_dir

    click.echo(str(cache_dir()))


@cache.command("clear")
def cache_clear() -> None:
    """Delete the compiled stores and the user store.

    They are rebuilt on demand; files added with 'b12kg load' must be loaded again.

    \b
    Example:
      b12kg cache clear
    """
    from ..store.compiled import clear_cache

    removed = clear_cache()
    click.echo("\n".join(f"removed {p}" for p in removed) or "cache already empty")


COMMANDS = [load, push, cache]
