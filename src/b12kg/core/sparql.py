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

from .errors import QueryRefusedError, shorten
from .prefixes import PREFIX_MAP

# A cold ``b12kg query`` checks and binds its query with this module: ``re`` (with ``enum`` and
# ``functools``, several milliseconds) is imported only by the functions that need a pattern.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Mapping
    from typing import Protocol

    class HasN3(Protocol):
        """An RDF term that can be written in SPARQL (a :class:`~b12kg.core.terms.Term`)."""

        def n3(self) -> str: ...

__all__ = ["UPDATE_KEYWORDS", "bind_values", "check_query", "missing_prologue", "term_n3", "undeclared_prefix_message",
           "where_brace", "written_variables"]

#: the words that start a SPARQL 1.1 Update operation
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_TOKENS_PATTERN = (
    r"""(?P<skip>\#[^\n]*|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<iri><[^<>"{}|^`\\\s]*>)"""
    r"""|(?P<open>[{(\[])|(?P<close>[})\]])"""
    r"""|(?P<word>(?<![?$\w:.-])[A-Za-z][A-Za-z0-9_.-]*(?::[^\s{}()\[\];,<>"']*)?|[?$][A-Za-z0-9_]+)"""
)
_DECLARED = r"PREFIX\s*([A-Za-z0-9_.-]*):\s*<([^>]*)>"


_PATTERNS: dict[tuple[str, int], re.Pattern[str]] = {}


def _regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A compiled pattern, compiled on first use (keeps ``import`` cheap on the cold query path)."""
    found = _PATTERNS.get((pattern, flags))
    if found is None:
        import re

        found = _PATTERNS[pattern, flags] = re.compile(pattern, flags)
    return found


def _ignore_case() -> int:
    import re

    return re.I


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
    # the full scan compiles a large pattern (~1 ms, and ``re`` itself costs a cold query several): a query
    # without SERVICE needs it only to report brackets nested too deeply, which _too_deep finds without it
    if "SERVICE" in text.upper() or (text.count("{") + text.count("(") + text.count("[") > max_nesting
                                     and _too_deep(text, max_nesting)):
        _scan(text, {h.strip().lower() for h in allow_service}, max_nesting)


def _scan(text: str, allowed: set[str], max_nesting: int) -> None:
    """Check the nesting depth and every ``SERVICE`` of ``text``, skipping strings, IRIs and comments."""
    prefixes = {**PREFIX_MAP, **dict(_regex(_DECLARED, _ignore_case()).findall(text))}
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


_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NAME_CHARS = frozenset(_ASCII_LETTERS + "0123456789_.-")
_VAR_CHARS = frozenset(_ASCII_LETTERS + "0123456789_")
_NOT_IN_LOCAL = frozenset("{}()[];,<>\"'")


def _string_end(text: str, i: int) -> int:
    """Where the string that starts at ``text[i]`` (a quote) ends, as the skip tokens of
    ``_TOKENS_PATTERN`` read it (long form first, escapes, no line break in the short form); -1 if none."""
    q, n = text[i], len(text)
    if text.startswith(q * 3, i):  # """(?:[^\\]|\\.)*?"""
        j = i + 3
        while j < n:
            if text.startswith(q * 3, j):
                return j + 3
            if text[j] == "\\":
                if j + 1 >= n or text[j + 1] == "\n":
                    break
                j += 2
            else:
                j += 1
    j = i + 1  # "(?:[^"\\\n]|\\.)*"
    while j < n:
        c = text[j]
        if c == q:
            return j + 1
        if c == "\n":
            return -1
        if c == "\\":
            if j + 1 >= n or text[j + 1] == "\n":
                return -1
            j += 2
        else:
            j += 1
    return -1


def _too_deep(text: str, max_nesting: int) -> bool:
    """Whether :func:`_scan` finds brackets nested more than ``max_nesting`` deep: its tokenizer
    (``_TOKENS_PATTERN``: comments, strings, IRIs and names skipped) written out, so that a long query
    without ``SERVICE`` is checked without ``re``."""
    i, n, depth = 0, len(text), 0
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            end = _string_end(text, i)
            i = end if end > 0 else i + 1
        elif c == "<":  # <[^<>"{}|^`\\\s]*>
            j = i + 1
            while j < n and text[j] not in _NOT_IN_IRI and not text[j].isspace():
                j += 1
            i = j + 1 if j < n and text[j] == ">" else i + 1
        elif c in "{([":
            depth += 1
            if depth > max_nesting:
                return True
            i += 1
        elif c in "})]":
            depth -= 1
            i += 1
        elif c in _ASCII_LETTERS and not (i and (text[i - 1] in "?$:.-" or text[i - 1].isalnum()
                                                 or text[i - 1] == "_")):
            j = i + 1  # [A-Za-z][A-Za-z0-9_.-]*(?::[^\s{}()\[\];,<>"']*)?
            while j < n and text[j] in _NAME_CHARS:
                j += 1
            if j < n and text[j] == ":":
                j += 1
                while j < n and text[j] not in _NOT_IN_LOCAL and not text[j].isspace():
                    j += 1
            i = j
        elif c in "?$" and i + 1 < n and text[i + 1] in _VAR_CHARS:
            j = i + 2  # [?$][A-Za-z0-9_]+
            while j < n and text[j] in _VAR_CHARS:
                j += 1
            i = j
        else:
            i += 1
    return False


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
    import re

    m = re.search(r"Unknown namespace prefix\s*:\s*([A-Za-z0-9_.-]*)", message)
    if not m and "Prefix not found" not in message:
        return None
    name = m.group(1) if m else ""
    if not name:  # oxigraph does not name it: the first prefixed name whose prefix is not declared
        declared = set(PREFIX_MAP) | {p for p, _ in _regex(_DECLARED, _ignore_case()).findall(text)}
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
    is_construct = "CONSTRUCT" in query.upper() and _regex(  # the pattern only where it can match
        r"\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*|#[^\n]*\n\s*)*CONSTRUCT\b", _ignore_case()).match(query) is not None
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
        if c == "<":  # an IRI, <[^<>"{}|^`\\\s]*> (else a less-than sign)
            j = i + 1
            while j < n and query[j] not in _NOT_IN_IRI and not query[j].isspace():
                j += 1
            if j < n and query[j] == ">":
                i = j + 1
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
            j = i
            while j < n and query[j] in _WORD:
                j += 1
            if j > i:  # [A-Za-z_]+
                last_word = query[i:j]
                i = j
                continue
        i += 1
    raise ValueError("the query has no WHERE group to bind parameters in")


_NOT_IN_IRI = frozenset('<>"{}|^`\\')
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_VAR_START = _WORD
_VAR_REST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789")


def _is_var(name: str) -> bool:
    """Whether ``name`` matches ``^[A-Za-z_][A-Za-z0-9_]*$`` (``$`` allowing one final line break, as ``re`` does)."""
    if name.endswith("\n"):
        name = name[:-1]
    return bool(name) and name[0] in _VAR_START and all(c in _VAR_REST for c in name)


def bind_values(query: str, bindings: Mapping[str, HasN3]) -> str:
    """``query`` with ``bindings`` (variable name → term) as a VALUES block at the top of its WHERE group.

    A binding is anything with the :meth:`~b12kg.core.terms.Term.n3` method (a :class:`Term`).
    """
    if not bindings:
        return query
    for name in bindings:
        if not isinstance(name, str) or not _is_var(name):
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
    declared = {p for p, _ in _regex(_DECLARED, _ignore_case()).findall(text)}
    used = set(_regex(r"(?<![\w?$.:-])([A-Za-z][\w.-]*|):").findall(text))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items() if p in used and p not in declared)


def term_n3(kind: str, value: str, datatype: str | None = None, language: str | None = None) -> str:
    """An RDF term in N-Triples/SPARQL syntax (what :meth:`b12kg.core.terms.Term.n3` returns).

    >>> term_n3("literal", 'say "hi"', language="en")
    '"say \\\\"hi\\\\""@en'
    """
    if kind == "iri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    esc = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if language:
        return f'"{esc}"@{language}'
    if datatype:
        return f'"{esc}"^^<{datatype}>'
    return f'"{esc}"'


# -- the column order of SELECT * ------------------------------------------------------------------
_TOKEN = r"""(?P<skip>\#[^\n]*|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
          |<[^<>"{}|^`\\\x00-\x20]*>)
      |[?$](?P<var>\w+)
      |(?P<word>[A-Za-z]+)
      |(?P<star>\*)"""


_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _may_select_star(query: str) -> bool:
    """``False`` when ``query`` certainly has no ``SELECT *``: after every ``SELECT``, past what the
    tokenizer of :func:`written_variables` skips (spaces, brackets…) and ``DISTINCT``/``REDUCED``, comes a
    variable, a word or a comment; else ``True``, and that tokenizer decides. Property paths
    (``rdfs:subClassOf*``) do not count."""
    upper = query.upper()
    if len(upper) != len(query):  # a character whose capital is longer: let the tokenizer decide
        return True
    n = len(query)
    at = upper.find("SELECT")
    while at >= 0:
        i = at + len("SELECT")
        while True:
            c = query[i] if i < n else ""
            if c == "" or c == "#":  # the end, or a comment (a token that is not a star)
                break
            if c in "?$":
                if i + 1 < n and (query[i + 1].isalnum() or query[i + 1] == "_"):
                    break  # a variable
                i += 1
                continue
            if c in "*<\"'":
                return True  # a star, or an IRI or a string: the tokenizer decides
            if c not in _LETTERS:
                i += 1  # not the start of a token: skipped
                continue
            j = i
            while j < n and query[j] in _LETTERS:
                j += 1
            if upper[i:j] not in ("DISTINCT", "REDUCED"):
                break  # SELECT ?x, SELECT (…): no star after this SELECT
            i = j
        at = upper.find("SELECT", at + 1)
    return False


def written_variables(query: str) -> list[str] | None:
    """The variables of a ``SELECT *`` query in the order they first appear in its text (comments, strings
    and IRIs skipped); ``None`` for any other query.

    >>> written_variables("PREFIX x: <http://x/?a> SELECT DISTINCT * { ?s ?p ?o . # ?z\\n BIND(1 AS ?a) }")
    ['s', 'p', 'o', 'a']
    >>> written_variables("SELECT ?o ?s { ?s ?p ?o }") is None
    True
    """
    if not _may_select_star(query):  # the usual query: the pattern is not even compiled
        return None
    import re

    tokens = iter(_regex(_TOKEN, re.S | re.X).finditer(query))
    for m in tokens:
        word = (m.group("word") or "").upper()
        if word in ("ASK", "CONSTRUCT", "DESCRIBE"):
            return None
        if word == "SELECT":
            break
    else:
        return None
    star = False
    for m in tokens:
        if (m.group("word") or "").upper() in ("DISTINCT", "REDUCED"):
            continue
        star = m.group("star") is not None
        break
    if not star:
        return None
    seen: dict[str, None] = {}
    for m in tokens:
        if m.group("var"):
            seen.setdefault(m.group("var"))
    return list(seen)
