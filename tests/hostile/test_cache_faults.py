"""A damaged cache is found, said in one line and rebuilt, never answered from; the user store keeps what was
loaded or says loudly that it cannot; temporary folders of killed runs are counted and removed; an unusable
cache folder is named."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_helpers import assert_clean_failure, invoke_b12kg, run_b12kg, slow_for, tree_digest

from b12kg.core.files import TEMP_MARK
from b12kg.store import compiled

EXPECTED_ROWS = 23  # symptoms-by-kind: header + 22 rows


def _store(cache: Path) -> Path:
    (folder,) = list((cache / "stores").glob("bundled-*"))
    return folder


def _query(cache: Path, *extra: str, name: str = "symptoms-by-kind") -> tuple[int, list[str], str]:
    run = run_b12kg(["query", name, "-f", "tsv", *extra], env={"B12KG_CACHE_DIR": str(cache)})
    return run.code, run.stdout.splitlines(), run.stderr


def _flip(path: Path, *, keep_mtime: bool = False) -> None:
    st = path.stat()
    with open(path, "r+b") as fh:
        fh.seek(st.st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _largest_sst(cache: Path) -> Path:
    return max((_store(cache) / "db").glob("*.sst"), key=lambda p: p.stat().st_size)


DAMAGE = {
    "manifest-garbage": (lambda c: (_store(c) / "manifest.json").write_bytes(b"\x00garbage{"), "manifest.json"),
    "manifest-missing": (lambda c: (_store(c) / "manifest.json").unlink(), "manifest.json is missing"),
    "manifest-other-format": (lambda c: (_store(c) / "manifest.json").write_text('{"format": "x"}'), "not a b12kg"),
    "db-deleted": (lambda c: __import__("shutil").rmtree(_store(c) / "db"), "missing"),
    "sst-truncated": (lambda c: os.truncate(_largest_sst(c), 100), "bytes instead of"),
    "sst-deleted": (lambda c: _largest_sst(c).unlink(), "missing"),
    "sst-bit-flipped": (lambda c: _flip(_largest_sst(c)), "was changed after"),
    "rocksdb-current-garbage": (lambda c: (_store(c) / "db" / "CURRENT").write_text("MANIFEST-999999\n"),
                                "CURRENT"),
    "rocksdb-manifest-deleted": (lambda c: next((_store(c) / "db").glob("MANIFEST-*")).unlink(), "MANIFEST"),
}


@pytest.mark.parametrize("kind", ["manifest-garbage", *slow_for(*list(DAMAGE)[1:])])
def test_damaged_compiled_store_is_rebuilt_with_a_notice(cache_copy: Path, kind: str) -> None:
    damage, mention = DAMAGE[kind]
    damage(cache_copy)
    code, lines, err = _query(cache_copy)
    assert code == 0, err
    assert len(lines) == EXPECTED_ROWS  # the full answer, never half of one
    notes = [ln for ln in err.splitlines() if ln.strip()]
    assert len(notes) == 1 and notes[0].startswith("note: the compiled store") and "rebuilding it" in notes[0]
    assert mention in notes[0]
    assert compiled.deep_verify(_store(cache_copy)) is None  # rebuilt and sound
    code, lines2, err2 = _query(cache_copy)
    assert (code, lines2, err2) == (0, lines, "")  # repaired once, not on every run


@pytest.mark.slow
def test_bit_rot_found_after_a_stalled_query_then_rebuilt(cache_copy: Path) -> None:
    """A flipped bit with the file's time kept passes the quick check; the engine then stalls on the bad
    block. The timeout hashes the files, names the damage, and the next command rebuilds."""
    for sst in (_store(cache_copy) / "db").glob("*.sst"):
        if sst.stat().st_size > 5000:
            _flip(sst, keep_mtime=True)
    count = ["-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "tsv"]
    whole = run_b12kg(["query", *count], env={"B12KG_CACHE_DIR": str(cache_copy.parent / "fresh-cache")})
    run = run_b12kg(["query", *count, "--timeout", "2"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert_clean_failure(run, "is damaged", "differs from when it was built", "the next command rebuilds it")
    again = run_b12kg(["query", *count], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert again.code == 0 and again.stdout == whole.stdout and "rebuilding it" in again.stderr
    assert int(whole.stdout.split()[1]) > 9000


def test_cache_info_verifies_and_counts_leftovers(cache_copy: Path) -> None:
    stale = cache_copy / "stores" / ".build-bundled-x-killed"
    (stale / "db").mkdir(parents=True)
    (stale / TEMP_MARK).write_bytes(b"")
    (stale / "db" / "000001.sst").write_bytes(b"x" * 2_000_000)
    _flip(_largest_sst(cache_copy), keep_mtime=True)
    run = invoke_b12kg(["cache", "info"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert run.code == 0, run.stderr
    assert "DAMAGED (the content of its database file" in run.stdout
    assert "stale temporary folders: 1 (2.0 MB" in run.stdout
    code, lines, _err = _query(cache_copy)
    assert code == 0 and len(lines) == EXPECTED_ROWS and not stale.exists()


def test_a_build_folder_in_use_is_left_alone(cache_copy: Path) -> None:
    import fcntl

    busy = cache_copy / "stores" / ".build-bundled-y-running"
    busy.mkdir()
    with open(busy / TEMP_MARK, "wb") as mark:
        fcntl.flock(mark.fileno(), fcntl.LOCK_EX)  # another b12kg process is building in it
        code, _lines, _ = _query(cache_copy)
        assert code == 0 and busy.is_dir()


@pytest.mark.slow
def test_killed_while_building_then_clean(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, "B12KG_CACHE_DIR": str(cache), "B12KG_DEBUG": ""}
    proc = subprocess.Popen([sys.executable, "-m", "b12kg", "query", "symptoms-by-kind"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list((cache / "stores").glob(".build-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    assert list((cache / "stores").glob(".build-*")), "the build folder was not there to be left behind"
    info = invoke_b12kg(["cache", "info"], env={"B12KG_CACHE_DIR": str(cache)})
    assert "stale temporary folders: 1" in info.stdout
    code, lines, _err = _query(cache)
    assert code == 0 and len(lines) == EXPECTED_ROWS
    assert [p.name for p in (cache / "stores").iterdir()] == [_store(cache).name]


# -- the cache folder itself ---------------------------------------------------------------------------------
def test_cache_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file", encoding="utf-8")
    for args in (["query", "symptoms-by-kind"], ["load", "--reset"], ["cache", "info"]):
        assert_clean_failure(invoke_b12kg(args, env={"B12KG_CACHE_DIR": str(blocker)}), str(blocker), "is a file")
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_cache_folder_of_an_unknown_user() -> None:
    run = invoke_b12kg(["query", "symptoms-by-kind"], env={"B12KG_CACHE_DIR": "~nosuchuser-b12kg/cache"})
    assert_clean_failure(run, "~nosuchuser-b12kg", "does not know")
    assert not Path("~nosuchuser-b12kg").exists()


@pytest.mark.slow
def test_cache_folder_in_a_read_only_place(read_only_dir: Path, tmp_path: Path) -> None:
    env = {"B12KG_CACHE_DIR": str(read_only_dir / "cache")}
    assert_clean_failure(invoke_b12kg(["query", "symptoms-by-kind"], env=env), "cannot use the cache folder",
                         "permission denied")
    ttl = tmp_path / "x.ttl"
    ttl.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    assert_clean_failure(invoke_b12kg(["load", str(ttl)], env=env), "cannot use the cache folder")


@pytest.mark.slow
def test_default_cache_folder_unwritable_falls_back_to_memory(read_only_dir: Path) -> None:
    env = {"B12KG_CACHE_DIR": "", "XDG_CACHE_HOME": str(read_only_dir), "HOME": str(read_only_dir)}
    run = run_b12kg(["query", "symptoms-by-kind", "-f", "tsv"], env=env)
    assert run.code == 0 and len(run.stdout.splitlines()) == EXPECTED_ROWS
    assert run.stderr.startswith("warning: cannot use the cache folder") and "in-memory store" in run.stderr
    assert "Traceback" not in run.stderr


# -- the user store ------------------------------------------------------------------------------------------
LOADED = "SELECT ?l WHERE { <http://example.org/loaded> rdfs:label ?l }"


def _loaded(cache: Path, tmp_path: Path, name: str = "mine.ttl") -> Path:
    ttl = tmp_path / name
    ttl.write_text(f'<http://example.org/loaded> <http://www.w3.org/2000/01/rdf-schema#label> "{name}" .\n',
                   encoding="utf-8")
    run = invoke_b12kg(["load", str(ttl)], env={"B12KG_CACHE_DIR": str(cache)})
    assert run.code == 0, run.stderr
    return ttl


def _current(cache: Path) -> Path:
    return cache / "user" / (cache / "user" / "CURRENT").read_text(encoding="utf-8").strip()


USER_DAMAGE = {
    "current-garbage": (lambda c: (c / "user" / "CURRENT").write_text("???\n"), "holds garbage", "newest intact"),
    "current-binary": (lambda c: (c / "user" / "CURRENT").write_bytes(b"\x00\xff" * 50), "holds garbage",
                       "newest intact"),
    "current-dangling": (lambda c: (c / "user" / "CURRENT").write_text("gen-20000101T000000-deadbeef\n"),
                         "does not exist", "newest intact"),
    "current-missing": (lambda c: (c / "user" / "CURRENT").unlink(), "CURRENT is missing", "newest intact"),
    "current-path-escape": (lambda c: (c / "user" / "CURRENT").write_text("gen-x/../../stores\n"), "garbage",
                            "newest intact"),
    "db-deleted": (lambda c: __import__("shutil").rmtree(_current(c) / "db"), "is missing", "rebuilding it from"),
    "sst-truncated": (lambda c: os.truncate(max((_current(c) / "db").glob("*.sst"),
                                                key=lambda p: p.stat().st_size), 10), "bytes instead of",
                      "rebuilding it from"),
}


@pytest.mark.parametrize("kind", ["current-garbage", *slow_for(*list(USER_DAMAGE)[1:])])
def test_damaged_user_store_keeps_what_was_loaded(cache_copy: Path, tmp_path: Path, kind: str) -> None:
    _loaded(cache_copy, tmp_path)
    damage, problem, remedy = USER_DAMAGE[kind]
    damage(cache_copy)
    run = run_b12kg(["query", "-e", LOADED, "-f", "tsv"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert run.code == 0, run.stderr
    assert run.stdout == "l\nmine.ttl\n"  # the loaded data is still answered from
    assert run.stderr.startswith("note: the user store was damaged") and problem in run.stderr and remedy in run.stderr
    again = run_b12kg(["query", "-e", LOADED, "-f", "tsv"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert (again.code, again.stdout, again.stderr) == (0, "l\nmine.ttl\n", "")


def test_damaged_user_store_whose_files_are_gone_says_so(cache_copy: Path, tmp_path: Path) -> None:
    ttl = _loaded(cache_copy, tmp_path)
    ttl.unlink()
    import shutil

    shutil.rmtree(_current(cache_copy) / "db")
    run = run_b12kg(["query", "symptoms-by-kind"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert_clean_failure(run, "cannot be rebuilt", str(ttl), "gone or changed", "b12kg load --reset")
    assert run.stdout == ""  # never an answer from the bundled graph alone


def test_damaged_user_store_whose_record_is_lost_says_so(cache_copy: Path, tmp_path: Path) -> None:
    _loaded(cache_copy, tmp_path)
    (_current(cache_copy) / "manifest.json").write_text("{", encoding="utf-8")
    run = run_b12kg(["query", "symptoms-by-kind"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert_clean_failure(run, "record of the loaded files is lost", "b12kg load --reset")


@pytest.mark.slow
def test_stale_load_leftovers_are_counted_then_removed(cache_copy: Path, tmp_path: Path) -> None:
    _loaded(cache_copy, tmp_path)
    for name in (".build-gen-killed", ".convert-killed"):
        (cache_copy / "user" / name).mkdir()
        (cache_copy / "user" / name / TEMP_MARK).write_bytes(b"")
        (cache_copy / "user" / name / "data").write_bytes(b"x" * 1_000_000)
    info = invoke_b12kg(["cache", "info"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert "stale temporary folders: 2 (2.0 MB" in info.stdout
    _loaded(cache_copy, tmp_path, "second.ttl")
    assert not (cache_copy / "user" / ".build-gen-killed").exists()
    assert not (cache_copy / "user" / ".convert-killed").exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, *[pytest.param(s, marks=pytest.mark.slow)
                                                 for s in (signal.SIGTERM, signal.SIGKILL)]])
def test_interrupted_load_leaves_the_store_as_it_was(cache_copy: Path, tmp_path: Path, sig: int) -> None:
    _loaded(cache_copy, tmp_path)
    before = tree_digest(cache_copy / "user")
    big = tmp_path / "big.nt"
    with open(big, "w", encoding="utf-8") as fh:
        for i in range(400_000):
            fh.write(f'<http://example.org/n{i}> <http://example.org/p> "value number {i}" .\n')
    env = {**os.environ, "B12KG_CACHE_DIR": str(cache_copy), "B12KG_DEBUG": ""}
    proc = subprocess.Popen([sys.executable, "-m", "b12kg", "load", str(big)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list((cache_copy / "user").glob(".build-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    sent = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 2.0
    assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -9}[sig], err
    assert b"Traceback" not in err
    if sig != signal.SIGKILL:  # cleaned up on the way out
        assert not [p for p in (cache_copy / "user").iterdir() if p.name.startswith(".")], err
    run = run_b12kg(["query", "-e", LOADED, "-f", "tsv"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert run.stdout == "l\nmine.ttl\n" and run.stderr == ""
    assert {k: v for k, v in tree_digest(cache_copy / "user").items() if not k.startswith(".")} == \
        {k: v for k, v in before.items() if not k.startswith(".")}


@pytest.mark.slow
def test_reset_is_one_step(cache_copy: Path, tmp_path: Path) -> None:
    _loaded(cache_copy, tmp_path)
    run = invoke_b12kg(["load", "--reset"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert run.code == 0 and not (cache_copy / "user").exists()
    again = run_b12kg(["query", "-e", LOADED, "-f", "tsv"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert (again.code, again.stdout, again.stderr) == (0, "l\n", "")


def test_manifest_lists_what_the_store_holds(cache_copy: Path) -> None:
    manifest = json.loads((_store(cache_copy) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "b12kg-store" and manifest["quads"] == sum(manifest["graphs"].values())
    assert all(set(f) == {"bytes", "mtime_ns", "blake2b"} for f in manifest["db_files"].values())


@pytest.mark.slow
def test_concurrent_loads_and_queries(cache_copy: Path, tmp_path: Path) -> None:
    """Two loads at once both end up in the store; queries running meanwhile always answer in full."""
    files = []
    for name in ("one", "two"):
        path = tmp_path / f"{name}.nt"
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(60_000):
                fh.write(f'<http://example.org/{name}/{i}> <http://www.w3.org/2000/01/rdf-schema#label> "{name}" .\n')
        files.append(path)
    env = {**os.environ, "B12KG_CACHE_DIR": str(cache_copy), "B12KG_DEBUG": ""}
    loads = [subprocess.Popen([sys.executable, "-m", "b12kg", "load", str(f)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for f in files]
    answers = []
    while any(p.poll() is None for p in loads):
        code, lines, err = _query(cache_copy)
        answers.append((code, len(lines), "Traceback" in err))
    for p in loads:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert answers and all(a == (0, EXPECTED_ROWS, False) for a in answers)
    count = "SELECT ?l (COUNT(*) AS ?n) WHERE { ?s rdfs:label ?l FILTER(?l IN ('one', 'two')) } GROUP BY ?l ORDER BY ?l"
    run = run_b12kg(["query", "-e", count, "-f", "tsv"], env={"B12KG_CACHE_DIR": str(cache_copy)})
    assert run.stdout == "l\tn\none\t60000\ntwo\t60000\n"
    assert not [p for p in (cache_copy / "user").iterdir() if p.name.startswith(".")]
