"""The answer cache: the server's store never changes while it runs, so an answer can be given again.

:class:`ReplyCache` keeps replies by job (the request as the worker would see it: query, parameters,
``Accept``…), least recently used first out, within a budget of bytes. Only answers that depend on
nothing but the job are kept: 200s and the client errors that say what is wrong with the request (400,
404, 406); never a 503 (time limit, busy) or a 5xx.

>>> from b12kg.web.jobs import Reply
>>> cache = ReplyCache(400)  # (each reply counts its body plus 200 bytes)
>>> cache.put("a", Reply(200, "text/plain", b"x" * 60))
>>> cache.put("b", Reply(200, "text/plain", b"y" * 60))  # over budget: "a" goes
>>> cache.get("a") is None, cache.get("b").body[:1]
(True, b'y')
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from .jobs import Reply

__all__ = ["CACHEABLE", "ReplyCache"]

#: the statuses whose replies depend only on the request
CACHEABLE = frozenset({200, 400, 404, 406})


class ReplyCache:
    """Replies by job, within ``max_bytes`` (0 turns the cache off); one reply may use a quarter of it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._replies: OrderedDict[Hashable, Reply] = OrderedDict()

    def get(self, key: Hashable) -> Reply | None:
        reply = self._replies.get(key)
        if reply is None:
            self.misses += 1
            return None
        self._replies.move_to_end(key)
        self.hits += 1
        return reply

    def put(self, key: Hashable, reply: Reply) -> None:
        size = len(reply.body) + 200
        if reply.status not in CACHEABLE or len(reply.body) > self.max_bytes // 4 or key in self._replies:
            return
        self._replies[key] = reply
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, old = self._replies.popitem(last=False)
            self.bytes -= len(old.body) + 200

    def __len__(self) -> int:
        return len(self._replies)
