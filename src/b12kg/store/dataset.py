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

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..core.errors import CacheError, EngineCrashError, GraphParseError, QueryTimeoutError, StoreDamagedError
from ..core.prefixes import PREFIX_MAP
from .sources import (
    GRAPHS,
    Source,
    bundled_sources,
    cache_default,
    check_readable,
    inferred_default,
    oxigraph_format,
    syntax_message,
)

if TYPE_CHECKING:
    import rdflib

    from ..core.bounded import Worker
    from ..core.results import QueryResult
    from ..core.terms import Term

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

#: bounded queries a program runs on the compiled store before moving to an in-memory copy of it
_COPY_AFTER = 3


class Dataset:
    """The files of a graph and the Oxigraph store holding each in its named graph.

    ``cache`` compiles the sources once into an on-disk store in the user cache (see
    :mod:`b12kg.store.compiled`); ``store_path`` opens an existing on-disk store read-only (the user
    store of ``b12kg load``; ``repair(reason, store_path)`` rebuilds it and returns its new path when it
    turns out to be damaged); otherwise the sources are parsed into memory on first use. ``inferred`` adds the OWL RL
    closure in the ``inferred`` named graph.

    Queries go through :meth:`query`, which bounds them in time (see :mod:`b12kg.core.bounded`) and
    rebuilds a damaged on-disk store once (with a notice) before giving up with a
    :class:`~b12kg.core.errors.CacheError` that says what to do.
    """

    def __init__(self, sources: Iterable[Source], *, cache: bool = False, inferred: bool = False,
                 store_path: Path | None = None, repair: Callable[[str, Path], Path] | None = None) -> None:
        self.sources: list[Source] = list(sources)
        self.cache = cache
        self.inferred = inferred
        self.store_path = store_path
        self._repair_user = repair
        self._store: Any = None
        self._read_only = False  # an on-disk store opened read-only: it cannot change while open
        self._folder: Path | None = None  # the store folder of that on-disk store
        self._worker: Worker | None = None
        self._fast: Any = None  # the private in-memory copy of the compiled store (see _query_store)
        self._queries = 0
        self._rdflib: dict[bool, rdflib.Graph] = {}

    @classmethod
    def bundled(cls, *, inferred: bool | None = None, cache: bool | None = None) -> Dataset:
        """The graph shipped with b12kg (see :meth:`b12kg.KnowledgeGraph.bundled`)."""
        return cls(bundled_sources(), cache=cache_default() if cache is None else cache,
                   inferred=inferred_default() if inferred is None else inferred)

    @classmethod
    def from_files(cls, paths: Sequence[str | Path], *, with_bundled: bool = False) -> Dataset:
        """RDF files (in memory), optionally on top of the bundled graph (then in the ``external`` graph).

        ``paths`` is a list of paths (one path alone is taken as a list of one).
        """
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        if not isinstance(paths, Iterable):
            raise GraphParseError(repr(paths), None, "is not a list of file paths")
        files = []
        for p in paths:
            if not isinstance(p, (str, os.PathLike)):
                raise GraphParseError(repr(p), None, "is not a file path; give paths of RDF files")
            files.append(Path(p))
        base = cls.bundled().sources if with_bundled else []
        return cls(base + [Source(p, "external" if with_bundled else "data") for p in files])

    @property
    def store(self) -> Any:
        """The :class:`pyoxigraph.Store` holding every source in its named graph (opened or built on first use)."""
        if self._store is None:
            self._open()
        return self._store

    @property
    def store_folder(self) -> Path | None:
        """The verified folder of the on-disk store (``None`` for an in-memory one); opens the store."""
        _ = self.store
        return self._folder

    def release_store(self) -> Any:
        """Forget the store (opened again on next use) and return it: once the caller drops it too, an
        on-disk store is closed and its memory returned (``b12kg load`` before ``bulk_load``)."""
        store = self.store
        self._stop_worker()
        self._store, self._fast, self._queries, self._rdflib = None, None, 0, {}
        return store

    def _open(self, damaged: str | None = None) -> None:
        """Open (or, for ``damaged`` with that reason, rebuild) the store."""
        import pyoxigraph as ox

        from . import compiled

        self._stop_worker()
        self._fast, self._queries = None, 0
        if self.store_path is not None:
            store, problem = compiled.open_verified(self.store_path.parent) if damaged is None else (None, damaged)
            if store is None:
                if self._repair_user is None:
                    raise CacheError(f"the store in {self.store_path.parent} is damaged ({problem}); "
                                     "'b12kg cache clear' removes it")
                self.store_path = self._repair_user(problem or "damaged", self.store_path)
                store, problem = compiled.open_verified(self.store_path.parent)
                if store is None:
                    raise CacheError(f"the store in {self.store_path.parent} is still damaged after a rebuild "
                                     f"({problem}); check the disk, or run 'b12kg cache clear'")
            self._store, self._read_only, self._folder = store, True, self.store_path.parent
            return
        if self.cache:
            try:
                self._store, self._folder = compiled.open_compiled(self.sources, self.fill, inferred=self.inferred,
                                                                   rebuild=damaged)
                self._read_only = True
                return
            except CacheError as e:  # e.g. a read-only home: parse into memory instead
                import warnings

                warnings.warn(f"{e}; using an in-memory store", RuntimeWarning, stacklevel=3)
                self.cache = False
        store = ox.Store()
        self.fill(store)
        self._store, self._read_only = store, False

    def query(self, text: str, bindings: Mapping[str, Term], source: str, *, engine: str = "oxigraph",
              timeout: float | None = None, allow_service: Iterable[str] | None = None,
              bounded: bool = True) -> QueryResult:
        """Run a SPARQL query on ``engine`` (``oxigraph`` or ``rdflib``) over this dataset.

        ``bounded`` runs it under ``timeout`` seconds (default ``B12KG_QUERY_TIMEOUT``, 60) in a place where
        it can be stopped, also by Ctrl-C; b12kg's own short lookups pass ``bounded=False``. ``allow_service``
        names the hosts that ``SERVICE`` may call (default ``B12KG_ALLOW_SERVICE``).
        """
        from functools import partial

        from ..core.bounded import run_bounded
        from ..core.settings import allowed_service_hosts, query_timeout
        from ..core.sparql import check_query
        from .engines import oxigraph_query, rdflib_query

        allow = tuple(allowed_service_hosts() if allow_service is None else allow_service)
        limit = query_timeout() if timeout is None else timeout
        args = (text, dict(bindings), source, allow)
        check_query(text, allow_service=allow)  # before anything is opened, built or forked
        if engine == "rdflib":
            graph = self.rdflib_graph(inferred=True)  # built here, so that a child process sees it
            run = partial(_call, rdflib_query, graph)
            return run_bounded(run, args, timeout=limit) if bounded else run(*args)
        for attempt in (1, 2):
            try:
                store = self._query_store()
                if not bounded:
                    return oxigraph_query(store, text, bindings, source, allow_service=allow)
                if self._read_only and self._worker is None:
                    from ..core.bounded import Worker

                    self._worker = Worker(partial(_call, oxigraph_query, store))
                return run_bounded(partial(_call, oxigraph_query, store), args, timeout=limit,
                                   worker=self._worker, on_timeout=self._damage_check if self._read_only else None)
            except (StoreDamagedError, QueryTimeoutError, EngineCrashError, OSError, RuntimeError) as e:
                if isinstance(e, (OSError, RuntimeError)) and not _damaged(e):
                    raise
                damage = self._damage_check() if self._read_only else None
                if damage is None and not isinstance(e, (StoreDamagedError, OSError, RuntimeError)):
                    raise  # a slow or crashing query on a sound store
                if attempt == 2 or not self._read_only:
                    raise CacheError(f"the on-disk store is damaged ({damage or e}) and rebuilding it did not help; "
                                     "run 'b12kg cache clear', or set B12KG_NO_CACHE=1") from None
                self._open(damaged=damage or str(e))
        raise AssertionError("unreachable")

    def _query_store(self) -> Any:
        """The store queries run on: :attr:`store`, or — in a program (not a one-shot command) that has run a
        few queries on the compiled bundled store — a private in-memory copy of it, about 3× faster per query.

        The copy is read from the verified store (never from another file) and is never handed out, so the
        worker process forked from it cannot go stale.
        """
        store = self.store
        if self._fast is not None:
            return self._fast
        self._queries += 1
        if not (self.cache and self._read_only and self.store_path is None) or self._queries <= _COPY_AFTER:
            return store
        from ..core.bounded import cli_mode

        if cli_mode():
            return store  # a one-shot command never copies the store
        import pyoxigraph as ox

        fast = ox.Store()
        fast.bulk_extend(store.quads_for_pattern(None, None, None, None))
        self._stop_worker()  # the next bounded query forks a worker that holds the copy
        self._fast = fast
        return fast

    def _damage_check(self) -> str | None:
        """Hash the on-disk store's files after a failed query: what is damaged (marked so), or ``None``."""
        from .cold import damage_report

        if self._folder is None:
            return None
        return damage_report(os.fspath(self._folder))

    def _stop_worker(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def fill(self, store: Any) -> None:
        """Load every source into ``store`` (a :class:`pyoxigraph.Store`), plus the OWL RL closure if on."""
        import pyoxigraph as ox

        for src in self.sources:
            graph = ox.NamedNode(GRAPHS.get(src.kind, GRAPHS["data"]))
            check_readable(src.path)
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
            except (OSError, ValueError) as e:
                raise GraphParseError(str(src.path), None, f"cannot be read: {e}") from None
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
        for attempt in (1, 2):
            try:
                return self._rdflib_graph(inferred)
            except (OSError, RuntimeError) as e:  # a damaged on-disk store: rebuild it once
                from .engines import DAMAGE_SIGNS

                if attempt == 2 or not self._read_only or not any(sign in str(e) for sign in DAMAGE_SIGNS):
                    raise
                self._open(damaged=str(e))
        raise AssertionError("unreachable")

    def _rdflib_graph(self, inferred: bool) -> rdflib.Graph:
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


def _damaged(e: BaseException) -> bool:
    from .engines import DAMAGE_SIGNS

    return any(sign in str(e) for sign in DAMAGE_SIGNS)


def _call(engine: Callable[..., QueryResult], target: Any, text: str, bindings: Mapping[str, Term], source: str,
          allow: tuple[str, ...]) -> QueryResult:
    return engine(target, text, bindings, source, allow_service=allow)
