"""Where the bundled ontology, data, shapes and queries are.

In an installed wheel they live in ``b12kg/_bundle``; in a source checkout (editable install)
they are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["bundle_root", "data_files", "import_files", "mapping_files", "ontology_file", "queries_dir", "shapes_files"]


@cache
def bundle_root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``.

    >>> (bundle_root() / "ontology" / "b12kg.ttl").is_file()
    True
    """
    package = Path(__file__).resolve().parent.parent  # .../b12kg
    for root in (package / "_bundle", package.parent.parent):
        if (root / "ontology" / "b12kg.ttl").is_file():
            return root
    raise FileNotFoundError(f"the bundled ontology was not found beside {package}; reinstall b12kg")


def ontology_file() -> Path:
    """The OWL schema (the one edit file of the ontology)."""
    return bundle_root() / "ontology" / "b12kg.ttl"


def import_files() -> list[Path]:
    """The extracted import modules of external ontologies, sorted by name."""
    return sorted((bundle_root() / "ontology" / "imports").glob("*.ttl"))


def shapes_files() -> list[Path]:
    """The SHACL shapes files."""
    return sorted((bundle_root() / "ontology" / "shapes").glob("*.ttl"))


def data_files() -> list[Path]:
    """The curated instance data files, by topic."""
    return sorted((bundle_root() / "data").glob("*.ttl"))


def mapping_files() -> list[Path]:
    """The SSSOM mapping sets."""
    return sorted((bundle_root() / "data" / "mappings").glob("*.sssom.tsv"))


def queries_dir() -> Path:
    """The folder of named SPARQL queries."""
    return bundle_root() / "queries"
