"""The on-disk cache of compiled stores, so that a cold ``b12kg query`` opens a ready Oxigraph store.

Two kinds of store live under :func:`cache_dir` (``platformdirs.user_cache_dir("b12kg")``, or the
folder named by the environment variable ``B12KG_CACHE_DIR``):

``stores/bundled-<key>/``
    The bundled graph (ontology, imports, data, mappings and, when available, the OWL RL closure in the
    ``inferred`` named graph) compiled once. ``<key>`` is a hash of the bytes of every input file, the
    b12kg and pyoxigraph versions, the code that generates triples and the ``inferred`` switch: any change
    to any of them gives a new store.
``user/gen-*/``
    The *user store* of ``b12kg load`` (see :mod:`b12kg.store.userstore`).

Each store is one verified thing: a ``db/`` folder (RocksDB) and a ``manifest.json`` saying what it holds
(its format, key, number of quads per named graph) and the size, modification time and BLAKE2b hash of
every database file. A store is built in a marked temporary folder beside it and renamed into place only
when complete, so no reader ever sees half a store, and two processes building at once cannot corrupt it
(the loser discards its copy). Opening checks the manifest and each file's size and modification time
(one ``stat`` per file, ~0.1 ms: a cut, partly copied, replaced or rewritten file fails it); when a query
on the store fails or runs out of time, the files are hashed (:func:`deep_verify`) to tell a damaged store
from a slow query, and ``b12kg cache info`` hashes them too. A store that fails a check is moved aside and
rebuilt, with a one-line notice (:class:`~b12kg.core.errors.B12kgNotice`); nothing is ever answered from a
damaged or partial copy. Temporary folders left by a killed process are removed the next time a store is
opened or built.

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
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import B12kgNotice, CacheError, shorten
from . import cold
from .cold import STORE_FORMAT, STORE_LAYOUT, TEMP_PREFIXES

if TYPE_CHECKING:
    from .sources import Source

__all__ = [
    "STORE_FORMAT",
    "STORE_LAYOUT",
    "TEMP_PREFIXES",
    "CacheError",
    "build_folder",
    "bundled_key",
    "cache_dir",
    "clear_cache",
    "compiled_store",
    "compiled_store_path",
    "deep_verify",
    "discard",
    "mark_damaged",
    "notice",
    "open_compiled",
    "open_verified",
    "stale_temporary_folders",
    "verify_folder",
]

#: how long an unused compiled store of an older key is kept (seconds)
_KEEP_OLD = 3600.0
_UNLISTED = ("LOCK", "LOG")  # database files that may change without the data changing


def cache_dir() -> Path:
    """The cache folder: ``$B12KG_CACHE_DIR`` or ``platformdirs.user_cache_dir("b12kg")`` (created).

    Raises :class:`CacheError` naming the folder and the fix when it cannot be used. On Linux and macOS
    the platformdirs rule is applied directly (importing platformdirs costs ~10 ms on every cold query).
    """
    env = os.environ.get("B12KG_CACHE_DIR", "").strip()
    if env:
        path = Path(os.path.expanduser(env))
        if env.startswith("~") and str(path).startswith("~"):
            raise _unusable(f"B12KG_CACHE_DIR={shorten(env, 80)!r} names the home folder of a user this system "
                            "does not know; give a folder path")
    else:
        path = _default_cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise _unusable(f"the cache folder {path} is a file, not a folder; move it away or set B12KG_CACHE_DIR "
                        "to a folder") from None
    except OSError as e:
        from ..core.files import output_error

        raise _unusable(f"cannot use the cache folder {path}: {output_error(e, path).reason}; set "
                        "B12KG_CACHE_DIR to a folder you can write to") from None
    return path


def _unusable(message: str) -> CacheError:
    err = CacheError(message)
    err.folder_unusable = True  # type: ignore[attr-defined]
    return err


def _default_cache_dir() -> Path:
    known = cold.default_cache_root()
    if known is not None:
        return Path(known)
    import platformdirs

    return Path(platformdirs.user_cache_dir("b12kg"))


def notice(message: str) -> None:
    """Tell the user about something the cache repaired (one line: the CLI prints it on stderr)."""
    import warnings

    warnings.warn(message, B12kgNotice, stacklevel=3)


# -- keys -----------------------------------------------------------------------------------------
def bundled_key(sources: Sequence[Source], *, inferred: bool) -> str:
    """The cache key of a compiled store: a hash of the input files' bytes and what turns them into triples
    (see :func:`b12kg.store.cold.bundled_key`).

    >>> from b12kg.store.sources import bundled_sources
    >>> len(bundled_key(bundled_sources(), inferred=False))
    32
    """
    return cold.bundled_key([(src.kind, os.fspath(src.path)) for src in sources], inferred=inferred)


# -- store folders: build, verify, open --------------------------------------------------------------
def verify_folder(folder: Path, key: str | None = None, *, deep: bool = False) -> str | None:
    """What is wrong with the store folder ``folder`` (``None`` when its manifest and files check out).

    ``key`` is the cache key it must have been built for. Checks the manifest's format marker and that
    every database file it lists is there with its recorded size and modification time; ``deep`` also
    compares each file's hash (see :func:`deep_verify`). (:func:`b12kg.store.cold.verify_folder`.)
    """
    return cold.verify_folder(os.fspath(folder), key, deep=deep)


def mark_damaged(folder: Path, reason: str) -> None:
    """Record in ``folder`` that its store is damaged, so that every later open rebuilds or repairs it."""
    cold.mark_damaged(os.fspath(folder), reason)


def deep_verify(folder: Path) -> str | None:
    """:func:`verify_folder` with every database file hashed (~2 ms per MB): finds a bit flipped on disk."""
    return cold.deep_verify(os.fspath(folder))


def _file_hash(path: Path) -> str:
    return cold.file_hash(path)


def open_verified(folder: Path, key: str | None = None) -> tuple[Any, str | None]:
    """``(read-only store, None)`` when ``folder`` checks out and opens, else ``(None, what is wrong)``."""
    return cold.open_verified(os.fspath(folder), key)


def build_folder(final: Path, fill: Callable[[Any], dict[str, Any] | None], manifest: dict[str, Any],
                 seed: Any = None, *, seed_folder: Path | None = None, compact: bool = True) -> Path:
    """Build a store folder (``db/`` + ``manifest.json``) in a temporary folder, then rename it to ``final``.

    ``seed`` (an on-disk store, or a function that opens one and keeps no other reference to it, so that it is
    closed before ``fill`` runs) is checkpointed into the new folder first (hard links, no parsing);
    ``fill(store)`` then adds the rest and may return more manifest entries. If another process put a
    good store at ``final`` first, that one is kept. Returns ``final``.

    ``seed_folder`` is the verified store folder ``seed`` was opened from: a database file hard-linked from
    it (same name, size and modification time, so the same inode) keeps the hash its manifest records
    instead of being read again. ``compact`` runs RocksDB's full compaction at the end (the bundled
    stores); a user store filled with ``bulk_load`` skips it (the loader already writes sorted files).
    """
    import pyoxigraph as ox

    from ..core.files import TempFolder

    with TempFolder(final.parent, f".build-{final.name}-") as tmp:
        if seed is not None:
            opened = seed() if callable(seed) else seed
            opened.backup(str(tmp.path / "db"))
            del opened, seed  # an opener's store is closed here, before ``fill`` (its memory goes back first)
        store = ox.Store(str(tmp.path / "db"))
        extra = fill(store) or {}
        store.flush()
        if compact:
            store.optimize()
        graphs = _graph_counts(store, extra.get("quads"))
        del store  # closes the database (writes its last files, releases its lock) before they are listed
        db_files = _describe_files(tmp.path / "db", seed_folder)
        full = {"format": STORE_FORMAT, "layout": STORE_LAYOUT, **manifest, **extra, "created": time.time(),
                "quads": sum(graphs.values()), "graphs": graphs, "db_files": db_files}
        (tmp.path / "manifest.json").write_text(json.dumps(full, indent=1), encoding="utf-8")
        try:
            tmp.commit(final)
        except OSError:
            if verify_folder(final, manifest.get("key")) is not None:
                raise
            # another process finished the same store first: keep theirs (ours is removed on exit)
    return final


def _describe_files(db: Path, seed_folder: Path | None) -> dict[str, dict[str, Any]]:
    """Size, modification time and BLAKE2b hash of each database file in ``db`` (see :func:`build_folder`).

    Files hard-linked from ``seed_folder`` keep their recorded hash; the others are hashed two at a time
    (``hashlib`` releases the GIL).
    """
    from concurrent.futures import ThreadPoolExecutor

    known: dict[str, Any] = {}
    if seed_folder is not None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            known = dict(json.loads((seed_folder / "manifest.json").read_text(encoding="utf-8"))["db_files"])
    out: dict[str, dict[str, Any]] = {}
    todo: list[Path] = []
    for p in sorted(db.iterdir()):
        if not p.is_file() or p.name.startswith(_UNLISTED):
            continue
        st = p.stat()
        out[p.name] = {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns}
        old = known.get(p.name)
        if isinstance(old, dict) and old.get("bytes") == st.st_size and old.get("mtime_ns") == st.st_mtime_ns \
                and isinstance(old.get("blake2b"), str):
            out[p.name]["blake2b"] = old["blake2b"]
        else:
            todo.append(p)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for p, digest in zip(todo, pool.map(_file_hash, todo), strict=True):
            out[p.name]["blake2b"] = digest
    return out


def _graph_counts(store: Any, total: int | None = None) -> dict[str, int]:
    """Quads per named graph (``default`` for the default graph); keeps no reference to ``store``.

    The ``external`` graph of a user store (possibly millions of quads) is not counted by a query: it is
    the total (``total`` when the caller knows it, else ``len``, a plain scan) less the other graphs, which
    are small.
    """
    import pyoxigraph as ox

    from .sources import GRAPHS

    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    graphs: dict[str, int] = {}
    names = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    for name in names:
        if name != GRAPHS["external"]:
            counts = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
            assert isinstance(counts, ox.QuerySolutions)
            n = int(next(iter(counts))[0].value)
            if n:
                graphs[name] = n
    if GRAPHS["external"] in names:
        n = (len(store) if total is None else total) - default - sum(graphs.values())
        if n:
            graphs[GRAPHS["external"]] = n
    if default:
        graphs["default"] = default
    return graphs


def discard(path: Path) -> None:
    """Move ``path`` out of the way atomically, then delete it."""
    import shutil
    import uuid

    trash = path.parent / f".trash-{uuid.uuid4().hex}"
    with contextlib.suppress(OSError):
        os.rename(path, trash)
        shutil.rmtree(trash, ignore_errors=True)


# -- compiled (bundled) stores ----------------------------------------------------------------------
def compiled_store_path(sources: Sequence[Source], *, inferred: bool) -> Path:
    """The ``db`` folder of the compiled store of ``sources`` (which may not exist yet)."""
    return cache_dir() / "stores" / f"bundled-{bundled_key(sources, inferred=inferred)}" / "db"


def compiled_store(sources: Sequence[Source], fill: Callable[[Any], None], *, inferred: bool,
                   rebuild: str | None = None) -> Any:
    """The store of :func:`open_compiled` (without its folder)."""
    return open_compiled(sources, fill, inferred=inferred, rebuild=rebuild)[0]


def open_compiled(sources: Sequence[Source], fill: Callable[[Any], None], *, inferred: bool,
                  rebuild: str | None = None) -> tuple[Any, Path]:
    """Open the compiled store of ``sources`` read-only, building it first with ``fill(store)`` if needed.

    ``fill`` receives an empty in-memory :class:`pyoxigraph.Store` and loads every source into it.
    A store that fails its checks is rebuilt with a notice; ``rebuild`` (the reason) forces that.
    Raises :class:`CacheError` when the cache folder is not usable (callers fall back to memory).
    """
    import pyoxigraph as ox

    from ..core.files import sweep_stale

    key = bundled_key(sources, inferred=inferred)
    stores = cache_dir() / "stores"
    final = stores / f"bundled-{key}"
    sweep_stale(stores, TEMP_PREFIXES, unmarked=True)
    if final.exists():
        store, problem = (None, rebuild) if rebuild else open_verified(final, key)
        if store is not None:
            return store, final
        notice(f"the compiled store in {final} was damaged ({problem}); rebuilding it")
        discard(final)
    try:
        stores.mkdir(parents=True, exist_ok=True)

        def fill_compact(disk: Any) -> None:
            # parse into memory, then write the disk store in one bulk load: one file per index, which
            # makes the read-only open of a cold query cheaper than one set of files per source
            mem = ox.Store()
            fill(mem)
            disk.bulk_extend(mem.quads_for_pattern(None, None, None, None))

        build_folder(final, fill_compact, {"key": key, "kind": "bundled", "inferred": inferred,
                                           "sources": [[s.kind, s.path.name] for s in sources]})
        _prune(stores, keep=final)
    except OSError as e:
        raise CacheError(f"cannot write the compiled store in {stores}: {e}") from None
    store, problem = open_verified(final, key)
    if store is None:
        raise CacheError(f"the compiled store in {final} cannot be used right after it was built ({problem}); "
                         "check the disk, or set B12KG_NO_CACHE=1")
    return store, final


def _prune(stores: Path, keep: Path) -> None:
    """Delete compiled stores of other keys older than an hour."""
    now = time.time()
    for p in stores.iterdir():
        if p == keep or not p.name.startswith("bundled-"):
            continue
        try:
            age = now - p.stat().st_mtime
        except OSError:
            continue
        if age > _KEEP_OLD:
            discard(p)


def stale_temporary_folders() -> list[Path]:
    """Temporary folders that killed b12kg processes left in the cache (removed by the next query or load)."""
    from ..core.files import stale_folders

    root = cache_dir()
    return [p for folder in (root / "stores", root / "user")
            for p in stale_folders(folder, TEMP_PREFIXES, unmarked=True)]


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
