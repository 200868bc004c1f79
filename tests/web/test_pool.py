"""The worker pool on its own: a query past its deadline is killed with its worker, a worker that dies is
replaced, a request that finds no free worker in time is told so, and the pool grows past slow queries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from b12kg.web.jobs import Reply, SparqlJob
from b12kg.web.pool import WorkerPool
from b12kg.web.worker import WorkerSettings

SLOW = SparqlJob.of("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
QUICK = SparqlJob.of("ASK { ?s ?p ?o }")
HUNGRY = SparqlJob.of("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d LIMIT 1")


def with_pool(settings: WorkerSettings, size: int, max_size: int,
              body: Callable[[WorkerPool], Awaitable[None]]) -> None:
    async def main() -> None:
        pool = WorkerPool(settings, size=size, max_size=max_size)
        await pool.start()
        try:
            await body(pool)
        finally:
            await pool.close()

    asyncio.run(main())


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


def test_a_query_past_its_deadline_is_killed_and_its_worker_replaced(nquads: Path) -> None:
    async def body(pool: WorkerPool) -> None:
        before = set(pool.pids)
        t0 = time.monotonic()
        reply = await pool.run(SLOW, 0.5)
        assert reply.status == 503 and b"stopped after 0.5 s" in reply.body
        assert time.monotonic() - t0 < 2.0
        await until(lambda: pool.alive == 1)
        assert set(pool.pids).isdisjoint(before) and pool.stats.timeouts == 1
        assert (await pool.run(QUICK, 5)).status == 200

    with_pool(WorkerSettings(nquads), 1, 1, body)


def test_a_worker_that_runs_out_of_memory_is_replaced(nquads: Path) -> None:
    async def body(pool: WorkerPool) -> None:
        reply = await pool.run(HUNGRY, 30)
        assert reply.status == 503 and b"stopped while answering" in reply.body
        await until(lambda: pool.alive == 1)
        assert pool.stats.crashed == 1 and (await pool.run(QUICK, 5)).status == 200

    with_pool(WorkerSettings(nquads, memory_bytes=300 * 1024 * 1024), 1, 1, body)


def test_no_free_worker_within_the_deadline_is_a_503(nquads: Path) -> None:
    async def body(pool: WorkerPool) -> None:
        slow = asyncio.ensure_future(pool.run(SLOW, 1.5))
        await asyncio.sleep(0.2)
        waiting: Reply = await pool.run(QUICK, 0.5)  # max_size 1: the pool cannot grow
        assert waiting.status == 503 and b"busy" in waiting.body
        assert (await slow).status == 503

    with_pool(WorkerSettings(nquads), 1, 1, body)


def test_the_pool_grows_past_a_slow_query(nquads: Path) -> None:
    async def body(pool: WorkerPool) -> None:
        slow = asyncio.ensure_future(pool.run(SLOW, 2.0))
        await asyncio.sleep(0.2)
        t0 = time.monotonic()
        assert (await pool.run(QUICK, 2.0)).status == 200
        assert time.monotonic() - t0 < 1.5  # a second worker was started for it
        assert (await slow).status == 503
        await until(lambda: pool.alive == 1)  # the extra worker is retired

    with_pool(WorkerSettings(nquads), 1, 3, body)
