"""Options shared by the commands: ``--graph FILE…``/``--add FILE…`` for the commands that read a graph,
input files that are checked before anything reads them, and the limits of a query (``--timeout``,
``--allow-service``, ``--endpoint-method``, ``--max-response``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

__all__ = ["InputFile", "Seconds", "Size", "graph_options", "load_graph", "query_limit_options"]

F = TypeVar("F", bound=Callable[..., Any])


class InputFile(click.ParamType):  # type: ignore[type-arg]
    """A file to read: it must be a readable regular file (a folder, a FIFO, a device such as ``/dev/zero``,
    a symbolic-link loop or an unreadable file is refused with its own reason, before anything reads it)."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from pathlib import Path

        from ..core.files import not_a_readable_file

        problem = not_a_readable_file(Path(value))
        if problem is not None:
            self.fail(f"{click.format_filename(value)!r} {problem}", param, ctx)
        return str(value)


class Seconds(click.ParamType):  # type: ignore[type-arg]
    """A positive number of seconds (``--timeout -5`` or ``0`` is refused)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        from ..core.errors import ConfigError
        from ..core.settings import parse_seconds

        try:
            return parse_seconds(value, f"--{param.name}" if param and param.name else "seconds")
        except ConfigError as e:
            self.fail(str(e).split("=", 1)[-1], param, ctx)


class Size(click.ParamType):  # type: ignore[type-arg]
    """A positive size in bytes: ``1500``, ``64K``, ``256M``, ``2G``."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from ..core.errors import ConfigError
        from ..core.settings import parse_size

        try:
            return parse_size(value, "size")
        except ConfigError as e:
            self.fail(str(e).split("=", 1)[-1], param, ctx)


def graph_options(verb: str) -> Callable[[F], F]:
    """Add ``--graph`` (use these files instead of the bundled graph) and ``--add`` (add them to it)."""

    def decorate(f: F) -> F:
        f = click.option("--add", "extra", multiple=True, type=InputFile(),
                         help="Add these RDF files to the bundled graph (repeatable).")(f)
        f = click.option("--graph", "files", multiple=True, type=InputFile(),
                         help=f"{verb} these RDF files instead of the bundled graph (repeatable).")(f)
        return f

    return decorate


def query_limit_options(f: F) -> F:
    """Add ``--timeout``, ``--allow-service``, ``--endpoint-method`` and ``--max-response`` (see the README's
    "Limits and safety")."""
    from ..core.settings import ENDPOINT_METHODS

    f = click.option("--max-response", type=Size(), metavar="SIZE", default=None,
                     help="With --endpoint: the largest answer read, e.g. 64M or 2G "
                          "[default: 128M, env B12KG_MAX_RESPONSE].")(f)
    f = click.option("--endpoint-method", type=click.Choice(ENDPOINT_METHODS), default="auto", show_default=True,
                     help="With --endpoint: how to send the query (auto: GET when it fits in a URL, else a "
                          "form POST).")(f)
    f = click.option("--allow-service", metavar="HOST", multiple=True,
                     help="Let SERVICE call this host (repeatable; '*' for any) [env B12KG_ALLOW_SERVICE].")(f)
    f = click.option("--timeout", type=Seconds(), default=None,
                     help="Stop the query after this many seconds [default: 60, env B12KG_QUERY_TIMEOUT].")(f)
    return f


def load_graph(files: tuple[str, ...], extra: tuple[str, ...], *, local: bool = False) -> KnowledgeGraph:
    """The graph the options name: the files, the bundled graph plus the added files, or the bundled graph
    (``local``: the user store of ``b12kg load`` when there is one)."""
    from ..graph import KnowledgeGraph

    if files:
        return KnowledgeGraph.from_files([*files, *extra])
    if extra:
        return KnowledgeGraph.from_files(list(extra), with_bundled=True)
    return KnowledgeGraph.local() if local else KnowledgeGraph.bundled()
