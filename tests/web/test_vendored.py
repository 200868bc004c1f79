"""The vendored front-end component is the pinned npm release, unchanged, with its licences."""

from __future__ import annotations

import hashlib
import json

from b12kg.pages import ASSETS


def test_vendored_files_are_the_pinned_release() -> None:
    manifest = json.loads((ASSETS / "vendor" / "VENDOR.json").read_text())
    yasqe = manifest["yasqe"]
    assert (yasqe["package"], yasqe["version"]) == ("@zazuko/yasqe", "4.6.2")
    for name, digest in yasqe["sha256"].items():
        assert hashlib.sha256((ASSETS / "vendor" / "yasqe" / name).read_bytes()).hexdigest() == digest, name


def test_licences_are_kept() -> None:
    text = (ASSETS / "vendor" / "yasqe" / "LICENSES.txt").read_text()
    for package in ("@zazuko/yasqe 4.6.2", "codemirror", "lodash-es", "query-string", "dompurify", "store", "events"):
        assert f"-- {package}" in text, package
    assert text.count("Permission is hereby granted") >= 8  # the MIT texts
    assert "Apache License" in text  # DOMPurify's


def test_the_pages_fetch_nothing_from_elsewhere() -> None:
    """No page or script of ours names an outside host (the editor's online completers are turned off)."""
    for path in [*ASSETS.glob("*.js"), *ASSETS.glob("*.css"), *(ASSETS.parent / "templates").glob("*.html")]:
        text = path.read_text()
        for needle in ("http://", "https://"):
            for line in text.splitlines():
                if needle in line:
                    assert "w3id.org/b12kg" in line or "www.w3.org" in line or "example" in line, (path, line)
