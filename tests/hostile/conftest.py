"""The fixtures of the hostile-input suite, defined with the helpers in :mod:`hostile_helpers` (a module of its
own name, so that test files import it unambiguously whatever other ``conftest`` is loaded)."""

from __future__ import annotations

from hostile_helpers import cache_copy, isolated_cache, peer, peer_requests, read_only_dir, warm_cache

__all__ = ["cache_copy", "isolated_cache", "peer", "peer_requests", "read_only_dir", "warm_cache"]
