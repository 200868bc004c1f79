"""The page templates are compiled once and kept as verified cache entries: a later process reads them back
instead of compiling, a damaged entry is compiled and written again (never used), and the pages are the same
either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from b12kg.pages import render, site
from b12kg.store import entries
from b12kg.store.dataset import Dataset

REAL = render.environment


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    return Dataset.bundled()


@pytest.fixture(autouse=True)
def _fresh_environment() -> Any:
    REAL.cache_clear()
    yield
    REAL.cache_clear()


def render_site(bundled: Dataset, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, bytes], list[str]]:
    """Some of the site's pages from a new environment (as in a new process), and the templates it compiled."""
    REAL.cache_clear()
    env = REAL()
    compiled: list[str] = []
    original = env.compile

    def compile_(source: Any, name: Any = None, filename: Any = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(name))
        return original(source, name, filename, *args, **kwargs)

    monkeypatch.setattr(env, "compile", compile_)
    monkeypatch.setattr(render, "environment", lambda: env)
    return site.site_files(bundled, concept_pages=lambda i: i < 12), compiled


def test_templates_are_read_back_and_damage_is_never_used(
    bundled: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B12KG_CACHE_DIR", str(tmp_path))
    first, compiled = render_site(bundled, monkeypatch)
    assert set(site._TEMPLATES) <= set(compiled)
    written = sorted(entries.folder("templates").glob("*.bc"))
    assert len(written) == len(set(compiled))  # one entry per template, its bases and imports included
    assert all(entries.get("templates", p.name) is not None for p in written)

    again, compiled = render_site(bundled, monkeypatch)
    assert again == first and compiled == []  # read back, nothing compiled

    for p in written:  # flip a byte in the middle of every entry: each now reads as missing
        data = bytearray(p.read_bytes())
        data[len(data) // 2] ^= 0xFF
        p.write_bytes(bytes(data))
    assert all(entries.get("templates", p.name) is None for p in written)
    third, compiled = render_site(bundled, monkeypatch)
    assert third == first and set(site._TEMPLATES) <= set(compiled)  # compiled again, the damage not used
    assert all(entries.get("templates", p.name) is not None for p in written)  # and written back whole


def test_an_unwritable_cache_only_costs_speed(bundled: Dataset, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("B12KG_CACHE_DIR", str(blocker))
    files, compiled = render_site(bundled, monkeypatch)
    assert files["index.html"].startswith(b"<!DOCTYPE html>") and set(site._TEMPLATES) <= set(compiled)
