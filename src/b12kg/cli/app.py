"""The ``b12kg`` click group: the commands (their modules imported when used), the help listing and the
one-line error discipline described in :mod:`b12kg.cli`.

May import: every layer below (:mod:`b12kg.graph` first of all); no other face.
"""

from __future__ import annotations

import errno
from typing import Any

import click

from ..core import __version__
from ..core.errors import B12kgError, shorten
from .terminal import quiet_stdout

__all__ = ["COMMAND_TABLE", "cli", "failure", "load_all_commands", "run"]

EPILOG = """\b
Examples:
  b12kg queries -v                                list the named queries and their parameters
  b12kg query symptoms-by-kind                    run a named query (table; --format csv|tsv|json)
  b12kg query about-concept --param concept="muscle spasm"
  b12kg query -e 'SELECT ?s WHERE { ?s a b12kg:Food }' --format csv
  b12kg show "muscle spasm"                       everything about one concept, with the evidence
  b12kg search tingling                           find concepts by label, synonym or definition
  b12kg validate                                  SHACL-validate the graph (exit 1 if it does not conform)
  b12kg reason                                    HermiT: consistency, unsatisfiable classes, inferences
  b12kg qc --format markdown                      quality-control report of the native terms
  b12kg xrefs check                               check every mapping against the import modules
  b12kg build -o dist                             the release: ontology, RDF, KGX, OBO Graphs, Neo4j, SSSOM
  b12kg export --format kgx -o kgx/               one export format (see 'b12kg export --help')
  b12kg load hp.owl && b12kg query NAME           add a whole ontology to the local store, then query it
  b12kg stats
  b12kg explain -s spasms -s numbness -s fatigue  rank the causes of muscle spasms, with the evidence
  b12kg path "vitamin B12 deficiency" "muscle spasm"   chains of curated statements between two concepts
  b12kg diagram mechanism -o mechanism.svg        draw the mechanism, the schema or a concept
  b12kg serve                                     SPARQL endpoint and pages on http://127.0.0.1:7878/
  b12kg docs -o site/                             the documentation site (works offline)

Not medical advice: b12kg encodes one popular-science article for research use.
"""

#: set by ``--debug`` (or ``B12KG_DEBUG=1``): let tracebacks through
_DEBUG = False
_MAX_MESSAGE = 3000


def _debugging() -> bool:
    if _DEBUG:
        return True
    from ..core.settings import debug

    try:
        return debug()
    except B12kgError:
        return False


def _say(message: str, code: int = 2) -> int:
    """Print ``error: MESSAGE`` (shortened to a few lines) on stderr; returns ``code``."""
    lines = [shorten(line, 600) for line in message.splitlines()] or [""]
    text = "\n".join(lines[:40])
    click.echo(f"error: {shorten(text, _MAX_MESSAGE)}", err=True)
    return code


def _stdout_failed(e: OSError) -> bool:
    return e.filename is None and e.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EBADF)


class _Group(click.Group):
    """Loads a command's module when the command is used (see :data:`COMMAND_TABLE`) and turns every error
    into one message on stderr and exit code 2 (see the module docstring)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_TABLE})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_TABLE:
            _load_module(COMMAND_TABLE[cmd_name][0])
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``b12kg --help``, without importing the command modules."""
        names = [n for n in self.list_commands(ctx) if n not in self.commands or not self.commands[n].hidden]
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)  # as click's own listing
        rows = [(n, self.commands[n].get_short_help_str(limit) if n in self.commands else COMMAND_TABLE[n][1])
                for n in names]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (Exception, KeyboardInterrupt) as e:
            ctx.exit(failure(e))


def failure(e: BaseException) -> int:
    """Tell the user about an error that ended a command, in one line on stderr; returns the exit code.

    With ``--debug`` (or ``B12KG_DEBUG=1``) an error that is not an interruption is raised again instead, so
    that its traceback shows. Used by the group and by the click-free path of :mod:`b12kg.cli.fast`.
    """
    if isinstance(e, B12kgError):
        if _debugging():
            raise e
        return _say(str(e))
    if isinstance(e, KeyboardInterrupt):
        from ..core.bounded import Terminated

        terminated = isinstance(e, Terminated)
        click.echo("terminated" if terminated else "\ninterrupted", err=True)
        return 143 if terminated else 130
    if isinstance(e, BrokenPipeError):
        quiet_stdout()
        return 0
    if isinstance(e, OSError):
        if _debugging():
            raise e
        if _stdout_failed(e):
            quiet_stdout()
            return _say(f"cannot write to standard output: {e.strerror}; redirect it to a file that has room "
                        "(or use -o FILE)")
        where = f"{e.filename}: " if e.filename else ""
        return _say(f"{where}{e.strerror or e}")
    if isinstance(e, MemoryError):
        return _say("out of memory; use a smaller graph or query, or a machine with more memory")
    if _debugging():
        raise e
    if isinstance(e, RecursionError):
        return _say("the input is nested too deeply to be processed; simplify it")
    text = shorten(str(e).strip().replace("\n", " "), 300)
    if any(sign in text for sign in ("Corruption", "checksum mismatch")):
        return _say(f"the on-disk cache is damaged ({text}); run 'b12kg cache clear' and try again")
    return _say(f"internal error ({type(e).__name__}: {text}); this is a bug in b12kg: run the command again "
                "with --debug (or B12KG_DEBUG=1) to see the traceback, and report it")


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="b12kg")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error (also: B12KG_DEBUG=1).")
def cli(debug: bool) -> None:
    """b12kg: a knowledge graph of vitamin B12, nerve function and muscle spasms.

    Query it with SPARQL, validate it with SHACL and export it for other tools.
    """
    global _DEBUG
    _DEBUG = _DEBUG or debug


#: every command of the group: name → (command module, short help). The group imports a command's module
#: only when that command runs (or completes, or shows its own help), so ``b12kg --help`` lists the
#: commands from this table; ``tests/cli/test_help.py`` checks it against the real commands.
COMMAND_TABLE: dict[str, tuple[str, str]] = {
    "build": ("build", "Build the release: every export, checked, with manifest.json."),
    "cache": ("store", "Show, check or clear the cache of compiled stores."),
    "diagram": ("explain", "Draw the mechanism, the schema or a concept (SVG or DOT)."),
    "docs": ("docs", "Write the documentation site: a page per concept, query, section."),
    "explain": ("explain", "Rank the causes of muscle spasms for some symptoms, with evidence."),
    "export": ("core", "Write the graph in one format (Turtle, KGX, Neo4j…)."),
    "imports": ("xrefs", "Build the import modules of external ontologies."),
    "load": ("store", "Add ontologies to the local store that queries use."),
    "path": ("explain", "Chains of curated statements linking two concepts."),
    "push": ("store", "Upload the graph to a SPARQL server (Graph Store Protocol)."),
    "qc": ("qc", "Quality-control report of the native terms."),
    "queries": ("core", "List the named queries with their titles."),
    "query": ("core", "Run a named query, a .rq file or SPARQL text (-e)."),
    "reason": ("reason", "Check consistency and classify with HermiT (or OWL RL)."),
    "search": ("explore", "Find concepts by label, synonym or definition."),
    "serve": ("serve", "Serve the graph: a SPARQL endpoint, the query page, concept pages."),
    "show": ("explore", "Everything the graph says about one concept."),
    "stats": ("core", "Count triples, classes, individuals, edges and queries."),
    "validate": ("core", "Check the graph against the SHACL shapes."),
    "xrefs": ("xrefs", "Check the mappings of b12kg concepts to external ontologies."),
}


def _load_module(module: str) -> None:
    """Import the command module ``module`` and add its commands (each module exposes ``COMMANDS``)."""
    import importlib

    for command in importlib.import_module(f"{__package__}.{module}").COMMANDS:
        cli.add_command(command)


def load_all_commands() -> dict[str, click.Command]:
    """Import every command module; returns the group's commands by name."""
    for module in sorted({m for m, _ in COMMAND_TABLE.values()}):
        _load_module(module)
    return dict(cli.commands)


def run(args: list[str]) -> int:
    """Run the command line ``args`` through the click group; returns the exit code."""
    try:
        code = cli.main(args, prog_name="b12kg", standalone_mode=False)
    except click.ClickException as e:
        e.show()
        code = e.exit_code
    except click.Abort:
        click.echo("\ninterrupted", err=True)
        code = 130
    except KeyboardInterrupt as e:  # before a command started
        from ..core.bounded import Terminated

        code = 143 if isinstance(e, Terminated) else 130
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    return code if isinstance(code, int) else 0
