"""Layer 7, a face: ``b12kg serve`` — a read-only, bounded SPARQL 1.1 endpoint and linked-data pages.

* :mod:`~b12kg.web.app` — the ASGI application (Starlette): routes, protocol, pages, downloads
* :mod:`~b12kg.web.protocol` — reading SPARQL 1.1 Protocol requests (GET, form POST, direct POST)
* :mod:`~b12kg.web.negotiation` — choosing the answer's media type (``Accept``, ``format``)
* :mod:`~b12kg.web.screen` — refusing updates and ``SERVICE`` before anything runs
* :mod:`~b12kg.web.pool`, :mod:`~b12kg.web.worker`, :mod:`~b12kg.web.jobs` — the query workers: every
  query runs in a worker process, which is killed at the time limit
* :mod:`~b12kg.web.service` — the SPARQL service description
* :mod:`~b12kg.web.settings`, :mod:`~b12kg.web.server` — limits and running uvicorn

May import: every layer below (:mod:`b12kg.pages` for the pages, :mod:`b12kg.formats` for downloads);
not :mod:`b12kg.cli`, the other face.
"""

from __future__ import annotations

from .server import serve, url_of
from .settings import ServerSettings

__all__ = ["ServerSettings", "serve", "url_of"]
