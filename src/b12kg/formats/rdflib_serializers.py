"""rdflib Turtle and TriG serializers that abbreviate IRIs with the project prefix map only.

rdflib's own writers invent ``ns1:`` prefixes for unknown predicate namespaces and split IRIs
at the last ``/`` (``obo:HP_0003394``); these abbreviate as :func:`b12kg.core.prefixes.compress` does
(``HP:0003394``, through its import-free twin ``compress_fast``) and write any other IRI in full.
TriG graphs are written sorted by name.
They read an rdflib ``Graph``/``Dataset`` or their indexed stand-ins (:mod:`b12kg.formats.triple_index`).
Imported only by :mod:`b12kg.formats.rdf` (it needs rdflib); it imports nothing of b12kg.formats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from io import BytesIO
from typing import Any

from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import VERB, TurtleSerializer
from rdflib.term import BNode, Literal

from ..core.prefixes import PREFIX_MAP, compress_fast

__all__ = ["ProjectTrigSerializer", "ProjectTurtleSerializer", "jsonld_nodes", "write"]


_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$")


def _project_pname(serializer: Any, uri: Any) -> str | None:
    """A prefixed name from the project prefix map (longest namespace wins), or None."""
    from rdflib import URIRef

    if not isinstance(uri, URIRef):
        return None
    found = _pname(str(uri))
    if found is None:
        return None
    prefix, pname = found
    if serializer.namespaces.get(prefix) != PREFIX_MAP[prefix]:  # declared once (addNamespace is idempotent)
        serializer.addNamespace(prefix, PREFIX_MAP[prefix])
    return pname


@lru_cache(maxsize=1 << 16)  # the Turtle and TriG writers ask for the same IRIs ~80k times per release
def _pname(iri: str) -> tuple[str, str] | None:
    """``(prefix, "prefix:local")`` for ``iri`` under the project prefix map, or None."""
    curie = compress_fast(iri)
    if curie == iri or ":" not in curie:
        return None
    prefix, local = curie.split(":", 1)
    if local and not _PN_LOCAL.match(local):
        return None
    return prefix, f"{prefix}:{local}"


class _ProjectNames:
    """What both writers share: project prefixed names, and each node's name and label worked out once per
    document (rdflib asks again for every occurrence). The base IRI is never set (no relative IRIs)."""

    keywords: dict[Any, str]
    _references: Any
    _subjects: dict[Any, bool]

    def reset(self) -> None:
        super().reset()  # type: ignore[misc]
        self._b12kg_names: dict[Any, str | None] = {}
        self._b12kg_labels: dict[tuple[Any, bool], str] = {}
        self._b12kg_seen: set[Any] = set()

    def get_pname(self, uri: Any, gen_prefix: bool = True) -> str | None:
        names = self._b12kg_names
        if uri in names:
            return names[uri]  # its namespace was declared when it was first named (reset clears both)
        name = names[uri] = _project_pname(self, uri)
        return name

    def preprocessTriple(self, triple: Any) -> None:
        """rdflib's ``preprocessTriple`` (count references, note subjects, declare the prefixes a node needs),
        naming each node once."""
        s, p, o = triple
        self._references[o] += 1
        self._subjects[s] = True
        seen = self._b12kg_seen
        for i, node in enumerate(triple):
            if (i == VERB and node in self.keywords) or node in seen:
                continue
            seen.add(node)
            self.get_pname(node, i == VERB)
            if isinstance(node, Literal) and node.datatype:
                self.get_pname(node.datatype, False)
        if isinstance(p, BNode):
            self._references[p] += 1

    predicateOrder: list[Any]

    def sortProperties(self, properties: Mapping[Any, list[Any]]) -> list[Any]:
        """rdflib's order (objects sorted; ``rdf:type``, ``rdfs:label`` first, then the other predicates sorted),
        except that objects rdflib cannot compare (a decimal beside a NaN double) are sorted by their N-Triples
        form instead of stopping the export."""
        for objects in properties.values():
            try:
                objects.sort()
            except (ArithmeticError, TypeError):
                objects.sort(key=lambda o: o.n3())
        first = [p for p in dict.fromkeys(self.predicateOrder) if p in properties]
        return first + sorted(p for p in properties if p not in first)

    def label(self, node: Any, position: int) -> str:
        """rdflib's label of ``node``, remembered: it depends only on the node and on whether it is a predicate
        (``a``), as :meth:`get_pname` ignores ``gen_prefix`` and the base never changes."""
        key = (node, position is VERB)
        text = self._b12kg_labels.get(key)
        if text is None:
            text = self._b12kg_labels[key] = super().label(node, position)  # type: ignore[misc]
        return text


class ProjectTurtleSerializer(_ProjectNames, TurtleSerializer):
    """Turtle with project prefixes only."""


class ProjectTrigSerializer(_ProjectNames, TrigSerializer):
    """TriG with project prefixes only and named graphs in sorted order."""

    def __init__(self, store: Any) -> None:
        super().__init__(store)
        self.contexts.sort(key=lambda c: str(c.identifier))


def write(serializer: Any) -> bytes:
    """The UTF-8 bytes ``serializer`` writes (as ``Graph.serialize(format=…, encoding="utf-8")`` returns them)."""
    stream = BytesIO()
    serializer.serialize(stream, base=None, encoding="utf-8")
    return stream.getvalue()


def jsonld_nodes(graph: Any, context: dict[str, str]) -> list[dict[str, Any]]:
    """The node objects rdflib's JSON-LD serializer makes of ``graph`` with ``context`` (compact IRIs, native
    numbers and booleans), unsorted; without rdflib's slip that drops a value when the first value of a
    property is falsy (``0``, ``false``, ``""``) and another follows."""
    from rdflib.plugins.serializers.jsonld import Converter
    from rdflib.plugins.shared.jsonld.context import Context

    class KeepFalsy(Converter):
        def add_to_node(self, graph: Any, s: Any, p: Any, o: Any, s_node: dict[str, Any], nodemap: Any) -> None:
            falsy = {k: v for k, v in s_node.items() if not v and k != "@id"}
            super().add_to_node(graph, s, p, o, s_node, nodemap)
            for key, old in falsy.items():  # rdflib replaced a falsy first value instead of adding to it
                new = s_node.get(key)
                if new is not old:  # (an equal native value is the same object: nothing a reader could tell apart)
                    s_node[key] = [old, new]

    # native numbers and booleans: what JsonLDSerializer gets with any context (its flag is a truthy tuple)
    converter = KeepFalsy(Context(context, base=None), True, False)
    result = converter.convert(graph)
    if isinstance(result, list):
        return result
    return result.get("@graph", [result] if "@id" in result else [])  # type: ignore[no-any-return]
