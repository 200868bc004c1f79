"""The server's settings: where it listens, how many query workers it runs, and its limits.

Every limit has a default a user can change from ``b12kg serve`` (see ``b12kg serve --help``):

>>> s = ServerSettings()
>>> (s.host, s.port, s.timeout, s.cors)
('127.0.0.1', 7878, 10.0, False)
>>> parse_size("16M"), parse_size("512k"), parse_size("2G")
(16777216, 524288, 2147483648)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import ParameterError

__all__ = ["ServerSettings", "parse_size"]


@dataclass(frozen=True)
class ServerSettings:
    """How ``b12kg serve`` runs.

    ``timeout`` bounds each request that runs a query (seconds, waiting for a free worker included);
    ``workers`` is the number of query worker processes kept ready (``max_workers`` while slow queries
    hold some); ``max_result_bytes`` caps one answer, ``max_body_bytes`` a request body (and URL);
    ``worker_memory_bytes`` caps each worker's address space; ``cache_bytes`` is the budget of the answer
    cache (0: answers are not kept); ``cors`` allows other web sites' pages to
    call the endpoint; ``root`` is the path the server is mounted at behind a reverse proxy;
    ``diagrams`` puts the picture of a concept's neighbourhood on its page.
    """

    host: str = "127.0.0.1"
    port: int = 7878
    workers: int = 2
    max_workers: int = 8
    timeout: float = 10.0
    max_result_bytes: int = 16 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    worker_memory_bytes: int | None = 2 * 1024 * 1024 * 1024
    cache_bytes: int = 64 * 1024 * 1024
    cors: bool = False
    root: str = ""
    access_log: bool = False
    diagrams: bool = True

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ParameterError(f"the time limit must be positive (got {self.timeout})")
        if self.workers < 1:
            raise ParameterError(f"at least one query worker is needed (got {self.workers})")
        if not 0 <= self.port <= 65535:
            raise ParameterError(f"not a port number: {self.port}")
        if self.root and not self.root.startswith("/"):
            raise ParameterError(f"the root path must start with '/' (got {self.root!r})")


_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str) -> int:
    """A size such as ``16M``, ``512k``, ``2G`` or ``1000`` (bytes) as a number of bytes."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?\s*", text.lower())
    if not m:
        raise ParameterError(f"not a size: {text!r} (write e.g. 16M, 512k, 2G)")
    return int(float(m.group(1)) * _UNITS[m.group(2)])
