"""Where a page links to: the one difference between the server's pages and the documentation site's.

The templates never build a URL themselves; they ask a :class:`Links`:

* :class:`ServerLinks` — absolute paths on the server: the page of ``https://w3id.org/b12kg/<name>`` is
  ``<root>/<name>``, so the server answers the path of every b12kg IRI;
* :class:`SiteLinks` — relative paths between the files of the static site (``concepts/<name>.html``),
  so the site works from the file system; a term without a page gets no link.

>>> ServerLinks().term("https://w3id.org/b12kg/vitamin_b12")
'/vitamin_b12'
>>> SiteLinks("concepts/vitamin_b12.html", {"muscle_spasm"}).term("https://w3id.org/b12kg/muscle_spasm")
'muscle_spasm.html'
>>> SiteLinks("index.html", {"muscle_spasm"}).query("symptoms-by-kind")
'queries/symptoms-by-kind.html'
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from typing import ClassVar
from urllib.parse import quote

from ..core.prefixes import PREFIX_MAP

__all__ = ["B12KG", "Links", "ServerLinks", "SiteLinks", "local_name"]

B12KG = PREFIX_MAP["b12kg"]


def local_name(iri: str) -> str | None:
    """The part of a b12kg IRI after ``https://w3id.org/b12kg/`` (None for other IRIs)."""
    return iri[len(B12KG):] if iri.startswith(B12KG) and len(iri) > len(B12KG) else None


class Links:
    """The URLs a page links to. ``live`` is true on the server (queries run, forms are shown)."""

    live = False

    def term(self, iri: str) -> str | None:
        """The page of a b12kg term, the IRI itself for another ontology's term, None when there is none."""
        raise NotImplementedError

    def query(self, name: str) -> str:
        """The page of a named query."""
        raise NotImplementedError

    def asset(self, path: str) -> str:
        """A file of ``b12kg/pages/assets``."""
        raise NotImplementedError

    def page(self, name: str) -> str:
        """One of the fixed pages: ``index``, ``table``, ``queries``, ``sparql``, ``search``, ``downloads``."""
        raise NotImplementedError

    def term_pattern(self) -> str:
        """The page of a b12kg term with ``{}`` for its local name (used by the search box's script)."""
        raise NotImplementedError

    def rdf(self, iri: str, fmt: str) -> str | None:
        """The RDF description of a term in ``fmt`` (``ttl``, ``jsonld``…), where there is one."""
        return None


class ServerLinks(Links):
    """Absolute paths on a b12kg server mounted at ``root`` (e.g. ``""`` or ``"/b12kg"``)."""

    live = True
    _PAGES: ClassVar[dict[str, str]] = {
        "index": "/", "queries": "/queries", "sparql": "/sparql", "search": "/search", "downloads": "/downloads/",
        "table": "/queries/comparison-table"}

    def __init__(self, root: str = "") -> None:
        self.root = root.rstrip("/")

    def term(self, iri: str) -> str | None:
        name = local_name(iri)
        if name is None:
            return iri if iri.startswith(("http://", "https://")) else None
        return f"{self.root}/{quote(name, safe='/')}"

    def query(self, name: str) -> str:
        return f"{self.root}/queries/{quote(name)}"

    def asset(self, path: str) -> str:
        return f"{self.root}/assets/{path}"

    def page(self, name: str) -> str:
        return self.root + self._PAGES[name]

    def term_pattern(self) -> str:
        return f"{self.root}/{{}}"

    def rdf(self, iri: str, fmt: str) -> str | None:
        url = self.term(iri)
        return f"{url}?format={fmt}" if url and local_name(iri) is not None else None


#: relative URLs already worked out, by (folder of the page, target path): pure functions of both
_RELATIVE: dict[tuple[str, str], str] = {}


class SiteLinks(Links):
    """Relative links from the site file ``here`` (e.g. ``concepts/x.html``) to the others.

    ``terms`` holds the local names of the terms that have a page (``concepts/<name>.html``).
    """

    _PAGES: ClassVar[dict[str, str]] = {"index": "index.html", "queries": "index.html#queries",
                                        "table": "table.html", "search": "search.html"}

    def __init__(self, here: str, terms: Collection[str]) -> None:
        self.here = here
        self.terms = terms
        self._dir = posixpath.dirname(here) or "."

    def _to(self, target: str) -> str:
        key = (self._dir, target)
        url = _RELATIVE.get(key)
        if url is None:  # a site links the same few hundred files from every page: worked out once each
            path, _, frag = target.partition("#")
            rel = posixpath.relpath(path, self._dir)
            if len(_RELATIVE) > 100_000:
                _RELATIVE.clear()
            url = _RELATIVE[key] = quote(rel, safe="/.-_~") + (f"#{frag}" if frag else "")
        return url

    def term(self, iri: str) -> str | None:
        name = local_name(iri)
        if name is None:
            return iri if iri.startswith(("http://", "https://")) else None
        return self._to(f"concepts/{name}.html") if name in self.terms else None

    def query(self, name: str) -> str:
        return self._to(f"queries/{name}.html")

    def asset(self, path: str) -> str:
        return self._to(f"assets/{path}")

    def page(self, name: str) -> str:
        return self._to(self._PAGES[name])

    def term_pattern(self) -> str:
        return self._to("concepts/{}.html").replace("%7B%7D", "{}")
