"""The :class:`KnowledgeGraph`: load the bundled graph (or given files) and query, validate, export it.

>>> kg = KnowledgeGraph.bundled()
>>> r = kg.query("SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }")
>>> r.column("l")
['vitamin B12']
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import resources
from .catalog import NamedQuery, QueryCatalog
from .errors import GraphParseError, ParameterError
from .prefixes import PREFIX_MAP
from .prefixes import expand_fast as expand  # same answers as curies, without its import cost
from .results import QueryResult
from .terms import Term

if TYPE_CHECKING:
    import rdflib

    from .remote import SparqlEndpoint
    from .validation import ValidationReport

__all__ = ["BACKENDS", "GRAPHS", "KnowledgeGraph", "Source", "inferred_default"]

B12KG = PREFIX_MAP["b12kg"]
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

#: named graphs of the store, by kind of content
GRAPHS: dict[str, str] = {
    "ontology": B12KG + "graph/ontology",
    "imports": B12KG + "graph/imports",
    "data": B12KG + "graph/data",
    "mappings": B12KG + "graph/mappings",
    "inferred": B12KG + "graph/inferred",
    "external": B12KG + "graph/external",
}

_EXTENSIONS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig",
    ".owl": "rdfxml", ".rdf": "rdfxml", ".xml": "rdfxml", ".n3": "n3", ".jsonld": "jsonld",
}

Backend = Literal["oxigraph", "rdflib", "remote"]
BACKENDS: tuple[str, ...] = ("oxigraph", "rdflib", "remote")


@dataclass(frozen=True)
class Source:
    """A file of the graph and the named graph (kind) it goes into."""

    path: Path
    kind: str = "data"


def _oxigraph_format(path: Path) -> Any:
    import pyoxigraph as ox

    name = _EXTENSIONS.get(path.suffix.lower())
    table = {
        "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
        "trig": ox.RdfFormat.TRIG, "rdfxml": ox.RdfFormat.RDF_XML, "n3": ox.RdfFormat.N3,
        "jsonld": getattr(ox.RdfFormat, "JSON_LD", None),
    }
    fmt = table.get(name or "")
    if fmt is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise GraphParseError(str(path), None, f"unknown RDF file type {path.suffix!r}; known: {known}")
    return fmt


def inferred_default() -> bool:
    """Whether the bundled graph includes the OWL RL closure (env ``B12KG_INFERRED=0`` turns it off)."""
    return os.environ.get("B12KG_INFERRED", "1").strip().lower() not in ("0", "no", "false", "off")


def _cache_default() -> bool:
    return os.environ.get("B12KG_NO_CACHE", "").strip().lower() in ("", "0", "no", "false", "off")


class KnowledgeGraph:
    """The b12kg graph: ontology, imports, curated data and mappings, queried with SPARQL.

    Build it with :meth:`bundled` (the graph shipped with b12kg, compiled once into an on-disk Oxigraph
    store in the cache, see :mod:`b12kg.cache`), :meth:`local` (the bundled graph plus the files added
    with ``b12kg load``), :meth:`from_files` (an in-memory store) or :meth:`remote` (a SPARQL endpoint).
    Queries run on Oxigraph by default (``backend="rdflib"`` uses rdflib's engine, ``"remote"`` the
    endpoint); validation and export use an rdflib graph built on first use.
    """

    def __init__(
        self,
        sources: Iterable[Source],
        extra_triples: Iterable[tuple[str, Any]] = (),
        *,
        cache: bool = False,
        inferred: bool = False,
        store_path: Path | None = None,
        endpoint: SparqlEndpoint | None = None,
    ) -> None:
        self.sources: list[Source] = list(sources)
        self.cache = cache
        self.inferred = inferred
        self.store_path = store_path
        self.endpoint = endpoint
        self._store: Any = None
        self._on_disk = False  # the store is the compiled store of the cache, opened read-only
        self._oxigraph_queries = 0
        self._rdflib: dict[bool, rdflib.Graph] = {}
        self._catalog: QueryCatalog | None = None
        self._extra = list(extra_triples)

    @property
    def default_backend(self) -> Backend:
        """``remote`` for a graph made with :meth:`remote`, else ``oxigraph``."""
        return "remote" if self.endpoint is not None else "oxigraph"

    # -- construction ----------------------------------------------------------------------
    @staticmethod
    def bundled_sources() -> list[Source]:
        """The files of the bundled graph, each with its named graph."""
        sources = [Source(resources.ontology_file(), "ontology")]
        sources += [Source(p, "imports") for p in resources.import_files()]
        sources += [Source(p, "data") for p in resources.data_files()]
        sources += [Source(p, "mappings") for p in resources.mapping_files()]
        return sources

    @classmethod
    def bundled(cls, *, inferred: bool | None = None, cache: bool | None = None) -> KnowledgeGraph:
        """The graph shipped with b12kg: ontology, import modules, curated data and mappings.

        ``inferred`` adds the OWL RL closure (named graph ``inferred``) when
        :func:`b12kg.reasoning.owlrl_closure_ntriples` is available (default: on, env ``B12KG_INFERRED=0``
        turns it off). ``cache`` keeps the compiled store on disk (default: on, env ``B12KG_NO_CACHE=1``
        turns it off); without it the files are parsed into memory.
        """
        return cls(cls.bundled_sources(), cache=_cache_default() if cache is None else cache,
                   inferred=inferred_default() if inferred is None else inferred)

    @classmethod
    def local(cls) -> KnowledgeGraph:
        """The user store (bundled graph + files added with ``b12kg load``) if there is one, else the bundled.

        A user store built on an older bundled graph is refreshed first (its ``external`` graph is kept).
        """
        kg = cls.bundled()
        if not kg.cache:
            return kg
        from . import cache

        try:
            info = cache.user_store_info()
            if info is None:
                return kg
            current = cache.bundled_key(kg.sources, inferred=kg.inferred)
            if info.bundled_key != current or not info.db.is_dir():
                info = cache.refresh_user_store(kg)
        except cache.CacheError:
            return kg
        if info is None:
            return kg
        return cls(kg.sources, inferred=kg.inferred, store_path=info.db)

    @classmethod
    def remote(cls, url: str, *, default_graph: str | None = None, timeout: float = 60.0) -> KnowledgeGraph:
        """A graph served by a SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso…).

        >>> kg = KnowledgeGraph.remote("http://127.0.0.1:7878/query")
        >>> kg.default_backend
        'remote'
        """
        from .remote import SparqlEndpoint

        endpoint = SparqlEndpoint(url, default_graph=default_graph, timeout=timeout)
        return cls(cls.bundled_sources(), endpoint=endpoint)

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], *, with_bundled: bool = False) -> KnowledgeGraph:
        """A graph made of RDF files (Turtle, N-Triples, RDF/XML…), optionally on top of the bundled graph."""
        base = cls.bundled().sources if with_bundled else []
        return cls(base + [Source(Path(p), "data" if not with_bundled else "external") for p in paths])

    # -- stores ----------------------------------------------------------------------------
    @property
    def store(self) -> Any:
        """The :class:`pyoxigraph.Store` holding every source in its named graph.

        For :meth:`bundled` graphs it is the compiled store of the cache opened read-only (built on first
        use); for :meth:`from_files` an in-memory store parsed on first use.
        """
        if self._store is None:
            import pyoxigraph as ox

            if self.store_path is not None:
                self._store = ox.Store.read_only(str(self.store_path))
            elif self.cache:
                from . import cache

                try:
                    self._store = cache.compiled_store(self.sources, self.fill, inferred=self.inferred)
                    self._on_disk = True
                except cache.CacheError as e:  # e.g. a read-only home: parse into memory instead
                    import warnings

                    warnings.warn(f"{e}; using an in-memory store", RuntimeWarning, stacklevel=2)
                    self.cache = False
            if self._store is None:
                store = ox.Store()
                self.fill(store)
                self._store = store
        return self._store

    def fill(self, store: Any) -> None:
        """Load every source into ``store`` (a :class:`pyoxigraph.Store`), plus the OWL RL closure if on."""
        import pyoxigraph as ox

        for src in self.sources:
                graph = ox.NamedNode(GRAPHS.get(src.kind, GRAPHS["data"]))
                if not src.path.is_file():
                    raise GraphParseError(str(src.path), None, "no such file")
                try:
                    if src.path.name.endswith(".sssom.tsv"):
                        # mappings: SKOS triples generated from the SSSOM file (the one source of truth)
                        from .sssom import skos_ntriples

                        nt = skos_ntriples(src.path)
                        store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                    else:
                        store.bulk_load(path=str(src.path), format=_oxigraph_format(src.path), to_graph=graph)
                except SyntaxError as e:
                    raise GraphParseError(str(src.path), e.lineno, _syntax_message(e)) from None
        if self.inferred:
            closure = _owlrl_closure(KnowledgeGraph(self.sources))
            if closure:
                _add_inferred(store, closure)

    def rdflib_graph(self, *, inferred: bool = False) -> rdflib.Graph:
        """All sources merged into one :class:`rdflib.Graph`, with the project prefixes bound.

        The OWL RL closure (named graph ``inferred``) is left out unless ``inferred`` is true, so exports
        and validation see the asserted graph; the rdflib query backend uses ``inferred=True`` to see
        what Oxigraph sees.
        """
        import pyoxigraph as ox

        inferred_graph = ox.NamedNode(GRAPHS["inferred"])
        first_inferred = next(iter(self.store.quads_for_pattern(None, None, None, inferred_graph)), None)
        has_inferred = first_inferred is not None
        key = inferred and has_inferred
        if key not in self._rdflib:
            import rdflib

            triples = (ox.Triple(q.subject, q.predicate, q.object)
                       for q in self.store.quads_for_pattern(None, None, None, None)
                       if key or q.graph_name != inferred_graph)
            g = rdflib.Graph()
            for prefix, ns in PREFIX_MAP.items():
                g.bind(prefix, ns, override=True, replace=True)
            g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
            self._rdflib[key] = g
        return self._rdflib[key]

    @property
    def catalog(self) -> QueryCatalog:
        """The named queries (bundled ``queries/``)."""
        if self._catalog is None:
            self._catalog = QueryCatalog()
        return self._catalog

    # -- querying --------------------------------------------------------------------------
    def query(
        self,
        query: str | NamedQuery,
        params: Mapping[str, str] | None = None,
        *,
        backend: Backend | None = None,
        with_labels: bool = True,
    ) -> QueryResult:
        """Run a SPARQL query (text, or a :class:`NamedQuery`) with parameters bound safely.

        ``params`` maps a parameter name to its value (a CURIE, IRI or label for ``iri`` parameters).
        Values are bound as RDF terms, never pasted into the query text. Named queries fill
        missing parameters from their defaults; unknown names raise :class:`ParameterError`.

        >>> kg = KnowledgeGraph.bundled()
        >>> q = kg.catalog.get("about-concept")
        >>> len(kg.query(q, {"concept": "b12kg:muscle_spasm"})) > 0
        True
        """
        named = query if isinstance(query, NamedQuery) else None
        text = named.text if named else str(query)
        source = f"query {named.name!r}" if named else "the query"
        backend = backend or self.default_backend
        if backend not in BACKENDS:
            raise ParameterError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        bindings = self._bindings(named, params or {}, backend)
        if backend == "oxigraph":
            result = self._query_oxigraph(text, bindings, source)
        elif backend == "rdflib":
            result = self._query_rdflib(text, bindings, source)
        else:
            result = self._endpoint().query(text, bindings, source)
        if with_labels:
            iris = (t.value for row in result.rows for t in row if t is not None and t.is_iri)
            result.labels = self.labels(iris, backend="remote" if backend == "remote" else "oxigraph")
        return result

    def _endpoint(self) -> SparqlEndpoint:
        if self.endpoint is None:
            raise ParameterError("the remote backend needs an endpoint: use KnowledgeGraph.remote(URL) "
                                 "or 'b12kg query --endpoint URL'")
        return self.endpoint

    def run(self, name: str, params: Mapping[str, str] | None = None, **kwargs: Any) -> QueryResult:
        """Run the named query ``name`` (see ``b12kg queries``)."""
        return self.query(self.catalog.get(name), params, **kwargs)

    def labels(self, iris: Iterable[str], *, backend: Backend | None = None) -> dict[str, str]:
        """English labels (``rdfs:label``) of the given IRIs (the smallest one where there are several)."""
        wanted = sorted({i for i in iris if _SAFE_IRI.fullmatch(i)})
        if not wanted:
            return {}
        values = " ".join(f"<{i}>" for i in wanted)
        q = (f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}> ?l "
             'FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }')
        rows = self._label_rows(q, backend)
        out: dict[str, str] = {}
        for s, label in rows:
            if s is None or label is None or not s.is_iri:
                continue
            if s.value not in out or label.value < out[s.value]:
                out[s.value] = label.value
        return out

    def _label_rows(self, q: str, backend: Backend | None) -> list[tuple[Term | None, ...]]:
        if (backend or self.default_backend) == "remote":
            return self._endpoint().query(q, {}, "the label lookup").rows
        return self._query_oxigraph(q, {}, "the label lookup").rows

    def _bindings(
        self, named: NamedQuery | None, params: Mapping[str, str], backend: Backend
    ) -> dict[str, Term]:
        declared = {p.name: p for p in named.parameters} if named else {}
        if named:
            unknown = sorted(set(params) - set(declared))
            if unknown:
                valid = ", ".join(declared) or "none"
                raise ParameterError(
                    f"unknown parameter {unknown[0]!r} for query {named.name!r}; valid parameters: {valid}")
        out: dict[str, Term] = {}
        for name, value in params.items():
            kind = declared[name].kind if name in declared else "auto"
            out[name] = self._term_for(name, kind, value, backend)
        for p in declared.values():
            if p.name not in out:
                if p.default is None:
                    raise ParameterError(  # named is set: only named queries declare parameters
                        f"query {named.name!r} needs parameter {p.name!r} "  # type: ignore[union-attr]
                        f"({p.description or p.kind})")
                out[p.name] = self._term_for(p.name, p.kind, p.default, backend)
        return out

    def _term_for(self, name: str, kind: str, value: str, backend: Backend = "oxigraph") -> Term:
        if kind == "integer":
            if not value.strip().lstrip("-").isdigit():
                raise ParameterError(f"parameter {name!r} must be an integer, got {value!r}")
            return Term.literal(value.strip(), "http://www.w3.org/2001/XMLSchema#integer")
        if kind == "string":
            return Term.literal(value)
        if kind == "auto":  # inline queries: a CURIE or IRI binds as an IRI, "text"@lang as a tagged literal
            tagged = re.fullmatch(r'"(.*)"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)', value.strip(), re.S)
            if tagged:
                return Term.literal(tagged.group(1), language=tagged.group(2))
            try:
                looks_like_iri = ":" in value and " " not in value.strip()
                return Term.iri(expand(value)) if looks_like_iri else Term.literal(value)
            except ValueError:
                return Term.literal(value)
        # iri: a CURIE, an IRI, or the label of a concept
        if ":" in value and " " not in value.strip():
            try:
                return Term.iri(expand(value))
            except ValueError as e:
                raise ParameterError(f"parameter {name!r}: {e}") from None
        found = self._by_label(value, backend)
        if found is None:
            raise ParameterError(f"parameter {name!r}: no concept has the IRI, CURIE or label {value!r}")
        return Term.iri(found)

    def _by_label(self, label: str, backend: Backend = "oxigraph") -> str | None:
        synonym = "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"
        q = (f"SELECT ?s WHERE {{ ?s <{RDFS_LABEL}>|<{synonym}> ?l "
             "FILTER(lcase(str(?l)) = lcase(str(?v))) } "
             # b12kg concepts before imported terms
             f'ORDER BY (IF(STRSTARTS(STR(?s), "{B12KG}"), 0, 1)) ?s LIMIT 1')
        v = {"v": Term.literal(label.strip())}
        if backend == "remote":
            rows = self._endpoint().query(q, v, "the label lookup").rows
        else:
            rows = self._query_oxigraph(q, v, "the label lookup").rows
        return rows[0][0].value if rows and rows[0][0] is not None else None

    def _query_oxigraph(self, text: str, bindings: Mapping[str, Term], source: str) -> QueryResult:
        from .backends import oxigraph_query

        self._oxigraph_queries += 1
        if self._on_disk and self._oxigraph_queries > _PROMOTE_AFTER:
            self._promote()
        return oxigraph_query(self.store, text, bindings, source)

    def _promote(self) -> None:
        """Move from the compiled on-disk store to an in-memory copy (its N-Quads snapshot, ~15 ms).

        Opening the on-disk store read-only is what a one-shot ``b12kg query`` needs (no parsing); a
        program that runs many queries gets in-memory speed (about 3× faster per query) after the first few.
        """
        import pyoxigraph as ox

        from .cache import compiled_store_path, snapshot_path

        memory = ox.Store()
        snap = snapshot_path(compiled_store_path(self.sources, inferred=self.inferred))
        if snap is not None:
            memory.bulk_load(path=str(snap), format=ox.RdfFormat.N_QUADS)
        else:
            memory.bulk_extend(self._store.quads_for_pattern(None, None, None, None))
        self._store, self._on_disk = memory, False

    def _query_rdflib(self, text: str, bindings: Mapping[str, Term], source: str) -> QueryResult:
        from .backends import rdflib_query

        return rdflib_query(self.rdflib_graph(inferred=True), text, bindings, source)

    # -- validation, export, statistics ------------------------------------------------------
    def validate(self, *, inference: str = "none", shapes: Sequence[Path] | None = None) -> ValidationReport:
        """Validate the graph against the SHACL shapes (see :func:`b12kg.validation.validate`)."""
        from .validation import validate

        return validate(self, inference=inference, shapes=shapes)

    def serialize(self, format: str = "turtle") -> bytes:
        """The graph in an export format of :data:`b12kg.formats.EXPORT_FORMATS`."""
        from .formats import get_export_format

        return get_export_format(format).write(self)

    def export(self, format: str, path: str | Path) -> Path:
        """Write the graph in ``format`` to ``path`` atomically (a temporary file, then a rename)."""
        from .atomic import atomic_write

        return atomic_write(Path(path), self.serialize(format))

    def stats(self) -> dict[str, int]:
        """Counts of triples, classes, properties, individuals, curated edges and provenance records.

        Everything counts asserted triples (what :meth:`export` writes); ``inferred_triples`` counts the
        OWL RL closure added in the ``inferred`` graph.
        """
        asserted = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{GRAPHS['inferred']}>)"
        q = """
        SELECT
          (COUNT(*) AS ?triples)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:Class && isIRI(?s)
                                 && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?classes)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:ObjectProperty
                                 && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?object_properties)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:DatatypeProperty
                                 && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?data_properties)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:NamedIndividual, ?s, ?none)) AS ?individuals)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:Axiom, ?s, ?none)) AS ?provenance_records)
        WHERE { ASSERTED }""".replace("ASSERTED", asserted)
        row = next(iter(self.query(q, with_labels=False)))
        out = {k: int(v.value) if v else 0 for k, v in row.items()}
        edges = self.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {asserted} ?p a owl:ObjectProperty . "
            "?s a owl:NamedIndividual . ?o a owl:NamedIndividual . "
            "FILTER NOT EXISTS { ?s a b12kg:ComparisonEntry } "
            "FILTER NOT EXISTS { ?s a b12kg:SourceDocument } }",
            with_labels=False,
        )
        out["curated_edges"] = int(edges.rows[0][0].value) if edges.rows and edges.rows[0][0] else 0
        count_inferred = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPHS['inferred']}> {{ ?s ?p ?o }} }}"
        inferred = self.query(count_inferred, with_labels=False).rows
        out["inferred_triples"] = int(inferred[0][0].value) if inferred and inferred[0][0] else 0
        out["queries"] = len(self.catalog.names())
        return out


def _syntax_message(e: SyntaxError) -> str:
    """The parser's message without its location prefix (the caller reports the line), plus the column."""
    msg = str(e.msg if getattr(e, "msg", None) else e)
    if msg.startswith("Parser error") and ": " in msg:
        msg = msg.split(": ", 1)[1]
    return f"column {e.offset}: {msg}" if e.offset else msg


#: queries answered from the on-disk compiled store before it is copied into memory (a cold CLI query
#: makes two: the query and its label lookup)
_PROMOTE_AFTER = 2

_SAFE_IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")


def _owlrl_closure(kg: KnowledgeGraph) -> str:
    """N-Triples of the OWL RL closure from :mod:`b12kg.reasoning`, or "" when that is not available."""
    try:
        from .reasoning import owlrl_closure_ntriples  # type: ignore[attr-defined,unused-ignore]
    except (ImportError, AttributeError):
        return ""
    try:
        return str(owlrl_closure_ntriples(kg))
    except Exception as e:  # a failing reasoner must not take querying down with it
        import warnings

        warnings.warn(f"OWL RL closure left out of the 'inferred' graph: {e}", RuntimeWarning, stacklevel=2)
        return ""


def _add_inferred(store: Any, ntriples: str) -> int:
    """Add the closure triples that are not asserted already (and mention no blank node) to ``inferred``.

    The union default graph repeats a triple once per named graph holding it, so asserted triples are
    left out; blank-node labels of a separate parse cannot be matched to the store's, so those go too.
    Returns the number of triples added.
    """
    import pyoxigraph as ox

    graph = ox.NamedNode(GRAPHS["inferred"])
    new = []
    for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            continue
        if next(iter(store.quads_for_pattern(t.subject, t.predicate, t.object, None)), None) is None:
            new.append(ox.Quad(t.subject, t.predicate, t.object, graph))
    store.extend(new)
    return len(new)
