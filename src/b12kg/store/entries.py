"""Small verified cache entries: files under ``<cache dir>/<folder>/`` (see :func:`b12kg.store.compiled.cache_dir`)
that carry the SHA-256 of their content and are checked when read.

A missing, unreadable, damaged or foreign entry reads as ``None`` — the caller computes the value again and
writes it back — so a damaged entry is never used. Writes are atomic; a cache folder that cannot be written
only costs speed. Used by the validation cache (:mod:`b12kg.checks.shacl.cache`) and by the compiled page
templates (:mod:`b12kg.pages.render`).

>>> import os, tempfile
>>> os.environ["B12KG_CACHE_DIR"] = tempfile.mkdtemp()
>>> put("demo", "x.json", b"[]")
>>> get("demo", "x.json")
b'[]'
>>> _ = (folder("demo") / "x.json").write_bytes(b"[1]")
>>> get("demo", "x.json") is None
True
>>> del os.environ["B12KG_CACHE_DIR"]
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["folder", "get", "put"]

_HEADER = b"sha256 "


def folder(name: str) -> Path:
    """The cache folder ``name`` (not created)."""
    from .compiled import cache_dir

    return cache_dir() / name


def get(name: str, entry: str) -> bytes | None:
    """The verified content of ``entry`` in the cache folder ``name``, or ``None`` (missing, unreadable, damaged)."""
    try:
        raw = (folder(name) / entry).read_bytes()
    except Exception:  # a missing or unusable cache folder is a cache miss
        return None
    head, _, body = raw.partition(b"\n")
    if not head.startswith(_HEADER) or head[len(_HEADER):].decode("ascii", "replace") != _digest(body):
        return None
    return body


def put(name: str, entry: str, data: bytes) -> None:
    """Write ``entry`` of the cache folder ``name`` atomically with its checksum (skipped if it cannot be written)."""
    from ..core.files import atomic_write

    try:
        root = folder(name)
        root.mkdir(parents=True, exist_ok=True)
        atomic_write(root / entry, _HEADER + _digest(data).encode() + b"\n" + data)
    except Exception:  # a read-only or full cache folder only costs speed
        return


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
