"""A backend-neutral RDF term, so that results from Oxigraph, rdflib and remote endpoints compare equal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .sparql import term_n3

__all__ = ["Term", "from_oxigraph", "from_rdflib", "to_oxigraph", "to_rdflib"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, order=True)
class Term:
    """An RDF term: an IRI, a blank node or a literal.

    >>> Term.iri("https://w3id.org/b12kg/fatigue").n3()
    '<https://w3id.org/b12kg/fatigue>'
    >>> Term.literal("fatigue", language="en").n3()
    '"fatigue"@en'
    """

    kind: Literal["iri", "bnode", "literal"]
    value: str
    datatype: str | None = None
    language: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        return cls("iri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, language: str | None = None) -> Term:
        if language or datatype in (None, XSD_STRING):
            datatype = None
        return cls("literal", value, datatype, language)

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    def n3(self) -> str:
        """The term in N-Triples/SPARQL syntax."""
        return term_n3(self.kind, self.value, self.datatype, self.language)

    def __str__(self) -> str:
        return self.value


#: IRI terms already made (a Term is immutable): query answers name the same few thousand IRIs again and again
_IRIS: dict[str, Term] = {}


def from_oxigraph(term: Any) -> Term | None:
    """Convert a pyoxigraph term (or ``None``) to a :class:`Term`."""
    if term is None:
        return None
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        value = term.value
        found = _IRIS.get(value)
        if found is None:
            if len(_IRIS) >= 1 << 16:
                _IRIS.clear()
            found = _IRIS[value] = Term("iri", value)
        return found
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        lang = term.language
        return Term.literal(term.value, None if lang else term.datatype.value, lang)
    raise TypeError(f"unsupported RDF term {term!r}")


def from_rdflib(term: Any) -> Term | None:
    """Convert an rdflib term (or ``None``) to a :class:`Term`."""
    if term is None:
        return None
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return Term.iri(str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        return Term.literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    raise TypeError(f"unsupported RDF term {term!r}")


def to_oxigraph(term: Term) -> Any:
    """Convert a :class:`Term` to a pyoxigraph term."""
    import pyoxigraph as ox

    if term.kind == "iri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


def to_rdflib(term: Term) -> Any:
    """Convert a :class:`Term` to an rdflib term."""
    from rdflib import BNode, Literal, URIRef

    if term.kind == "iri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)
