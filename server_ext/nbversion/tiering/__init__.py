"""Tiered storage: a local storage budget, eviction to a remote, fetch on demand.

Objects already safely on a remote may leave the local disk (``evict``, or automatically
``enforce_budget`` after a save); reading one of them later fetches just that object
from the remote, verified. Manifests, refs and the index always stay local. See
docs/tiering.md. Nothing here imports tornado or IPython.
"""

from __future__ import annotations

from .evict import EvictReport, enforce_budget, evict
from .fetch import RemoteFetcher, RemoteUnavailable, set_default_progress
from .records import Evicted
from .usage import Catalog, du, status
from .versions import fetch_version, set_budget

__all__ = [
    "Catalog",
    "EvictReport",
    "Evicted",
    "RemoteFetcher",
    "RemoteUnavailable",
    "du",
    "enforce_budget",
    "evict",
    "fetch_version",
    "set_budget",
    "set_default_progress",
    "status",
]
