"""SPARQL text: safe parameter binding, and the checks every query passes before a parser sees it.

Parameters are bound as a ``VALUES`` block of escaped RDF terms placed at the top of the query's WHERE
group, so that every pattern and FILTER of that group sees the values. Values are serialised as RDF terms
(:meth:`b12kg.core.terms.Term.n3`), never pasted in as raw text, so a value such as ``x" } DROP ALL #`` is
only a string literal.

>>> from b12kg.core.terms import Term
>>> print(bind_values("SELECT ?l WHERE { ?s rdfs:label ?l }", {"s": Term.iri("https://w3id.org/b12kg/x")}))
SELECT ?l WHERE { VALUES (?s) { (<https://w3id.org/b12kg/x>) } ?s rdfs:label ?l }

Before parsing, :func:`check_query` refuses what b12kg never runs (SPARQL Update: the graph is
read-only), what would leave the machine (``SERVICE`` to a host the user did not allow) and what would
crash the parsers (brackets nested deeper than the limit: both SPARQL parsers overflow their stack).

>>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
b12kg.core.errors.QueryRefusedError: the query calls SERVICE <http://example.org/sparql> (host example.org), ...
>>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", allow_service=["example.org"])
>>> check_query("DELETE WHERE { ?s ?p ?o }")
Traceback (most recent call last):
b12kg.core.errors.QueryRefusedError: b12kg runs read-only queries and this is a SPARQL Update (DELETE); ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache

from .errors import QueryRefusedError, shorten
from .prefixes import PREFIX_MAP
from .terms import Term

__all__ = ["UPDATE_KEYWORDS", "bind_values", "check_query", "missing_prologue", "undeclared_prefix_message",
           "where_brace"]

_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: the words that start a SPARQL 1.1 Update operation
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_TOKENS_PATTERN = (
    r"""(?P<skip>\#[^\n]*|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<iri><[^<>"{}|^`\\\s]*>)"""
    r"""|(?P<open>[{(\[])|(?P<close>[})\]])"""
    r"""|(?P<word>(?<![?$\w:.-])[A-Za-z][A-Za-z0-9_.-]*(?::[^\s{}()\[\];,<>"']*)?|[?$][A-Za-z0-9_]+)"""
)
_DECLARED = r"PREFIX\s*([A-Za-z0-9_.-]*):\s*<([^>]*)>"


@cache
def _regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A compiled pattern, compiled on first use (keeps ``import`` cheap on the cold query path)."""
    return re.compile(pattern, flags)


def check_query(text: str, *, allow_service: Iterable[str] = (), max_nesting: int | None = None) -> None:
    """Refuse ``text`` (a :class:`~b12kg.core.errors.QueryRefusedError`) if it is a SPARQL Update, calls
    ``SERVICE`` on a host not in ``allow_service`` (``"*"`` allows any), or nests brackets deeper than
    ``max_nesting`` (default: :func:`b12kg.core.settings.max_nesting`)."""
    if max_nesting is None:
        from .settings import max_nesting as configured

        max_nesting = configured()
    first = _first_keyword(text)
    if first in UPDATE_KEYWORDS:
        raise QueryRefusedError(
            f"b12kg runs read-only queries and this is a SPARQL Update ({first}); to change the graph, edit "
            "its Turtle files or add your own with --add FILE (API: KnowledgeGraph.from_files) or "
            "'b12kg load FILE'")
    # the full scan compiles a large pattern (~1 ms): most queries need it for neither check
    if "SERVICE" in text.upper() or text.count("{") + text.count("(") + text.count("[") > max_nesting:
        _scan(text, {h.strip().lower() for h in allow_service}, max_nesting)


def _scan(text: str, allowed: set[str], max_nesting: int) -> None:
    """Check the nesting depth and every ``SERVICE`` of ``text``, skipping strings, IRIs and comments."""
    prefixes = {**PREFIX_MAP, **dict(_regex(_DECLARED, re.I).findall(text))}
    depth = 0
    service_next = False
    for m in _regex(_TOKENS_PATTERN).finditer(text):
        kind = m.lastgroup or ""
        if kind == "skip":
            continue
        if kind == "open":
            depth += 1
            if depth > max_nesting:
                line = text.count("\n", 0, m.start()) + 1
                raise QueryRefusedError(
                    f"the query nests brackets more than {max_nesting} deep (line {line}), deeper than the SPARQL "
                    "parsers can take: simplify it (or raise the limit with B12KG_MAX_NESTING, at most 1000)")
        elif kind == "close":
            depth -= 1
        word = m.group().upper() if kind == "word" else ""
        if word == "SERVICE":
            service_next = True
        elif service_next and word != "SILENT":
            service_next = False
            _check_service(m.group(), kind, prefixes, allowed)


def _first_keyword(text: str) -> str:
    """The first keyword after the prologue (``SELECT``, ``INSERT``…), upper-case; read without a regex, so
    that checking a query costs no pattern compilation."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c == "<":  # the IRI of a PREFIX or BASE declaration
            j = text.find(">", i)
            i = n if j < 0 else j + 1
        else:
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_-.:"):
                j += 1
            word = text[i:j].upper()
            if word in ("PREFIX", "BASE") or (word.endswith(":") and j > i):
                i = j
                continue
            return word if word.isalpha() else ""
    return ""


def _check_service(target: str, kind: str, prefixes: Mapping[str, str], allowed: set[str]) -> None:
    import urllib.parse

    iri = ""
    if kind == "iri":
        iri = target[1:-1]
    elif kind == "word" and ":" in target and not target.startswith(("?", "$")):
        prefix, _, local = target.partition(":")
        iri = prefixes[prefix] + local if prefix in prefixes else ""
    try:
        parts = urllib.parse.urlsplit(iri)
        host, netloc = (parts.hostname or "").lower(), parts.netloc.lower()
    except ValueError:
        host = netloc = ""
    if "*" in allowed or (host and (host in allowed or netloc in allowed)):
        return
    where = f" (host {host})" if host else ""
    allow = f"--allow-service {host}" if host else "--allow-service '*'"
    raise QueryRefusedError(
        f"the query calls SERVICE {shorten(target, 100)}{where}, and b12kg sends no query to another server "
        f"unless told to: allow it with {allow} (API: allow_service=[...]; environment: B12KG_ALLOW_SERVICE)")


def undeclared_prefix_message(text: str, message: str) -> str | None:
    """A plain message for a parser error about an undeclared prefix (``None`` for any other error).

    >>> message = undeclared_prefix_message("SELECT * { ?s foo:bar ?o }", "at 1:14: expected Prefix not found")
    >>> message.split(":", 1)[0], "PREFIX foo: <namespace IRI>" in message
    ("the query uses the prefix 'foo", True)
    """
    m = re.search(r"Unknown namespace prefix\s*:\s*([A-Za-z0-9_.-]*)", message)
    if not m and "Prefix not found" not in message:
        return None
    name = m.group(1) if m else ""
    if not name:  # oxigraph does not name it: the first prefixed name whose prefix is not declared
        declared = set(PREFIX_MAP) | {p for p, _ in _regex(_DECLARED, re.I).findall(text)}
        for w in _regex(_TOKENS_PATTERN).finditer(text):
            if w.lastgroup == "word" and ":" in w.group() and w.group().split(":")[0] not in declared:
                name = w.group().split(":")[0]
                break
    known = ", ".join(PREFIX_MAP)
    shown = f"the prefix '{name}:'" if name else "a prefix"
    return (f"the query uses {shown} without declaring it: add 'PREFIX {name or 'x'}: <namespace IRI>' at its top, "
            f"or use one of the prefixes b12kg declares: {known}")


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
    """``PREFIX`` lines for the project prefixes that ``text`` uses without declaring them.

    >>> missing_prologue("PREFIX b12kg: <x>\\nASK { b12kg:a rdfs:label ?l ; biolink:category ?c }")
    'PREFIX biolink: <https://w3id.org/biolink/vocab/>\\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n'
    """
    declared = {p for p, _ in _regex(_DECLARED, re.I).findall(text)}
    used = set(_regex(r"(?<![\w?$.:-])([A-Za-z][\w.-]*|):").findall(text))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items() if p in used and p not in declared)
