"""The validation cache, under ``<cache dir>/shacl/`` (see :func:`b12kg.store.compiled.cache_dir`):

``checks-<key>.json``
    The compiled checks of a shapes graph, keyed by the bytes of the shapes files and of the compiler's code;
    compiling the bundled shapes costs more than reading them back.
``asserted-<key>.nt``
    The asserted graph of the compiled bundled store (every named graph but the OWL RL closure) as N-Triples,
    keyed like the store itself: loaded into an in-memory default graph, the checks run about ten times faster
    than on the on-disk union of named graphs.

Every entry carries the SHA-256 of its content and is checked when read: a damaged or foreign entry is ignored
and rewritten, never used (:mod:`b12kg.store.entries`). Writes are atomic. A cache folder that cannot be written
only costs speed.

>>> import os, tempfile
>>> os.environ["B12KG_CACHE_DIR"] = tempfile.mkdtemp()
>>> put("checks-x.json", b"[]")
>>> get("checks-x.json")
b'[]'
>>> _ = (cache_root() / "checks-x.json").write_bytes(b"[1]")
>>> get("checks-x.json") is None
True
>>> del os.environ["B12KG_CACHE_DIR"]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .compiler import Check

__all__ = ["asserted_store", "cache_root", "checks_key", "get", "load_checks", "put", "save_checks"]

def cache_root() -> Path:
    from ...store.entries import folder

    return folder("shacl")


def get(name: str) -> bytes | None:
    """The verified content of the entry ``name``, or ``None`` (missing, unreadable or damaged)."""
    from ...store import entries

    return entries.get("shacl", name)


def put(name: str, data: bytes) -> None:
    """Write the entry ``name`` atomically with its checksum; a cache that cannot be written is skipped."""
    from ...store import entries

    entries.put("shacl", name, data)


# -- compiled checks ----------------------------------------------------------------------------------

def checks_key(paths: Sequence[Path]) -> str | None:
    """A key over the shapes files' bytes and the compiler's code, or ``None`` when a file cannot be read."""
    from ... import core

    h = hashlib.sha256(f"b12kg {core.__version__}\n".encode())
    here = Path(__file__).resolve().parent
    try:
        for name in ("compiler.py", "shapes.py", "report.py"):
            h.update((here / name).read_bytes())
        for p in paths:
            data = Path(p).read_bytes()
            h.update(f"{len(data)}\n".encode() + data)
    except OSError:
        return None
    return h.hexdigest()[:32]


def load_checks(key: str) -> tuple[list[Check], list[str], list[str]] | None:
    """The cached (checks, focus patterns, shapes handed to pyshacl) of ``key``, or ``None``."""
    data = get(f"checks-{key}.json")
    if data is None:
        return None
    try:
        entry = json.loads(data)
        checks = [Check(**{**c, "prefixes": tuple(tuple(p) for p in c["prefixes"])}) for c in entry["checks"]]
        return checks, list(entry["focus"]), list(entry["handed_over"])
    except (ValueError, TypeError, KeyError):
        return None


def save_checks(key: str, checks: Sequence[Check], focus: Sequence[str], handed_over: Sequence[str]) -> None:
    entry = {"checks": [asdict(c) for c in checks], "focus": list(focus), "handed_over": list(handed_over)}
    put(f"checks-{key}.json", json.dumps(entry, ensure_ascii=False).encode("utf-8"))


# -- the asserted graph of the compiled store ---------------------------------------------------------------

def asserted_store(kg: Any, inferred: str) -> Any:
    """An in-memory store with the asserted graphs (every named graph but ``inferred``) of the compiled bundled
    store in its default graph, or ``None`` when ``kg`` turns out to have no compiled store (an unusable cache).

    The on-disk store is opened only when the cache has no verified copy of its asserted graph.
    """
    import pyoxigraph as ox

    from ...store.compiled import bundled_key

    name = f"asserted-{bundled_key(kg.sources, inferred=False)}.nt"
    data = get(name)
    if data is None:
        store = kg.store
        if not getattr(kg, "cache", False):  # opening it fell back to an in-memory store
            return None
        graphs = [g for g in store.named_graphs() if g.value != inferred]
        data = b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in graphs)
        put(name, data)
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    return store
