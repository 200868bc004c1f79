"""The ``b12kg docs`` command: the static documentation site (also part of ``b12kg build``)."""

from __future__ import annotations

import click

from .options import graph_options, load_graph
from .output import quiet_option, written

__all__ = ["COMMANDS"]


@click.command(short_help="Write the documentation site: a page per concept, query, section.")
@click.option("-o", "--output", default="site", show_default=True, type=click.Path(file_okay=False),
              help="Folder of the site (replaced atomically; must be new, empty or a site written earlier).")
@click.option("--diagrams/--no-diagrams", default=True, show_default=True,
              help="Draw the neighbourhood of each concept on its page.")
@quiet_option
@graph_options("Document")
def docs(output: str, diagrams: bool, quiet: bool, files: tuple[str, ...], extra: tuple[str, ...]) -> None:
    """Write the documentation site: a page per concept, class, property, named query and section.

    The site works offline from the file system (open index.html); its search box needs no server.

    \b
    Examples:
      b12kg docs -o site/ && xdg-open site/index.html
    """
    from ..formats.diagrams import executor_of, page_diagrams
    from ..pages import write_site

    graph = load_graph(files, extra).dataset
    out = write_site(output, graph, diagram=page_diagrams(executor_of(graph)) if diagrams else None)
    pages = sum(1 for p in out.rglob("*.html"))
    written(f"wrote the documentation site to {out}: {pages} pages (open {out / 'index.html'})", quiet)


COMMANDS = [docs]
