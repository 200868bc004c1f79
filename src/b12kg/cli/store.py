"""Store commands: ``load`` (add ontologies to the local user store), ``push`` (upload to a SPARQL server)
and ``cache`` (where the compiled stores are, how big, clear them)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["COMMANDS"]


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--reset", is_flag=True, help="Start again from the bundled graph (drop every loaded file).")
def load(files: tuple[str, ...], reset: bool) -> None:
    """Add ontologies to the local store that queries use.

    Turtle, N-Triples, RDF/XML and OBO files are streamed into an on-disk Oxigraph store (named graph
    https://w3id.org/b12kg/graph/external) beside the compiled bundled graph, so memory stays bounded.
    OBO files are converted to OWL (RDF/XML) with fastobo first.

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
              help="Put the triples into this named graph (default: the server's default graph).")
@click.option("--named-graphs", is_flag=True,
              help="Keep b12kg's own named graphs (ontology, data, inferred…).")
@click.option("--store-url", metavar="URL",
              help="Graph Store Protocol URL (default: the endpoint with /query replaced by /store, "
                   "as Oxigraph serves it).")
@click.option("--append", is_flag=True, help="POST (add to the graph) instead of PUT (replace it).")
@click.option("--file", "files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Upload these RDF files (e.g. a release) as they are instead of the local store. "
                   "Repeatable.")
@click.option("--bundled-only", is_flag=True,
              help="Upload the bundled graph even if 'b12kg load' added files.")
def push(endpoint: str, graph_iri: str | None, named_graphs: bool, store_url: str | None, append: bool,
         files: tuple[str, ...], bundled_only: bool) -> None:
    """Upload the graph to a SPARQL server (Graph Store Protocol).

    Then query it with 'b12kg query NAME --endpoint URL' (add --endpoint-graph IRI if you used --graph).

    \b
    Examples:
      oxigraph serve --location db --bind 127.0.0.1:7878 &
      b12kg push --endpoint http://127.0.0.1:7878/query
      b12kg query symptoms-by-kind --endpoint http://127.0.0.1:7878/query
    """
    from ..graph import KnowledgeGraph
    from ..store.remote import derive_store_url, push_file, push_graph

    if graph_iri and named_graphs:
        raise click.UsageError("--graph and --named-graphs exclude each other")
    target = store_url or derive_store_url(endpoint)
    if files:
        for i, f in enumerate(files):
            size = push_file(f, target, graph=graph_iri, replace=not append and i == 0)
            click.echo(f"uploaded {f} ({size} bytes) to {target}")
        return
    kg = KnowledgeGraph.bundled() if bundled_only else KnowledgeGraph.local()
    report = push_graph(kg, endpoint, graph=graph_iri, store_url=store_url, replace=not append,
                        named_graphs=named_graphs)
    for name, n in report.uploads:
        click.echo(f"{n:>10} triples -> {name}")
    click.echo(f"uploaded {report.triples} triples to {report.store_url}")


@click.group()
def cache() -> None:
    """Show or clear the cache of compiled stores.

    The compiled stores are rebuilt on demand; the environment variable B12KG_CACHE_DIR moves the cache.

    \b
    Examples:
      b12kg cache info
      B12KG_CACHE_DIR=/tmp/b12kg-cache b12kg query vegan-sources
      b12kg cache clear
    """


@cache.command("info")
def cache_info() -> None:
    """Where the cache is, its stores and sizes, and loaded files.

    \b
    Example:
      b12kg cache info
    """
    from ..store import compiled, userstore

    root = compiled.cache_dir()
    click.echo(f"cache folder: {root}")
    stores = sorted((root / "stores").glob("bundled-*")) if (root / "stores").is_dir() else []
    for s in stores:
        click.echo(f"  compiled store {s.name}  {_size(s) / 1e6:.1f} MB")
    info = userstore.user_store_info()
    if info is None:
        click.echo("user store: none ('b12kg load FILE' makes one)")
        return
    click.echo(f"user store: {info.path}  {info.triples} triples  {_size(info.path) / 1e6:.1f} MB")
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


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


COMMANDS = [load, push, cache]
