"""Running the server: uvicorn (httptools, uvloop where installed) over the Starlette app.

:func:`serve` checks that the address is free, then runs until Ctrl-C (or SIGTERM), which stops the
query workers too, and returns. ``ready`` is called with the URL once the server is listening.

The workers are started by :mod:`multiprocessing`, so a script that calls :func:`serve` needs the usual
``if __name__ == "__main__":`` guard around it.
"""

from __future__ import annotations

import contextlib
import errno
import socket
from collections.abc import Callable

from ..core.errors import ServeError
from ..store.dataset import GraphData
from .settings import ServerSettings

__all__ = ["serve", "url_of"]


def url_of(settings: ServerSettings) -> str:
    """The URL the server answers at (an IPv6 host in brackets)."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"http://{host}:{settings.port}{settings.root}/"


def _bind(settings: ServerSettings) -> socket.socket:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise ServeError(f"{settings.host}:{settings.port} is in use; choose another --port") from None
        raise ServeError(f"cannot listen on {settings.host}:{settings.port}: {e.strerror or e}") from None
    sock.set_inheritable(True)
    return sock


def serve(settings: ServerSettings, graph: GraphData, *, ready: Callable[[str], None] | None = None) -> None:
    """Serve ``graph`` until interrupted (raises :class:`~b12kg.core.errors.ServeError` when it cannot)."""
    import importlib.util

    import uvicorn

    from .app import create_app

    sock = _bind(settings)
    if settings.port == 0:
        settings = type(settings)(**{**vars(settings), "port": sock.getsockname()[1]})
    app = create_app(settings, graph)
    config = uvicorn.Config(
        app,
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        http="httptools" if importlib.util.find_spec("httptools") else "h11",
        log_level="warning",
        access_log=settings.access_log,
        root_path="",
        timeout_keep_alive=15,
        timeout_graceful_shutdown=5,
        limit_concurrency=2048,
        backlog=2048,
        server_header=False,
        proxy_headers=settings.access_log,  # client addresses matter only to the access log
        forwarded_allow_ips="127.0.0.1",
    )
    server = uvicorn.Server(config)

    original = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original(sockets=sockets)
        if ready is not None and server.started:
            ready(url_of(settings))

    server.startup = startup  # type: ignore[method-assign]
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops gracefully on Ctrl-C, then raises it again
        server.run(sockets=[sock])
    if not server.started:
        raise ServeError("the server did not start (see the messages above)")
