"""rdflib Turtle and TriG serializers that abbreviate IRIs with the project prefix map only.

rdflib's own writers invent ``ns1:`` prefixes for unknown predicate namespaces and split IRIs
at the last ``/`` (``obo:HP_0003394``); these use :func:`b12kg.core.prefixes.compress`
(``HP:0003394``) and write any other IRI in full. TriG graphs are written sorted by name.
Imported only by :mod:`b12kg.formats.rdf` (it needs rdflib).
"""

from __future__ import annotations

from typing import Any

from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import VERB, TurtleSerializer

from .rdf import _project_pname

__all__ = ["ProjectTrigSerializer", "ProjectTurtleSerializer"]


class ProjectTurtleSerializer(TurtleSerializer):
    """Turtle with project prefixes only."""

    def get_pname(self, uri: Any, gen_prefix: bool = True) -> str | None:
        return _project_pname(self, uri)

    def label(self, node: Any, position: int) -> str:
        return _label(self, TurtleSerializer.label, node, position)


class ProjectTrigSerializer(TrigSerializer):
    """TriG with project prefixes only and named graphs in sorted order."""

    def __init__(self, store: Any) -> None:
        super().__init__(store)
        self.contexts.sort(key=lambda c: str(c.identifier))

    def get_pname(self, uri: Any, gen_prefix: bool = True) -> str | None:
        return _project_pname(self, uri)

    def label(self, node: Any, position: int) -> str:
        return _label(self, TrigSerializer.label, node, position)


def _label(serializer: Any, label: Any, node: Any, position: int) -> str:
    """rdflib's label of ``node``, remembered per serializer: it depends only on the node and on whether it
    is a predicate (``a``), as :func:`_project_pname` ignores ``gen_prefix`` and the base never changes."""
    cache: dict[tuple[Any, bool], str] = serializer.__dict__.setdefault("_b12kg_labels", {})
    key = (node, position is VERB)
    text = cache.get(key)
    if text is None:
        text = cache[key] = label(serializer, node, position)
    return text
