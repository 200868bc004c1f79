"""Typed errors of b12kg. Every error names what is wrong and where (file, line, node or name)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "B12kgError",
    "FormatError",
    "GraphParseError",
    "ParameterError",
    "QueryNotFoundError",
    "QuerySyntaxError",
]


class B12kgError(Exception):
    """Base class of every error raised by b12kg on bad input or a failed run."""


class GraphParseError(B12kgError):
    """An RDF file could not be parsed.

    >>> str(GraphParseError("data/x.ttl", 3, "unexpected end of file"))
    'data/x.ttl, line 3: unexpected end of file'
    """

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")


class QueryNotFoundError(B12kgError, KeyError):
    """A named query does not exist; ``suggestions`` holds the closest names."""

    def __init__(self, name: str, suggestions: Sequence[str]) -> None:
        self.name, self.suggestions = name, list(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no query named {name!r}.{hint} ('b12kg queries' lists them)")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class QuerySyntaxError(B12kgError):
    """A SPARQL query does not parse; the message shows where."""

    def __init__(self, source: str, message: str, query: str | None = None) -> None:
        self.source, self.message, self.query = source, message, query
        super().__init__(f"SPARQL syntax error in {source}: {message}{_pointer(query, message)}")


class ParameterError(B12kgError):
    """A query parameter is unknown, missing or has a bad value."""


class FormatError(B12kgError):
    """An unknown or unsuitable format was asked for."""


def _pointer(query: str | None, message: str) -> str:
    """Show the query line that a message of the form ``error at L:C`` points to."""
    import re

    m = re.search(r"at (\d+):(\d+)", message) or re.search(r"line:(\d+), col:(\d+)", message)  # oxigraph, rdflib
    if not query or not m:
        return ""
    line_no, col = int(m.group(1)), int(m.group(2))
    lines = query.splitlines()
    if not 1 <= line_no <= len(lines):
        return ""
    line = lines[line_no - 1]
    return f"\n  {line_no:>3} | {line}\n      | {' ' * max(col - 1, 0)}^"
