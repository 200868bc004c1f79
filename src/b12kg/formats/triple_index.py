"""Read-only, indexed stand-ins for an rdflib ``Graph`` and ``Dataset``, for rdflib's writers.

rdflib's Turtle, TriG and JSON-LD writers walk the graph they are given with a few lookups
(``triples``, ``subjects``, ``predicate_objects``, ``value``), tens of thousands of times per
release; through an in-memory ``rdflib.Graph`` each lookup passes several generator layers, and
filling that graph (``Graph.add``) costs as much again. :class:`TripleIndex` answers the same
lookups from plain dictionaries built once from the sorted quads, so the writers run unchanged,
write the same bytes (the tests compare them with the bytes written from an ``rdflib.Graph``) and
take a fraction of the time. Only what those writers call is provided; it never changes.

>>> from rdflib import URIRef, Literal
>>> s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
>>> g = TripleIndex([(s, p, Literal("b")), (s, p, Literal("a"))])
>>> sorted(str(o) for o in g.objects(s, p)), g.value(s, p) is not None, len(g)
(['a', 'b'], True, 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["DatasetIndex", "TripleIndex"]

Triple = tuple[Any, Any, Any]


class TripleIndex:
    """The triples of one graph, indexed by subject and by object (see the module docstring).

    ``identifier`` names the graph (for TriG); ``base`` is always None (no relative IRIs).
    """

    context_aware = False
    base = None

    def __init__(self, triples: Iterable[Triple], identifier: Any = None) -> None:
        from rdflib import BNode

        self.identifier = identifier if identifier is not None else BNode()
        self._triples: list[Triple] = []
        self._by_subject: dict[Any, list[tuple[Any, Any]]] = {}
        self._by_object: dict[Any, list[tuple[Any, Any]]] = {}
        seen: set[Triple] = set()
        for t in triples:
            if t in seen:
                continue
            seen.add(t)
            s, p, o = t
            self._triples.append(t)
            self._by_subject.setdefault(s, []).append((p, o))
            self._by_object.setdefault(o, []).append((s, p))

    def __len__(self) -> int:
        return len(self._triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __bool__(self) -> bool:
        return bool(self._triples)

    def triples(self, pattern: Triple) -> Iterator[Triple]:
        """The triples matching ``(s, p, o)``, None a wildcard; the subject or object must be given or all
        three left open (the lookups the writers make)."""
        s, p, o = pattern
        if s is not None:
            for p2, o2 in self._by_subject.get(s, ()):
                if (p is None or p2 == p) and (o is None or o2 == o):
                    yield s, p2, o2
        elif o is not None:
            for s2, p2 in self._by_object.get(o, ()):
                if p is None or p2 == p:
                    yield s2, p2, o
        elif p is None:
            yield from self._triples
        else:
            for t in self._triples:
                if t[1] == p:
                    yield t

    def subjects(self, predicate: Any = None, object: Any = None) -> Iterator[Any]:
        """Subjects of the matching triples, one per triple (as rdflib gives them)."""
        for s, _, _ in self.triples((None, predicate, object)):
            yield s

    def objects(self, subject: Any = None, predicate: Any = None) -> Iterator[Any]:
        """Objects of the matching triples."""
        for _, _, o in self.triples((subject, predicate, None)):
            yield o

    def predicate_objects(self, subject: Any = None) -> Iterator[tuple[Any, Any]]:
        """``(predicate, object)`` of every triple about ``subject``."""
        for _, p, o in self.triples((subject, None, None)):
            yield p, o

    def value(self, subject: Any = None, predicate: Any = None, object: Any = None) -> Any:
        """One object of ``subject``/``predicate`` (or one subject of ``predicate``/``object``), or None."""
        if subject is not None:
            return next(self.objects(subject, predicate), None)
        return next(self.subjects(predicate, object), None)

    def namespaces(self) -> Iterator[tuple[str, Any]]:
        """No bindings: the writers are given the project prefixes (see :mod:`.rdflib_serializers`)."""
        return iter(())


class DatasetIndex:
    """Named graphs as :class:`TripleIndex` objects, standing in for an ``rdflib.Dataset`` (for TriG)."""

    context_aware = True
    base = None

    def __init__(self, graphs: Iterable[TripleIndex]) -> None:
        self._graphs = list(graphs)
        self.default_context = TripleIndex((), identifier=None)

    def contexts(self) -> Iterator[TripleIndex]:
        """The named graphs, in the order given."""
        return iter(self._graphs)

    def namespaces(self) -> Iterator[tuple[str, Any]]:
        """No bindings (see :meth:`TripleIndex.namespaces`)."""
        return iter(())
