"""The ``b12kg serve`` command: a read-only SPARQL endpoint, the query page and a page for every IRI."""

from __future__ import annotations

import click

from .options import graph_options, load_graph

__all__ = ["COMMANDS"]


@click.command(short_help="Serve the graph: a SPARQL endpoint, the query page, concept pages.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 or :: opens it to the network).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Query worker processes kept ready [default: one per core, at least 2].")
@click.option("--max-workers", type=click.IntRange(1, 1024), default=None,
              help="Most worker processes while slow queries hold some [default: 4 × --workers].")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Seconds a request may take to run its query (waiting for a free worker included); "
                   "a query still running then is stopped and answered 503.")
@click.option("--max-result-size", default="16M", show_default=True, metavar="SIZE",
              help="Largest answer sent (e.g. 16M); a larger one is refused with a message.")
@click.option("--max-body", default="1M", show_default=True, metavar="SIZE",
              help="Largest request body (and URL) accepted; larger ones get 413 (414).")
@click.option("--worker-memory", default="2G", show_default=True, metavar="SIZE",
              help="Address-space limit of each query worker (0: none).")
@click.option("--cache-size", default="64M", show_default=True, metavar="SIZE",
              help="Memory for answers given again without running the query (the graph does not change while "
                   "the server runs); 0 turns the cache off.")
@click.option("--cors", is_flag=True, help="Let web pages of other sites call the endpoint (CORS, any origin).")
@click.option("--root-path", default="", metavar="PATH",
              help="The path the server is mounted at behind a reverse proxy (e.g. /b12kg).")
@click.option("--access-log", is_flag=True, help="Log every request.")
@click.option("--diagrams/--no-diagrams", default=True, show_default=True,
              help="Draw the neighbourhood of each concept on its page.")
@graph_options("Serve")
def serve(host: str, port: int, workers: int | None, max_workers: int | None, timeout: float, max_result_size: str,
          max_body: str, worker_memory: str, cache_size: str, cors: bool, root_path: str, access_log: bool,
          diagrams: bool, files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Serve the graph: a read-only SPARQL 1.1 endpoint, the query page and a page for every b12kg IRI.

    Queries run in worker processes, each stopped at the --timeout; updates and SERVICE are refused.
    Ctrl-C stops the server.

    \b
    Examples:
      b12kg serve                                     http://127.0.0.1:7878/ (the query page)
      curl 'http://127.0.0.1:7878/sparql?query=ASK%7B%7D'
      curl -H 'Accept: text/turtle' http://127.0.0.1:7878/vitamin_b12
      curl 'http://127.0.0.1:7878/queries/symptoms-by-kind?format=csv'
      b12kg serve --port 8080 --timeout 30 --workers 4 --add extra.ttl
    """
    from ..web import ServerSettings
    from ..web import serve as run_server
    from ..web.pool import default_size
    from ..web.settings import parse_size

    size = workers or default_size()
    memory = parse_size(worker_memory)
    settings = ServerSettings(
        host=host, port=port, workers=size, max_workers=max_workers or 4 * size, timeout=timeout,
        max_result_bytes=parse_size(max_result_size), max_body_bytes=parse_size(max_body),
        worker_memory_bytes=memory or None, cache_bytes=parse_size(cache_size), cors=cors,
        root=root_path.rstrip("/"), access_log=access_log, diagrams=diagrams)
    graph = load_graph(files, extra, local=True).dataset
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: anyone who can reach this machine can query the graph", err=True)

    def ready(url: str) -> None:
        click.echo(f"b12kg serve: {url} (SPARQL endpoint {url}sparql); {size} query workers, time limit "
                   f"{timeout:g} s. Not medical advice. Ctrl-C stops.", err=True)

    run_server(settings, graph, ready=ready)
    click.echo("b12kg serve: stopped", err=True)


COMMANDS = [serve]
