"""The installed package (a real wheel, not an editable install) finds its ontology, data and queries."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (whl,) = out.glob("b12kg-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_bundles_ontology_data_and_queries(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "b12kg/_bundle/ontology/b12kg.ttl" in names
    assert any(n.startswith("b12kg/_bundle/data/") and n.endswith(".ttl") for n in names)
    assert "b12kg/_bundle/queries/symptoms-by-kind.rq" in names
    assert any(n.startswith("b12kg/_bundle/ontology/shapes/") for n in names)


@pytest.mark.slow
def test_installed_wheel_runs_a_named_query(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet"]
    subprocess.run([*pip, "--target", str(target), str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target), "B12KG_CACHE_DIR": str(tmp_path / "cache")}
    where = subprocess.run([sys.executable, "-c", "import b12kg.core.resources as r; print(r.bundle_root())"],
                           cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout.strip()
    assert where == str(target / "b12kg" / "_bundle")
    res = subprocess.run([sys.executable, "-m", "b12kg", "query", "symptoms-by-kind", "--format", "tsv"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    expected = (ROOT / "queries" / "expected" / "symptoms-by-kind.tsv").read_text()
    assert res.stdout == expected
