"""Layer 5: the pages people read — Jinja2 templates and their rendering, shared by the server and the docs site.

:class:`Pages` renders a concept, a named query, the query page, search results; :class:`ServerLinks` and
:class:`SiteLinks` are the only difference between the server's pages and the static documentation site
(:func:`site_files`, :func:`write_site`), so the two never differ. Templates live in ``templates/``, the
style sheet, scripts and the vendored SPARQL editor (pinned, licences kept) in ``assets/``.

May import: :mod:`b12kg.core`, :mod:`b12kg.store`, :mod:`b12kg.queries` (not :mod:`b12kg.formats`, its
neighbour in layer 5, nor the faces above).
"""

from __future__ import annotations

from .links import Links, ServerLinks, SiteLinks
from .render import DISCLAIMER, Pages
from .site import ASSETS, site_files, write_site

__all__ = ["ASSETS", "DISCLAIMER", "Links", "Pages", "ServerLinks", "SiteLinks", "site_files", "write_site"]
