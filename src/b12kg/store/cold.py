"""The compiled cache as a cold ``b12kg query`` reads it: where the cache is, the key of the bundled
store, the checks of a store folder and its read-only open, with nothing heavier than :mod:`os`.

:mod:`b12kg.store.compiled` (which builds, repairs and prunes stores, and speaks :class:`pathlib.Path`) is
written on top of these functions, so there is one implementation of each check: a store answers a cold
query only after the very checks every other command makes. This module imports neither ``pathlib``,
``json`` nor ``re`` (with what they bring, about half of a cold query's start-up): paths are strings, and
a manifest is read with the C scanner of the standard ``json`` package (:func:`load_json`).

>>> key = bundled_key(bundled_files(), inferred=False)
>>> len(key)
32
"""

from __future__ import annotations

import os
import sys

from ..core.errors import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DAMAGED",
    "STORE_FORMAT",
    "STORE_LAYOUT",
    "TEMP_PREFIXES",
    "bundled_files",
    "bundled_key",
    "cache_root",
    "damage_report",
    "deep_verify",
    "default_cache_root",
    "file_hash",
    "load_json",
    "mark_damaged",
    "open_verified",
    "verify_folder",
]

#: the format marker of a store folder's manifest
STORE_FORMAT = "b12kg-store"
#: bump when the layout of a compiled store changes
STORE_LAYOUT = 4
#: name prefixes of the temporary folders b12kg makes in the cache
TEMP_PREFIXES = (".build-", ".trash-", ".convert-", ".new-")
#: the code that generates triples from the sources (part of the cache key)
GENERATORS = ("sssom.py", "closure.py", "dataset.py")
#: the file that marks a store found damaged
DAMAGED = "DAMAGED"


# -- where the cache is ------------------------------------------------------------------------------
def default_cache_root() -> str | None:
    """The platformdirs cache folder of b12kg on macOS and the Unix systems (the rule applied directly:
    importing platformdirs costs ~10 ms), or ``None`` elsewhere."""
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~"), "Library", "Caches", "b12kg")
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return os.path.join(xdg if xdg else os.path.expanduser("~/.cache"), "b12kg")
    return None


def cache_root() -> str | None:
    """The path of :func:`b12kg.store.compiled.cache_dir` without making the folder; ``None`` when only
    that function can tell (platformdirs, or a ``B12KG_CACHE_DIR`` it refuses)."""
    env = os.environ.get("B12KG_CACHE_DIR", "").strip()
    if env:
        path = os.path.expanduser(env)
        return None if env.startswith("~") and path.startswith("~") else path
    return default_cache_root()


def bundled_files() -> list[tuple[str, str]]:
    """``(kind, path)`` of the files of the bundled graph (:func:`b12kg.store.sources.bundled_sources`)."""
    from ..core.resources import bundled_graph_files

    return bundled_graph_files()


# -- keys -----------------------------------------------------------------------------------------
def _hasher() -> Any:
    """BLAKE2b from the interpreter's built-in module (``hashlib`` loads OpenSSL: ~2 ms per cold query)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python implementation
        from hashlib import blake2b
    return blake2b(digest_size=16)


def bundled_key(files: list[tuple[str, str]], *, inferred: bool) -> str:
    """The cache key of the compiled store of ``files`` (``(kind, path)`` pairs): a hash of the files' bytes,
    the b12kg and pyoxigraph versions, the store layout, ``inferred`` and the code that generates triples."""
    import pyoxigraph

    from ..core import __version__

    h = _hasher()
    h.update(f"b12kg {__version__}\npyoxigraph {pyoxigraph.__version__}\nlayout {STORE_LAYOUT}\n".encode())
    h.update(f"inferred {bool(inferred)}\n".encode())
    for kind, path in files:
        try:
            if os.path.isfile(path):
                with open(path, "rb") as fh:
                    data = fh.read()
            else:
                data = b""
        except OSError:
            data = b""  # reported by the parser when the store is built
        h.update(f"{kind}\t{os.path.basename(path)}\t{len(data)}\n".encode())
        h.update(data)
    here = os.path.dirname(os.path.realpath(__file__))
    for name in GENERATORS:  # code that generates triples from the sources
        p = os.path.join(here, name)
        if os.path.isfile(p):
            with open(p, "rb") as fh:
                h.update(name.encode() + b"\n" + fh.read())
    return str(h.hexdigest())


def file_hash(path: str | os.PathLike[str]) -> str:
    """The BLAKE2b hash of a file (the one a manifest records for each database file)."""
    h = _hasher()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return str(h.hexdigest())


# -- JSON without the json package's imports -------------------------------------------------------------
class _Decoding:
    """What the C scanner of :mod:`json` reads from a decoder: the settings of ``json.loads(text)``."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


_JSON_SPACE = " \t\n\r"


def load_json(text: str) -> Any:
    """``json.loads(text)`` for a ``str``, through the C scanner ``_json`` that the :mod:`json` package uses
    (importing the package costs ``re`` and with it several milliseconds of a cold query). The same
    values; every error is a :class:`ValueError` (``json.JSONDecodeError`` is one).

    >>> load_json('{"a": [1, 2.5, "x", null, true]}')
    {'a': [1, 2.5, 'x', None, True]}
    """
    try:
        from _json import make_scanner
    except ImportError:  # another Python implementation
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip(_JSON_SPACE))
    try:
        value, end = make_scanner(_Decoding)(text, start)  # type: ignore[arg-type]  # reads these attributes
    except StopIteration as e:  # where a value was expected
        raise ValueError(f"not JSON: expecting a value at character {e.value}") from None
    if text[end:].strip(_JSON_SPACE):
        raise ValueError(f"not JSON: extra data at character {end}")
    return value


# -- store folders: verify, open ------------------------------------------------------------------------
def verify_folder(folder: str, key: str | None = None, *, deep: bool = False) -> str | None:
    """What is wrong with the store folder ``folder`` (``None`` when its manifest and files check out).

    ``key`` is the cache key it must have been built for. Checks the manifest's format marker and that
    every database file it lists is there with its recorded size and modification time; ``deep`` also
    compares each file's hash (see :func:`deep_verify`).
    """
    try:
        with open(os.path.join(folder, DAMAGED), encoding="utf-8") as fh:
            return fh.read().strip() or "it was found damaged"
    except OSError:
        pass
    try:
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as fh:
            manifest = load_json(fh.read())
    except FileNotFoundError:
        return "its manifest.json is missing"
    except (OSError, ValueError) as e:
        return f"its manifest.json cannot be read ({shorten(str(e), 80)})"
    if not isinstance(manifest, dict) or manifest.get("format") != STORE_FORMAT:
        return "its manifest.json is not a b12kg store manifest"
    if key is not None and manifest.get("key") != key:
        return "it was built from other files"
    files = manifest.get("db_files")
    if not isinstance(files, dict) or not files:
        return "its manifest.json lists no database files"
    db = os.path.join(folder, "db")
    for name, recorded in files.items():
        try:
            st = os.stat(os.path.join(db, str(name)))
            size, mtime, digest = recorded["bytes"], recorded["mtime_ns"], recorded["blake2b"]
        except OSError:
            return f"its database file {name} is missing"
        except (TypeError, KeyError):
            return "its manifest.json does not describe its database files"
        if st.st_size != size:
            return f"its database file {name} has {st.st_size} bytes instead of {size}"
        if st.st_mtime_ns != mtime:
            return f"its database file {name} was changed after the store was built"
        if deep and file_hash(os.path.join(db, str(name))) != digest:
            return f"the content of its database file {name} differs from when it was built"
    return None


def deep_verify(folder: str) -> str | None:
    """:func:`verify_folder` with every database file hashed (~2 ms per MB): finds a bit flipped on disk."""
    return verify_folder(folder, deep=True)


def mark_damaged(folder: str, reason: str) -> None:
    """Record in ``folder`` that its store is damaged, so that every later open rebuilds or repairs it."""
    try:
        with open(os.path.join(folder, DAMAGED), "w", encoding="utf-8") as fh:
            fh.write(reason + "\n")
    except OSError:
        pass


def damage_report(folder: str) -> str | None:
    """After a query on the store in ``folder`` failed or ran out of time: hash its files, and when they are
    damaged mark it so and say what is wrong (``None`` when the store is sound)."""
    problem = deep_verify(folder)
    if problem is not None:
        mark_damaged(folder, problem)
        return f"the store in {folder} is damaged: {problem}; the next command rebuilds it"
    return None


def open_verified(folder: str, key: str | None = None) -> tuple[Any, str | None]:
    """``(read-only store, None)`` when ``folder`` checks out and opens, else ``(None, what is wrong)``."""
    import pyoxigraph as ox

    problem = verify_folder(folder, key)
    if problem is not None:
        return None, problem
    try:
        return ox.Store.read_only(os.path.join(folder, "db")), None
    except (OSError, RuntimeError, ValueError) as e:
        return None, f"its database cannot be opened ({shorten(str(e).strip(), 120)})"
