"""The user store: the bundled graph plus the files added with ``b12kg load`` (named graph ``external``).

It lives in ``user/gen-*/`` under :func:`b12kg.store.compiled.cache_dir`. Each ``load`` writes a new
generation (a RocksDB checkpoint of the previous one, then the new files streamed in with
``bulk_load``) in a marked temporary folder, renames it into place and only then switches the pointer
file ``user/CURRENT`` atomically; ``b12kg load --reset`` moves the whole ``user/`` folder away in one
rename. Writers hold the lock file ``user.lock`` beside it.

The store keeps what was loaded, or says loudly that it cannot: every generation's ``manifest.json``
records the files loaded into it (path, size, SHA-256). When ``CURRENT`` is damaged or names a generation
that is missing or damaged, b12kg uses the newest intact generation if no newer one existed, otherwise it
rebuilds the store from the recorded files (when they are all still there, unchanged), with a one-line
notice either way; if it cannot, every query stops with a :class:`~b12kg.core.errors.CacheError` that
names the files to load again. It never answers from the bundled graph alone as if nothing was loaded.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..core.errors import CacheError, GraphParseError
from .compiled import TEMP_PREFIXES, build_folder, bundled_key, cache_dir, discard, notice, verify_folder
from .dataset import Dataset
from .sources import GRAPHS, check_readable, syntax_message

__all__ = [
    "LOAD_FORMATS",
    "UserStoreInfo",
    "load_files",
    "local_dataset",
    "refresh_user_store",
    "repair_user_store",
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


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files", []), list) else None


def _info(folder: Path, manifest: dict[str, Any]) -> UserStoreInfo:
    return UserStoreInfo(folder, str(manifest.get("bundled_key", "")), list(manifest.get("files", [])),
                         int(manifest.get("quads", 0) or 0))


def _generations(root: Path) -> list[Path]:
    """The ``gen-*`` folders, newest first (their names start with the time they were made)."""
    try:
        return sorted((p for p in root.iterdir() if p.name.startswith("gen-") and p.is_dir()), reverse=True)
    except OSError:
        return []


def _current(root: Path) -> tuple[UserStoreInfo | None, str | None]:
    """``(info, None)`` for an intact current store, ``(None, None)`` when there is none, else
    ``(None, what is wrong)``."""
    pointer = root / "CURRENT"
    try:
        raw = pointer.read_bytes()
    except FileNotFoundError:
        return None, ("user/CURRENT is missing but generations exist" if _generations(root) else None)
    except OSError as e:
        return None, f"user/CURRENT cannot be read ({e.strerror})"
    name = raw.decode("utf-8", "replace").strip()
    if not name.startswith("gen-") or "/" in name or "\\" in name or len(name) > 100:
        return None, "user/CURRENT does not name a generation (it holds garbage)"
    folder = root / name
    if not folder.is_dir():
        return None, f"user/CURRENT names {name}, which does not exist"
    problem = verify_folder(folder)
    manifest = _read_manifest(folder)
    if problem or manifest is None:
        return None, f"the generation {name} is damaged ({problem or 'unreadable manifest'})"
    return _info(folder, manifest), None


def user_store_info() -> UserStoreInfo | None:
    """The current user store, or ``None`` when ``b12kg load`` was never run (or was reset).

    A damaged user store is repaired first (see the module docstring); when it cannot be, this raises
    :class:`CacheError` saying which files to load again.
    """
    root = _user_root()
    if not root.is_dir():
        return None
    info, problem = _current(root)
    if problem is None:
        return info
    return repair_user_store(problem)


def user_store_path() -> Path | None:
    """The database folder of the current user store, if there is one."""
    info = user_store_info()
    return info.db if info else None


@contextlib.contextmanager
def user_store_lock() -> Iterator[None]:
    """Serialise writers of the user store (``fcntl.flock`` on ``user.lock`` where available)."""
    try:
        fh = open(cache_dir() / "user.lock", "a+b")  # noqa: SIM115
    except OSError as e:
        raise CacheError(f"cannot use the cache folder {cache_dir()}: {e.strerror}; set B12KG_CACHE_DIR to a "
                         "folder you can write to") from None
    with fh:
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


def repair_user_store(reason: str, damaged: Path | None = None) -> UserStoreInfo:
    """Make the user store usable again after ``reason`` (what is wrong with it), keeping what was loaded.

    ``damaged`` is a generation's folder known to be damaged although its files check out (RocksDB found a
    bad block). Uses the newest generation when it is intact (nothing newer was loaded), else reloads the
    files the newest readable manifest lists; raises :class:`CacheError` naming them when they are gone or
    changed.
    """
    from ..core.files import sweep_stale

    root = _user_root()
    with user_store_lock():
        sweep_stale(root, TEMP_PREFIXES, unmarked=True)
        info, _problem = _current(root)
        if info is not None and (damaged is None or info.path != damaged):
            return info  # intact (another process repaired it meanwhile)
        generations = _generations(root)
        manifests = [(g, _read_manifest(g)) for g in generations]
        if manifests and manifests[0][1] is not None and generations[0] != damaged \
                and verify_folder(generations[0]) is None:
            newest, manifest = manifests[0]
            _point_to(root, newest.name)
            notice(f"the user store was damaged ({reason}); using its newest intact generation {newest.name}")
            return _info(newest, manifest)  # type: ignore[arg-type]
        record = next((m for _, m in manifests if m is not None), None)
        if record is None:
            raise CacheError(f"the user store of 'b12kg load' is damaged ({reason}) and its record of the loaded "
                             "files is lost; run 'b12kg load --reset', then load your files again")
        files = [f for f in record.get("files", []) if isinstance(f, dict)]
        gone = [str(f.get("path")) for f in files if not _unchanged(f)]
        if gone:
            raise CacheError(f"the user store of 'b12kg load' is damaged ({reason}) and cannot be rebuilt: "
                             f"{', '.join(gone)} {'is' if len(gone) == 1 else 'are'} gone or changed since loading. "
                             "Run 'b12kg load --reset', then load your files again")
        notice(f"the user store was damaged ({reason}); rebuilding it from the {len(files)} loaded file(s)")
        for gen in generations:
            discard(gen)
        (root / "CURRENT").unlink(missing_ok=True)
    return load_files([f["path"] for f in files])


def _unchanged(entry: dict[str, Any]) -> bool:
    path = Path(str(entry.get("path", "")))
    try:
        return path.is_file() and path.stat().st_size == entry.get("bytes") and _sha256(path) == entry.get("sha256")
    except OSError:
        return False


def _point_to(root: Path, name: str) -> None:
    from ..core.files import atomic_write

    atomic_write(root / "CURRENT", name + "\n")


def new_user_generation(fill: Callable[[Any], dict[str, Any]], seed: Any = None,
                        seed_folder: Path | None = None) -> UserStoreInfo:
    """Write a new generation of the user store with ``fill(store) -> manifest`` and make it current.

    ``seed`` is the store to start from and ``seed_folder`` its verified folder (see
    :func:`~b12kg.store.compiled.build_folder`). Callers hold :func:`user_store_lock`. Older generations
    but the previous one are deleted (the previous one may still be open read-only by a running query).
    """
    import uuid

    root = _user_root()
    root.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    final = root / name
    previous, _ = _current(root)
    build_folder(final, fill, {"kind": "user"}, seed, seed_folder=seed_folder, compact=False)
    _point_to(root, name)
    keep = {name, previous.path.name if previous else ""}
    for p in _generations(root):
        if p.name not in keep:
            discard(p)
    manifest = _read_manifest(final)
    assert manifest is not None
    return _info(final, manifest)


def reset_user_store() -> bool:
    """Remove the user store; ``b12kg query`` then answers from the bundled graph. True if one existed."""
    root = _user_root()
    if not root.exists():
        return False
    with user_store_lock():
        existed = (root / "CURRENT").exists() or bool(_generations(root))
        discard(root)  # one rename: an interrupted reset leaves either the old store or none
    return existed


# -- loading external files into the user store ------------------------------------------------------
#: file types ``b12kg load`` reads (by extension); ``.obo`` is converted to RDF/XML with fastobo first
LOAD_FORMATS: dict[str, str] = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "ntriples", ".owl": "rdfxml", ".rdf": "rdfxml",
    ".xml": "rdfxml", ".obo": "obo",
}
_EXTERNAL = GRAPHS["external"]


def _sha256(path: Path) -> str:
    return _scan(path)[0]


def _scan(path: Path) -> tuple[str, bool]:
    """The SHA-256 of ``path`` and whether its bytes hold ``_:`` anywhere (a blank node label, perhaps)."""
    import hashlib

    h = hashlib.sha256()
    labels, last = False, b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            if not labels:
                labels = b"_:" in chunk or (last == b"_" and chunk[:1] == b":")
                last = chunk[-1:]
    return h.hexdigest(), labels


#: an N-Triples file without blank nodes goes to ``bulk_load`` in slices of about this many bytes (cut at line
#: ends): Oxigraph's loader holds a whole batch in memory (~0.9 GB for 1M triples), a slice holds less. A file
#: with blank nodes goes in one piece (each ``bulk_load`` call gives ``_:b1`` a new identity).
SLICE_BYTES = 64 << 20


class _Counting:
    """A binary reader that reports how many bytes were read (for the progress bar, if any); with ``limit``
    it ends after that many bytes."""

    def __init__(self, fh: Any, report: Callable[[int], None] | None, limit: int | None = None) -> None:
        self._fh, self._report, self._left = fh, report, limit

    def read(self, size: int = -1) -> bytes:
        if self._left is not None:
            size = self._left if size is None or size < 0 else min(size, self._left)
        data: bytes = self._fh.read(size)
        if self._left is not None:
            self._left -= len(data)
        if data and self._report is not None:
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


def _slices(path: Path, size: int) -> list[tuple[int, int]]:
    """``(start, end)`` byte ranges of about :data:`SLICE_BYTES` covering ``path``, each ending at a line end."""
    bounds = [0]
    with open(path, "rb") as fh:
        while size - bounds[-1] > SLICE_BYTES:
            fh.seek(bounds[-1] + SLICE_BYTES)
            fh.readline()
            if fh.tell() >= size:
                break
            bounds.append(fh.tell())
    bounds.append(size)
    from itertools import pairwise

    return list(pairwise(bounds))


def _lines_before(path: Path, offset: int) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(min(1 << 20, offset - fh.tell())), b""))


def _load_one(store: Any, path: Path, work: Path, progress: Callable[[int], None] | None,
              labels: bool = True) -> None:
    """Stream one file into the ``external`` graph of ``store`` (never building it in memory); an N-Triples
    file without blank-node ``labels`` in slices (see :data:`SLICE_BYTES`)."""
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
    size = source.stat().st_size
    slices = _slices(source, size) if kind == "ntriples" and not labels else [(0, size)]
    start = 0
    try:
        with open(source, "rb") as fh:  # a Python reader: Ctrl-C reaches Python at every chunk
            for start, end in slices:
                fh.seek(start)
                reader = _Counting(fh, progress, end - start if len(slices) > 1 else None)
                store.bulk_load(reader, format=fmt, to_graph=graph, base_iri=source.resolve().as_uri())
    except SyntaxError as e:
        line = e.lineno + _lines_before(source, start) if e.lineno is not None and start else e.lineno
        raise GraphParseError(str(path), line, syntax_message(e)) from None
    except (OSError, ValueError) as e:
        raise GraphParseError(str(path), None, f"cannot be loaded: {e}") from None


def load_files(paths: Sequence[str | Path], *, reset: bool = False,
               progress: Callable[[int], None] | None = None) -> UserStoreInfo:
    """Add RDF/OBO files to the user store (bundled graph + named graph ``external``) and return it.

    Each file is streamed into the store with ``bulk_load``; files already loaded (same SHA-256) are
    skipped. ``reset`` starts again from the bundled graph alone. ``progress(n)`` is called with the
    number of bytes read as loading advances. The new store replaces the old one atomically.
    """
    files = [Path(p) for p in paths]
    for f in files:
        check_readable(f)
        if f.suffix.lower() not in LOAD_FORMATS:
            raise GraphParseError(str(f), None, f"cannot load files of type {f.suffix!r}; "
                                                f"known: {', '.join(sorted(LOAD_FORMATS))}")
    kg = Dataset.bundled(cache=True)
    bundled_folder = kg.store_folder  # opens (compiling it first if needed) and verifies the bundled store
    key = bundled_key(kg.sources, inferred=kg.inferred)
    from ..core.files import TempFolder, sweep_stale

    with user_store_lock():
        sweep_stale(_user_root(), TEMP_PREFIXES, unmarked=True)
        prev = None if reset else _current(_user_root())[0]
        fresh = prev is None or prev.bundled_key != key or not prev.db.is_dir()
        known = {} if prev is None else {f["sha256"]: f for f in prev.files}
        todo: list[tuple[Path, str, bool]] = []
        for f in files:
            digest, labels = _scan(f)
            if digest not in known and digest not in {d for _, d, _ in todo}:
                todo.append((f, digest, labels))

        def fill(store: Any) -> dict[str, Any]:
            if fresh and prev is not None:  # an older bundled graph: keep what the user loaded
                _copy_external(prev, store)
            loaded = list(prev.files) if prev is not None else []
            with TempFolder(_user_root(), ".convert-") as work:
                # len() walks every quad: take the seed's count from its manifest when it is the old store
                before = prev.triples if prev is not None and not fresh and prev.triples else len(store)
                for f, digest, labels in todo:
                    _load_one(store, f, work.path, progress, labels)
                    after = len(store)
                    loaded.append({"path": str(f.resolve()), "sha256": digest, "bytes": f.stat().st_size,
                                   "triples": after - before})
                    before = after
            if todo or fresh:
                before -= _dedupe_external(store)
            return {"bundled_key": key, "files": loaded, "quads": before}

        if not todo and not fresh and prev is not None:
            return prev
        # the seed store is opened for its checkpoint and closed before the files are streamed in: during
        # bulk_load this process holds no store but the new one (the bundled store is released too)
        if fresh:
            seed_folder = bundled_folder
            seed: Callable[[], Any] = kg.release_store
        else:
            assert prev is not None
            seed_folder = prev.path
            seed = Dataset(kg.sources, store_path=prev.db).release_store
            kg.release_store()
        return new_user_generation(fill, seed, seed_folder)


def _dedupe_external(store: Any) -> int:
    """Remove from ``external`` the triples that a bundled graph already holds (e.g. the HP terms of the
    import modules when the whole HP is loaded): the union default graph that queries see repeats a
    triple once per named graph holding it. Returns how many were removed.

    Only the bundled side (thousands of quads) is walked, each looked up in ``external`` (millions).
    """
    import pyoxigraph as ox

    external = ox.NamedNode(_EXTERNAL)
    twins = []
    for graph in [ox.DefaultGraph(), *store.named_graphs()]:
        if graph == external:
            continue
        for q in store.quads_for_pattern(None, None, None, graph):
            if ox.BlankNode in (type(q.subject), type(q.object)):
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
    import os

    ds = Dataset.bundled()
    if not ds.cache:
        return ds
    try:
        info = user_store_info()  # a damaged user store is loud on purpose: the user's files must not vanish
    except CacheError as e:
        if getattr(e, "folder_unusable", False) and not os.environ.get("B12KG_CACHE_DIR", "").strip():
            return ds  # the default cache folder cannot be made: no user store; the bundled graph warns
        raise
    if info is None:
        return ds
    current = bundled_key(ds.sources, inferred=ds.inferred)
    if info.bundled_key != current:
        info = refresh_user_store()
    if info is None:
        return ds

    def repair(reason: str, db: Path) -> Path:
        return repair_user_store(reason, damaged=db.parent).db

    return Dataset(ds.sources, inferred=ds.inferred, store_path=info.db, repair=repair)
