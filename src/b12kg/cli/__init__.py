"""Layer 7, a face: the ``b12kg`` command line, a thin layer over :mod:`b12kg`'s API.

Exit codes: 0 success, 1 findings (e.g. the graph does not conform), 2 usage or runtime error, 130 after
Ctrl-C and 143 after SIGTERM. Heavy libraries (rdflib, pyshacl, owlready2) are imported only by the
commands that need them.

The error discipline (:func:`b12kg.cli.app.failure`): every failure reaches the user as one short message
on stderr (``error: …`` naming the file, line, node or value and what to do) and exit code 2; an
unexpected internal error prints one line saying so and how to see the traceback (``--debug`` or
``B12KG_DEBUG=1``). Warnings are one line each (``note: …`` for what b12kg repaired by itself). A reader
that closes the pipe early (``b12kg queries | head``) ends the command quietly; a full disk or
``/dev/full`` on standard output is an error like any other. Ctrl-C and SIGTERM stop any command within a
second, stopping child processes and removing temporary files (see :mod:`b12kg.core.bounded`).

The group and its commands live in :mod:`b12kg.cli.app` (``cli``), each command module imported only when
its command runs. The commonest command, ``b12kg query NAME [-p NAME=VALUE]…``, runs without importing
click at all (:mod:`b12kg.cli.fast`: click was about a quarter of a cold query's imports); every other
command line goes through the group, and every error through the group's handler.

May import: every layer below (:mod:`b12kg.graph` first of all); no other face.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the cold query path
if TYPE_CHECKING:
    from typing import Any

__all__ = ["COMMAND_TABLE", "cli", "load_all_commands", "main"]


def __getattr__(name: str) -> Any:
    """``cli``, ``COMMAND_TABLE`` and ``load_all_commands`` come from :mod:`b12kg.cli.app` (click), on first use."""
    if name in ("COMMAND_TABLE", "cli", "load_all_commands"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _one_line_warnings() -> None:
    """Print each warning as one line on stderr (``note:`` for what b12kg repaired by itself)."""
    import warnings

    from ..core.errors import B12kgNotice, shorten

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: Any = None,
             line: str | None = None) -> None:
        kind = "note" if issubclass(category, B12kgNotice) else "warning"
        text = " ".join(str(message).split())
        try:
            sys.stderr.write(f"{kind}: {shorten(text, 600)}\n")
        except OSError:
            pass

    warnings.showwarning = show


def main() -> None:
    """Entry point of the ``b12kg`` console script."""
    from ..core.bounded import install_cli
    from .fast import run_fast
    from .terminal import quiet_stdout

    install_cli()
    _one_line_warnings()
    code = run_fast(sys.argv[1:])
    if code is None:
        from .app import run

        code = run(sys.argv[1:])
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
    except OSError as e:
        quiet_stdout()
        sys.stderr.write(f"error: cannot write to standard output: {e.strerror}\n")
        code = 2
    sys.exit(code)
