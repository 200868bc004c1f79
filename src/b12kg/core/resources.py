"""Where the bundled ontology, data, shapes and queries are.

In an installed wheel they live in ``b12kg/_bundle``; in a source checkout (editable install)
they are the top-level folders of the repository.
"""

from __future__ import annotations

import os

# pathlib is imported by the functions that return a Path (not on the cold query path)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["bundle_root", "bundle_root_path", "bundled_graph_files", "data_files", "import_files", "mapping_files",
           "ontology_file", "queries_dir", "queries_dir_path", "shapes_files"]

_ROOT: list[str] = []


def bundle_root_path() -> str:
    """:func:`bundle_root` as a string, found with :mod:`os.path` (``pathlib`` stays off the cold query path)."""
    if not _ROOT:
        package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # .../b12kg
        for root in (os.path.join(package, "_bundle"), os.path.dirname(os.path.dirname(package))):
            if os.path.isfile(os.path.join(root, "ontology", "b12kg.ttl")):
                _ROOT.append(root)
                break
        else:
            raise FileNotFoundError(f"the bundled ontology was not found beside {package}; reinstall b12kg")
    return _ROOT[0]


def bundle_root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``.

    >>> (bundle_root() / "ontology" / "b12kg.ttl").is_file()
    True
    """
    from pathlib import Path

    return Path(bundle_root_path())


def _listed(*parts: str, suffix: str) -> list[str]:
    """The files of the bundle folder ``parts`` whose names end with ``suffix``, sorted by name."""
    folder = os.path.join(bundle_root_path(), *parts)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, n) for n in sorted(n for n in names if n.endswith(suffix))]


def bundled_graph_files() -> list[tuple[str, str]]:
    """``(kind, path)`` of every file of the bundled graph, in the order of
    :func:`b12kg.store.sources.bundled_sources` (which makes its sources from this list)."""
    return [("ontology", os.path.join(bundle_root_path(), "ontology", "b12kg.ttl")),
            *(("imports", p) for p in _listed("ontology", "imports", suffix=".ttl")),
            *(("data", p) for p in _listed("data", suffix=".ttl")),
            *(("mappings", p) for p in _listed("data", "mappings", suffix=".sssom.tsv"))]


def ontology_file() -> Path:
    """The OWL schema (the one edit file of the ontology)."""
    return bundle_root() / "ontology" / "b12kg.ttl"


def import_files() -> list[Path]:
    """The extracted import modules of external ontologies, sorted by name."""
    return _paths(_listed("ontology", "imports", suffix=".ttl"))


def shapes_files() -> list[Path]:
    """The SHACL shapes files."""
    return _paths(_listed("ontology", "shapes", suffix=".ttl"))


def data_files() -> list[Path]:
    """The curated instance data files, by topic."""
    return _paths(_listed("data", suffix=".ttl"))


def mapping_files() -> list[Path]:
    """The SSSOM mapping sets."""
    return _paths(_listed("data", "mappings", suffix=".sssom.tsv"))


def _paths(paths: list[str]) -> list[Path]:
    from pathlib import Path

    return [Path(p) for p in paths]


def queries_dir_path() -> str:
    """:func:`queries_dir` as a string."""
    return os.path.join(bundle_root_path(), "queries")


def queries_dir() -> Path:
    """The folder of named SPARQL queries."""
    return bundle_root() / "queries"
