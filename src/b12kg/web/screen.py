"""What a SPARQL request is before anything runs it: its form, and whether it must be refused.

The endpoint is read-only and answers from its own store only, so two kinds of text are turned away
before they reach the engine: updates (``INSERT``, ``DELETE``, ``LOAD``, ``DROP``…) and ``SERVICE``
clauses (Oxigraph would call the remote endpoint a ``SERVICE`` names, from the server's machine).

:func:`screen` lexes the text the way the SPARQL grammar does — comments, strings, IRIs, variables,
prefixed names, language tags — so a keyword is found only where it is a keyword: ``SERVICE`` inside
a string, an IRI, a comment, a variable name or a prefixed name does not count. The text is lexed twice,
as sent and with its ``\\u`` escapes decoded (the grammar allows those anywhere), and a keyword found
either way counts.

>>> screen("PREFIX b12kg: <https://w3id.org/b12kg/>\\nSELECT ?s WHERE { ?s ?p ?o }").form
'SELECT'
>>> screen("select * { service <http://example.org/sparql> { ?s ?p ?o } }").service
True
>>> screen('SELECT ?service WHERE { ?service ex:service "SERVICE" } # SERVICE').service
False
>>> screen("INSERT DATA { <a> <b> <c> }").is_update
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["QUERY_FORMS", "UPDATE_FORMS", "Screened", "screen"]

#: the four query forms of SPARQL 1.1
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
#: the words an update request can start with (after its prologue)
UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              | '''(?:[^'\\]|\\.|'(?!''))*'''
              | "(?:[^"\\\n\r]|\\.)*"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[\w.\-\u00B7]+)
  | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:[\w.:\-\u00B7]|%[0-9A-Fa-f]{2}|\\[_~.!$&'()*+,;=/?\#@%-])*)
  | (?P<word>[^\W\d_]\w*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Screened:
    """What :func:`screen` found: the request's first keyword (``form``) and whether it uses ``SERVICE``."""

    form: str | None
    service: bool

    @property
    def is_update(self) -> bool:
        """Whether the text is an update request (which a read-only endpoint refuses)."""
        return self.form in UPDATE_FORMS


def _words(text: str) -> Iterator[str]:
    """The bare words of ``text`` (keywords), upper-cased, in order."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word":
            yield m.group("word").upper()


def _form(text: str) -> str | None:
    return next((w for w in _words(text) if w not in ("BASE", "PREFIX")), None)


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _ESCAPE.sub(one, text)


def screen(text: str) -> Screened:
    """The form of a SPARQL request (``SELECT``, ``CONSTRUCT``, ``INSERT``…, or None) and its use of ``SERVICE``."""
    lower = text.lower()
    variants = (text, _unescape(text)) if "\\u" in lower else (text,)
    forms = [_form(v) for v in variants]
    form = next((f for f in forms if f in UPDATE_FORMS), forms[0])
    service = ("service" in lower or len(variants) > 1) and any("SERVICE" in _words(v) for v in variants)
    return Screened(form, service)
