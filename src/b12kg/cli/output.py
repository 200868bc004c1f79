"""What the commands write and say while they work: the format taken from the output file's extension, a
refusal to overwrite one of the command's own input files, a one-line summary on standard error after
every file written ("wrote 7,103 triples to b12kg.ttl"), progress lines for steps that take longer than a
second (plain lines, also when standard error is not a terminal, so they read well in logs), the width
that tables wrap to, and the ``--quiet``, ``--width`` and ``--no-wrap`` options.

Write errors (a read-only folder, a folder given as a file, a full disk) come from
:mod:`b12kg.core.files` as typed errors and are left to the command line's error handler.

>>> export_format_for("b12kg.ttl"), result_format_for("answers.csv")
('turtle', 'csv')
>>> plural(7103, "triple")
'7,103 triples'
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..core.errors import FormatError, ParameterError
from .terminal import table_width

if TYPE_CHECKING:
    from ..core.results import QueryResult
    from ..graph import KnowledgeGraph

__all__ = [
    "EXPORT_EXTENSIONS",
    "RDF_RESULT_FORMATS",
    "RESULT_EXTENSIONS",
    "Progress",
    "export_format_for",
    "export_summary",
    "file_summary",
    "plural",
    "quiet_option",
    "refuse_overwriting_inputs",
    "result_format_for",
    "result_rdf",
    "table_options",
    "table_width",
    "written",
]

F = TypeVar("F", bound=Callable[..., Any])

#: file extension -> export format (``b12kg export -o FILE`` without ``-f``); the longest match wins
EXPORT_EXTENSIONS: dict[str, str] = {
    ".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "jsonld", ".owl": "owl",
    ".rdf": "owl", ".xml": "owl", ".json": "obographs", ".sssom.tsv": "sssom",
}
#: file extension -> result format (``b12kg query -o FILE`` without ``-f``); RDF ones need a CONSTRUCT
RESULT_EXTENSIONS: dict[str, str] = {
    ".csv": "csv", ".tsv": "tsv", ".json": "json", ".txt": "table",
    ".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "jsonld", ".owl": "owl",
    ".rdf": "owl",
}
#: RDF formats a CONSTRUCT or DESCRIBE answer can be written in, with their Oxigraph names
RDF_RESULT_FORMATS: dict[str, str] = {
    "turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG", "jsonld": "JSON_LD",
    "owl": "RDF_XML",
}
_QUAD_FORMATS = {"nquads", "trig"}


def _by_extension(path: str, table: dict[str, str], what: str) -> str:
    name = Path(path).name.lower()
    for ext in sorted(table, key=len, reverse=True):
        if name.endswith(ext):
            return table[ext]
    known = ", ".join(sorted(table))
    raise FormatError(f"cannot tell the {what} format from the name {path!r}: give -f FORMAT, or a file "
                      f"ending in one of {known}")


def export_format_for(path: str) -> str:
    """The export format that a file name asks for (``b12kg.ttl`` → ``turtle``); :class:`FormatError` when
    the extension says nothing."""
    return _by_extension(path, EXPORT_EXTENSIONS, "export")


def result_format_for(path: str) -> str:
    """The result format that a file name asks for (``answers.csv`` → ``csv``)."""
    return _by_extension(path, RESULT_EXTENSIONS, "result")


def plural(n: int, noun: str) -> str:
    """``n`` with thousands separators and the noun in the right number."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# -- not overwriting an input -------------------------------------------------------------------------
def refuse_overwriting_inputs(output: str | None, kg: KnowledgeGraph | None = None,
                              inputs: Iterable[str | Path] = ()) -> None:
    """Raise :class:`ParameterError` when ``output`` is one of the files the command reads: a file of the
    graph (``--graph``, ``--add``, a bundled file) or one of ``inputs`` (e.g. ``--shapes``)."""
    if not output:
        return
    target = _real(output)
    named = [Path(p) for p in inputs] + ([s.path for s in kg.sources] if kg is not None else [])
    for p in named:
        if _real(p) == target:
            also = f" ({p})" if str(p) != output else ""
            raise ParameterError(f"refusing to overwrite {output}: this command reads it{also}; "
                                 "write the output to another file")


def _real(path: str | Path) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare as written
        return Path(path).absolute()


# -- summaries after writing ------------------------------------------------------------------------------
def written(message: str, quiet: bool) -> None:
    """Print the one-line summary of a write on standard error (unless ``quiet``)."""
    if not quiet:
        click.echo(message, err=True)


def export_summary(fmt: str, data: bytes) -> str:
    """What an export holds, counted in the bytes written: ``7,103 triples``, ``9,297 quads in 6 graphs``,
    ``512 nodes and 1,020 edges``, ``180 mappings``."""
    if fmt in RDF_RESULT_FORMATS:
        import pyoxigraph as ox

        quads = list(ox.parse(data, format=getattr(ox.RdfFormat, RDF_RESULT_FORMATS[fmt])))
        if fmt in _QUAD_FORMATS:
            graphs = {str(q.graph_name) for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
            return f"{plural(len(quads), 'quad')} in {plural(len(graphs), 'named graph')}"
        return plural(len(quads), "triple")
    if fmt == "obographs":
        import json

        graphs = json.loads(data).get("graphs", [])
        nodes = sum(len(g.get("nodes", [])) for g in graphs)
        edges = sum(len(g.get("edges", [])) for g in graphs)
        return f"{plural(nodes, 'node')} and {plural(edges, 'edge')}"
    lines = [ln for ln in data.decode("utf-8", "replace").splitlines() if ln.strip() and not ln.startswith("#")]
    if fmt == "sssom":
        return plural(max(len(lines) - 1, 0), "mapping")
    return plural(len(data), "byte")


def file_summary(path: Path) -> str:
    """One file of a several-file export with what it holds: ``nodes.tsv (512 nodes)``."""
    data = path.read_bytes()
    rows = len([ln for ln in data.splitlines() if ln.strip()])
    if path.suffix in (".tsv", ".csv"):
        rows -= 1  # the header
    noun = "node" if path.name.startswith("nodes") else "edge" if path.name.startswith("edges") else "line"
    return f"{path.name} ({plural(max(rows, 0), noun)})"


# -- RDF answers of CONSTRUCT queries -------------------------------------------------------------------
def result_rdf(result: QueryResult, fmt: str) -> bytes:
    """A CONSTRUCT or DESCRIBE answer as RDF (``turtle``, ``nt``, ``nquads``, ``trig``, ``jsonld``, ``owl``)
    with the project prefixes; a SELECT or ASK answer is refused with the formats that suit it."""
    import pyoxigraph as ox

    from ..core.prefixes import PREFIX_MAP
    from ..core.terms import to_oxigraph

    if result.boolean is not None or result.variables != ["subject", "predicate", "object"]:
        raise FormatError(f"a SELECT or ASK answer is a table, not RDF: write it as csv, tsv, json or table "
                          f"(the {fmt} format needs a CONSTRUCT or DESCRIBE query)")
    triples = [ox.Triple(*(to_oxigraph(t) for t in row)) for row in result.rows]  # type: ignore[arg-type]
    rdf_format = getattr(ox.RdfFormat, RDF_RESULT_FORMATS[fmt])
    prefixes = PREFIX_MAP if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    out = ox.serialize(triples, format=rdf_format, prefixes=prefixes) if prefixes else ox.serialize(
        triples, format=rdf_format)
    return out or b""


# -- progress -----------------------------------------------------------------------------------------------
class Progress:
    """Progress lines on standard error (``[  2.1s] writing b12kg-full.owl``) for the steps of a long command.

    A step's line is printed only when the step is still running after ``after`` seconds, so quick runs
    stay silent and slow ones say what they are doing. Lines are plain text (no bar, no carriage
    returns), the same on a terminal and in a log. ``quiet`` silences them.

    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(after=0, stream=out)
    >>> p.step("parsing"); time.sleep(0.2); p.done()
    >>> out.getvalue().split("] ")[1]
    'parsing\\n'
    """

    def __init__(self, *, quiet: bool = False, after: float = 1.0, stream: Any = None) -> None:
        self.quiet, self.after, self.stream = quiet, after, stream
        self.start = time.perf_counter()
        self._lock = threading.Lock()
        self._current = 0
        self._timer: threading.Timer | None = None

    def step(self, message: str) -> None:
        """A new step begins (the previous one ends)."""
        if self.quiet:
            return
        with self._lock:
            self._cancel()
            self._current += 1
            self._timer = threading.Timer(self.after, self._announce, (self._current, message))
            self._timer.daemon = True
            self._timer.start()

    __call__ = step

    def done(self) -> None:
        """The last step ended."""
        with self._lock:
            self._cancel()
            self._current += 1

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _announce(self, token: int, message: str) -> None:
        with self._lock:
            if token != self._current:
                return
            click.echo(f"[{time.perf_counter() - self.start:5.1f}s] {message}", err=True,
                       file=self.stream)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.done()


# -- options and the terminal ---------------------------------------------------------------------------------
def table_options(f: F) -> F:
    """``--width N``, ``--no-wrap`` and ``--no-ids`` for the commands that print tables."""
    f = click.option("--no-ids", "no_ids", is_flag=True,
                     help="Tables show labels only, without the CURIE beside each label.")(f)
    f = click.option("--no-wrap", "no_wrap", is_flag=True,
                     help="Keep each table row on one line (as wide as it needs).")(f)
    f = click.option("--width", type=click.IntRange(min=20), metavar="COLUMNS",
                     help="Wrap tables to this width (default: the terminal's, 80 when piped).")(f)
    return f


def quiet_option(f: F) -> F:
    """``-q/--quiet``: no summary or progress lines on standard error."""
    return click.option("-q", "--quiet", is_flag=True,
                        help="No summary or progress lines on standard error.")(f)


def emit(text: str, output: str | None, quiet: bool, what: str) -> None:
    """Print ``text``, or write it to ``output`` and say so on stderr (``wrote WHAT to OUTPUT``)."""
    if output:
        from ..core.files import atomic_write

        atomic_write(Path(output), text)
        written(f"wrote {what} to {output}", quiet)
    else:
        click.echo(text, nl=False)
