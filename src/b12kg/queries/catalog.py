"""Named SPARQL queries: ``queries/*.rq`` files with a header comment giving title, description and
parameters, and an expected answer in ``queries/expected/<name>.tsv``.

Header syntax (comment lines before the query)::

    # title: Symptoms of B12 deficiency by kind
    # description: Each symptom of vitamin B12 deficiency with its kind.
    # param: concept iri default=b12kg:muscle_spasm -- the concept to describe (CURIE, IRI or label)
    # requires: imports

``# requires:`` names the named graphs, beyond the ontology and the curated data, that the answer reads
(``imports``, ``mappings``); a release file without them (``b12kg-base``) cannot give that answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..core.errors import QueryFileError, QueryNotFoundError, shorten
from ..core.resources import queries_dir
from .cold import header_fields, is_query_name, requires_fields

__all__ = ["NamedQuery", "Parameter", "QueryCatalog", "parse_header", "parse_requires"]

ParamKind = Literal["iri", "string", "integer"]


@dataclass(frozen=True)
class Parameter:
    """A query parameter: the SPARQL variable ``?name`` bound to a value of ``kind``."""

    name: str
    kind: ParamKind
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A query of the catalog."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    path: Path | None = None
    #: named graphs beyond ``ontology`` and ``data`` that the answer reads (``# requires:`` header)
    requires: tuple[str, ...] = field(default_factory=tuple)

    @property
    def expected_path(self) -> Path | None:
        """The file holding the expected answer (TSV of CURIEs and literal values), if any."""
        if self.path is None:
            return None
        p = self.path.parent / "expected" / f"{self.name}.tsv"
        return p if p.is_file() else None

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def parse_header(text: str) -> tuple[str, str, tuple[Parameter, ...]]:
    """Read title, description and parameters from the leading comment lines of a query.

    >>> parse_header("# title: T\\n# description: D\\n# param: x iri default=b12kg:a -- what\\nSELECT")
    ('T', 'D', (Parameter(name='x', kind='iri', default='b12kg:a', description='what'),))
    """
    title, description, fields = header_fields(text)  # a bad '# param:' line is a ValueError
    params = [Parameter(name, kind, default, text)  # type: ignore[arg-type]  # kind is one of ParamKind
              for name, kind, default, text in fields]
    return title, description, tuple(params)


class QueryCatalog:
    """The named queries of a folder (by default the bundled ``queries/``).

    >>> cat = QueryCatalog()
    >>> "symptoms-by-kind" in cat.names()
    True
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or queries_dir()
        self._queries: dict[str, NamedQuery] | None = None

    def _load(self) -> dict[str, NamedQuery]:
        if self._queries is None:
            found: dict[str, NamedQuery] = {}
            for path in sorted(self.directory.glob("*.rq")):
                found[path.stem] = load_query_file(path)
            self._queries = found
        return self._queries

    def names(self) -> list[str]:
        """The names of the queries, sorted."""
        return list(self._load())

    def __iter__(self) -> Iterator[NamedQuery]:
        return iter(self._load().values())

    def __contains__(self, name: object) -> bool:
        return name in self._load()

    def get(self, name: str) -> NamedQuery:
        """The query called ``name``; raises :class:`QueryNotFoundError` with the closest names.

        Only that query's file is read when the catalog has not been listed yet (a cold ``b12kg query``).
        """
        if self._queries is None and isinstance(name, str) and is_query_name(name):
            import os

            try:
                listed = f"{name}.rq" in os.listdir(self.directory)  # the exact name, on any file system
            except OSError:
                listed = False
            if listed:
                return load_query_file(self.directory / f"{name}.rq")
        queries = self._load()
        if name in queries:
            return queries[name]
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
        close += [n for n in queries if name and name in n and n not in close][: 3 - len(close)]
        raise QueryNotFoundError(name, close)


def load_query_file(path: Path) -> NamedQuery:
    """Read a ``.rq`` file into a :class:`NamedQuery` (the name is the file stem).

    Raises :class:`QueryFileError` naming the file when it is not a readable regular file, not UTF-8 text
    or has a bad ``# param:`` header line.
    """
    from ..core.files import not_a_readable_file

    problem = not_a_readable_file(Path(path))
    if problem is not None:
        raise QueryFileError(f"query file {path}: {problem}")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        line = e.object[:e.start].count(b"\n") + 1
        raise QueryFileError(f"query file {path}, line {line}: not UTF-8 text (byte 0x{e.object[e.start]:02X}); "
                             "save it as UTF-8") from None
    except OSError as e:
        raise QueryFileError(f"query file {path}: cannot be read ({e.strerror})") from None
    try:
        title, description, params = parse_header(text)
    except ValueError as e:
        raise QueryFileError(f"query file {path}: {shorten(str(e), 300)}") from None
    return NamedQuery(Path(path).stem, text, title, description, params, Path(path), parse_requires(text))


def parse_requires(text: str) -> tuple[str, ...]:
    """The graph kinds named by ``# requires:`` lines of a query header, sorted.

    >>> parse_requires("# title: T\\n# requires: mappings imports\\nSELECT")
    ('imports', 'mappings')
    """
    return requires_fields(text)
