"""Exports of the graph for research tools: RDF formats, KGX, OBO Graphs, Neo4j.

Each submodule turns a :class:`b12kg.KnowledgeGraph` into bytes (or a set of named files) that are
identical from run to run; :mod:`b12kg.formats` registers them for ``b12kg export`` and the API,
and :mod:`b12kg.build` writes them all into a release.
"""

from __future__ import annotations

__all__: list[str] = []
