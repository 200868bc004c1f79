"""Options shared by the commands that read a graph: ``--graph FILE…`` and ``--add FILE…``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

__all__ = ["graph_options", "load_graph"]

F = TypeVar("F", bound=Callable[..., Any])


def graph_options(verb: str) -> Callable[[F], F]:
    """Add ``--graph`` (use these files instead of the bundled graph) and ``--add`` (add them to it)."""

    def decorate(f: F) -> F:
        f = click.option("--add", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False),
                         help="Add these RDF files to the bundled graph (repeatable).")(f)
        f = click.option("--graph", "files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                         help=f"{verb} these RDF files instead of the bundled graph (repeatable).")(f)
        return f

    return decorate


def load_graph(files: tuple[str, ...], extra: tuple[str, ...], *, local: bool = False) -> KnowledgeGraph:
    """The graph the options name: the files, the bundled graph plus the added files, or the bundled graph
    (``local``: the user store of ``b12kg load`` when there is one)."""
    from ..graph import KnowledgeGraph

    if files:
        return KnowledgeGraph.from_files([*files, *extra])
    if extra:
        return KnowledgeGraph.from_files(list(extra), with_bundled=True)
    return KnowledgeGraph.local() if local else KnowledgeGraph.bundled()
