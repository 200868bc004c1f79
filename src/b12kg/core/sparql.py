"""Safe parameter binding for SPARQL text: a ``VALUES`` block of escaped RDF terms placed at the top of the
query's WHERE group, so that every pattern and FILTER of that group sees the values.

Values are serialised as RDF terms (:meth:`b12kg.core.terms.Term.n3`), never pasted in as raw text, so a value
such as ``x" } DROP ALL #`` is only a string literal.

>>> from b12kg.core.terms import Term
>>> print(bind_values("SELECT ?l WHERE { ?s rdfs:label ?l }", {"s": Term.iri("https://w3id.org/b12kg/x")}))
SELECT ?l WHERE { VALUES (?s) { (<https://w3id.org/b12kg/x>) } ?s rdfs:label ?l }
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .prefixes import PREFIX_MAP
from .terms import Term

__all__ = ["bind_values", "missing_prologue", "where_brace"]

_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def where_brace(query: str) -> int:
    """The index of the ``{`` that opens the query's WHERE group (skipping strings, IRIs and comments).

    Raises :class:`ValueError` when the query has none.
    """
    i, n, depth = 0, len(query), 0
    groups_seen = 0
    is_construct = re.match(r"\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*|#[^\n]*\n\s*)*CONSTRUCT\b", query, re.I) is not None
    last_word = ""
    while i < n:
        c = query[i]
        if c == "#":
            j = query.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "\"'":
            triple = query[i:i + 3]
            if triple in ('"""', "'''"):
                j = query.find(triple, i + 3)
                i = n if j < 0 else j + 3
            else:
                j = i + 1
                while j < n and query[j] != c:
                    j += 2 if query[j] == "\\" else 1
                i = j + 1
            continue
        if c == "<":
            m = re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:])
            if m:
                i += m.end()
                continue
        if c == "{":
            if depth == 0:
                # CONSTRUCT { template } [WHERE] { pattern }: the pattern is the second group,
                # unless the short form CONSTRUCT WHERE { ... } is used
                if not is_construct or last_word.upper() == "WHERE" or groups_seen == 1:
                    return i
                groups_seen += 1
            depth += 1
        elif c == "}":
            depth -= 1
        elif c.isalpha():
            m = re.match(r"[A-Za-z_]+", query[i:])
            assert m
            last_word = m.group(0)
            i += m.end()
            continue
        i += 1
    raise ValueError("the query has no WHERE group to bind parameters in")


def bind_values(query: str, bindings: Mapping[str, Term]) -> str:
    """``query`` with ``bindings`` (variable name → term) as a VALUES block at the top of its WHERE group."""
    if not bindings:
        return query
    for name in bindings:
        if not _VAR.match(name):
            raise ValueError(f"{name!r} is not a SPARQL variable name")
    names = sorted(bindings)
    block = (f" VALUES ({' '.join('?' + v for v in names)}) "
             f"{{ ({' '.join(bindings[v].n3() for v in names)}) }}")
    at = where_brace(query) + 1
    return query[:at] + block + query[at:]


def missing_prologue(text: str) -> str:
    """``PREFIX`` lines for the project prefixes that ``text`` does not declare itself.

    >>> missing_prologue("PREFIX b12kg: <x>\\nASK {}").startswith("PREFIX biolink:")
    True
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items() if f"PREFIX {p}:" not in text)
