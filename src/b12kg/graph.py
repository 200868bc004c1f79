"""The :class:`KnowledgeGraph`: load the bundled graph (or given files) and query, validate, export it.

>>> kg = KnowledgeGraph.bundled()
>>> r = kg.query("SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }")
>>> r.column("l")
['vitamin B12']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import resources
from .catalog import NamedQuery, QueryCatalog
from .errors import GraphParseError, ParameterError, QuerySyntaxError
from .prefixes import PREFIX_MAP, expand
from .results import QueryResult
from .sparql import bind_values
from .terms import Term, from_oxigraph, from_rdflib, to_rdflib

if TYPE_CHECKING:
    import rdflib

    from .validation import ValidationReport

__all__ = ["GRAPHS", "KnowledgeGraph", "Source"]

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

Backend = Literal["oxigraph", "rdflib"]


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
        raise GraphParseError(str(path), None, f"unknown RDF file type {path.suffix!r}; known: {', '.join(sorted(_EXTENSIONS))}")
    return fmt


class KnowledgeGraph:
    """The b12kg graph: ontology, imports, curated data and mappings, queried with SPARQL.

    Build it with :meth:`bundled` (the graph shipped with the package) or :meth:`from_files`.
    Queries run on an in-memory Oxigraph store by default (``backend="rdflib"`` uses rdflib's engine);
    validation and export use an rdflib graph built on first use.
    """

    def __init__(self, sources: Iterable[Source], extra_triples: Iterable[tuple[str, Any]] = ()) -> None:
        self.sources: list[Source] = list(sources)
        self._store: Any = None
        self._rdflib: rdflib.Graph | None = None
        self._catalog: QueryCatalog | None = None
        self._extra = list(extra_triples)

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def bundled(cls) -> KnowledgeGraph:
        """The graph shipped with b12kg: ontology, import modules, curated data and mappings."""
        sources = [Source(resources.ontology_file(), "ontology")]
        sources += [Source(p, "imports") for p in resources.import_files()]
        sources += [Source(p, "data") for p in resources.data_files()]
        sources += [Source(p, "mappings") for p in resources.mapping_files()]
        return cls(sources)

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], *, with_bundled: bool = False) -> KnowledgeGraph:
        """A graph made of RDF files (Turtle, N-Triples, RDF/XML…), optionally on top of the bundled graph."""
        base = cls.bundled().sources if with_bundled else []
        return cls(base + [Source(Path(p), "data" if not with_bundled else "external") for p in paths])

    # -- stores ----------------------------------------------------------------------------
    @property
    def store(self) -> Any:
        """The :class:`pyoxigraph.Store` holding every source in its named graph (parsed on first use)."""
        if self._store is None:
            import pyoxigraph as ox

            store = ox.Store()
            for src in self.sources:
                graph = ox.NamedNode(GRAPHS.get(src.kind, GRAPHS["data"]))
                if not src.path.is_file():
                    raise GraphParseError(str(src.path), None, "no such file")
                try:
                    if src.path.name.endswith(".sssom.tsv"):
                        # mappings: SKOS triples generated from the SSSOM file (the one source of truth)
                        from .sssom import skos_ntriples

                        store.bulk_load(skos_ntriples(src.path), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                    else:
                        store.bulk_load(path=str(src.path), format=_oxigraph_format(src.path), to_graph=graph)
                except SyntaxError as e:
                    raise GraphParseError(str(src.path), e.lineno, _syntax_message(e)) from None
            self._store = store
        return self._store

    def rdflib_graph(self) -> rdflib.Graph:
        """All sources merged into one :class:`rdflib.Graph`, with the project prefixes bound."""
        if self._rdflib is None:
            import pyoxigraph as ox
            import rdflib

            triples = (ox.Triple(q.subject, q.predicate, q.object) for q in self.store.quads_for_pattern(None, None, None, None))
            g = rdflib.Graph()
            for prefix, ns in PREFIX_MAP.items():
                g.bind(prefix, ns, override=True, replace=True)
            g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
            self._rdflib = g
        return self._rdflib

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
        backend: Backend = "oxigraph",
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
        bindings = self._bindings(named, params or {})
        if backend == "oxigraph":
            result = self._query_oxigraph(text, bindings, source)
        elif backend == "rdflib":
            result = self._query_rdflib(text, bindings, source)
        else:
            raise ParameterError(f"unknown backend {backend!r}; choose oxigraph or rdflib")
        if with_labels:
            result.labels = self.labels(t.value for row in result.rows for t in row if t is not None and t.is_iri)
        return result

    def run(self, name: str, params: Mapping[str, str] | None = None, **kwargs: Any) -> QueryResult:
        """Run the named query ``name`` (see ``b12kg queries``)."""
        return self.query(self.catalog.get(name), params, **kwargs)

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """English labels (``rdfs:label``) of the given IRIs."""
        import pyoxigraph as ox

        wanted = sorted(set(iris))
        if not wanted:
            return {}
        values = " ".join(f"<{i}>" for i in wanted)
        q = (f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}> ?l "
             'FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }')
        out: dict[str, str] = {}
        for sol in self.store.query(q, use_default_graph_as_union=True):
            s, label = sol["s"], sol["l"]
            if isinstance(s, ox.NamedNode) and s.value not in out:
                out[s.value] = label.value
        return out

    def _bindings(self, named: NamedQuery | None, params: Mapping[str, str]) -> dict[str, Term]:
        declared = {p.name: p for p in named.parameters} if named else {}
        if named:
            unknown = sorted(set(params) - set(declared))
            if unknown:
                valid = ", ".join(declared) or "none"
                raise ParameterError(f"unknown parameter {unknown[0]!r} for query {named.name!r}; valid parameters: {valid}")
        out: dict[str, Term] = {}
        for name, value in params.items():
            kind = declared[name].kind if name in declared else "auto"
            out[name] = self._term_for(name, kind, value)
        for p in declared.values():
            if p.name not in out:
                if p.default is None:
                    raise ParameterError(f"query {named.name!r} needs parameter {p.name!r} ({p.description or p.kind})")  # type: ignore[union-attr]
                out[p.name] = self._term_for(p.name, p.kind, p.default)
        return out

    def _term_for(self, name: str, kind: str, value: str) -> Term:
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
                return Term.iri(expand(value)) if ":" in value and " " not in value.strip() else Term.literal(value)
            except ValueError:
                return Term.literal(value)
        # iri: a CURIE, an IRI, or the label of a concept
        if ":" in value and " " not in value.strip():
            try:
                return Term.iri(expand(value))
            except ValueError as e:
                raise ParameterError(f"parameter {name!r}: {e}") from None
        found = self._by_label(value)
        if found is None:
            raise ParameterError(f"parameter {name!r}: no concept has the IRI, CURIE or label {value!r}")
        return Term.iri(found)

    def _by_label(self, label: str) -> str | None:
        import pyoxigraph as ox

        q = (f"SELECT ?s WHERE {{ ?s <{RDFS_LABEL}>|<http://www.geneontology.org/formats/oboInOwl#hasExactSynonym> ?l "
             "FILTER(lcase(str(?l)) = lcase(str(?v))) } ORDER BY ?s LIMIT 1")
        for sol in self.store.query(bind_values(q, {"v": Term.literal(label.strip())}), use_default_graph_as_union=True):
            return str(sol["s"].value)
        return None

    def _query_oxigraph(self, text: str, bindings: Mapping[str, Term], source: str) -> QueryResult:
        import pyoxigraph as ox

        try:
            bound = bind_values(text, bindings)
        except ValueError as e:
            raise ParameterError(f"cannot bind parameters in {source}: {e}") from None
        try:
            res = self.store.query(bound, use_default_graph_as_union=True, prefixes=PREFIX_MAP)
        except SyntaxError as e:
            raise QuerySyntaxError(source, str(e), bound if bindings else text) from None
        if isinstance(res, ox.QueryBoolean):
            return QueryResult([], [], boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows = [tuple(from_oxigraph(sol[v]) for v in variables) for sol in res]
            return QueryResult(variables, rows)
        rows = [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in res]
        return QueryResult(["subject", "predicate", "object"], rows)

    def _query_rdflib(self, text: str, bindings: Mapping[str, Term], source: str) -> QueryResult:
        from rdflib.plugins.sparql import prepareQuery

        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items() if f"PREFIX {p}:" not in text)
        try:
            prepared = prepareQuery(prologue + text)
        except Exception as e:  # pyparsing raises its own exception types
            raise QuerySyntaxError(source, str(e), text) from None
        res = self.rdflib_graph().query(prepared, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
        if res.type == "ASK":
            return QueryResult([], [], boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            variables = [str(v) for v in (res.vars or [])]
            rows = [tuple(from_rdflib(r[i]) for i in range(len(variables))) for r in res]
            return QueryResult(variables, rows)
        rows = [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in res]  # type: ignore[misc]
        return QueryResult(["subject", "predicate", "object"], rows)

    # -- validation, export, statistics ------------------------------------------------------
    def validate(self, *, inference: str = "rdfs", shapes: Sequence[Path] | None = None) -> ValidationReport:
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
        """Counts of triples, classes, properties, individuals, curated edges and provenance records."""
        q = """
        SELECT
          (COUNT(*) AS ?triples)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:Class && isIRI(?s) && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?classes)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:ObjectProperty && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?object_properties)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:DatatypeProperty && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?data_properties)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:NamedIndividual, ?s, ?none)) AS ?individuals)
          (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:Axiom, ?s, ?none)) AS ?provenance_records)
        WHERE { ?s ?p ?o }"""
        row = next(iter(self.query(q, with_labels=False)))
        out = {k: int(v.value) if v else 0 for k, v in row.items()}
        edges = self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?p a owl:ObjectProperty . "
            "?s a owl:NamedIndividual . ?o a owl:NamedIndividual . "
            "FILTER NOT EXISTS { ?s a b12kg:ComparisonEntry } FILTER NOT EXISTS { ?s a b12kg:SourceDocument } }",
            with_labels=False,
        )
        out["curated_edges"] = int(edges.rows[0][0].value) if edges.rows and edges.rows[0][0] else 0
        out["queries"] = len(self.catalog.names())
        return out


def _syntax_message(e: SyntaxError) -> str:
    """The parser's message without its location prefix (the caller reports the line), plus the column."""
    msg = str(e.msg if getattr(e, "msg", None) else e)
    if msg.startswith("Parser error") and ": " in msg:
        msg = msg.split(": ", 1)[1]
    return f"column {e.offset}: {msg}" if e.offset else msg
