"""Rendering pages from the Jinja2 templates in ``b12kg/pages/templates``, for the server and the docs site.

:class:`Pages` gathers what a page shows (through an :data:`~b12kg.queries.lookup.Execute`, so the same
code runs in a server worker and in the site build) and renders one template with a
:class:`~b12kg.pages.links.Links`. Every page says that it is not medical advice (``base.html``).

A concept page shows the :class:`~b12kg.queries.concepts.Concept` of the term (label, definition,
synonyms, types, curated edges in and out with section and claim, other facts, external IDs, table
cells), the claims of the section when the term is a section of the article, and a picture: ``diagram``
is a callable taking the term's IRI and the link of each box, returning an SVG document (or None).
:func:`b12kg.formats.diagrams.page_diagrams` draws the concept with every curated statement in and out
of it, as ``b12kg diagram concept`` does, each box linking to its page (the faces and the release pass it in).

>>> from b12kg.queries.run import executor
>>> from b12kg.store.dataset import Dataset
>>> from b12kg.pages.links import ServerLinks
>>> pages = Pages(executor(Dataset.bundled(), "oxigraph"), ServerLinks())
>>> html = pages.concept("https://w3id.org/b12kg/muscle_spasm")
>>> "<h1>muscle spasm" in html and "Not medical advice" in html
True
>>> 'href="http://purl.obolibrary.org/obo/HP_0003394"' in html
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import __version__
from ..core.errors import ParameterError
from ..core.prefixes import PREFIX_MAP, compress_fast
from ..core.results import sort_key
from ..core.terms import Term
from ..queries.binding import bind_parameters
from ..queries.catalog import NamedQuery, QueryCatalog
from ..queries.concepts import Concept, describe, search
from ..queries.lookup import Execute, labels
from .links import B12KG, Links, local_name

if TYPE_CHECKING:
    import jinja2

    from ..core.results import QueryResult

__all__ = ["DISCLAIMER", "TEMPLATES", "BoxLink", "Claim", "Diagram", "Pages", "environment"]

#: the folder of the page templates
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: said on every page
DISCLAIMER = ("Not medical advice: b12kg records what one popular-science article says, for research and "
              "software use. Do not use it to diagnose or treat anyone; ask a healthcare professional.")
#: the link of a box in a picture: IRI -> URL, or None for no link
BoxLink = Callable[[str], "str | None"]
#: a callable giving the SVG picture of a term (by IRI, with the link of each box), or None when there is none
Diagram = Callable[[str, BoxLink], "str | None"]


#: words for the RDF, RDFS and OWL terms that the graph gives no label (used for the "other statements")
_VOCABULARY = {PREFIX_MAP["rdfs"] + k: v for k, v in (
    ("subClassOf", "subclass of"), ("subPropertyOf", "subproperty of"), ("domain", "domain"), ("range", "range"),
    ("comment", "comment"), ("seeAlso", "see also"), ("isDefinedBy", "defined by"))} | {
    PREFIX_MAP["owl"] + k: v for k, v in (
        ("inverseOf", "inverse of"), ("equivalentClass", "equivalent class"), ("disjointWith", "disjoint with"),
        ("versionIRI", "version IRI"), ("versionInfo", "version"), ("imports", "imports"),
        ("propertyChainAxiom", "property chain"))} | {
    PREFIX_MAP["rdf"] + "type": "type", PREFIX_MAP["dcterms"] + "title": "title",
    PREFIX_MAP["dcterms"] + "source": "source", PREFIX_MAP["dcterms"] + "license": "licence",
    PREFIX_MAP["dcterms"] + "created": "created", PREFIX_MAP["dcterms"] + "references": "references"}
_MAPPING_NAMES = {"exactMatch": "exact match", "closeMatch": "close match", "broadMatch": "broader term",
                  "narrowMatch": "narrower term", "relatedMatch": "related term"}
_SECTION = B12KG + "DocumentSection"


@dataclass(frozen=True)
class Claim:
    """One curated statement taken from a section of the article."""

    subject: str
    subject_label: str
    predicate: str
    predicate_label: str
    object: str
    object_label: str
    claim: str
    negated: bool


def _compiled_templates() -> jinja2.BytecodeCache:
    import jinja2

    class CompiledTemplates(jinja2.BytecodeCache):
        """Jinja2's compiled templates kept as verified cache entries (``<cache dir>/templates/``): compiling the
        templates costs more than reading them back. Jinja2 recompiles a template whose source changed; an entry
        that is damaged reads as missing (:mod:`b12kg.store.entries`) and is compiled and written again."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            from ..store import entries

            data = entries.get("templates", f"{bucket.key}.bc")
            if data is not None:
                bucket.bytecode_from_string(data)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            from ..store import entries

            entries.put("templates", f"{bucket.key}.bc", bucket.bytecode_to_string())

    return CompiledTemplates()


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the templates (autoescaping on, undefined names are errors)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, bytecode_cache=_compiled_templates(),
                             auto_reload=False)  # the templates are package data: never re-read
    env.filters["curie"] = compress_fast
    env.globals["disclaimer"] = DISCLAIMER
    env.globals["version"] = __version__
    return env


def _svg(text: str | None) -> Any:
    """An SVG document as markup for inlining in HTML (its XML prologue and doctype removed)."""
    if not text:
        return None
    from markupsafe import Markup

    body = re.sub(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", "", text)
    return Markup(body)


class Pages:
    """Renders b12kg's pages over ``execute``, linking with ``links`` (see the module docstring)."""

    def __init__(self, execute: Execute, links: Links, *, catalog: QueryCatalog | None = None,
                 diagram: Diagram | None = None) -> None:
        self.execute = execute
        self.links = links
        self.catalog = catalog or QueryCatalog()
        self.diagram = diagram

    def render(self, template: str, links: Links | None = None, **context: Any) -> str:
        """Render ``template`` with ``context`` (plus ``links``, the disclaimer and the version)."""
        return environment().get_template(template).render(links=links or self.links, **context)

    # -- concept pages --------------------------------------------------------------------------
    def concept(self, iri: str, links: Links | None = None, concept: Concept | None = None) -> str:
        """The page of the b12kg term ``iri`` (raises :class:`~b12kg.core.errors.ConceptNotFoundError`)."""
        c = concept or describe(self.execute, iri)
        claims = self.section_claims(iri) if any(t == _SECTION for t, _ in c.types) else []
        picture = _svg(self.diagram(iri, (links or self.links).term)) if self.diagram is not None else None
        return self.render("concept.html", links, c=c, claims=claims, diagram=picture,
                           mapping_names=_MAPPING_NAMES, vocabulary=_VOCABULARY, title=c.label)

    def section_claims(self, section: str) -> list[Claim]:
        """The curated statements taken from one section (the named query ``claims-by-section``)."""
        q = self.catalog.get("claims-by-section")
        r = self.execute(q.text, {"section": Term.iri(section)}, f"query {q.name!r}")
        names = labels(self.execute, {t.value for row in r.rows for t in row[:3] if t is not None and t.is_iri})
        out = []
        for s, p, o, claim, negated in r.rows:
            if s is None or p is None or o is None or claim is None:
                continue
            out.append(Claim(s.value, names.get(s.value, compress_fast(s.value)), p.value,
                             names.get(p.value, compress_fast(p.value)), o.value,
                             names.get(o.value, compress_fast(o.value)), claim.value,
                             negated is not None and negated.value == "true"))
        return out

    # -- named queries --------------------------------------------------------------------------
    def run_named(self, named: NamedQuery, params: Mapping[str, str]) -> QueryResult:
        """The answer of a named query (parameters bound as terms), with the labels of its IRIs."""
        bindings = bind_parameters(named, params, self.execute)
        result = self.execute(named.text, bindings, f"query {named.name!r}")
        if not re.search(r"\bORDER\s+BY\b", named.text, re.I):  # a stable order (the engine's may vary)
            result.rows.sort(key=sort_key)
        iris = (t.value for row in result.rows for t in row if t is not None and t.is_iri)
        result.labels = labels(self.execute, iris)
        return result

    def named_query(self, named: NamedQuery, params: Mapping[str, str], links: Links | None = None) -> str:
        """The page of a named query: what it asks, its parameters, its SPARQL text and its answer."""
        error = ""
        result = None
        try:
            result = self.run_named(named, params)
        except ParameterError as e:
            error = str(e)
        values = {p.name: params.get(p.name, p.default or "") for p in named.parameters}
        return self.render("query.html", links, q=named, result=result, error=error, values=values,
                           title=named.title or named.name)

    # -- the server's own pages -----------------------------------------------------------------
    def home(self) -> str:
        """The query page: the SPARQL editor, the named queries as examples, results and downloads."""
        examples = [{"name": q.name, "title": q.title, "description": q.description,
                     "params": [{"name": p.name, "kind": p.kind, "default": p.default or "",
                                 "description": p.description} for p in q.parameters]}
                    for q in self.catalog]
        config = {"prefixes": PREFIX_MAP, "examples": examples, "base": B12KG, "sparql": self.links.page("sparql"),
                  "queries": self.links.page("queries")}
        script = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")  # safe inside <script>
        return self.render("home.html", examples=examples, title="Query the graph", config=script)

    def search(self, text: str) -> str:
        """The terms matching ``text`` (labels, synonyms, definitions), best first."""
        hits = search(self.execute, text, limit=30) if text.strip() else []
        return self.render("search.html", text=text, hits=hits, title=f"Search: {text}" if text else "Search",
                           missing=None)

    def not_found(self, name: str) -> str:
        """The page for a b12kg IRI the graph says nothing about, with the closest terms."""
        words = re.sub(r"[_/:]+", " ", name.removeprefix("b12kg:"))
        hits = search(self.execute, words, limit=8) if words.strip() else []
        return self.render("search.html", text=words, hits=hits, title="Not found", missing=name)

    def terms(self) -> list[dict[str, Any]]:
        """Every labelled b12kg term: local name, label, CURIE, synonyms and kind, sorted by label."""
        q = f"""
        SELECT ?s ?label ?syn ?type WHERE {{
          ?s rdfs:label ?label .
          FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{B12KG}"))
          FILTER(lang(?label) = "" || langMatches(lang(?label), "en"))
          OPTIONAL {{ ?s oboInOwl:hasExactSynonym|oboInOwl:hasRelatedSynonym ?syn }}
          OPTIONAL {{ ?s a ?type FILTER(?type IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                                                 owl:AnnotationProperty, owl:Ontology)) }}
        }}"""
        kinds = {"Class": "class", "ObjectProperty": "property", "DatatypeProperty": "property",
                 "AnnotationProperty": "property", "Ontology": "ontology"}
        found: dict[str, dict[str, Any]] = {}
        for s, label, syn, kind in self.execute(q, {}, "the term list").rows:
            if s is None or label is None:
                continue
            name = local_name(s.value)
            if name is None:
                continue
            t = found.setdefault(s.value, {"n": name, "l": label.value, "c": compress_fast(s.value),
                                           "s": set(), "k": "concept"})
            t["l"] = min(t["l"], label.value)
            if syn is not None:
                t["s"].add(syn.value)
            if kind is not None:
                t["k"] = kinds.get(kind.value.rsplit("#", 1)[-1], t["k"])
        out = [{**t, "s": sorted(t["s"], key=str.casefold)} for t in found.values()]
        return sorted(out, key=lambda t: (t["l"].casefold(), t["n"]))

    def search_index(self) -> str:
        """A script defining ``B12KG_TERMS`` (every term: name, label, CURIE, synonyms, kind) for the search box."""
        data = json.dumps(self.terms(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return f"window.B12KG_TERMS = {data};\n"
