"""Helpers of the hostile-input suite: run the real command line in a child process, bounded in time, and
check that a fault ends the way the README promises (one short message, the right exit code, no
traceback) and that nothing changed that should not have.

Each test area has its own file (``test_<area>.py``); every case asserts the exit code, a message that
names the fault and a clean stderr.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest


@dataclass(frozen=True)
class Run:
    """What a finished ``b12kg`` child process did."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str


def run_b12kg(args: Iterable[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
              input: bytes | None = None, timeout: float = 60.0) -> Run:
    """Run ``python -m b12kg ARGS`` with a time bound (a hang fails the test instead of blocking the suite)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("B12KG_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "b12kg", *args], env=full_env, cwd=cwd, input=input,
                          capture_output=True, timeout=timeout, check=False)
    return Run(tuple(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"))


def assert_clean_failure(run: Run, *mentions: str, code: int = 2) -> None:
    """Exit ``code``, no traceback, a short message on stderr that contains every one of ``mentions``."""
    assert run.code == code, (run.args, run.code, run.stderr[-2000:])
    assert "Traceback (most recent call last)" not in run.stderr, run.stderr[-2000:]
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert lines, f"{run.args}: no message on stderr"
    assert len(run.stderr) < 4000, f"{run.args}: the message is {len(run.stderr)} characters long"
    for m in mentions:
        assert m.lower() in run.stderr.lower(), (run.args, m, run.stderr[-2000:])


def tree_digest(root: Path) -> dict[str, str]:
    """Path -> sha256 of every file under ``root`` (to prove that nothing changed)."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def isolated_cache(tmp_path: Path) -> dict[str, str]:
    """An environment with a cache folder of its own (so a case cannot damage the shared one)."""
    return {"B12KG_CACHE_DIR": str(tmp_path / "cache")}


def slow_for(*ids: str) -> list[object]:
    """``pytest.param`` values for ``ids``, marked slow (the heavier variants of a case)."""
    return [pytest.param(i, marks=pytest.mark.slow) for i in ids]


# -- in-process runs (fast: no interpreter start) ------------------------------------------------------
def invoke_b12kg(args: Iterable[str], *, env: Mapping[str, str] | None = None, input: bytes | None = None) -> Run:
    """Run the command line in this process with click's runner (for faults that need no real process:
    no signals, no real standard streams). Same :class:`Run` as :func:`run_b12kg`."""
    from click.testing import CliRunner

    from b12kg.cli import cli

    full_env = {"B12KG_DEBUG": "", **(env or {})}
    result = CliRunner().invoke(cli, list(args), env=full_env, input=input, catch_exceptions=True)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        stderr += "".join(traceback.format_exception(result.exception))  # an escaped exception is a traceback
    return Run(tuple(args), result.exit_code, result.stdout, stderr)


# -- caches --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the compiled bundled store (built once per session, never damaged)."""
    root = tmp_path_factory.mktemp("warm-cache") / "cache"
    run = run_b12kg(["query", "symptoms-by-kind", "-f", "tsv"], env={"B12KG_CACHE_DIR": str(root)}, timeout=300)
    assert run.code == 0, run.stderr
    return root


@pytest.fixture
def cache_copy(warm_cache: Path, tmp_path: Path) -> Path:
    """A private copy of :func:`warm_cache` that a case may damage (copying keeps file times: ``copy2``)."""
    import shutil

    target = tmp_path / "cache"
    shutil.copytree(warm_cache, target, copy_function=shutil.copy2)
    return target


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to: ``chmod 555`` for a normal user, the immutable flag (``chattr +i``) for
    root, who ignores permissions; skipped where neither works."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False) if _has("chattr") else None
    if done is None or done.returncode != 0:
        pytest.skip("running as root and this file system has no immutable flag (chattr +i), so no folder "
                    "is read-only for this test")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)


def _has(program: str) -> bool:
    import shutil

    return shutil.which(program) is not None


# -- a misbehaving SPARQL endpoint on 127.0.0.1 ------------------------------------------------------------
SELECT_JSON = (b'{"head": {"vars": ["s"]}, "results": {"bindings": '
               b'[{"s": {"type": "uri", "value": "https://w3id.org/b12kg/fatigue"}}]}}')
SPARQL_XML = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
              b'<variable name="s"/></head><results><result><binding name="s">'
              b'<uri>https://w3id.org/b12kg/fatigue</uri></binding></result></results></sparql>')
#: how long the peer keeps a hanging or trickling connection open at most (bounds every case)
PEER_PATIENCE = 30.0


class _PeerHandler(http.server.BaseHTTPRequestHandler):
    """Answers by the first path segment (``/slow``, ``/garbage``, ``/status-500``…); records each request."""

    protocol_version = "HTTP/1.1"
    requests: ClassVar[list[dict[str, object]]] = []

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def _send(self, status: int, ctype: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", headers.pop("length", str(len(body))))
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        mode = self.path.lstrip("/").split("?")[0].split("/")[0]
        self.requests.append({"mode": mode, "method": self.command, "path": self.path, "body": body,
                              "content_type": self.headers.get("Content-Type", "")})
        json_type = "application/sparql-results+json"
        if mode == "ok":
            self._send(200, json_type, SELECT_JSON)
        elif mode == "empty-select":
            self._send(200, json_type, b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}')
        elif mode == "xml":
            self._send(200, "application/sparql-results+xml", SPARQL_XML)
        elif mode == "tsv":
            self._send(200, "text/tab-separated-values", b"?s\n<https://w3id.org/b12kg/fatigue>\n")
        elif mode == "ntriples":
            self._send(200, "application/n-triples", b'<https://w3id.org/b12kg/a> <https://w3id.org/b12kg/b> "c" .\n')
        elif mode == "slow":  # one byte a second: a per-read timeout never fires
            self.send_response(200)
            self.send_header("Content-Type", json_type)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self._trickle()
        elif mode == "hang":
            time.sleep(PEER_PATIENCE)
        elif mode == "huge":  # endless body without a length
            self.send_response(200)
            self.send_header("Content-Type", json_type)
            self.send_header("Connection", "close")
            self.end_headers()
            self._flood()
        elif mode == "huge-announced":
            self._send(200, json_type, b"{", length=str(10**12))
        elif mode == "redirect-loop":
            self._send(302, "text/plain", b"", Location=self.path)
        elif mode.startswith("status-"):
            self._send(int(mode.split("-")[1]), "text/html", b"<html><body><h1>Server says no</h1></body></html>")
        elif mode == "gsp-no-default":
            if "graph=" in self.path:
                self._send(201, "text/plain", b"")
            else:
                self._send(500, "text/html", b"<h3>Error 22023</h3><xmp>the endpoint is not configured to have "
                                             b"default graph</xmp>")
        elif mode == "gsp":
            self._send(204, "text/plain", b"")
        else:
            bodies = {
                "garbage": (json_type, b"\x00\xff\xfe garbage {{{ \x01"),
                "invalid-json": (json_type, b'{"head": {"vars": ["s"]}, "results": {"bindings": ['),
                "list-json": (json_type, b"[]"),
                "null-json": ("application/json", b"null"),
                "html": ("text/html", b"<!DOCTYPE html><html><body>Welcome to our website</body></html>"),
                "empty-body": (json_type, b""),
                "bad-term": (json_type, b'{"head": {"vars": ["s"]}, "results": {"bindings": '
                                        b'[{"s": {"type": "weird", "value": "x"}}]}}'),
                "bad-vars": (json_type, b'{"head": {"vars": "s"}, "results": {"bindings": {}}}'),
                "bad-boolean": (json_type, b'{"head": {}, "boolean": "maybe"}'),
                "octet": ("application/octet-stream", b"\x00\x01\x02"),
                "nested": (json_type, b"[" * 200_000),
                "bad-xml": ("application/sparql-results+xml", b"<sparql><head><oops"),
                "bad-ntriples": ("application/n-triples", b"<not an iri> garbage ."),
            }
            ctype, payload = bodies.get(mode, ("text/plain", b"unknown peer mode"))
            self._send(200 if mode in bodies else 404, ctype, payload)

    def _trickle(self) -> None:
        end = time.monotonic() + PEER_PATIENCE
        try:
            while time.monotonic() < end:
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1.0)
        except OSError:
            pass

    def _flood(self) -> None:
        chunk = b" " * 65536
        end = time.monotonic() + PEER_PATIENCE
        try:
            for _ in range(16384):  # at most 1 GiB
                if time.monotonic() > end:
                    break
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True


@pytest.fixture(scope="session")
def peer() -> Iterator[str]:
    """The base URL of a misbehaving SPARQL endpoint on 127.0.0.1 (modes: see :class:`_PeerHandler`)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PeerHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def peer_requests() -> Iterator[list[dict[str, object]]]:
    """The requests the peer receives during one test."""
    _PeerHandler.requests.clear()
    yield _PeerHandler.requests
    _PeerHandler.requests.clear()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
