"""The pool of query workers: separate processes that run every query, so a time limit really stops one.

Oxigraph cannot cancel a query that is running in-process (a long ``COUNT`` ignores signals until it
ends), so the server runs no query itself. Each worker (:mod:`b12kg.web.worker`) holds its own
in-memory copy of the graph and answers one job at a time over a socket pair; the server sends a job
to a free worker and waits for the reply **until the request's deadline**. At the deadline the worker
is killed (``SIGKILL``: the work stops at once), the client gets a 503 with a message, and a fresh
worker takes its place. The deadline covers the wait for a free worker too, so a request is never held
longer than the limit.

A slow query never blocks the others: a worker busy for longer than ``slow_after`` seconds stops
counting towards the pool's size, and the pool starts another (up to ``max_size`` processes), so
``size`` workers stay ready for quick queries; the extra ones are retired when they fall idle.

Workers are started by :mod:`multiprocessing`'s *forkserver* (which has already imported the worker
code), so a replacement is ready in milliseconds instead of a new interpreter's start-up; a worker that
dies for any reason (out of memory, a crash) is noticed through its process sentinel and replaced.

The fast path costs no task and no ``wait_for``: each worker's socket is an :class:`asyncio.Protocol`
whose reply callback resolves the job's future and hands the worker the next queued job at once (so a
worker never waits for the event loop to come round), and deadlines are ``call_later`` timers.
"""

from __future__ import annotations

import asyncio
import contextlib
import marshal
import multiprocessing
import os
import socket
import struct
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import ServeError
from .jobs import Job, Reply, decode, encode
from .worker import WorkerSettings, worker_main

__all__ = ["PoolStats", "WorkerPool", "default_size"]

_HEADER = struct.Struct("!I")
#: seconds a new worker may take to load the graph and say it is ready
STARTUP_TIMEOUT = 120.0


@dataclass
class PoolStats:
    """Counters of a pool's life, for ``/health`` and the tests."""

    started: int = 0
    timeouts: int = 0
    crashed: int = 0
    retired: int = 0
    jobs: int = 0


class _Expired(Exception):
    """A deadline passed (raised into the future that was waiting)."""


def _expire(fut: asyncio.Future[Any]) -> None:
    if not fut.done():
        fut.set_exception(_Expired())


class _Channel(asyncio.Protocol):
    """The server's end of a worker's socket: length-prefixed frames, each handed to ``on_frame``.

    Until ``on_frame`` is set, the first frame (the worker's "ready") resolves :attr:`hello`.
    """

    def __init__(self) -> None:
        self.transport: Any = None  # an asyncio or uvloop transport
        self.buffer = bytearray()
        self.hello: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.on_frame: Callable[[bytes], None] | None = None
        self.on_lost: Callable[[], None] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= _HEADER.size:
            (n,) = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + n:
                return
            frame = bytes(self.buffer[_HEADER.size:_HEADER.size + n])
            del self.buffer[:_HEADER.size + n]
            if self.on_frame is not None:
                self.on_frame(frame)
            elif not self.hello.done():
                self.hello.set_result(frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.hello.done():
            self.hello.set_exception(ConnectionResetError("the query worker closed its socket"))
        if self.on_lost is not None:
            self.on_lost()

    def send(self, payload: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(_HEADER.pack(len(payload)) + payload)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


@dataclass(eq=False, repr=False)
class _Pending:
    """A job on its way: its bytes, the future of its reply, and the worker running it (None while queued)."""

    payload: bytes
    reply: asyncio.Future[bytes]
    worker: _Worker | None = None


@dataclass(eq=False, repr=False)
class _Worker:
    process: Any  # multiprocessing.process.BaseProcess
    channel: _Channel
    current: _Pending | None = None
    busy_since: float | None = None
    gone: bool = False


@dataclass
class WorkerPool:
    """``size`` query workers (growing to ``max_size`` while some are stuck on slow queries).

    Use :meth:`start`, then :meth:`run` for each job, then :meth:`close`. Jobs that find no free worker
    wait in a queue; a worker takes the next one the moment its reply arrives.
    """

    settings: WorkerSettings
    size: int = 2
    max_size: int = 8
    slow_after: float = 0.25
    stats: PoolStats = field(default_factory=PoolStats)

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ServeError(f"the server needs at least one query worker (got {self.size})")
        self.max_size = max(self.max_size, self.size)
        methods = multiprocessing.get_all_start_methods()
        self._ctx: Any = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            self._ctx.set_forkserver_preload(["b12kg.web.worker"])
        self._workers: list[_Worker] = []
        self._idle: deque[_Worker] = deque()
        self._queue: deque[_Pending] = deque()
        self._starting = 0
        self._closed = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._supervisor: asyncio.Task[None] | None = None
        self._spawn_failures = 0

    # -- life cycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Start ``size`` workers and wait until each has loaded the graph (or raise :class:`ServeError`)."""
        results = await asyncio.gather(*(self._spawn() for _ in range(self.size)), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            await self.close()
            raise errors[0] if isinstance(errors[0], ServeError) else ServeError(
                f"a query worker could not start: {errors[0]}")
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def close(self) -> None:
        """Stop every worker (idle or busy) and the supervisor."""
        self._closed = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        for w in list(self._workers):
            self._discard(w)
        for p in self._queue:
            if not p.reply.done():
                p.reply.cancel()
        self._queue.clear()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def alive(self) -> int:
        """Workers running now (idle or busy)."""
        return len(self._workers)

    @property
    def busy(self) -> int:
        return sum(1 for w in self._workers if w.current is not None)

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers]

    # -- running a job ---------------------------------------------------------------------------
    async def run(self, job: Job, timeout: float) -> Reply:
        """Answer ``job`` within ``timeout`` seconds (waiting for a free worker included), or a 503 reply."""
        loop = asyncio.get_running_loop()
        pending = _Pending(encode(job), loop.create_future())
        timer = loop.call_later(timeout, _expire, pending.reply)
        self._dispatch(pending)
        try:
            data = await pending.reply
        except _Expired:
            if pending.worker is None:
                return Reply.error(503, f"the server is busy: no query worker was free within the time limit "
                                        f"({timeout:g} s); try again later")
            self.stats.timeouts += 1
            self._discard(pending.worker)  # SIGKILL: the query stops now
            return Reply.error(503, f"the query was stopped after {timeout:g} s, the server's time limit; "
                                    "simplify it, add a LIMIT, or ask the operator to raise --timeout")
        except ConnectionError:
            self.stats.crashed += 1
            return Reply.error(503, "the query worker stopped while answering (it may have run out of memory); "
                                    "the query was not answered")
        except BaseException:  # cancelled (client gone, shutdown): stop the work
            if pending.worker is not None and pending.worker.current is pending:
                self._discard(pending.worker)
            raise
        finally:
            timer.cancel()
        reply = decode(data)
        assert isinstance(reply, Reply)
        return reply

    def _dispatch(self, pending: _Pending) -> None:
        """Give ``pending`` to an idle worker, or queue it."""
        while self._idle:
            w = self._idle.popleft()
            if not w.gone:
                self._begin(w, pending)
                return
        if self._closed:
            pending.reply.set_exception(_Expired())
            return
        self._queue.append(pending)

    def _begin(self, worker: _Worker, pending: _Pending) -> None:
        worker.current, pending.worker = pending, worker
        worker.busy_since = asyncio.get_running_loop().time()
        self.stats.jobs += 1
        worker.channel.send(pending.payload)

    def _on_frame(self, worker: _Worker, frame: bytes) -> None:
        """A worker's reply: resolve its job, then give the worker the next queued job (no loop turn lost)."""
        pending, worker.current, worker.busy_since = worker.current, None, None
        if pending is not None and not pending.reply.done():
            pending.reply.set_result(frame)
        self._next(worker)

    def _next(self, worker: _Worker) -> None:
        if worker.gone:
            return
        if self._closed:
            self._discard(worker)
            return
        while self._queue:
            pending = self._queue.popleft()
            if not pending.reply.done():
                self._begin(worker, pending)
                return
        if len(self._workers) > self._wanted():
            self.stats.retired += 1
            self._discard(worker)
            return
        self._idle.append(worker)

    # -- starting, replacing and stopping workers -----------------------------------------------
    def _wanted(self) -> int:
        now = asyncio.get_running_loop().time()
        slow = sum(1 for w in self._workers if w.busy_since is not None and now - w.busy_since > self.slow_after)
        return min(self.max_size, self.size + slow)

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        self._starting += 1
        try:
            parent, child = socket.socketpair()
            try:
                process = self._ctx.Process(target=worker_main, args=(child, self.settings), daemon=True,
                                            name="b12kg-query-worker")
                await asyncio.to_thread(process.start)
            finally:
                child.close()
            _, channel = await loop.create_connection(_Channel, sock=parent)
            timer = loop.call_later(STARTUP_TIMEOUT, _expire, channel.hello)
            try:
                kind, detail = marshal.loads(await channel.hello)
            except (_Expired, ConnectionError) as e:
                process.kill()
                channel.close()
                why = "did not start in time" if isinstance(e, _Expired) else "exited at start-up"
                raise ServeError(f"a query worker {why}") from None
            finally:
                timer.cancel()
            if kind != "ready":
                channel.close()
                await asyncio.to_thread(process.join, 5)
                raise ServeError(f"a query worker could not load the graph: {detail}")
            worker = _Worker(process, channel)
            channel.on_frame = lambda frame: self._on_frame(worker, frame)
            channel.on_lost = lambda: self._on_exit(worker)
            if self._closed:
                self._discard(worker)
                return
            self._workers.append(worker)
            self.stats.started += 1
            loop.add_reader(process.sentinel, self._on_exit, worker)
            self._next(worker)
        finally:
            self._starting -= 1

    def _on_exit(self, worker: _Worker) -> None:
        """A worker's process ended or its socket closed (killed, crashed, out of memory): fail its job, forget
        it; the supervisor replaces it."""
        if worker.gone:
            return
        pending = worker.current
        if pending is not None and not pending.reply.done():
            pending.reply.set_exception(ConnectionResetError("the query worker stopped"))
        elif pending is None:
            self.stats.crashed += 1
        self._discard(worker)

    def _discard(self, worker: _Worker) -> None:
        if worker.gone:
            return
        worker.gone = True
        with contextlib.suppress(ValueError):
            self._workers.remove(worker)
        if worker in self._idle:
            self._idle.remove(worker)
        loop = asyncio.get_running_loop()
        with contextlib.suppress(Exception):
            loop.remove_reader(worker.process.sentinel)
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()
        worker.channel.on_lost = None
        worker.channel.close()
        self._background(asyncio.to_thread(worker.process.join, 10))
        if not self._closed:
            self._background(self._top_up())

    def _background(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _top_up(self) -> None:
        """Start a worker if the pool has fewer than it wants."""
        if self._closed or len(self._workers) + self._starting >= self._wanted():
            return
        try:
            await self._spawn()
            self._spawn_failures = 0
        except Exception as e:  # keep serving with the workers there are; the supervisor retries
            self._spawn_failures += 1
            if self._spawn_failures in (1, 10, 100):
                print(f"b12kg serve: could not start a query worker: {e}", flush=True)

    async def _supervise(self) -> None:
        """Ten times a second: grow the pool past slow queries, replace lost workers, retire extra idle ones."""
        while not self._closed:
            await asyncio.sleep(0.1 if self._spawn_failures < 3 else 2.0)
            wanted = self._wanted()
            for _ in range(max(wanted - len(self._workers) - self._starting, 0)):
                self._background(self._top_up())
            while len(self._workers) > wanted and self._idle:
                self.stats.retired += 1
                self._discard(self._idle.popleft())


def default_size() -> int:
    """The default number of query workers: one per core (at least 2)."""
    return max(2, os.cpu_count() or 2)
