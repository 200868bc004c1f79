"""The user store: the bundled graph plus the files added with ``b12kg load`` (named graph ``external``).

It lives in ``user/gen-*/`` under :func:`b12kg.store.compiled.cache_dir`. Each ``load`` writes a new
generation (a RocksDB checkpoint of the previous one, then the new files streamed in with
``bulk_load``) and switches the pointer file ``user/CURRENT`` atomically; ``b12kg load --reset``
removes it.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..core.errors import CacheError, GraphParseError
from .compiled import build_folder, bundled_key, cache_dir, discard
from .dataset import Dataset
from .sources import GRAPHS, syntax_message

__all__ = [
    "LOAD_FORMATS",
    "UserStoreInfo",
    "load_files",
    "local_dataset",
    "refresh_user_store",
    "reset_user_store",
    "user_store_info",
    "user_store_path",
]


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
    build_folder(final, fill_and_describe, manifest, seed)  # fill runs before _build writes the manifest
    _atomic_text(root / "CURRENT", name + "\n")
    keep = {name, previous.path.name if previous else ""}
    for p in root.iterdir():
        if p.name.startswith("gen-") and p.name not in keep:
            discard(p)
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
                discard(p)
    return existed


def _atomic_text(path: Path, text: str) -> None:
    from ..core.files import atomic_write

    atomic_write(path, text)


# -- loading external files into the user store ------------------------------------------------------
#: file types ``b12kg load`` reads (by extension); ``.obo`` is converted to RDF/XML with fastobo first
LOAD_FORMATS: dict[str, str] = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "ntriples", ".owl": "rdfxml", ".rdf": "rdfxml",
    ".xml": "rdfxml", ".obo": "obo",
}
_EXTERNAL = GRAPHS["external"]


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
        raise GraphParseError(str(path), e.lineno, syntax_message(e)) from None


def load_files(paths: Sequence[str | Path], *, reset: bool = False,
               progress: Callable[[int], None] | None = None) -> UserStoreInfo:
    """Add RDF/OBO files to the user store (bundled graph + named graph ``external``) and return it.

    Each file is streamed into the store with ``bulk_load``; files already loaded (same SHA-256) are
    skipped. ``reset`` starts again from the bundled graph alone. ``progress(n)`` is called with the
    number of bytes read as loading advances. The new store replaces the old one atomically.
    """
    files = [Path(p) for p in paths]
    for f in files:
        if not f.is_file():
            raise GraphParseError(str(f), None, "no such file")
    kg = Dataset.bundled(cache=True)
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
        seed = base if fresh else Dataset(kg.sources, store_path=prev.db).store  # type: ignore[union-attr]
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


def refresh_user_store() -> UserStoreInfo | None:
    """Rebuild the user store on the current bundled graph, keeping its ``external`` graph."""
    if user_store_info() is None:
        return None
    return load_files([])


def local_dataset() -> Dataset:
    """The user store (bundled graph + files added with ``b12kg load``) if there is one, else the bundled.

    A user store built on an older bundled graph is refreshed first (its ``external`` graph is kept).
    """
    ds = Dataset.bundled()
    if not ds.cache:
        return ds
    try:
        info = user_store_info()
        if info is None:
            return ds
        current = bundled_key(ds.sources, inferred=ds.inferred)
        if info.bundled_key != current or not info.db.is_dir():
            info = refresh_user_store()
    except CacheError:
        return ds
    if info is None:
        return ds
    return Dataset(ds.sources, inferred=ds.inferred, store_path=info.db)
