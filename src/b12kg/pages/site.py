"""The documentation site: static HTML pages of the whole graph that work offline from the file system.

:func:`site_files` renders every page with the same templates as the server (:class:`~b12kg.pages.render.Pages`
with :class:`~b12kg.pages.links.SiteLinks`, so links are relative between files):

=============================== ==================================================================
``index.html``                  what b12kg is, the article's sections, the named queries, every term
``concepts/<name>.html``        one page per b12kg concept, class, property, section and ontology
``queries/<name>.html``         one page per named query, with its answer for the default parameters
``table.html``                  the article's comparison table
``search.html``                 search results (the search box's script, over ``assets/search-index.js``)
``assets/``                     the style sheet, the script and the search index
=============================== ==================================================================

The output depends only on the graph (sorted, no clock), so two builds are byte-identical.
:func:`write_site` writes the files atomically (``b12kg docs -o site/``); the release build puts the same
files under ``site/`` (:mod:`b12kg.formats.release`).

>>> files = site_files(Dataset.bundled())
>>> "concepts/muscle_spasm.html" in files and "queries/symptoms-by-kind.html" in files
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import BuildError
from ..core.files import atomic_directory
from ..queries.catalog import QueryCatalog
from ..queries.concepts import describe_many
from ..queries.lookup import Execute
from ..store.dataset import Dataset, GraphData
from ..store.engines import oxigraph_query
from ..store.sources import GRAPHS
from .links import B12KG, SiteLinks, local_name
from .render import Diagram, Pages

__all__ = ["ASSETS", "SITE_MARKER", "prepare", "site_files", "write_site"]

#: the folder of the pages' static files (style sheet, scripts, vendored components)
ASSETS = Path(__file__).resolve().parent / "assets"
#: a file every generated site holds, so that ``write_site`` replaces only a folder it wrote
SITE_MARKER = ".b12kg-site"
#: the assets the static site needs (the SPARQL editor is only for the server)
_SITE_ASSETS = ("b12kg.css", "b12kg.js")


def _executor(graph: GraphData) -> Execute:
    store = graph.store
    return lambda text, bindings, source: oxigraph_query(store, text, bindings, source)


#: the templates the site's pages are rendered with
_TEMPLATES = ("index.html", "search.html", "table.html", "concept.html", "query.html")


def prepare() -> None:
    """Import Jinja2 and compile the site's templates now, so that processes forked afterwards (the release
    build renders the site in two) share them rather than each doing it again."""
    from .render import environment

    env = environment()
    for name in _TEMPLATES:
        env.get_template(name)


def site_files(graph: GraphData, *, diagram: Diagram | None = None, catalog: QueryCatalog | None = None,
               concept_pages: Callable[[int], bool] | None = None, other_pages: bool = True) -> dict[str, bytes]:
    """Every file of the documentation site of ``graph`` (relative path -> bytes), in a stable order.

    ``diagram`` (a :data:`~b12kg.pages.render.Diagram`, e.g. :func:`b12kg.formats.diagrams.page_diagrams`)
    adds a picture to the concept pages. To share the work between processes, ``concept_pages`` picks the
    concept pages to render by their position in name order (default: all) and ``other_pages=False`` leaves
    out every other file; each page is the same whichever call renders it.
    """
    execute = _executor(graph)
    catalog = catalog or QueryCatalog()
    pages = Pages(execute, SiteLinks("index.html", ()), catalog=catalog, diagram=diagram)
    terms = pages.terms()
    names = {t["n"] for t in terms}
    for t in terms:
        t["iri"] = B12KG + t["n"]
    out: dict[str, bytes] = {}

    def put(path: str, text: str) -> None:
        out[path] = text.encode("utf-8")

    if other_pages:
        links = SiteLinks("index.html", names)
        put("index.html", pages.render("index.html", links, title="b12kg", sections=_sections(execute, pages),
                                       queries=list(catalog), **_groups(execute, terms)))
        put("search.html", pages.render("search.html", SiteLinks("search.html", names), title="Search", text="",
                                        hits=[], missing=None))
        put("table.html", pages.render("table.html", SiteLinks("table.html", names),
                                       title="The comparison table", **_table(execute)))
    chosen = [t for i, t in enumerate(sorted(terms, key=lambda t: t["n"]))
              if concept_pages is None or concept_pages(i)]
    described = describe_many(execute, [t["iri"] for t in chosen])  # every term in a few queries
    for t in chosen:
        path = f"concepts/{t['n']}.html"
        put(path, pages.concept(t["iri"], SiteLinks(path, names), concept=described.get(t["iri"])))
    if not other_pages:
        return out
    for q in catalog:
        path = f"queries/{q.name}.html"
        put(path, pages.named_query(q, {}, SiteLinks(path, names)))
    for name in _SITE_ASSETS:
        out[f"assets/{name}"] = (ASSETS / name).read_bytes()
    put("assets/search-index.js", pages.search_index())
    out[SITE_MARKER] = b"b12kg documentation site\n"
    return out


def _sections(execute: Execute, pages: Pages) -> list[dict[str, Any]]:
    q = """
    SELECT ?s ?label (COUNT(DISTINCT ?a) AS ?claims) WHERE {
      ?s a b12kg:DocumentSection ; rdfs:label ?label .
      OPTIONAL { ?a b12kg:sourceSection ?s ; b12kg:claim ?c .
                 { ?a a owl:Axiom } UNION { ?a a owl:NegativePropertyAssertion } }
    } GROUP BY ?s ?label ORDER BY STR(?s)"""
    rows = execute(q, {}, "the list of sections").rows
    return [{"iri": s.value, "label": label.value, "claims": int(n.value) if n is not None else 0}
            for s, label, n in rows if s is not None and label is not None]


def _groups(execute: Execute, terms: list[dict[str, Any]]) -> dict[str, Any]:
    """Concepts grouped by their asserted class (label), then classes, properties and the rest."""
    q = f"""
    SELECT ?s ?type ?label WHERE {{
      GRAPH <{GRAPHS['data']}> {{ ?s a ?type }}
      ?type rdfs:label ?label FILTER(lang(?label) = "" || langMatches(lang(?label), "en"))
    }}"""
    kinds: dict[str, set[str]] = defaultdict(set)
    for s, _, label in execute(q, {}, "the concept groups").rows:
        if s is not None and label is not None:
            kinds[s.value].add(label.value)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    classes, properties, others = [], [], []
    for t in terms:
        if t["k"] == "class":
            classes.append(t)
        elif t["k"] == "property":
            properties.append(t)
        elif kinds.get(t["iri"]):
            groups[min(kinds[t["iri"]], key=str.casefold)].append(t)
        else:
            others.append(t)
    concepts = [(g[:1].upper() + g[1:], groups[g]) for g in sorted(groups, key=str.casefold)]
    return {"concepts": concepts, "classes": classes, "properties": properties, "others": others}


def _table(execute: Execute) -> dict[str, Any]:
    q = """
    SELECT ?ch ?chlabel ?order ?type ?tlabel ?summary ?m ?mlabel WHERE {
      ?e a b12kg:ComparisonEntry ; b12kg:forCharacteristic ?ch ; b12kg:forSpasmType ?type ;
         b12kg:summary ?summary .
      ?ch rdfs:label ?chlabel . ?type rdfs:label ?tlabel .
      OPTIONAL { ?ch b12kg:displayOrder ?order }
      OPTIONAL { ?e b12kg:mentions ?m . ?m rdfs:label ?mlabel }
    }"""
    rows = execute(q, {}, "the comparison table").rows
    types: dict[str, str] = {}
    chars: dict[str, tuple[int, str]] = {}
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for c_term, c_label, order, t_term, t_label, summary, m, m_label in rows:
        if c_term is None or t_term is None or summary is None or c_label is None or t_label is None:
            continue
        types[t_term.value] = t_label.value
        chars[c_term.value] = (int(order.value) if order is not None else 99, c_label.value)
        cell = cells.setdefault((c_term.value, t_term.value), {"summary": summary.value, "mentions": set()})
        if m is not None and m_label is not None:
            cell["mentions"].add((m.value, m_label.value))
    # B12-related spasms first, as in the article
    column = sorted(types, key=lambda i: (not local_name(i).startswith("b12"),  # type: ignore[union-attr]
                                          types[i].casefold()))
    out_rows = []
    for ch in sorted(chars, key=lambda c: chars[c]):
        row_cells: list[dict[str, Any] | None] = []
        for t in column:
            found = cells.get((ch, t))
            row_cells.append(None if found is None else {
                "summary": found["summary"],
                "mentions": sorted(found["mentions"], key=lambda m: (m[1].casefold(), m[0]))})
        out_rows.append({"iri": ch, "label": chars[ch][1], "cells": row_cells})
    return {"spasm_types": [{"iri": t, "label": types[t]} for t in column], "rows": out_rows}


def write_site(output: str | Path, graph: GraphData | None = None, *, diagram: Diagram | None = None) -> Path:
    """Write the documentation site of ``graph`` (default: the bundled graph) into ``output``, atomically.

    ``output`` must be new, empty or a site written earlier (it holds :data:`SITE_MARKER`); anything else
    raises :class:`~b12kg.core.errors.BuildError`, so no folder of other files is ever replaced.
    """
    out = Path(output)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / SITE_MARKER).is_file())):
        raise BuildError(f"{out}: exists and is not a b12kg documentation site (no {SITE_MARKER}); "
                         "choose a new or empty directory")
    files = site_files(graph if graph is not None else Dataset.bundled(), diagram=diagram)

    def fill(tmp: Path) -> None:
        for rel, data in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    return atomic_directory(out, fill)
