"""Bounded work through the API: the forked child and the long-lived worker stop on time, survive a crash of
the engine, and fall back to a thread where there is no fork."""

from __future__ import annotations

import os
import signal
import time

import pytest

from b12kg.core import bounded
from b12kg.core.errors import EngineCrashError, QueryTimeoutError, StoreDamagedError


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _raise() -> None:
    raise StoreDamagedError("bad block")


def test_a_call_returns_its_value_and_its_error() -> None:
    assert bounded.run_bounded(_sleep, (0.01,), timeout=5) == "woke"
    with pytest.raises(StoreDamagedError, match="bad block"):  # b12kg errors cross the process boundary
        bounded.run_bounded(_raise, timeout=5)


def test_a_call_that_runs_too_long_is_killed() -> None:
    start = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"ran longer than 0\.5 s"):
        bounded.run_bounded(_sleep, (30,), timeout=0.5)
    assert time.monotonic() - start < 3


def test_a_crashing_engine_leaves_the_caller_alive() -> None:
    with pytest.raises(EngineCrashError, match="SIGABRT"):
        bounded.run_bounded(os.abort, timeout=5)
    with pytest.raises(EngineCrashError, match="SIGSEGV"):
        bounded.run_bounded(lambda: os.kill(os.getpid(), signal.SIGSEGV), timeout=5)


def test_the_worker_is_reused_and_replaced_after_a_timeout() -> None:
    worker = bounded.Worker(_sleep)
    try:
        assert bounded.run_bounded(_sleep, (0,), timeout=5, worker=worker) == "woke"
        pid = worker.pid
        assert bounded.run_bounded(_sleep, (0,), timeout=5, worker=worker) == "woke" and worker.pid == pid
        with pytest.raises(QueryTimeoutError):
            bounded.run_bounded(_sleep, (30,), timeout=0.3, worker=worker)
        assert worker.pid == 0 and _zombie_free(pid)
        assert bounded.run_bounded(_sleep, (0,), timeout=5, worker=worker) == "woke" and worker.pid != pid
    finally:
        worker.stop()


def _zombie_free(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def test_without_fork_a_thread_answers_on_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "_CAN_FORK", False)
    assert bounded.run_bounded(_sleep, (0,), timeout=5) == "woke"
    with pytest.raises(QueryTimeoutError):
        bounded.run_bounded(_sleep, (2,), timeout=0.2)


def test_the_api_is_not_in_command_line_mode() -> None:
    assert bounded.cli_mode() is False  # only the console script's main() installs the watchdog


# -- work in the background ------------------------------------------------------------------------------
def _crashed(how: str) -> StoreDamagedError:
    return StoreDamagedError(f"the helper {how}")


def test_background_work_returns_its_value_and_its_error() -> None:
    with bounded.Background(_sleep, (0.01,), crashed=_crashed) as job:
        pid = job.pid
        assert pid != os.getpid() and job.result() == "woke"
    assert pid and _zombie_free(pid) and not os.path.exists(f"/proc/{pid}")  # reaped
    with bounded.Background(_raise, (), crashed=_crashed) as job, pytest.raises(StoreDamagedError, match="bad block"):
        job.result()


def test_background_work_that_dies_is_reported_through_the_callers_error() -> None:
    with bounded.Background(lambda: os.kill(os.getpid(), signal.SIGKILL), (), crashed=_crashed) as job, \
            pytest.raises(StoreDamagedError, match=r"the helper was killed by SIGKILL \(often: out of memory\)"):
        job.result()


def test_leaving_the_block_early_stops_the_background_child() -> None:
    with pytest.raises(KeyboardInterrupt), bounded.Background(_sleep, (30,), crashed=_crashed) as job:
        pid = job.pid
        raise KeyboardInterrupt
    assert pid and _zombie_free(pid) and not os.path.exists(f"/proc/{pid}")
    assert job not in bounded._CHILDREN


def test_without_fork_background_work_runs_in_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "_CAN_FORK", False)
    with bounded.Background(os.getpid, (), crashed=_crashed) as job:
        assert job.pid == 0 and job.result() == os.getpid()
