"""Work that can be stopped: run a query (or any call) under a time limit that really ends it, and make
Ctrl-C and SIGTERM stop it within a second.

The SPARQL engines cannot be cancelled from Python (Oxigraph runs a query in Rust and checks no signal
until it finishes), so a limit has to end the place where the work runs:

* **In the command line** the process is b12kg's own. :func:`install_cli` starts a watchdog thread that
  wakes on the deadline of the running call and on every SIGINT/SIGTERM (through
  :func:`signal.set_wakeup_fd`, which works even while the main thread is inside Rust). A signal first
  raises :class:`KeyboardInterrupt` (or :class:`Terminated`) in Python, so ``finally`` blocks run; if the
  main thread does not get back to Python within half a second, or when the deadline passes, the watchdog
  removes the temporary files in use (:func:`b12kg.core.files.remove_active`), stops the child processes
  (:func:`track_child`), prints one line and ends the process. Cost: one thread per command (~0.1 ms).
* **Through the API** the caller's process must survive, so the call runs in a forked child process that
  is killed on the deadline or on Ctrl-C (the caller gets :class:`~b12kg.core.errors.QueryTimeoutError` or
  :class:`KeyboardInterrupt`; a crash of the engine becomes
  :class:`~b12kg.core.errors.EngineCrashError`). A :class:`Worker` keeps one child for a store that
  cannot change (a read-only on-disk store), so a query costs a round trip over a pipe (~0.1 ms) rather
  than a fork (~3 ms on a small virtual machine); other calls fork once each.
* Where there is no ``fork`` (Windows) the call runs in a thread: the caller gets the error on time, but
  the work itself goes on until it finishes.

>>> run_bounded(sum, ([1, 2, 3],), timeout=5)
6
"""

from __future__ import annotations

import _thread
import os
import sys
import time

from .errors import EngineCrashError, QueryTimeoutError

# A cold ``b12kg query`` imports this module: ``_thread`` rather than ``threading``, no ``typing``,
# ``contextlib`` or ``collections`` at run time (each costs milliseconds of a ~50 ms command).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import signal
    from collections.abc import Callable, Sequence
    from typing import Any, TypeVar

    T = TypeVar("T")
else:
    try:  # the C module: the same functions without the ~1 ms that ``signal`` spends building its enums
        import _signal as signal
    except ImportError:  # another Python implementation
        import signal

__all__ = ["Background", "Terminated", "Worker", "cli_mode", "install_cli", "run_bounded", "track_child"]

_CAN_FORK = hasattr(os, "fork") and sys.platform != "win32"
_HEADER_SIZE = 8  # a message between the processes: its length (8 bytes, big-endian), then its pickle


class Terminated(KeyboardInterrupt):
    """Raised in the main thread of the command line when the process receives SIGTERM."""


# -- the command line: a watchdog that may end the process ---------------------------------------
class _Watchdog:
    """Ends the process when the running call passes its deadline, or when a signal has not reached
    Python within :attr:`GRACE` seconds (the main thread is busy inside an engine)."""

    GRACE = 0.5

    def __init__(self, handler: Callable[[int, Any], None]) -> None:
        self.handler = handler
        self.lock = _thread.allocate_lock()
        self.deadline: float | None = None
        self.timeout_error: BaseException | None = None
        self.on_timeout: Callable[[], str | None] | None = None
        self.received = 0  # signals seen on the wake-up pipe
        self.handled = 0  # signals whose Python handler ran
        self.pending_since: float | None = None
        self.last_signal: int = signal.SIGINT
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.write_fd, False)
        signal.set_wakeup_fd(self.write_fd, warn_on_full_buffer=False)
        # a bare thread (``threading`` costs ~1 ms to import): like a daemon thread, it never delays the exit
        self.ident = _thread.start_new_thread(self._run, ())

    def poke(self) -> None:
        """Wake the watchdog so that it sees a new deadline."""
        try:
            os.write(self.write_fd, b"\0")
        except BlockingIOError:  # the pipe is full: the watchdog is awake anyway
            pass

    def _ours(self, number: int) -> bool:
        return signal.getsignal(number) is self.handler  # a command that installs its own handlers is left alone

    def _run(self) -> None:
        import select

        while True:
            now = time.monotonic()
            waits = [t - now for t in (self.deadline,) if t is not None]
            if self.pending_since is not None:
                waits.append(self.pending_since + self.GRACE - now)
            ready, _, _ = select.select([self.read_fd], [], [], max(min(waits), 0) if waits else None)
            if ready:
                for number in os.read(self.read_fd, 64):
                    if number in (signal.SIGINT, signal.SIGTERM) and self._ours(number):
                        self.received += 1
                        self.last_signal = number
                        if self.pending_since is None:
                            self.pending_since = time.monotonic()
            now = time.monotonic()
            if self.received <= self.handled:
                self.pending_since = None
            elif self.pending_since is not None and now >= self.pending_since + self.GRACE:
                self._end("interrupted" if self.last_signal == signal.SIGINT else "terminated",
                          128 + self.last_signal)
            with self.lock:
                if self.deadline is not None and now >= self.deadline:
                    message = f"error: {self.timeout_error}"
                    if self.on_timeout is not None:
                        try:
                            extra = self.on_timeout()
                            message = f"error: {extra}" if extra else message
                        except Exception:  # the message must get out whatever happens
                            pass
                    self._end(message, 2)

    def _end(self, message: str, code: int) -> None:
        from .files import remove_active

        _stop_children()
        remove_active()
        try:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        finally:
            os._exit(code)


_WATCHDOG: _Watchdog | None = None
_MAIN_THREAD: int | None = None  # the thread that installed the watchdog (the main one)
_CHILDREN: set[Any] = set()


def install_cli() -> None:
    """Make this process the command line's: signals raise in Python and a watchdog enforces deadlines.

    Call it only from the program's entry point (never from a library): the watchdog may end the process.
    Commands that install their own signal handlers (a server) are left alone by it.
    """
    global _WATCHDOG, _MAIN_THREAD
    if _WATCHDOG is not None or not _in_main_thread():
        return

    def on_signal(number: int, frame: Any) -> None:
        if _WATCHDOG is not None:
            _WATCHDOG.handled += 1
        if number == signal.SIGTERM:
            raise Terminated()
        raise KeyboardInterrupt()

    try:
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        _MAIN_THREAD = _thread.get_ident()
        _WATCHDOG = _Watchdog(on_signal)
    except (ValueError, OSError):  # a platform whose wake-up descriptor must be a socket: Python's defaults
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _in_main_thread() -> bool:
    """Whether this is the main thread (asked of ``threading`` only when something has imported it: without
    it, no other thread can have been started but through ``_thread``, which b12kg does only here)."""
    threading = sys.modules.get("threading")
    if threading is None:
        return True
    return bool(threading.current_thread() is threading.main_thread())


def cli_mode() -> bool:
    """Whether the watchdog may end this process for a call from this thread (see :func:`install_cli`)."""
    return _WATCHDOG is not None and _thread.get_ident() == _MAIN_THREAD and _WATCHDOG._ours(signal.SIGINT)


def track_child(process: Any) -> Any:
    """Remember a child process (a :class:`subprocess.Popen`) so that the watchdog stops it before ending
    the process; :func:`untrack_child` forgets it. Returns ``process``."""
    _CHILDREN.add(process)
    return process


def untrack_child(process: Any) -> None:
    """Forget a child process given to :func:`track_child`."""
    _CHILDREN.discard(process)


def _stop_children() -> None:
    for p in list(_CHILDREN):
        try:
            p.kill()
        except (OSError, AttributeError):
            pass


# -- running a call under a limit ----------------------------------------------------------------------
def run_bounded(fn: Callable[..., T], args: Sequence[Any] = (), *, timeout: float, what: str = "the query",
                worker: Worker | None = None, on_timeout: Callable[[], str | None] | None = None) -> T:
    """``fn(*args)``, stopped after ``timeout`` seconds (:class:`QueryTimeoutError`) or by Ctrl-C.

    ``worker`` (a :class:`Worker` made for ``fn``) runs the call in its long-lived child instead of a new
    one; ``fn`` is then ignored. ``fn``'s result and errors must be picklable (every b12kg error is).
    ``on_timeout`` is called when the command line's watchdog ends the process on the deadline; what it
    returns is added to the message (callers of the API see the :class:`QueryTimeoutError` instead).
    """
    if cli_mode():
        return _under_watchdog(fn, args, timeout, what, on_timeout)
    if worker is not None and worker.lock.acquire(blocking=False):
        try:
            value: T = worker.call(args, timeout, what)
            return value
        finally:
            worker.lock.release()
    if _CAN_FORK:
        return _in_child(fn, args, timeout, what)
    return _in_thread(fn, args, timeout, what)


def _under_watchdog(fn: Callable[..., T], args: Sequence[Any], timeout: float, what: str,
                    on_timeout: Callable[[], str | None] | None) -> T:
    assert _WATCHDOG is not None
    with _WATCHDOG.lock:
        outer = _WATCHDOG.deadline
        _WATCHDOG.deadline = time.monotonic() + timeout if outer is None else min(outer, time.monotonic() + timeout)
        _WATCHDOG.timeout_error = QueryTimeoutError(timeout, what)
        _WATCHDOG.on_timeout = on_timeout
    _WATCHDOG.poke()
    try:
        return fn(*args)
    finally:
        with _WATCHDOG.lock:
            _WATCHDOG.deadline = outer


def _in_thread(fn: Callable[..., T], args: Sequence[Any], timeout: float, what: str) -> T:
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as e:
            box["error"] = e

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryTimeoutError(timeout, what)
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def _fork() -> int:
    import warnings

    with warnings.catch_warnings():  # Python >= 3.12 warns about forking a threaded process; the child
        warnings.simplefilter("ignore", DeprecationWarning)  # only runs the engine and writes to a pipe
        return os.fork()


def _child_setup() -> None:
    """In a fresh child: die on Ctrl-C and with the parent, never run the parent's exit handlers."""
    import faulthandler

    if faulthandler.is_enabled():  # a crash of the engine is reported by the parent, in one line
        faulthandler.disable()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        signal.set_wakeup_fd(-1)
    except ValueError:
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent
        except (OSError, AttributeError):
            pass


def _answer(fn: Callable[..., Any], args: Sequence[Any]) -> bytes:
    import pickle

    try:
        reply: tuple[str, Any] = ("ok", fn(*args))
    except BaseException as e:  # sent to the parent, which raises it
        reply = ("error", e)
    try:
        return pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an error that cannot be pickled: send its text
        error = reply[1] if reply[0] == "error" else None
        text = f"{type(error).__name__}: {error}" if error is not None else "an unpicklable result"
        return pickle.dumps(("error", RuntimeError(text)))


def _send(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(_HEADER_SIZE, "big") + data)
    while view:
        view = view[os.write(fd, view):]


#: the longest single wait for a child's answer, so that Ctrl-C is seen within it whichever thread receives it
_SIGNAL_CHECK = 0.2


def _receive(fd: int, deadline: float | None, timeout: float, what: str) -> Any:
    """Read one framed message from ``fd``, waiting at most until ``deadline`` (:class:`EOFError` when the
    other end closed the pipe first)."""
    import pickle
    import select

    buf = bytearray()
    need = _HEADER_SIZE
    size = None
    while True:
        while len(buf) < need:
            wait = _SIGNAL_CHECK if deadline is None else min(deadline - time.monotonic(), _SIGNAL_CHECK)
            if wait <= 0:
                raise QueryTimeoutError(timeout, what)
            # never one long wait: a Ctrl-C that the kernel hands to another thread (the engine's, a timer's)
            # does not interrupt this select; Python raises it when the wait returns
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(fd, max(need - len(buf), 1 << 16))
            if not chunk:
                raise EOFError
            buf += chunk
        if size is None:
            size = int.from_bytes(buf[:_HEADER_SIZE], "big")
            del buf[:_HEADER_SIZE]
            need = size
            continue
        return pickle.loads(bytes(buf[:size]))


def _crashed(pid: int, what: str) -> EngineCrashError:
    return EngineCrashError(f"the SPARQL engine running {what} {_how_it_ended(pid)}; your program is unharmed. "
                            "Simplify the query or run it with a smaller graph")


def _how_it_ended(pid: int) -> str:
    """How the child ``pid`` ended ("was killed by SIGSEGV (a crash: …)"), after waiting for it."""
    status = 0
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        import signal as signals

        try:
            name = signals.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        how = f"was killed by {name}"
        if number == signal.SIGSEGV:
            how += " (a crash: often a query nested too deeply)"
        elif number == signal.SIGKILL:
            how += " (often: out of memory)"
    else:
        how = f"stopped with exit code {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status}"
    return how


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _unwrap(reply: tuple[str, Any]) -> Any:
    kind, value = reply
    if kind == "error":
        raise value
    return value


def _in_child(fn: Callable[..., T], args: Sequence[Any], timeout: float, what: str) -> T:
    read_fd, write_fd = os.pipe()
    pid = 0
    # the fork is inside the ``try``: a Ctrl-C that lands just after it still kills the child, which would
    # otherwise run on (holding the caller's standard streams) after the caller has moved on
    try:
        pid = _fork()
        if pid == 0:  # the child
            try:
                os.close(read_fd)
                _child_setup()
                _send(write_fd, _answer(fn, args))
            finally:
                os._exit(0)
        os.close(write_fd)
        write_fd = -1
        reply = _receive(read_fd, time.monotonic() + timeout, timeout, what)
    except EOFError:
        raise _crashed(pid, what) from None
    except BaseException:
        if pid:
            _kill(pid)
        raise
    finally:
        os.close(read_fd)
        if write_fd >= 0:
            os.close(write_fd)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    return _unwrap(reply)  # type: ignore[no-any-return]


class Background:
    """``fn(*args)`` computed in a forked child process while the caller goes on; :meth:`result` waits for it.

    Use it as a context manager: leaving the block (an error, Ctrl-C) before :meth:`result` kills the child
    and waits for it, so no process is left behind; the command line's watchdog also stops it
    (:func:`track_child`). The child sees the caller's state as it is at the start (a copy: nothing it does
    reaches the caller but the result). The result and the errors of ``fn`` come back pickled (every b12kg
    error can be); an error is raised again by :meth:`result`. A child that dies (killed, out of memory)
    raises ``crashed(how)`` (a :class:`~b12kg.core.errors.B12kgError` the caller makes from "was killed by
    SIGKILL (often: out of memory)"). Where there is no ``fork`` (Windows) :meth:`result` calls ``fn`` itself.

    >>> with Background(sum, ([1, 2, 3],), crashed=RuntimeError) as job:
    ...     job.result()
    6
    """

    def __init__(self, fn: Callable[..., Any], args: Sequence[Any], *,
                 crashed: Callable[[str], BaseException]) -> None:
        self.fn, self.args, self.crashed = fn, tuple(args), crashed
        self.pid, self.fd, self._done = 0, -1, False
        if not _CAN_FORK:
            return
        read_fd, write_fd = os.pipe()
        try:
            pid = _fork()
        except BaseException:
            os.close(read_fd)
            os.close(write_fd)
            raise
        if pid == 0:  # the child
            try:
                os.close(read_fd)
                _child_setup()
                _send(write_fd, _answer(fn, self.args))
            finally:
                os._exit(0)
        os.close(write_fd)
        self.pid, self.fd = pid, read_fd
        track_child(self)

    def result(self) -> Any:
        """Wait for the child and return what ``fn`` returned (or raise what it raised)."""
        if self._done:
            raise RuntimeError("the result of a background call was already taken")
        self._done = True
        if not self.pid:
            return self.fn(*self.args)
        try:
            reply = _receive(self.fd, None, 0, "")
        except EOFError:
            pid, self.pid = self.pid, 0
            raise self.crashed(_how_it_ended(pid)) from None
        finally:
            self._close()
        self.kill()  # it has sent everything and is leaving: reap it
        return _unwrap(reply)

    def kill(self) -> None:
        """Kill the child (if it still runs) and wait for it."""
        if self.pid:
            pid, self.pid = self.pid, 0
            _kill(pid)
        self._close()

    def _close(self) -> None:
        untrack_child(self)
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


class Worker:
    """A long-lived child process that runs ``fn(*args)`` for each call (see :func:`run_bounded`).

    The child is forked on the first call, so it sees the state ``fn`` uses as it is then: use a worker
    only for state that cannot change afterwards (a store opened read-only). A call that times out or is
    interrupted kills the child; the next call forks a new one.
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.lock = _thread.allocate_lock()
        self.pid = self._owner = 0
        self._to_child = self._from_child = -1

    def _start(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        pid = _fork()
        if pid == 0:
            try:
                os.close(to_child_w)
                os.close(from_child_r)
                _child_setup()
                self._serve(to_child_r, from_child_w)
            finally:
                os._exit(0)
        os.close(to_child_r)
        os.close(from_child_w)
        self.pid, self._to_child, self._from_child = pid, to_child_w, from_child_r

    def _serve(self, requests: int, replies: int) -> None:
        while True:
            try:
                args = _receive(requests, None, 0, "")
            except EOFError:  # the parent closed the pipe: it is gone or done with us
                return
            _send(replies, _answer(self.fn, args))

    def _alive(self) -> bool:
        if not self.pid:
            return False
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            done = self.pid
        if done:
            self._close()
        return not done

    def call(self, args: Sequence[Any], timeout: float, what: str) -> Any:
        """Run one call in the child (started if needed); callers hold :attr:`lock`."""
        import pickle

        deadline = time.monotonic() + timeout
        if self.pid and os.getpid() != self._owner:  # we were forked: that child is not ours
            self.pid = 0
        if not self._alive():
            self._start()
            self._owner = os.getpid()
        try:
            _send(self._to_child, pickle.dumps(tuple(args), protocol=pickle.HIGHEST_PROTOCOL))
            reply = _receive(self._from_child, deadline, timeout, what)
        except (EOFError, BrokenPipeError):
            pid = self.pid
            self._close()
            raise _crashed(pid, what) from None
        except BaseException:
            self.stop()
            raise
        return _unwrap(reply)

    def stop(self) -> None:
        """Kill the child (if any)."""
        if self.pid and os.getpid() == self._owner:
            _kill(self.pid)
        self._close()

    def _close(self) -> None:
        for fd in (self._to_child, self._from_child):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.pid, self._to_child, self._from_child = 0, -1, -1

    def __del__(self) -> None:
        try:
            self.stop()
        except Exception:  # during interpreter shutdown
            pass
