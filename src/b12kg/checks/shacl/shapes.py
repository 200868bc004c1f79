"""The shapes graph, read with pyoxigraph (no rdflib): parsing with clear errors, a small triple index, RDF
lists, SHACL paths as plain data, and which nodes are shapes.

>>> g = ShapesGraph.parse_bytes(b'''@prefix sh: <http://www.w3.org/ns/shacl#> .
...   <urn:x:S> a sh:NodeShape ; sh:targetClass <urn:x:C> ;
...     sh:property [ sh:path ( <urn:x:p> [ sh:inversePath <urn:x:q> ] ) ; sh:minCount 1 ] .''', "inline.ttl")
>>> [str(s) for s in g.top_level_shapes()]
['<urn:x:S>']
>>> g.path(g.objects(g.objects(g.top_level_shapes()[0], SH + "property")[0], SH + "path")[0])
('sequence', ('urn:x:p', ('inverse', 'urn:x:q')))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ...core.errors import GraphParseError, ShapesError

__all__ = ["RDF", "RDFS", "SH", "XSD", "ShapesGraph"]

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"

#: parameters whose values are shapes (or lists of shapes)
_SHAPE_VALUED = ("node", "property", "not", "qualifiedValueShape")
_SHAPE_LISTS = ("and", "or", "xone")
_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
_PATH_KINDS = {"inversePath": "inverse", "alternativePath": "alternative", "zeroOrMorePath": "zeroOrMore",
               "oneOrMorePath": "oneOrMore", "zeroOrOnePath": "zeroOrOne"}


class ShapesGraph:
    """The triples of one or more shapes files, indexed by subject and by object (pyoxigraph terms)."""

    def __init__(self, triples: Iterable[Any], origin: str = "") -> None:
        self.origin = origin
        self._spo: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self._pos: dict[str, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            s, p, o = t.subject, t.predicate.value, t.object
            if o not in self._spo[s][p]:
                self._spo[s][p].append(o)
                self._pos[p][o].append(s)

    # -- reading ---------------------------------------------------------------------------------
    @classmethod
    def parse_files(cls, paths: Sequence[Path]) -> ShapesGraph:
        """Parse shapes files (Turtle, N-Triples, RDF/XML… by extension; Turtle when unknown)."""
        triples: list[Any] = []
        for p in paths:
            path = Path(p)
            try:
                data = path.read_bytes()
            except IsADirectoryError:
                raise GraphParseError(str(path), None, "is a folder, not a shapes file") from None
            except OSError as e:
                raise GraphParseError(str(path), None, f"cannot read the shapes file: {e.strerror or e}") from None
            triples += cls._parse(data, str(path), _format(path))
        return cls(triples, ", ".join(str(p) for p in paths))

    @classmethod
    def parse_bytes(cls, data: bytes, name: str = "shapes", fmt: Any = None) -> ShapesGraph:
        """Parse shapes given as bytes (Turtle unless ``fmt``, a :class:`pyoxigraph.RdfFormat`, says otherwise)."""
        return cls(cls._parse(data, name, fmt), name)

    @staticmethod
    def _parse(data: bytes, name: str, fmt: Any) -> list[Any]:
        import pyoxigraph as ox

        from ...store.sources import syntax_message

        if b"\x00" in data[:4096]:
            raise GraphParseError(name, None, "a binary file, not RDF: give a SHACL shapes file in Turtle")
        try:
            return list(ox.parse(data, format=fmt or ox.RdfFormat.TURTLE,
                                 base_iri=Path(name).resolve().as_uri() if name != "shapes" else None))
        except SyntaxError as e:
            raise GraphParseError(name, e.lineno, f"not valid RDF: {syntax_message(e)}") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise GraphParseError(name, None, f"not valid RDF: {e}") from None

    # -- triples ---------------------------------------------------------------------------------
    def objects(self, s: Any, p: str) -> list[Any]:
        """The objects of ``s p ?o`` in file order."""
        return list(self._spo.get(s, {}).get(p, ()))

    def value(self, s: Any, p: str) -> Any:
        """One object of ``s p ?o`` (the first), or ``None``."""
        values = self._spo.get(s, {}).get(p)
        return values[0] if values else None

    def subjects(self, p: str, o: Any = None) -> list[Any]:
        """The subjects of ``?s p o`` (any object when ``o`` is ``None``)."""
        by_object = self._pos.get(p, {})
        if o is not None:
            return list(by_object.get(o, ()))
        seen: dict[Any, None] = {}
        for subjects in by_object.values():
            seen.update(dict.fromkeys(subjects))
        return list(seen)

    def has(self, s: Any, p: str, o: Any) -> bool:
        return o in self._spo.get(s, {}).get(p, ())

    def predicates(self, s: Any) -> list[str]:
        return list(self._spo.get(s, {}))

    def items(self, node: Any) -> list[Any]:
        """The members of the RDF list ``node``; :class:`ShapesError` for a broken list."""
        out, seen = [], set()
        while not (_is_iri(node) and node.value == RDF + "nil"):
            if node in seen or self.value(node, RDF + "first") is None:
                raise ShapesError(f"{self.origin}: {_text(node)} is not a well-formed RDF list (rdf:first/rdf:rest)")
            seen.add(node)
            out.append(self.value(node, RDF + "first"))
            node = self.value(node, RDF + "rest")
            if node is None:
                raise ShapesError(f"{self.origin}: an RDF list has no rdf:rest")
        return out

    def is_true(self, s: Any, p: str) -> bool:
        v = self.value(s, p)
        return v is not None and _is_literal(v) and v.value == "true"

    # -- shapes ----------------------------------------------------------------------------------
    def shapes(self) -> list[Any]:
        """Every node that is a shape: typed as one, with a target, a path or a constraint, or used as a shape."""
        found: dict[Any, None] = {}
        for kind in ("NodeShape", "PropertyShape"):
            found.update(dict.fromkeys(self.subjects(RDF + "type", _iri(SH + kind))))
        for p in (*_TARGETS, "path"):
            found.update(dict.fromkeys(self.subjects(SH + p)))
        for p in _SHAPE_VALUED:
            for s in self.subjects(SH + p):
                found.update(dict.fromkeys(self.objects(s, SH + p)))
        for p in _SHAPE_LISTS:
            for s in self.subjects(SH + p):
                for lst in self.objects(s, SH + p):
                    found.update(dict.fromkeys(self.items(lst)))
        return list(found)

    def top_level_shapes(self) -> list[Any]:
        """The shapes that have targets (explicit, or implicit as an ``rdfs:Class``/``owl:Class``)."""
        out = []
        for s in self.shapes():
            if any(self.objects(s, SH + t) for t in _TARGETS) or self.is_class(s):
                out.append(s)
        return out

    def is_class(self, s: Any) -> bool:
        return _is_iri(s) and (self.has(s, RDF + "type", _iri(RDFS + "Class")) or
                               self.has(s, RDF + "type", _iri(OWL + "Class")))

    def path(self, node: Any, shape: Any = None) -> Any:
        """The SHACL path at ``node`` as plain data (see :data:`b12kg.checks.shacl.report.PathExpr`)."""
        if _is_iri(node):
            return node.value
        if _is_literal(node):
            where = f" of shape {_text(shape)}" if shape is not None else ""
            raise ShapesError(f"{self.origin}: sh:path{where} is the literal {_text(node)}; a path is an IRI "
                              "(e.g. rdfs:label) or a path expression such as [ sh:inversePath ex:p ]")
        if self.value(node, RDF + "first") is not None:
            members = [self.path(m, shape) for m in self.items(node)]
            if len(members) == 1:
                return members[0]
            return ("sequence", tuple(members))
        for pred, kind in _PATH_KINDS.items():
            arg = self.value(node, SH + pred)
            if arg is not None:
                if kind == "alternative":
                    return (kind, tuple(self.path(m, shape) for m in self.items(arg)))
                return (kind, self.path(arg, shape))
        raise ShapesError(f"{self.origin}: the sh:path of shape {_text(shape)} is not a SHACL path")

    def prefixes(self, node: Any) -> dict[str, str]:
        """The prefixes declared (``sh:declare``) by the ``sh:prefixes`` of ``node``, following owl:imports."""
        out: dict[str, str] = {}
        todo, seen = self.objects(node, SH + "prefixes"), set()
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            for d in self.objects(p, SH + "declare"):
                prefix, ns = self.value(d, SH + "prefix"), self.value(d, SH + "namespace")
                if prefix is not None and ns is not None:
                    out[prefix.value] = ns.value
            todo += self.objects(p, OWL + "imports")
        return out

    def text(self, node: Any, pred: str) -> str:
        """An English (or untagged) literal of ``node pred``, else any; "" when there is none."""
        values = [v for v in self.objects(node, pred) if _is_literal(v)]
        for v in values:
            if (v.language or "en") == "en":
                return str(v.value)
        return str(sorted(values, key=str)[0].value) if values else ""


def _format(path: Path) -> Any:
    import pyoxigraph as ox

    from ...store.sources import RDF_EXTENSIONS, oxigraph_format

    return oxigraph_format(path) if path.suffix.lower() in RDF_EXTENSIONS else ox.RdfFormat.TURTLE


def _iri(value: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(value)


def _is_iri(term: Any) -> bool:
    return type(term).__name__ == "NamedNode"


def _is_literal(term: Any) -> bool:
    return type(term).__name__ == "Literal"


def _text(term: Any) -> str:
    if term is None:
        return "?"
    if _is_iri(term):
        from .report import show_iri

        return show_iri(term.value)
    if _is_literal(term):
        return f'"{term.value}"'
    return "[blank node]"
