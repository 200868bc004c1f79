"""Helpers of tests/interop: the release files, finding a tool (or skipping with its install line), running it."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest

JENA_PACKAGE = "libapache-jena-java"
#: the RDF files of the release with the parser name of each for rdflib
RDF_FILES = {
    "b12kg-base.ttl": "turtle", "b12kg-base.owl": "xml", "b12kg-full.ttl": "turtle", "b12kg-full.owl": "xml",
    "b12kg.nt": "nt", "b12kg.jsonld": "json-ld", "b12kg.nq": "nquads", "b12kg.trig": "trig",
}


def need(program: str, install: str) -> str:
    """The path of ``program``, or skip the test saying how to install it."""
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is not installed ({install})")
    return path


def run(args: list[str], *, timeout: float = 600, **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run a tool (bounded in time), capturing its output as text."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)


def package_jars(package: str) -> set[str]:
    """The unversioned jars of a Debian Java package and of the Java packages it depends on."""
    seen: set[str] = set()
    todo = [package]
    jars: set[str] = set()
    while todo:
        p = todo.pop()
        if p in seen or not p.endswith("-java"):
            continue
        seen.add(p)
        deps = run(["dpkg-query", "-W", "-f=${Depends}", p]).stdout
        todo += [re.split(r"[\s(|]", d.strip())[0] for d in deps.split(",") if d.strip()]
        for f in run(["dpkg-query", "-L", p]).stdout.split():
            if f.startswith("/usr/share/java/") and f.endswith(".jar") and not re.search(r"-\d[\w.]*\.jar$", f):
                jars.add(f)
    return jars
