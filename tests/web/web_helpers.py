"""Helpers of the server tests (imported by ``conftest.py`` and the test modules of ``tests/web``)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: the server's time limit in the tests (seconds)
TEST_TIMEOUT = 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """A ``b12kg serve`` child process."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def get(self, path: str, headers: dict[str, str] | None = None, timeout: float = 30.0
            ) -> tuple[int, dict[str, str], bytes]:
        return request(self.url + path.lstrip("/"), headers=headers, timeout=timeout)


def request(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body) of one HTTP request, errors included."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@contextlib.contextmanager
def serving(tmp: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Run ``b12kg serve ARGS`` on a free port until the block ends (then Ctrl-C, as a user would)."""
    port = free_port()
    log = tmp / f"serve-{port}.log"
    full_env = {**os.environ, **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "b12kg", "serve", "--port", str(port), *args],
                                stdout=out, stderr=subprocess.STDOUT, env=full_env, start_new_session=True)
    served = Served(f"http://127.0.0.1:{port}/", port, proc, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"b12kg serve exited: {log.read_text()}")
            with contextlib.suppress(OSError):
                if served.get("/health", timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError(f"b12kg serve did not start: {log.read_text()}")
            time.sleep(0.2)
        yield served
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
