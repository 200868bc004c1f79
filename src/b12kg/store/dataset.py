"""A :class:`Dataset`: the sources of a graph and the Oxigraph store that holds them.

This is the small, typed description that the engines, checks and exporters work on (they never see
:class:`b12kg.KnowledgeGraph`, which is a facade over a dataset): ``sources`` (the files and their named
graphs), ``store`` (a :class:`pyoxigraph.Store`, on disk from the compiled cache or in memory) and
``rdflib_graph()`` (an rdflib view, built on first use, for pyshacl and rdflib's engine).

>>> ds = Dataset(bundled_sources(), cache=False)
>>> len(ds.store) > 1000
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..core.errors import GraphParseError
from ..core.prefixes import PREFIX_MAP
from .sources import GRAPHS, Source, bundled_sources, cache_default, inferred_default, oxigraph_format, syntax_message

if TYPE_CHECKING:
    import rdflib

__all__ = ["Dataset", "GraphData", "add_inferred"]


class GraphData(Protocol):
    """What checks and exporters need of a graph: its sources, its store and an rdflib view.

    :class:`Dataset` is one; so is :class:`b12kg.KnowledgeGraph`, which hands these on from its dataset.
    """

    @property
    def sources(self) -> list[Source]: ...

    @property
    def store(self) -> Any: ...

    @property
    def inferred(self) -> bool: ...

    def rdflib_graph(self, *, inferred: bool = False) -> rdflib.Graph: ...

#: queries answered from the on-disk compiled store before it is copied into memory (a cold CLI query
#: makes two: the query and its label lookup)
_PROMOTE_AFTER = 2


class Dataset:
    """The files of a graph and the Oxigraph store holding each in its named graph.

    ``cache`` compiles the sources once into an on-disk store in the user cache (see
    :mod:`b12kg.store.compiled`); ``store_path`` opens an existing on-disk store read-only (the user
    store of ``b12kg load``); otherwise the sources are parsed into memory on first use. ``inferred``
    adds the OWL RL closure in the ``inferred`` named graph.
    """

    def __init__(self, sources: Iterable[Source], *, cache: bool = False, inferred: bool = False,
                 store_path: Path | None = None) -> None:
        self.sources: list[Source] = list(sources)
        self.cache = cache
        self.inferred = inferred
        self.store_path = store_path
        self._store: Any = None
        self._on_disk = False  # the store is the compiled store of the cache, opened read-only
        self._queries = 0
        self._rdflib: dict[bool, rdflib.Graph] = {}

    @classmethod
    def bundled(cls, *, inferred: bool | None = None, cache: bool | None = None) -> Dataset:
        """The graph shipped with b12kg (see :meth:`b12kg.KnowledgeGraph.bundled`)."""
        return cls(bundled_sources(), cache=cache_default() if cache is None else cache,
                   inferred=inferred_default() if inferred is None else inferred)

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], *, with_bundled: bool = False) -> Dataset:
        """RDF files (in memory), optionally on top of the bundled graph (then in the ``external`` graph)."""
        base = cls.bundled().sources if with_bundled else []
        return cls(base + [Source(Path(p), "external" if with_bundled else "data") for p in paths])

    @property
    def store(self) -> Any:
        """The :class:`pyoxigraph.Store` holding every source in its named graph (opened or built on first use)."""
        if self._store is None:
            import pyoxigraph as ox

            if self.store_path is not None:
                self._store = ox.Store.read_only(str(self.store_path))
            elif self.cache:
                from . import compiled

                try:
                    self._store = compiled.compiled_store(self.sources, self.fill, inferred=self.inferred)
                    self._on_disk = True
                except compiled.CacheError as e:  # e.g. a read-only home: parse into memory instead
                    import warnings

                    warnings.warn(f"{e}; using an in-memory store", RuntimeWarning, stacklevel=2)
                    self.cache = False
            if self._store is None:
                store = ox.Store()
                self.fill(store)
                self._store = store
        return self._store

    def query_store(self) -> Any:
        """The store to run the next query on.

        Opening the compiled on-disk store read-only is what a one-shot ``b12kg query`` needs (no
        parsing); a program that runs many queries moves to an in-memory copy (about 3× faster per query)
        after the first few.
        """
        self._queries += 1
        store = self.store
        if self._on_disk and self._queries > _PROMOTE_AFTER:
            self._promote()
            store = self._store
        return store

    def _promote(self) -> None:
        import pyoxigraph as ox

        from .compiled import compiled_store_path, snapshot_path

        memory = ox.Store()
        snap = snapshot_path(compiled_store_path(self.sources, inferred=self.inferred))
        if snap is not None:
            memory.bulk_load(path=str(snap), format=ox.RdfFormat.N_QUADS)
        else:
            memory.bulk_extend(self._store.quads_for_pattern(None, None, None, None))
        self._store, self._on_disk = memory, False

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
                    store.bulk_load(path=str(src.path), format=oxigraph_format(src.path), to_graph=graph)
            except SyntaxError as e:
                raise GraphParseError(str(src.path), e.lineno, syntax_message(e)) from None
        if self.inferred:
            closure = _owlrl_closure(store)  # the asserted graphs are in: close over them
            if closure:
                add_inferred(store, closure)

    def rdflib_graph(self, *, inferred: bool = False) -> rdflib.Graph:
        """All sources merged into one :class:`rdflib.Graph`, with the project prefixes bound.

        The OWL RL closure (named graph ``inferred``) is left out unless ``inferred`` is true, so exports
        and validation see the asserted graph; the rdflib query backend uses ``inferred=True`` to see
        what Oxigraph sees.
        """
        import pyoxigraph as ox

        inferred_graph = ox.NamedNode(GRAPHS["inferred"])
        first_inferred = next(iter(self.store.quads_for_pattern(None, None, None, inferred_graph)), None)
        key = inferred and first_inferred is not None
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


def _owlrl_closure(store: Any) -> str:
    """N-Triples of the OWL RL closure, or "" (with a warning) when the reasoner fails."""
    from .closure import owlrl_closure_ntriples

    try:
        return owlrl_closure_ntriples(store)
    except Exception as e:  # a failing reasoner must not take querying down with it
        import warnings

        warnings.warn(f"OWL RL closure left out of the 'inferred' graph: {e}", RuntimeWarning, stacklevel=2)
        return ""


def add_inferred(store: Any, ntriples: str) -> int:
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
