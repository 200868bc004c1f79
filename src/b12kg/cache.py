"""The on-disk cache of compiled stores, so that a cold ``b12kg query`` opens a ready Oxigraph store.

Two kinds of store live under :func:`cache_dir` (``platformdirs.user_cache_dir("b12kg")``, or the
folder named by the environment variable ``B12KG_CACHE_DIR``):

``stores/bundled-<key>/``
    The bundled graph (ontology, imports, data, mappings and, when available, the OWL RL closure in the
    ``inferred`` named graph) compiled once. ``<key>`` is a SHA-256 of the bytes of every input file,
    the b12kg and pyoxigraph versions, the code that generates triples (``sssom.py``, ``reasoning.py``)
    and the ``inferred`` switch: any change to any of them gives a new store. A store is built in a
    temporary folder beside it and renamed into place when complete, so readers never see a half-built
    store and two processes building at once cannot corrupt it (the loser of the race discards its copy).
    Readers open it with ``pyoxigraph.Store.read_only``.

``user/gen-*/``
    The *user store*: the bundled graph plus the files added with ``b12kg load`` (named graph
    ``external``). Each ``load`` writes a new generation (a RocksDB checkpoint of the previous one, then
    the new files streamed in with ``bulk_load``) and switches the pointer file ``user/CURRENT``
    atomically; ``b12kg load --reset`` removes it.

Nothing here imports rdflib, owlready2, pyshacl, curies or platformdirs on the read path.

>>> import os, tempfile
>>> os.environ["B12KG_CACHE_DIR"] = tempfile.mkdtemp()
>>> cache_dir().is_dir()
True
>>> del os.environ["B12KG_CACHE_DIR"]
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import B12kgError

if TYPE_CHECKING:
    from .graph import KnowledgeGraph, Source

__all__ = [
    "LOAD_FORMATS",
    "STORE_LAYOUT",
    "CacheError",
    "UserStoreInfo",
    "bundled_key",
    "cache_dir",
    "clear_cache",
    "compiled_store",
    "compiled_store_path",
    "load_files",
    "refresh_user_store",
    "reset_user_store",
    "snapshot_path",
    "user_store_info",
    "user_store_path",
]

#: bump when the layout of a compiled store changes
STORE_LAYOUT = 2
#: how long an unused compiled store of an older key is kept (seconds)
_KEEP_OLD = 3600.0
_GENERATORS = ("sssom.py", "reasoning.py")


class CacheError(B12kgError):
    """The cache folder cannot be used (not writable, damaged store…)."""


def cache_dir() -> Path:
    """The cache folder: ``$B12KG_CACHE_DIR`` or ``platformdirs.user_cache_dir("b12kg")`` (created).

    On Linux and macOS the platformdirs rule is applied directly (importing platformdirs costs ~10 ms
    on every cold query); ``tests/test_cache.py`` checks that both give the same folder.
    """
    env = os.environ.get("B12KG_CACHE_DIR", "").strip()
    path = Path(env).expanduser() if env else _default_cache_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _default_cache_dir() -> Path:
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "b12kg"
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg if xdg else os.path.expanduser("~/.cache")) / "b12kg"
    import platformdirs

    return Path(platformdirs.user_cache_dir("b12kg"))


# -- keys -----------------------------------------------------------------------------------------
def bundled_key(sources: Sequence[Source], *, inferred: bool) -> str:
    """The cache key of a compiled store: a hash of the input files' bytes and what turns them into triples.

    >>> from b12kg.graph import KnowledgeGraph
    >>> len(bundled_key(KnowledgeGraph.bundled().sources, inferred=False))
    32
    """
    import pyoxigraph

    from . import __version__

    h = _hasher()
    h.update(f"b12kg {__version__}\npyoxigraph {pyoxigraph.__version__}\nlayout {STORE_LAYOUT}\n".encode())
    h.update(f"inferred {bool(inferred)}\n".encode())
    for src in sources:
        data = src.path.read_bytes() if src.path.is_file() else b""
        h.update(f"{src.kind}\t{src.path.name}\t{len(data)}\n".encode())
        h.update(data)
    here = Path(__file__).resolve().parent
    for name in _GENERATORS:  # code that generates triples from the sources
        p = here / name
        if p.is_file():
            h.update(name.encode() + b"\n" + p.read_bytes())
    return str(h.hexdigest())


def _hasher() -> Any:
    """BLAKE2b from the interpreter's built-in module (``hashlib`` loads OpenSSL: ~2 ms per cold query)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python implementation
        from hashlib import blake2b
    return blake2b(digest_size=16)


# -- compiled (bundled) stores ----------------------------------------------------------------------
def compiled_store_path(sources: Sequence[Source], *, inferred: bool) -> Path:
    """The ``db`` folder of the compiled store of ``sources`` (which may not exist yet)."""
    return cache_dir() / "stores" / f"bundled-{bundled_key(sources, inferred=inferred)}" / "db"


def compiled_store(sources: Sequence[Source], fill: Callable[[Any], None], *, inferred: bool) -> Any:
    """Open the compiled store of ``sources`` read-only, building it first with ``fill(store)`` if needed.

    ``fill`` receives an empty on-disk :class:`pyoxigraph.Store` and loads every source into it.
    Raises :class:`CacheError` when the cache folder is not usable (callers fall back to memory).
    """
    import pyoxigraph as ox

    key = bundled_key(sources, inferred=inferred)
    try:
        stores = cache_dir() / "stores"
        final = stores / f"bundled-{key}"
        db = final / "db"
        if db.is_dir():
            try:
                return ox.Store.read_only(str(db))
            except OSError:  # damaged (e.g. disk full when it was copied): move it away and rebuild
                _discard(final)
        stores.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CacheError(f"cache folder not usable: {e}") from None
    try:

        def fill_compact(disk: Any) -> None:
            # parse into memory, then write the disk store in one bulk load: one file per index, which
            # makes the read-only open of a cold query cheaper than one set of files per source
            mem = ox.Store()
            fill(mem)
            disk.bulk_extend(mem.quads_for_pattern(None, None, None, None))

        _build(final, fill_compact, {"key": key, "kind": "bundled", "inferred": inferred,
                                     "sources": [[s.kind, str(s.path)] for s in sources]}, snapshot=True)
        _prune(stores, keep=final)
        return ox.Store.read_only(str(db))
    except OSError as e:
        raise CacheError(f"cannot write the compiled store in {stores}: {e}") from None


def _build(final: Path, fill: Callable[[Any], None], manifest: dict[str, Any], seed: Any = None,
           snapshot: bool = False) -> None:
    """Build a store folder (``db/`` + ``manifest.json``) in a temporary folder, then rename it to ``final``.

    ``seed`` (an on-disk store) is checkpointed into the new folder first (hard links, no parsing).
    ``snapshot`` also writes ``graph.nq``, the same quads as N-Quads (see :func:`snapshot_path`).
    """
    import shutil
    import tempfile

    import pyoxigraph as ox

    tmp = Path(tempfile.mkdtemp(prefix=f".build-{final.name}-", dir=final.parent))
    try:
        if seed is not None:
            seed.backup(str(tmp / "db"))
        store = ox.Store(str(tmp / "db"))
        fill(store)
        store.flush()
        store.optimize()
        if snapshot:
            store.dump(output=str(tmp / "graph.nq"), format=ox.RdfFormat.N_QUADS)
        manifest = {**manifest, "created": time.time(), "triples": len(store)}
        del store  # closes the database (releases its lock) before the folder moves
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / "db").is_dir():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process finished the same store first
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def snapshot_path(db: Path) -> Path | None:
    """The N-Quads snapshot beside a compiled store's ``db`` folder, if it has one.

    Loading it into an in-memory store takes about as long as opening ``db`` read-only (~15 ms for the
    bundled graph) and in-memory queries run ~3× faster, so a program running many queries moves to it.
    """
    p = db.parent / "graph.nq"
    return p if p.is_file() else None


def _discard(path: Path) -> None:
    """Move ``path`` out of the way atomically, then delete it."""
    import shutil
    import uuid

    trash = path.parent / f".trash-{uuid.uuid4().hex}"
    with contextlib.suppress(OSError):
        os.rename(path, trash)
        shutil.rmtree(trash, ignore_errors=True)


def _prune(stores: Path, keep: Path) -> None:
    """Delete compiled stores of other keys and abandoned build folders older than an hour."""
    now = time.time()
    for p in stores.iterdir():
        if p == keep:
            continue
        try:
            age = now - p.stat().st_mtime
        except OSError:
            continue
        if age > _KEEP_OLD and (p.name.startswith(("bundled-", ".build-", ".trash-"))):
            _discard(p)


def clear_cache() -> list[Path]:
    """Delete every compiled store and the user store; returns what was removed."""
    root = cache_dir()
    removed = []
    for name in ("stores", "user"):
        p = root / name
        if p.exists():
            _discard(p)
            removed.append(p)
    return removed


# -- the user store ----------------------------------------------------------------------------------
class UserStoreInfo:
    """What the user store holds: its folder, the bundled key it was built on and the loaded files.

    (A plain class: a dataclass costs ~1 ms to create at import, on every cold query.)
    """

    __slots__ = ("bundled_key", "files", "path", "triples")

    def __init__(self, path: Path, bundled_key: str, files: list[dict[str, Any]], triples: int) -> None:
        self.path, self.bundled_key, self.files, self.triples = path, bundled_key, files, triples

    def __repr__(self) -> str:
        return f"UserStoreInfo(path={self.path!r}, triples={self.triples}, files={len(self.files)})"

    @property
    def db(self) -> Path:
        return self.path / "db"


def _user_root() -> Path:
    return cache_dir() / "user"


def user_store_info() -> UserStoreInfo | None:
    """The current user store, or ``None`` when ``b12kg load`` was never run (or was reset)."""
    root = _user_root()
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
        manifest = json.loads((root / name / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return UserStoreInfo(root / name, str(manifest.get("bundled_key", "")), list(manifest.get("files", [])),
                         int(manifest.get("triples", 0)))


def user_store_path() -> Path | None:
    """The database folder of the current user store, if there is one."""
    info = user_store_info()
    return info.db if info and info.db.is_dir() else None


@contextlib.contextmanager
def user_store_lock() -> Iterator[None]:
    """Serialise writers of the user store (``fcntl.flock`` where available)."""
    root = _user_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+b") as fh:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory lock; the rename of CURRENT stays atomic
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def new_user_generation(fill: Callable[[Any], dict[str, Any]], seed: Any = None) -> UserStoreInfo:
    """Write a new generation of the user store with ``fill(store) -> manifest`` and make it current.

    Callers hold :func:`user_store_lock`. Older generations but the previous one are deleted
    (the previous one may still be open read-only by a running query).
    """
    import uuid

    root = _user_root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    final = root / name
    previous = user_store_info()

    def fill_and_describe(store: Any) -> None:
        manifest.update(fill(store))

    manifest: dict[str, Any] = {"kind": "user"}
    _build(final, fill_and_describe, manifest, seed)  # fill runs before _build writes the manifest
    _atomic_text(root / "CURRENT", name + "\n")
    keep = {name, previous.path.name if previous else ""}
    for p in root.iterdir():
        if p.name.startswith("gen-") and p.name not in keep:
            _discard(p)
    info = user_store_info()
    assert info is not None
    return info


def reset_user_store() -> bool:
    """Remove the user store; ``b12kg query`` then answers from the bundled graph. True if one existed."""
    root = _user_root()
    if not root.exists():
        return False
    with user_store_lock():
        existed = (root / "CURRENT").exists()
        with contextlib.suppress(FileNotFoundError):
            (root / "CURRENT").unlink()
        for p in root.iterdir():
            if p.name.startswith("gen-"):
                _discard(p)
    return existed


def _atomic_text(path: Path, text: str) -> None:
    from .atomic import atomic_write

    atomic_write(path, text)


# -- loading external files into the user store ------------------------------------------------------
#: file types ``b12kg load`` reads (by extension); ``.obo`` is converted to RDF/XML with fastobo first
LOAD_FORMATS: dict[str, str] = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "ntriples", ".owl": "rdfxml", ".rdf": "rdfxml",
    ".xml": "rdfxml", ".obo": "obo",
}
_EXTERNAL = "https://w3id.org/b12kg/graph/external"


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _Counting:
    """A binary reader that reports how many bytes were read (for the progress bar)."""

    def __init__(self, fh: Any, report: Callable[[int], None]) -> None:
        self._fh, self._report = fh, report

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._fh.read(size)
        if data:
            self._report(len(data))
        return data

    def readable(self) -> bool:
        return True


def obo_to_rdfxml(source: Path, target: Path) -> None:
    """Convert an OBO file to OWL in RDF/XML with ``fastobo`` (the OBO 1.4 → OWL mapping of fastobo-owl)."""
    from .errors import GraphParseError

    try:
        import fastobo  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise CacheError(f"{source}: loading OBO files needs the 'fastobo' package: "
                         "pip install 'b12kg[obo]'") from None
    try:
        doc = fastobo.load(str(source))
        fastobo.dump_owl(doc, str(target), format="rdf")
    except (SyntaxError, ValueError) as e:
        line = getattr(e, "lineno", None)
        raise GraphParseError(str(source), line, f"OBO conversion failed: {e}") from None


def _load_one(store: Any, path: Path, work: Path, progress: Callable[[int], None] | None) -> None:
    """Stream one file into the ``external`` graph of ``store`` (never building it in memory)."""
    import pyoxigraph as ox

    from .errors import GraphParseError

    kind = LOAD_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise GraphParseError(str(path), None, f"cannot load files of type {path.suffix!r}; "
                                               f"known: {', '.join(sorted(LOAD_FORMATS))}")
    source = path
    if kind == "obo":
        source = work / (path.stem + ".owl")
        obo_to_rdfxml(path, source)
        kind = "rdfxml"
        if progress is not None:  # the bar counts bytes of the OBO file: scale the converted file's
            scale, report = path.stat().st_size / max(source.stat().st_size, 1), progress
            progress = lambda n: report(round(n * scale))  # noqa: E731
    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
               "rdfxml": ox.RdfFormat.RDF_XML}
    fmt = formats[kind]
    graph = ox.NamedNode(_EXTERNAL)
    try:
        with open(source, "rb") as fh:
            reader = _Counting(fh, progress) if progress else fh
            store.bulk_load(reader, format=fmt, to_graph=graph, base_iri=source.resolve().as_uri())
    except SyntaxError as e:
        from .graph import _syntax_message

        raise GraphParseError(str(path), e.lineno, _syntax_message(e)) from None


def load_files(paths: Sequence[str | Path], *, reset: bool = False,
               progress: Callable[[int], None] | None = None) -> UserStoreInfo:
    """Add RDF/OBO files to the user store (bundled graph + named graph ``external``) and return it.

    Each file is streamed into the store with ``bulk_load``; files already loaded (same SHA-256) are
    skipped. ``reset`` starts again from the bundled graph alone. ``progress(n)`` is called with the
    number of bytes read as loading advances. The new store replaces the old one atomically.
    """
    from .errors import GraphParseError
    from .graph import KnowledgeGraph

    files = [Path(p) for p in paths]
    for f in files:
        if not f.is_file():
            raise GraphParseError(str(f), None, "no such file")
    kg = KnowledgeGraph.bundled(cache=True)
    base = kg.store
    key = bundled_key(kg.sources, inferred=kg.inferred)
    with user_store_lock():
        prev = None if reset else user_store_info()
        fresh = prev is None or prev.bundled_key != key or not prev.db.is_dir()
        known = {} if prev is None else {f["sha256"]: f for f in prev.files}
        todo: list[tuple[Path, str]] = []
        for f in files:
            digest = _sha256(f)
            if digest not in known and digest not in {d for _, d in todo}:
                todo.append((f, digest))

        def fill(store: Any) -> dict[str, Any]:
            if fresh and prev is not None:  # an older bundled graph: keep what the user loaded
                _copy_external(prev, store)
            import tempfile

            loaded = list(prev.files) if prev is not None else []
            with tempfile.TemporaryDirectory(prefix=".convert-", dir=_user_root()) as work:
                for f, digest in todo:
                    before = len(store)
                    _load_one(store, f, Path(work), progress)
                    loaded.append({"path": str(f.resolve()), "sha256": digest, "bytes": f.stat().st_size,
                                   "triples": len(store) - before})
            if todo or fresh:
                _dedupe_external(store)
            return {"bundled_key": key, "files": loaded}

        if not todo and not fresh and prev is not None:
            return prev
        seed = base if fresh else KnowledgeGraph(kg.sources, store_path=prev.db).store  # type: ignore[union-attr]
        return new_user_generation(fill, seed)


def _dedupe_external(store: Any) -> int:
    """Remove from ``external`` the triples that a bundled graph already holds (e.g. the HP terms of the
    import modules when the whole HP is loaded): the union default graph that queries see repeats a
    triple once per named graph holding it. Returns how many were removed."""
    import pyoxigraph as ox

    external = ox.NamedNode(_EXTERNAL)
    twins = []
    for q in store.quads_for_pattern(None, None, None, None):
        if q.graph_name == external or ox.BlankNode in (type(q.subject), type(q.object)):
            continue
        twin = ox.Quad(q.subject, q.predicate, q.object, external)
        if twin in store:
            twins.append(twin)
    for twin in twins:
        store.remove(twin)
    return len(twins)


def _copy_external(prev: UserStoreInfo, store: Any) -> None:
    import pyoxigraph as ox

    old = ox.Store.read_only(str(prev.db))
    graph = ox.NamedNode(_EXTERNAL)
    store.bulk_extend(old.quads_for_pattern(None, None, None, graph))


def refresh_user_store(kg: KnowledgeGraph) -> UserStoreInfo | None:
    """Rebuild the user store on the current bundled graph, keeping its ``external`` graph."""
    if user_store_info() is None:
        return None
    return load_files([])
