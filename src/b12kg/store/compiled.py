"""The on-disk cache of compiled stores, so that a cold ``b12kg query`` opens a ready Oxigraph store.

Two kinds of store live under :func:`cache_dir` (``platformdirs.user_cache_dir("b12kg")``, or the
folder named by the environment variable ``B12KG_CACHE_DIR``):

``stores/bundled-<key>/``
    The bundled graph (ontology, imports, data, mappings and, when available, the OWL RL closure in the
    ``inferred`` named graph) compiled once. ``<key>`` is a SHA-256 of the bytes of every input file,
    the b12kg and pyoxigraph versions, the code that generates triples (``sssom.py``, ``closure.py``)
    and the ``inferred`` switch: any change to any of them gives a new store. A store is built in a
    temporary folder beside it and renamed into place when complete, so readers never see a half-built
    store and two processes building at once cannot corrupt it (the loser of the race discards its copy).
    Readers open it with ``pyoxigraph.Store.read_only``.

``user/gen-*/``
    The *user store*: the bundled graph plus the files added with ``b12kg load`` (named graph
    ``external``). Each ``load`` writes a new generation (a RocksDB checkpoint of the previous one, then
    the new files streamed in with ``bulk_load``) and switches the pointer file ``user/CURRENT``
    atomically; ``b12kg load --reset`` removes it. See :mod:`b12kg.store.userstore`.

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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import CacheError

if TYPE_CHECKING:
    from .sources import Source

__all__ = [
    "STORE_LAYOUT",
    "CacheError",
    "bundled_key",
    "cache_dir",
    "clear_cache",
    "compiled_store",
    "compiled_store_path",
    "snapshot_path",
]

#: bump when the layout of a compiled store changes
STORE_LAYOUT = 2
#: how long an unused compiled store of an older key is kept (seconds)
_KEEP_OLD = 3600.0
_GENERATORS = ("sssom.py", "closure.py", "dataset.py")


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

    >>> from b12kg.store.sources import bundled_sources
    >>> len(bundled_key(bundled_sources(), inferred=False))
    32
    """
    import pyoxigraph

    from ..core import __version__

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
                discard(final)
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

        build_folder(final, fill_compact, {"key": key, "kind": "bundled", "inferred": inferred,
                                     "sources": [[s.kind, str(s.path)] for s in sources]}, snapshot=True)
        _prune(stores, keep=final)
        return ox.Store.read_only(str(db))
    except OSError as e:
        raise CacheError(f"cannot write the compiled store in {stores}: {e}") from None


def build_folder(final: Path, fill: Callable[[Any], None], manifest: dict[str, Any], seed: Any = None,
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


def discard(path: Path) -> None:
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
            discard(p)


def clear_cache() -> list[Path]:
    """Delete every compiled store and the user store; returns what was removed."""
    root = cache_dir()
    removed = []
    for name in ("stores", "user"):
        p = root / name
        if p.exists():
            discard(p)
            removed.append(p)
    return removed
