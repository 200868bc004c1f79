"""The API raises only b12kg errors, whatever it is handed; environment variables with values b12kg cannot use
are named; an unexpected internal error is one line that says how to see the traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import assert_clean_failure, invoke_b12kg, run_b12kg

import b12kg
from b12kg import B12kgError, KnowledgeGraph

BAD_CALLS = {
    "param-object": (lambda kg: kg.query("SELECT ?l WHERE { ?s rdfs:label ?l }", {"x": object()}),
                     "ParameterError", "must be a string"),
    "param-none": (lambda kg: kg.run("about-concept", {"concept": None}), "ParameterError", "not NoneType"),
    "param-list": (lambda kg: kg.run("about-concept", {"concept": ["muscle spasm"]}), "ParameterError", "not list"),
    "param-bool": (lambda kg: kg.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"o": True}), "ParameterError",
                   "not bool"),
    "param-key-int": (lambda kg: kg.query("ASK {}", {1: "x"}), "ParameterError", "names are strings"),
    "params-not-a-mapping": (lambda kg: kg.query("ASK {}", ["x"]), "ParameterError", "a mapping"),
    "param-unknown": (lambda kg: kg.run("about-concept", {"nope": "x"}), "ParameterError", "unknown parameter"),
    "param-bad-iri": (lambda kg: kg.run("about-concept", {"concept": "http://x>{}"}), "ParameterError",
                      "not a valid IRI"),
    "param-unknown-label": (lambda kg: kg.run("about-concept", {"concept": "no such thing at all"}),
                            "ConceptNotFoundError", "no concept"),
    "query-int": (lambda kg: kg.query(123), "QuerySyntaxError", "not int"),
    "query-syntax": (lambda kg: kg.query("SELECT WHERE {"), "QuerySyntaxError", "syntax error"),
    "run-none": (lambda kg: kg.run(None), "ParameterError", "not NoneType"),
    "run-unknown": (lambda kg: kg.run("symptoms-by-knd"), "QueryNotFoundError", "symptoms-by-kind"),
    "backend-unknown": (lambda kg: kg.query("ASK {}", backend="sparkle"), "ParameterError", "unknown backend"),
    "remote-without-endpoint": (lambda kg: kg.query("ASK {}", backend="remote"), "ParameterError", "needs an endpoint"),
    "timeout-text": (lambda kg: kg.query("ASK {}", timeout="soon"), "ConfigError", "not a number of seconds"),
    "timeout-negative": (lambda kg: kg.query("ASK {}", timeout=-1), "ConfigError", "positive"),
    "timeout-zero": (lambda kg: kg.query("ASK {}", timeout=0), "ConfigError", "positive"),
    "export-path-none": (lambda kg: kg.export("turtle", None), "OutputError", "not a file path"),
    "export-format-none": (lambda kg: kg.export(None, "x.ttl"), "FormatError", "not NoneType"),
    "export-format-unknown": (lambda kg: kg.export("turtel", "x.ttl"), "FormatError", "turtle"),
    "serialize-format-int": (lambda kg: kg.serialize(7), "FormatError", "not int"),
    "service": (lambda kg: kg.query("SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"),
                "QueryRefusedError", "SERVICE"),
    "update": (lambda kg: kg.query("DROP ALL"), "QueryRefusedError", "read-only"),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_api_raises_only_b12kg_errors(kg: KnowledgeGraph, case: str) -> None:
    call, name, mention = BAD_CALLS[case]
    with pytest.raises(B12kgError) as info:
        call(kg)
    assert type(info.value).__name__ == name
    assert mention in str(info.value)
    assert name in b12kg.__all__ and getattr(b12kg, name) is type(info.value)  # exported from b12kg
    assert len(str(info.value)) < 2000


def test_every_error_class_is_exported_and_picklable() -> None:
    import pickle

    from b12kg.core import errors

    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, (B12kgError, Warning)):
            assert name in b12kg.__all__ and getattr(b12kg, name) is obj
    err = errors.QueryTimeoutError(3.0)
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err) and back.seconds == 3.0


@pytest.mark.parametrize(("variable", "value", "mention"), [
    ("B12KG_INFERRED", "banana", "not a yes/no value"),
    ("B12KG_NO_CACHE", "maybe", "not a yes/no value"),
    ("B12KG_QUERY_TIMEOUT", "soon", "not a number of seconds"),
    ("B12KG_QUERY_TIMEOUT", "-1", "positive"),
    ("B12KG_ENDPOINT_TIMEOUT", "x", "not a number of seconds"),
    ("B12KG_MAX_RESPONSE", "lots", "not a size"),
    ("B12KG_MAX_NESTING", "deep", "whole number"),
])
def test_environment_values_b12kg_cannot_use_are_named(variable: str, value: str, mention: str) -> None:
    args = ["query", "-e", "ASK {}", "--endpoint", "http://127.0.0.1:9/q"] if variable in (
        "B12KG_ENDPOINT_TIMEOUT", "B12KG_MAX_RESPONSE") else ["query", "symptoms-by-kind"]
    run = invoke_b12kg(args, env={variable: value})
    assert_clean_failure(run, f"{variable}={value!r}" if "NESTING" not in variable else variable, mention)


@pytest.mark.parametrize("value", ["0", "no", "FALSE", "off"])
def test_inferred_switch_accepts_every_no(value: str) -> None:
    run = invoke_b12kg(["query", "-e", "ASK { GRAPH <https://w3id.org/b12kg/graph/inferred> { ?s ?p ?o } }",
                        "-f", "tsv"], env={"B12KG_INFERRED": value})
    assert run.code == 0 and run.stdout == "boolean\nfalse\n", run.stderr


INTERNAL = "import b12kg.queries.stats as s; s.graph_stats = lambda *a, **k: 1 / 0\n"


@pytest.mark.parametrize("how", ["plain", "option", "environment"])
def test_an_internal_error_is_one_line_unless_asked(tmp_path: Path, how: str) -> None:
    """A bug (here: a division by zero planted in ``stats``) is one line naming it; ``--debug`` or
    ``B12KG_DEBUG=1`` shows the traceback."""
    (tmp_path / "sitecustomize.py").write_text(INTERNAL, encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path), **({"B12KG_DEBUG": "1"} if how == "environment" else {})}
    args = ["--debug", "stats"] if how == "option" else ["stats"]
    import os
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "b12kg", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})
    if how == "plain":
        assert proc.returncode == 2
        assert proc.stderr.startswith("error: internal error (ZeroDivisionError: division by zero)")
        assert "--debug" in proc.stderr and "B12KG_DEBUG=1" in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.splitlines()) == 1
    else:
        assert "Traceback (most recent call last)" in proc.stderr and "ZeroDivisionError" in proc.stderr


def test_usage_errors_are_exit_2_without_traceback() -> None:
    for args in (["query", "--nope"], ["export", "-f", "nope"], ["no-such-command"], ["query", "-e"]):
        run = run_b12kg(args)
        assert run.code == 2 and "Traceback" not in run.stderr, (args, run.stderr)
