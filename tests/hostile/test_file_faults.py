"""Files that cannot be written or should not be read: read-only folders, folders given as files, full disks,
``/dev/full``, closed pipes, symbolic-link loops, devices, FIFOs, binary and oddly encoded input. Each ends in
one message naming the path and the reason, exit 2, and leaves every other file as it was."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_helpers import assert_clean_failure, invoke_b12kg, run_b12kg, slow_for, tree_digest

from b12kg import GraphParseError, KnowledgeGraph, OutputError

TTL = '@prefix ex: <http://example.org/> .\nex:a ex:b "c" .\n'


# -- writing ---------------------------------------------------------------------------------------------
WRITERS = {
    "export": ["export", "-f", "turtle", "-o", "{dir}/b12kg.ttl"],
    "export-kgx": ["export", "-f", "kgx", "-o", "{dir}/kgx"],
    "query": ["query", "symptoms-by-kind", "-f", "csv", "-o", "{dir}/answer.csv"],
    "validate": ["validate", "-o", "{dir}/report.txt"],
    "qc": ["qc", "-o", "{dir}/qc.txt"],
    "reason-owlrl": ["reason", "--owlrl", "-o", "{dir}/closure.nt"],
    "build": ["build", "--reasoner", "none", "--skip-checks", "-q", "-o", "{dir}/dist"],
}


def _args(template: list[str], folder: Path) -> list[str]:
    return [a.replace("{dir}", str(folder)) for a in template]


@pytest.mark.parametrize("command", ["export", "export-kgx", "query", "build",
                                     *slow_for("validate", "qc", "reason-owlrl")])
def test_writing_into_a_read_only_folder(read_only_dir: Path, command: str) -> None:
    run = invoke_b12kg(_args(WRITERS[command], read_only_dir))
    assert_clean_failure(run, f"cannot write {read_only_dir}", "permission denied", "choose a folder")
    assert list(read_only_dir.iterdir()) == []


@pytest.mark.parametrize("command", ["query", *slow_for("export", "validate", "reason-owlrl")])
def test_writing_onto_a_folder(tmp_path: Path, command: str) -> None:
    args = _args(WRITERS[command], tmp_path)
    target = Path(args[-1])
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    run = invoke_b12kg(args)
    assert_clean_failure(run, str(target))
    assert "it is a folder" in run.stderr or "is a directory" in run.stderr  # ours, or click's usage check
    assert (target / "keep.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("command", ["query", "export-kgx", *slow_for("export")])
def test_writing_below_a_file(tmp_path: Path, command: str) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    run = invoke_b12kg(_args(WRITERS[command], blocker))
    assert_clean_failure(run, "cannot write", "not a folder")
    assert blocker.read_text(encoding="utf-8") == "a file"


@pytest.mark.parametrize("command", ["query", *slow_for("export")])
def test_writing_to_dev_full(command: str) -> None:
    args = [*[a for a in WRITERS[command] if not a.startswith("{dir}")][:-1], "-o", "/dev/full"]
    assert_clean_failure(run_b12kg(args), "cannot write /dev/full", "no space left")


@pytest.mark.parametrize("command", ["query", *slow_for("export")])
def test_writing_to_dev_null_keeps_the_device(command: str) -> None:
    args = [*[a for a in WRITERS[command] if not a.startswith("{dir}")][:-1], "-o", "/dev/null"]
    run = invoke_b12kg(args)
    assert run.code == 0, run.stderr
    assert Path("/dev/null").is_char_device()


@pytest.mark.parametrize("command", ["query", *slow_for("export")])
def test_a_full_disk_leaves_no_half_file(tmp_path: Path, command: str) -> None:
    """RLIMIT_FSIZE stands in for a full disk (the write fails part way, as on a full disk)."""
    target = tmp_path / "out"
    target.write_text("the old file", encoding="utf-8")
    args = [*[a for a in WRITERS[command] if not a.startswith("{dir}")][:-1], "-o", str(target)]

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))

    proc = subprocess.run([sys.executable, "-m", "b12kg", *args], capture_output=True, text=True, timeout=120,
                          preexec_fn=small_files, env={**os.environ, "B12KG_DEBUG": ""})
    assert proc.returncode == 2, proc.stderr
    assert f"cannot write {target}" in proc.stderr and "Traceback" not in proc.stderr
    assert target.read_text(encoding="utf-8") == "the old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the temporary file is gone


@pytest.mark.slow
def test_a_symlink_loop_as_output(tmp_path: Path) -> None:
    loop = tmp_path / "loop.ttl"
    loop.symlink_to(tmp_path / "loop.ttl")
    assert_clean_failure(invoke_b12kg(["export", "-f", "turtle", "-o", str(loop)]), "loop of symbolic links")


def test_a_symlink_output_writes_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.ttl"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    assert invoke_b12kg(["export", "-f", "nt", "-o", str(link)]).code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("<")


@pytest.mark.parametrize("args", [["queries", "-v"], ["export", "-f", "nt"], ["query", "symptoms-by-kind"],
                                  ["stats"]])
def test_stdout_to_dev_full(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "b12kg", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120, env={**os.environ, "B12KG_DEBUG": ""})
    assert proc.returncode == 2
    assert "cannot write to standard output" in proc.stderr and "Traceback" not in proc.stderr
    assert "Exception ignored" not in proc.stderr


@pytest.mark.parametrize("args", [["queries", "-v"], ["export", "-f", "nt"], ["query", "-e",
                                  "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "-f", "tsv"]])
def test_a_reader_that_stops_early(args: list[str]) -> None:
    """``b12kg … | head -1``: the closed pipe ends the command quietly."""
    proc = subprocess.Popen([sys.executable, "-m", "b12kg", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "B12KG_DEBUG": ""})
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.wait(timeout=120) == 0
    assert first and err == ""


@pytest.mark.slow
def test_api_export_faults(kg: KnowledgeGraph, tmp_path: Path, read_only_dir: Path) -> None:
    with pytest.raises(OutputError, match="not a file path"):
        kg.export("turtle", None)  # type: ignore[arg-type]
    with pytest.raises(OutputError, match="it is a folder"):
        kg.export("turtle", tmp_path)
    with pytest.raises(OutputError, match="permission denied"):
        kg.export("nt", read_only_dir / "x.nt")


# -- reading ---------------------------------------------------------------------------------------------
def _special(kind: str, tmp_path: Path) -> Path:
    if kind == "fifo":
        path = tmp_path / "pipe.ttl"
        os.mkfifo(path)
        return path
    if kind == "folder":
        path = tmp_path / "folder.ttl"
        path.mkdir()
        return path
    if kind == "loop":
        path = tmp_path / "loop.ttl"
        path.symlink_to(path)
        return path
    return Path({"zero": "/dev/zero", "urandom": "/dev/urandom", "null": "/dev/null"}[kind])


SPECIAL = {"fifo": "FIFO", "folder": "folder", "loop": "loop of symbolic links", "zero": "device",
           "urandom": "device", "null": "device"}
READERS = {
    "graph": ["stats", "--graph", "{path}"],
    "add": ["query", "symptoms-by-kind", "--add", "{path}"],
    "load": ["load", "{path}"],
    "push": ["push", "--endpoint", "http://127.0.0.1:9/query", "--file", "{path}"],
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("kind", list(SPECIAL))
def test_special_files_are_refused_before_reading(tmp_path: Path, kind: str, reader: str) -> None:
    path = _special(kind, tmp_path)
    args = [a.replace("{path}", str(path)) for a in READERS[reader]]
    run = invoke_b12kg(args, env={"B12KG_CACHE_DIR": str(tmp_path / "cache")})
    assert_clean_failure(run, SPECIAL[kind])
    assert "no such file" not in run.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero", "folder", "loop"])
def test_special_query_files(tmp_path: Path, kind: str) -> None:
    path = _special(kind, tmp_path)
    if kind != "zero":
        path = path.rename(path.with_suffix(".rq")) if kind != "loop" else path
    if kind == "loop":
        path = tmp_path / "loop.rq"
        path.symlink_to(path)
    run = invoke_b12kg(["query", str(path)] if kind != "zero" else ["query", "/dev/zero"])
    assert_clean_failure(run, SPECIAL[kind] if kind != "zero" else "device")


BAD_CONTENT = {
    "nul-bytes": (b"@prefix ex: <http://example.org/> .\nex:a ex:b \"c\x00d\" .\x00\x00\n", "line"),
    "binary": (bytes(range(256)) * 64, "line"),
    "latin-1": ('@prefix ex: <http://example.org/> .\nex:a ex:b "caf\xe9" .\n'.encode("latin-1"), "line 2"),
    "utf-16": (TTL.encode("utf-16"), "line"),
    "truncated": (b"@prefix ex: <http://example.org/> .\nex:a ex:b \"unterminated", "line 2"),
    "huge-line": (b'@prefix ex: <http://example.org/> .\nex:a ex:b "' + b"x" * 5_000_000 + b'" ex:c .\n', "line 2"),
}


@pytest.mark.parametrize("kind", list(BAD_CONTENT))
def test_bad_rdf_content_names_the_file_and_line(tmp_path: Path, kind: str) -> None:
    data, mention = BAD_CONTENT[kind]
    path = tmp_path / "bad.ttl"
    path.write_bytes(data)
    run = invoke_b12kg(["stats", "--graph", str(path)])
    assert_clean_failure(run, str(path), mention)


def test_a_huge_single_line_that_is_valid_loads(tmp_path: Path) -> None:
    path = tmp_path / "long.ttl"
    path.write_bytes(b'@prefix ex: <http://example.org/> .\nex:a ex:b "' + b"x" * 5_000_000 + b'" .\n')
    run = invoke_b12kg(["query", "--graph", str(path), "-e", "SELECT (STRLEN(?o) AS ?n) WHERE { ?s ?p ?o }", "-f",
                        "tsv"])
    assert run.code == 0 and run.stdout == "n\n5000000\n"


@pytest.mark.parametrize(("content", "mention"), [
    (b"# title: x\nSELECT * WHERE { ?s ?p \xff\xfe }", "not UTF-8 text (byte 0xFF), line 2"),
    (b"# title: x\n# param: concept iri default\nSELECT * WHERE { ?s ?p ?o }", "bad '# param:' line"),
    (b"# param: " + b"x" * 100_000 + b"\nSELECT * WHERE { ?s ?p ?o }", "bad '# param:' line"),
])
def test_bad_query_files(tmp_path: Path, content: bytes, mention: str) -> None:
    path = tmp_path / "bad.rq"
    path.write_bytes(content)
    run = invoke_b12kg(["query", str(path)])
    assert_clean_failure(run, str(path), *mention.split(", "))


@pytest.mark.parametrize("kind", ["nul-bytes", "latin-1", "truncated"])
def test_load_bad_content_keeps_the_user_store(cache_copy: Path, tmp_path: Path, kind: str) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(TTL, encoding="utf-8")
    env = {"B12KG_CACHE_DIR": str(cache_copy)}
    assert invoke_b12kg(["load", str(good)], env=env).code == 0
    before = tree_digest(cache_copy / "user")
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(BAD_CONTENT[kind][0])
    assert_clean_failure(invoke_b12kg(["load", str(bad)], env=env), str(bad))
    assert tree_digest(cache_copy / "user") == before


@pytest.mark.parametrize("kind", ["nul-bytes", "binary", "truncated"])
def test_push_parses_before_sending(tmp_path: Path, peer: str, peer_requests: list[dict[str, object]],
                                    kind: str) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(BAD_CONTENT[kind][0])
    run = invoke_b12kg(["push", "--endpoint", f"{peer}/query", "--store-url", f"{peer}/gsp", "--file", str(bad)])
    assert_clean_failure(run, str(bad), "line")
    assert peer_requests == []


def test_api_from_files_faults(tmp_path: Path) -> None:
    with pytest.raises(GraphParseError, match="device"):
        _ = KnowledgeGraph.from_files(["/dev/zero"]).store
    with pytest.raises(GraphParseError, match="not a file path"):
        KnowledgeGraph.from_files([123])  # type: ignore[list-item]
    one = tmp_path / "one.ttl"
    one.write_text(TTL, encoding="utf-8")
    assert len(KnowledgeGraph.from_files(str(one)).store) == 1  # type: ignore[arg-type]  # one path, not its letters
