"""The click-free path of the commonest command line, ``b12kg query NAME [-p NAME=VALUE]…`` (a table on
standard output), for a cold start near the floor (a script that opens the store and runs the query):
importing click and the modules it brings (inspect, datetime, uuid…) costs as much as opening the store.

Its common case (the compiled bundled graph, labels or values as parameters) is answered by
:func:`cold_table` on plain data, without the facade and its dataclass types, and without ``re``,
``json``, ``pathlib`` or ``typing``: each costs milliseconds of a ~50 ms command
(``tests/cli/test_coldpath.py`` keeps them out). Everything else takes the full path of the API.

Only command lines whose meaning is beyond doubt take this path: ``query``, a query name (not a file, not
an option), then only ``-p``/``--param NAME=VALUE`` pairs and ``-f``/``--format table``, with no
``B12KG_ENDPOINT``, no shell completion under way and a UTF-8 standard output (click re-encodes an
ASCII one). Anything else — ``--help``, another option, a value
click would refuse — returns ``None`` and goes through the click group (:mod:`b12kg.cli.app`), which runs
the same steps (``tests/cli/test_query_cli.py`` compares the two byte for byte on every named query). An
error on this path is reported by the group's own :func:`b12kg.cli.app.failure`.

>>> parse(["query", "about-concept", "-p", "concept=muscle spasm"])
('about-concept', {'concept': 'muscle spasm'})
>>> parse(["query", "about-concept", "--width", "100"]) is None
True
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

__all__ = ["cold_table", "parse", "run_fast"]

_PARAM = ("-p", "--param")
_FORMAT = ("-f", "--format")


def parse(args: Sequence[str]) -> tuple[str, dict[str, str]] | None:
    """``(query name, parameters)`` when ``args`` is a command line of this path, else ``None``."""
    if len(args) < 2 or args[0] != "query" or "B12KG_ENDPOINT" in os.environ or "_B12KG_COMPLETE" in os.environ:
        return None
    name = args[1]
    if not name or name.startswith("-") or name.endswith(".rq") or os.path.exists(name):
        return None
    params: dict[str, str] = {}
    rest = list(args[2:])
    if len(rest) % 2:
        return None
    for flag, value in zip(rest[::2], rest[1::2], strict=True):
        if flag in _PARAM and "=" in value:
            key, _, val = value.partition("=")
            params[key.strip()] = val
        elif not (flag in _FORMAT and value == "table"):
            return None
    return name, params


def run_fast(args: Sequence[str]) -> int | None:
    """Run ``args`` if they are a command line of this path (see the module docstring); the exit code, or
    ``None`` when the click group must run them."""
    parsed = parse(args)
    if parsed is None or str(getattr(sys.stdout, "encoding", "")).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    name, params = parsed
    try:
        from .terminal import reader_text, table_width

        width = table_width(None, True)
        table = cold_table(name, params, width)
        if table is None:  # not the common case: the full path, with every check and repair of the API
            from ..graph import KnowledgeGraph
            from ..queries.catalog import QueryCatalog

            query = QueryCatalog().get(name)
            table = KnowledgeGraph.local().query(query, params).to_table(ids=True, width=width)
        sys.stdout.write(reader_text(table, width))
        sys.stdout.flush()
    except (Exception, KeyboardInterrupt) as e:
        from .app import failure

        return failure(e)
    return 0


# -- the common case, on plain data ------------------------------------------------------------------
class _Bound:
    """A parameter value for :func:`b12kg.core.sparql.bind_values`: an RDF term already in SPARQL syntax."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def n3(self) -> str:
        return self.text


def cold_table(name: str, params: Mapping[str, str], width: int | None) -> str | None:
    """The table of ``b12kg query NAME [-p NAME=VALUE]…`` (before the notice), or ``None`` when this is not
    the common case and the full path (:meth:`b12kg.KnowledgeGraph.query`) must answer.

    The common case: the bundled graph compiled in the cache and no user store (``b12kg load``); a named
    query of the bundled folder whose parameters are labels or values; no leftover temporary folder in the
    cache. It runs the same steps as the full path, on plain data rather than :class:`~b12kg.core.terms.Term`
    and :class:`~b12kg.core.results.QueryResult` (dataclasses: ``dataclasses`` imports ``inspect`` and
    ``ast``, a fifth of a cold query): the cache key, the manifest and every database file checked
    (:mod:`b12kg.store.cold`), the query checked before it runs (:func:`~b12kg.core.sparql.check_query`),
    run under its time limit (:func:`~b12kg.core.bounded.run_bounded`, whose deadline hashes the store's
    files when it passes), labels looked up, the table drawn by :func:`~b12kg.core.text.format_table`.
    Anything unusual, every error included, returns ``None``: the full path then runs again from the start
    and reports it (or repairs the cache) as it always does. ``tests/cli/test_coldpath.py`` checks that
    both paths print the same tables.
    """
    if os.name != "posix":
        return None
    try:
        return _cold_table(name, params, width)
    except Exception:  # the full path reports it (an interruption is not caught: Ctrl-C stops the command)
        return None


def _cold_table(name: str, params: Mapping[str, str], width: int | None) -> str | None:
    import stat

    from ..core.resources import queries_dir_path
    from ..core.settings import allowed_service_hosts, flag, query_timeout
    from ..core.sparql import term_n3
    from ..queries.cold import exact_name_query, header_fields, is_query_name
    from ..store import cold

    # the query: QueryCatalog().get(name) for a file of the bundled folder
    directory = queries_dir_path()
    if not is_query_name(name) or f"{name}.rq" not in os.listdir(directory):
        return None
    path = os.path.join(directory, f"{name}.rq")
    if not stat.S_ISREG(os.stat(path).st_mode):
        return None
    with open(path, encoding="utf-8") as fh:  # as Path.read_text reads it (universal newlines)
        text = fh.read()
    _, _, declared = header_fields(text)

    # the store: what local_dataset() opens when there is no user store, checked as open_compiled checks it
    if flag("B12KG_NO_CACHE", False):
        return None
    inferred = flag("B12KG_INFERRED", True)
    root = cold.cache_root()
    if root is None or os.path.isdir(os.path.join(root, "user")):
        return None
    stores = os.path.join(root, "stores")
    if any(n.startswith(cold.TEMP_PREFIXES) for n in os.listdir(stores)):
        return None  # left by a killed process: the full path sweeps them away
    key = cold.bundled_key(cold.bundled_files(), inferred=inferred)
    folder = os.path.join(stores, f"bundled-{key}")
    store, _ = cold.open_verified(folder, key)
    if store is None:
        return None

    # its parameters, bound as bind_parameters binds them (labels found by the one exact-name query)
    allow = allowed_service_hosts()
    kinds = {p[0]: p[1] for p in declared}
    if any(not isinstance(k, str) or not isinstance(v, str) or k not in kinds for k, v in params.items()):
        return None
    values = {**{p[0]: p[2] for p in declared}, **params}
    bindings: dict[str, _Bound] = {}
    for var, value in values.items():
        kind = kinds[var]
        if value is None:
            return None
        if kind == "string":
            bindings[var] = _Bound(term_n3("literal", value))
        elif kind == "integer":
            if not value.strip().lstrip("-").isdigit():
                return None
            bindings[var] = _Bound(term_n3("literal", value.strip(), "http://www.w3.org/2001/XMLSchema#integer"))
        else:  # iri: a label or synonym here; a CURIE or IRI, or a name that needs more, on the full path
            label = value.strip()
            if ":" in value or not label or len(label) > 300:
                return None
            found = _run(store, exact_name_query(), {"v": _Bound(term_n3("literal", label))}, allow)[1]
            if not found or found[0][0] is None or found[0][0][0] != "iri":
                return None
            bindings[var] = _Bound(term_n3("iri", found[0][0][1]))

    # the query, under its time limit (as Dataset.query runs it in the command line)
    from ..core.bounded import run_bounded

    variables, rows, boolean = run_bounded(_run, (store, text, bindings, allow), timeout=query_timeout(),
                                           on_timeout=lambda: cold.damage_report(folder))
    if boolean is not None:
        return "yes" if boolean else "no"
    from ..core.sparql import written_variables

    order = written_variables(text)
    if order is not None and variables:  # QueryResult.in_written_order
        rank = {v: i for i, v in enumerate(order)}
        index = sorted(range(len(variables)), key=lambda i: (rank.get(variables[i], len(rank)), i))
        variables, rows = [variables[i] for i in index], [tuple(r[i] for i in index) for r in rows]

    # the labels, and the table
    from ..core.text import cell_text, result_table
    from ..queries.cold import label_query, pick_labels

    q = label_query(t[1] for row in rows for t in row if t is not None and t[0] == "iri")
    labels = pick_labels(_run(store, q, {}, allow)[1]) if q is not None else {}
    cells = [["" if t is None else cell_text(t[0], t[1], labels, True) for t in row] for row in rows]
    return result_table(variables, cells, width)


def _run(store: Any, text: str, bindings: Mapping[str, _Bound], allow: tuple[str, ...]
         ) -> tuple[list[str], list[tuple[tuple[str, str] | None, ...]], bool | None]:
    """``oxigraph_query`` on plain data: (variables, rows of ``(kind, value)`` or ``None``, ASK's answer);
    the query is checked (:func:`~b12kg.core.sparql.check_query`) before it is parsed."""
    import pyoxigraph as ox

    from ..core.prefixes import PREFIX_MAP
    from ..core.sparql import bind_values, check_query

    check_query(text, allow_service=allow)
    res = store.query(bind_values(text, bindings), use_default_graph_as_union=True, prefixes=PREFIX_MAP)
    if isinstance(res, ox.QueryBoolean):
        return [], [], bool(res)
    if isinstance(res, ox.QuerySolutions):
        variables = [v.value for v in res.variables]
        return variables, [tuple(_cell(sol[v]) for v in variables) for sol in res], None
    return (["subject", "predicate", "object"],
            [(_cell(t.subject), _cell(t.predicate), _cell(t.object)) for t in res], None)


def _cell(term: Any) -> tuple[str, str] | None:
    """``(kind, value)`` of a pyoxigraph term, as :func:`b12kg.core.terms.from_oxigraph` reads it."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return "iri", term.value
    if isinstance(term, ox.BlankNode):
        return "bnode", term.value
    if isinstance(term, ox.Literal):
        return "literal", term.value
    raise TypeError(f"unsupported RDF term {term!r}")
