"""The click-free path of the commonest command line, ``b12kg query NAME [-p NAME=VALUE]…`` (a table on
standard output), for a cold start that is a quarter shorter: importing click and the modules it brings
(inspect, datetime, uuid…) costs as much as opening the store.

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
from collections.abc import Sequence

__all__ = ["parse", "run_fast"]

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
        from ..graph import KnowledgeGraph
        from ..queries.catalog import QueryCatalog
        from .terminal import reader_table, table_width

        query = QueryCatalog().get(name)
        result = KnowledgeGraph.local().query(query, params)
        sys.stdout.write(reader_table(result, ids=True, width=table_width(None, True)))
        sys.stdout.flush()
    except (Exception, KeyboardInterrupt) as e:
        from .app import failure

        return failure(e)
    return 0
