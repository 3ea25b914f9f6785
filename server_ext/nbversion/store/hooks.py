"""What the layers above plug into the store, so the store imports nothing above itself.

Two extension points, each set once by :mod:`nbversion.wiring` when the package is
imported:

* a **fetcher factory**: how to bring back objects that tiering evicted to a remote
  (``nbversion.tiering.fetch``), asked only by stores that evicted something;
* **after-save hooks**: policy that follows every saved version (git auto-commit).

Kept as plain module state on purpose: there is one store implementation per process,
and tests that need another behaviour pass a ``fetcher`` to ``ObjectStore`` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .manifest import Manifest
    from .objects import Fetcher

#: (store_dir, objects_root, tmp_dir) -> a fetcher for evicted objects
FetcherFactory = Callable[[Path, Path, Path], "Fetcher"]
#: (repository, manifest) -> None, run after a version is committed and indexed
AfterSave = Callable[[Any, "Manifest"], None]

_fetcher_factory: list[FetcherFactory] = []
_after_save: list[AfterSave] = []


def set_fetcher_factory(factory: FetcherFactory) -> None:
    """Install how evicted objects are fetched (replaces an earlier one)."""
    _fetcher_factory[:] = [factory]


def fetcher_factory() -> FetcherFactory | None:
    """The installed fetcher factory, or None (nothing above the store is loaded)."""
    return _fetcher_factory[0] if _fetcher_factory else None


def add_after_save(hook: AfterSave) -> None:
    """Run ``hook(repo, manifest)`` after every save (once per hook, in order added)."""
    if hook not in _after_save:
        _after_save.append(hook)


def after_save_hooks() -> list[AfterSave]:
    """The installed after-save hooks."""
    return list(_after_save)
