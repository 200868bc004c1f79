"""The terminal the command line writes to: how wide its tables wrap, a table as a person reads it (with the
notice that it is not medical advice), and silencing standard output after it failed (no click here: the
fast path of :mod:`b12kg.cli.fast` uses it too)."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..core.results import QueryResult

__all__ = ["quiet_stdout", "reader_table", "reader_text", "table_width"]


def table_width(width: int | None, wrap: bool, *, to_file: bool = False) -> int | None:
    """The width tables wrap to: ``--width``; else none with ``--no-wrap`` or when writing to a file; else
    ``COLUMNS`` or the terminal's width; else (output piped) 80 columns."""
    if width:
        return width
    if not wrap or to_file:
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 20:
        return int(columns)
    if sys.stdout.isatty():
        import shutil

        return max(shutil.get_terminal_size().columns, 20)
    return 80


def reader_table(result: QueryResult, *, ids: bool, width: int | None) -> str:
    """The answer as a table wrapped to ``width`` (None: no wrapping), then the notice that b12kg is not
    medical advice, wrapped alike."""
    return reader_text(result.to_table(ids=ids, width=width), width)


def reader_text(table: str, width: int | None) -> str:
    """A table (:meth:`~b12kg.core.results.QueryResult.to_table`) then the notice that b12kg is not medical
    advice, wrapped to ``width`` (None: not wrapped): what :func:`reader_table` prints."""
    from ..queries.reading import NOT_MEDICAL_ADVICE, wrapped

    return f"{table}\n{wrapped(NOT_MEDICAL_ADVICE, width or 10_000)}\n"


def quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
