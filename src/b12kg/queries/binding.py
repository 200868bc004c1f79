"""Query parameters: check them against a named query's declared parameters and turn each value into
an RDF term (a CURIE, IRI or label for ``iri`` parameters; a string; an integer).

Values become terms, never query text; :func:`b12kg.core.sparql.bind_values` then places them in a
``VALUES`` block.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping

from ..core.errors import ParameterError, shorten
from ..core.prefixes import expand_fast as expand  # same answers as curies, without its import cost
from ..core.terms import Term
from .catalog import NamedQuery
from .lookup import Execute

__all__ = ["bind_parameters", "term_for"]


def bind_parameters(named: NamedQuery | None, params: Mapping[str, str], execute: Execute) -> dict[str, Term]:
    """The terms for ``params`` (filling in the named query's defaults); ``execute`` resolves labels.

    Names and values must be strings (an integer or float value is taken as its text); anything else is a
    :class:`ParameterError`.

    >>> bind_parameters(None, {"n": 3}, lambda *a: None)["n"].value
    '3'
    >>> bind_parameters(None, {"x": object()}, lambda *a: None)
    Traceback (most recent call last):
    b12kg.core.errors.ParameterError: parameter 'x' must be a string (a CURIE, IRI, label or value), not object
    """
    if not isinstance(params, Mapping):
        raise ParameterError(f"parameters are a mapping of name to value, not {type(params).__name__}")
    params = {_name(k): _value(k, v) for k, v in params.items()}
    declared = {p.name: p for p in named.parameters} if named else {}
    if named:
        unknown = sorted(set(params) - set(declared))
        if unknown:
            valid = ", ".join(declared) or "none"
            raise ParameterError(
                f"unknown parameter {shorten(unknown[0], 40)!r} for query {named.name!r}; valid parameters: {valid}")
    out: dict[str, Term] = {}
    for name, value in params.items():
        kind = declared[name].kind if name in declared else "auto"
        out[name] = term_for(name, kind, value, execute)
    for p in declared.values():
        if p.name not in out:
            if p.default is None:
                raise ParameterError(  # named is set: only named queries declare parameters
                    f"query {named.name!r} needs parameter {p.name!r} "  # type: ignore[union-attr]
                    f"({p.description or p.kind})")
            out[p.name] = term_for(p.name, p.kind, p.default, execute)
    return out


_IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")


def _iri(name: str, iri: str) -> Term:
    if not _IRI.fullmatch(iri):
        raise ParameterError(f"parameter {name!r}: {shorten(iri)!r} is not a valid IRI (no spaces, quotes, "
                             "angle brackets, braces or backslashes)")
    return Term.iri(iri)


def _name(key: object) -> str:
    if not isinstance(key, str):
        raise ParameterError(f"parameter names are strings, not {type(key).__name__} ({shorten(repr(key), 40)})")
    return key


def _value(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ParameterError(f"parameter {shorten(name, 40)!r} must be a string (a CURIE, IRI, label or value), "
                             f"not {type(value).__name__}")
    return value if isinstance(value, str) else str(value)


def term_for(name: str, kind: str, value: str, execute: Execute) -> Term:
    """The term for one parameter value of ``kind`` (``iri``, ``string``, ``integer`` or ``auto``)."""
    if kind == "integer":
        if not value.strip().lstrip("-").isdigit():
            raise ParameterError(f"parameter {name!r} must be an integer, got {shorten(value)!r}")
        return Term.literal(value.strip(), "http://www.w3.org/2001/XMLSchema#integer")
    if kind == "string":
        return Term.literal(value)
    if kind == "auto":  # inline queries: a CURIE or IRI binds as an IRI, "text"@lang as a tagged literal
        tagged = re.fullmatch(r'"(.*)"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)', value.strip(), re.S)
        if tagged:
            return Term.literal(tagged.group(1), language=tagged.group(2))
        try:
            looks_like_iri = ":" in value and " " not in value.strip()
            return _iri(name, expand(value)) if looks_like_iri else Term.literal(value)
        except (ValueError, ParameterError):
            return Term.literal(value)
    # iri: a CURIE or IRI the graph uses, or a label, synonym or plural of a concept; else an error
    if ":" in value and " " not in value.strip():
        with contextlib.suppress(ValueError):  # an undeclared prefix: find_term names it
            _iri(name, expand(value))  # text no IRI can hold is refused before any query is built
    from .concepts import find_term  # imported here: queries without concept parameters start faster

    return Term.iri(find_term(execute, value))
