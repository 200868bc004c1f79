"""Layer 6, the facade: :class:`KnowledgeGraph` ties a dataset to the engines, checks and exports.

May import: :mod:`b12kg.core`, :mod:`b12kg.store`, :mod:`b12kg.queries`, :mod:`b12kg.checks`,
:mod:`b12kg.formats`.

>>> kg = KnowledgeGraph.bundled()
>>> r = kg.query("SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }")
>>> r.column("l")
['vitamin B12']
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .queries.catalog import NamedQuery, QueryCatalog
from .queries.run import BACKENDS, Backend, executor, run_query
from .store.dataset import Dataset
from .store.sources import GRAPHS, Source, bundled_sources, inferred_default

if TYPE_CHECKING:
    import rdflib

    from .checks.shacl import ValidationReport
    from .core.results import QueryResult
    from .queries.curated import CuratedGraph
    from .queries.differential import Differential
    from .queries.paths import ChainResult
    from .store.remote import SparqlEndpoint

__all__ = ["BACKENDS", "GRAPHS", "KnowledgeGraph", "Source", "inferred_default"]


class KnowledgeGraph:
    """The b12kg graph: ontology, imports, curated data and mappings, queried with SPARQL.

    Build it with :meth:`bundled` (the graph shipped with b12kg, compiled once into an on-disk Oxigraph
    store in the cache, see :mod:`b12kg.store.compiled`), :meth:`local` (the bundled graph plus the files
    added with ``b12kg load``), :meth:`from_files` (an in-memory store) or :meth:`remote` (a SPARQL
    endpoint). Queries run on Oxigraph by default (``backend="rdflib"`` uses rdflib's engine, ``"remote"``
    the endpoint); validation and export use an rdflib graph built on first use.

    Everything is done by the layers below: :class:`~b12kg.store.dataset.Dataset` holds the sources and
    the store, :mod:`b12kg.queries` runs queries, :mod:`b12kg.checks` validates, :mod:`b12kg.formats`
    exports.
    """

    def __init__(
        self,
        sources: Iterable[Source] | Dataset,
        *,
        cache: bool = False,
        inferred: bool = False,
        store_path: Path | None = None,
        endpoint: SparqlEndpoint | None = None,
    ) -> None:
        self.dataset = sources if isinstance(sources, Dataset) else Dataset(
            sources, cache=cache, inferred=inferred, store_path=store_path)
        self.endpoint = endpoint
        self._catalog: QueryCatalog | None = None
        self._curated: CuratedGraph | None = None

    # -- what the dataset holds -------------------------------------------------------------
    @property
    def sources(self) -> list[Source]:
        """The files of the graph, each with its named graph."""
        return self.dataset.sources

    @property
    def inferred(self) -> bool:
        """Whether the store holds the OWL RL closure (named graph ``inferred``)."""
        return self.dataset.inferred

    @property
    def store(self) -> Any:
        """The :class:`pyoxigraph.Store` holding every source in its named graph."""
        return self.dataset.store

    def rdflib_graph(self, *, inferred: bool = False) -> rdflib.Graph:
        """All sources merged into one :class:`rdflib.Graph` (see :meth:`Dataset.rdflib_graph`)."""
        return self.dataset.rdflib_graph(inferred=inferred)

    @property
    def default_backend(self) -> Backend:
        """``remote`` for a graph made with :meth:`remote`, else ``oxigraph``."""
        return "remote" if self.endpoint is not None else "oxigraph"

    @property
    def catalog(self) -> QueryCatalog:
        """The named queries (bundled ``queries/``)."""
        if self._catalog is None:
            self._catalog = QueryCatalog()
        return self._catalog

    # -- construction ----------------------------------------------------------------------
    @staticmethod
    def bundled_sources() -> list[Source]:
        """The files of the bundled graph, each with its named graph."""
        return bundled_sources()

    @classmethod
    def bundled(cls, *, inferred: bool | None = None, cache: bool | None = None) -> KnowledgeGraph:
        """The graph shipped with b12kg: ontology, import modules, curated data and mappings.

        ``inferred`` adds the OWL RL closure (named graph ``inferred``; default on, env
        ``B12KG_INFERRED=0`` turns it off). ``cache`` keeps the compiled store on disk (default: on, env
        ``B12KG_NO_CACHE=1`` turns it off); without it the files are parsed into memory.
        """
        return cls(Dataset.bundled(inferred=inferred, cache=cache))

    @classmethod
    def local(cls) -> KnowledgeGraph:
        """The user store (bundled graph + files added with ``b12kg load``) if there is one, else the bundled.

        A user store built on an older bundled graph is refreshed first (its ``external`` graph is kept).
        """
        from .store.userstore import local_dataset

        return cls(local_dataset())

    @classmethod
    def remote(cls, url: str, *, default_graph: str | None = None, timeout: float | None = None,
               max_bytes: int | None = None, method: str = "auto") -> KnowledgeGraph:
        """A graph served by a SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso…).

        ``timeout`` is the total time one request may take (default ``B12KG_ENDPOINT_TIMEOUT``, 60 s),
        ``max_bytes`` the largest response read (default ``B12KG_MAX_RESPONSE``, 128 MiB), ``method`` the
        protocol form: ``auto`` (GET when the query fits in the URL, else a form POST), ``get``,
        ``post-form`` or ``post-direct`` (see :class:`~b12kg.store.remote.SparqlEndpoint`).

        >>> kg = KnowledgeGraph.remote("http://127.0.0.1:7878/query")
        >>> kg.default_backend
        'remote'
        """
        from .store.remote import SparqlEndpoint

        endpoint = SparqlEndpoint(url, default_graph=default_graph, timeout=timeout, max_bytes=max_bytes,
                                  method=method)
        return cls(bundled_sources(), endpoint=endpoint)

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], *, with_bundled: bool = False) -> KnowledgeGraph:
        """A graph made of RDF files (Turtle, N-Triples, RDF/XML…), optionally on top of the bundled graph."""
        return cls(Dataset.from_files(paths, with_bundled=with_bundled))

    # -- querying --------------------------------------------------------------------------
    def query(
        self,
        query: str | NamedQuery,
        params: Mapping[str, str] | None = None,
        *,
        backend: Backend | None = None,
        with_labels: bool = True,
        timeout: float | None = None,
        allow_service: Iterable[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query (text, or a :class:`NamedQuery`) with parameters bound safely.

        ``params`` maps a parameter name to its value (a CURIE, IRI or label for ``iri`` parameters).
        Values are bound as RDF terms, never pasted into the query text. Named queries fill
        missing parameters from their defaults; unknown names raise :class:`ParameterError`.

        The query is stopped after ``timeout`` seconds (default ``B12KG_QUERY_TIMEOUT``, 60) with
        :class:`~b12kg.core.errors.QueryTimeoutError`, and by Ctrl-C; ``SERVICE`` may call only the hosts
        in ``allow_service`` (default none, or ``B12KG_ALLOW_SERVICE``). SPARQL Update is refused.

        >>> kg = KnowledgeGraph.bundled()
        >>> q = kg.catalog.get("about-concept")
        >>> len(kg.query(q, {"concept": "b12kg:muscle_spasm"})) > 0
        True
        """
        return run_query(self.dataset, query, params, backend=backend or self.default_backend,
                         endpoint=self.endpoint, with_labels=with_labels, timeout=timeout,
                         allow_service=allow_service)

    def run(self, name: str, params: Mapping[str, str] | None = None, **kwargs: Any) -> QueryResult:
        """Run the named query ``name`` (see ``b12kg queries``); ``kwargs`` as for :meth:`query`."""
        if not isinstance(name, str):
            from .core.errors import ParameterError

            raise ParameterError(f"a query name is a string (see 'b12kg queries'), not {type(name).__name__}")
        return self.query(self.catalog.get(name), params, **kwargs)

    def labels(self, iris: Iterable[str], *, backend: Backend | None = None) -> dict[str, str]:
        """English labels (``rdfs:label``) of the given IRIs (the smallest one where there are several)."""
        from .queries.lookup import labels

        which = "remote" if (backend or self.default_backend) == "remote" else "oxigraph"
        return labels(executor(self.dataset, which, self.endpoint), iris)

    # -- validation, export, statistics ------------------------------------------------------
    def validate(self, *, inference: str = "none", shapes: str | Path | Sequence[str | Path] | None = None,
                 engine: str = "oxigraph") -> ValidationReport:
        """Validate the graph against the SHACL shapes (see :func:`b12kg.checks.shacl.validate`)."""
        from .checks.shacl import validate

        return validate(self.dataset, inference=inference, shapes=shapes, engine=engine)

    def serialize(self, format: str = "turtle") -> bytes:
        """The graph in an export format of :data:`b12kg.formats.registry.EXPORT_FORMATS`."""
        from .formats.registry import get_export_format

        if not isinstance(format, str):
            from .core.errors import FormatError

            raise FormatError(f"a format is a name such as 'turtle', not {type(format).__name__}")
        return get_export_format(format).write(self.dataset)

    def export(self, format: str, path: str | Path) -> Path:
        """Write the graph in ``format`` to ``path`` atomically (a temporary file, then a rename).

        Raises :class:`~b12kg.core.errors.OutputError` when ``path`` cannot be written (naming the reason:
        a folder, a read-only place, a full disk…).
        """
        from .core.files import atomic_write

        if not isinstance(path, (str, os.PathLike)):
            from .core.errors import OutputError

            raise OutputError(repr(path), "it is not a file path", "give a path such as b12kg.ttl")
        return atomic_write(Path(path), self.serialize(format))

    def stats(self) -> dict[str, int]:
        """Counts of triples, classes, properties, individuals, curated edges and provenance records.

        Everything counts asserted triples (what :meth:`export` writes); ``inferred_triples`` counts the
        OWL RL closure added in the ``inferred`` graph.
        """
        from .queries.stats import graph_stats

        out = graph_stats(executor(self.dataset, self.default_backend, self.endpoint))
        out["queries"] = len(self.catalog.names())
        return out

    # -- explaining: the differential, chains between concepts, diagrams ---------------------------------
    def curated(self) -> CuratedGraph:
        """The curated statements with their evidence (read once; see :mod:`b12kg.queries.curated`)."""
        if self._curated is None:
            from .queries.curated import CuratedGraph

            self._curated = CuratedGraph.load(executor(self.dataset, self.default_backend, self.endpoint))
        return self._curated

    def explain(self, symptoms: Iterable[str], context: Iterable[str] = ()) -> Differential:
        """Rank the causes of muscle spasms for some observations (see :mod:`b12kg.queries.differential`).

        >>> KnowledgeGraph.bundled().explain(["tingling"], ["vegan diet"]).causes[0].label
        'vitamin B12 deficiency'
        """
        from .queries.differential import explain

        return explain(executor(self.dataset, self.default_backend, self.endpoint), symptoms, context,
                       self.curated())

    def chains(self, source: str, target: str, **options: Any) -> ChainResult:
        """The chains of curated statements between two concepts named by label, synonym, CURIE or external ID
        (options of :func:`b12kg.queries.paths.find_chains`)."""
        from .queries.concepts import resolve
        from .queries.paths import find_chains

        run = executor(self.dataset, self.default_backend, self.endpoint)
        return find_chains(self.curated(), resolve(run, source), resolve(run, target), **options)

    def diagram(self, kind: str, name: str | None = None, *, fmt: str = "svg", layout: str = "grandalf") -> str:
        """The ``mechanism`` or ``schema`` picture, or ``concept`` NAME's neighbourhood, as SVG or DOT text."""
        from .core.errors import DiagramError
        from .formats import diagrams

        run = executor(self.dataset, self.default_backend, self.endpoint)
        if kind == "mechanism":
            drawing = diagrams.mechanism_drawing(self.curated())
        elif kind == "schema":
            drawing = diagrams.schema_drawing(run)
        elif kind == "concept" and name:
            from .queries.concepts import resolve

            drawing = diagrams.concept_drawing(self.curated(), resolve(run, name))
        else:
            raise DiagramError(f"unknown diagram {kind!r}; choose mechanism, schema or concept NAME")
        return diagrams.render(drawing, fmt, layout)
