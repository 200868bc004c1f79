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


@pytest.mark.slow
def test_installed_wheel_serves_its_pages_and_assets(wheel: Path, tmp_path: Path) -> None:
    """Templates and the vendored editor (with its licences) are in the wheel; the installed package writes the
    docs site and its server sends the query page and the editor's files."""
    import signal
    import socket
    import time
    import urllib.request

    names = zipfile.ZipFile(wheel).namelist()
    for name in ("b12kg/pages/templates/concept.html", "b12kg/pages/assets/b12kg.css",
                 "b12kg/pages/assets/vendor/yasqe/yasqe.min.js", "b12kg/pages/assets/vendor/yasqe/LICENSES.txt",
                 "b12kg/pages/assets/vendor/VENDOR.json"):
        assert name in names, name
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target), "B12KG_CACHE_DIR": str(tmp_path / "cache")}
    docs = subprocess.run([sys.executable, "-m", "b12kg", "docs", "-o", str(tmp_path / "site")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=600)
    assert docs.returncode == 0, docs.stderr
    assert (tmp_path / "site" / "concepts" / "muscle_spasm.html").is_file()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "b12kg", "serve", "--port", str(port), "--workers", "1"],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.3)
        assert b"yasqe.min.js" in home
        js = urllib.request.urlopen(f"http://127.0.0.1:{port}/assets/vendor/yasqe/yasqe.min.js", timeout=30).read()
        assert js == (ROOT / "src/b12kg/pages/assets/vendor/yasqe/yasqe.min.js").read_bytes()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
