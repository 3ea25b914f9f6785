"""The sweeper's side of the concurrency protocol (docs/store.md, "Concurrency protocol").

gc, evict and fsck --repair delete files that writers may be reusing at that very moment.
Each of them:

1. takes its **mark** time under the store lock held EXCLUSIVE for an instant
   (:func:`take_mark`), so no writer's SHARED hold spans it: every write or freshen is
   wholly before the mark (and its commit, if already made, is read by the mark phase)
   or wholly after it (and then stamps an mtime at or after the mark);
2. decides what to delete **without** any lock (the long part: reading every manifest);
3. deletes in short batches (:func:`in_batches`), each under the lock held EXCLUSIVE and
   each starting with a :class:`Recheck`: manifests committed since the mark make their
   objects (and chunks) live again, refs moved since the mark rescue the versions they
   now point at, and a file whose mtime is at or after the mark is never deleted.

Writers hold the lock SHARED only for their own steps (a put, a commit), and the lock is
polled, not queued, so a batch is the longest a save can wait: :data:`BATCH_SECONDS`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from ..errors import NbVersionError
from .locks import store_clock

if TYPE_CHECKING:
    from .repository import Repository

#: A batch stops deleting after this long, so a waiting save waits about this much.
BATCH_SECONDS = 0.05
#: ... or after this many deletions, whichever comes first.
BATCH_MAX = 256
#: How long a sweeper waits for writers to let it in (per batch) before giving up.
SWEEP_WAIT = 600.0
#: The longest the mark waits for the filesystem clock to tick (2 s covers FAT and old NFS).
MARK_TICK_WAIT = 2.5
_OID_RE = re.compile(r"[0-9a-f]{64}")
T = TypeVar("T")


def take_mark(repo: Repository, wait: float = SWEEP_WAIT) -> float:
    """The mark time on the store's filesystem clock, taken under the EXCLUSIVE lock.

    The lock is held until that clock has ticked past the stamp it showed on entry
    (a few ms; file times are coarse), so every write before the mark is stamped
    strictly before it and every write after it at or after it: ``mtime >= mark``
    then means exactly "written or freshened after the mark".
    """
    with repo.lock.exclusive(wait):
        entered = store_clock(repo.tmp_dir)
        deadline = time.monotonic() + MARK_TICK_WAIT
        while True:
            mark = store_clock(repo.tmp_dir)
            if mark > entered or time.monotonic() > deadline:
                return max(mark, entered + 1e-9)
            time.sleep(0.0005)


def in_batches(
    repo: Repository,
    items: Sequence[T],
    step: Callable[[T], None],
    recheck: Callable[[], None] | None = None,
    *,
    seconds: float = BATCH_SECONDS,
    most: int = BATCH_MAX,
    wait: float = SWEEP_WAIT,
) -> float:
    """Run ``step`` over ``items`` in batches under the EXCLUSIVE lock, ``recheck`` first
    in each batch; the lock is released between batches so waiting writers get in.

    Returns the longest time one batch held the lock (seconds).
    """
    longest, i = 0.0, 0
    while i < len(items):
        with repo.lock.exclusive(wait):
            start = time.monotonic()
            if recheck is not None:
                recheck()
            done = 0
            while i < len(items) and done < most and time.monotonic() - start < seconds:
                step(items[i])
                i += 1
                done += 1
            longest = max(longest, time.monotonic() - start)
    return longest


class Recheck:
    """What writers committed since the mark: call :meth:`refresh` under the lock.

    ``known`` are the version ids the mark phase saw (readable or not), ``refs`` the refs
    it saw, ``parents`` the parents of the manifests it read. After a refresh, :attr:`live`
    holds every object (with chunks) named by a manifest written since, and
    :attr:`targets` every version a ref reaches now (a ref's target and its ancestors:
    a save the mark phase caught between its manifest and its ref, and saves on top).
    """

    def __init__(
        self,
        repo: Repository,
        mark: float,
        known: Iterable[str],
        refs: Iterable[tuple[str, str, str, str]],
        parents: dict[str, list[str]] | None = None,
    ) -> None:
        self.repo = repo
        self.mark = mark
        self.known = set(known)
        self.parents = dict(parents or {})
        self.live: set[str] = set()
        self.targets = self._reach({vid for *_, vid in refs})

    def refresh(self) -> None:
        """Fold in manifests and refs written since the last refresh (or the mark)."""
        repo = self.repo
        for vid in set(repo.versions.ids()) - self.known:
            self.known.add(vid)
            try:
                manifest = repo.versions.read(vid)
                self.parents[vid] = list(manifest.parents)
                self.add(manifest.object_ids())
            except NbVersionError:  # unreadable: keep every id its bytes mention
                try:
                    text = repo.versions.path(vid).read_text(errors="replace")
                except OSError:
                    continue
                self.add(_OID_RE.findall(text))
        self.targets = self._reach({vid for *_, vid in repo.refs.all_refs()})

    def _reach(self, heads: set[str]) -> set[str]:
        """``heads`` and every ancestor known through :attr:`parents`."""
        seen, stack = set(), list(heads)
        while stack:
            vid = stack.pop()
            if vid not in seen:
                seen.add(vid)
                stack.extend(self.parents.get(vid, ()))
        return seen

    def add(self, oids: Iterable[str]) -> None:
        """Make ``oids`` and, for chunk lists, their chunks live."""
        for oid in oids:
            if oid in self.live:
                continue
            self.live.add(oid)
            try:
                self.live.update(self.repo.objects.referenced_oids(oid))
            except NbVersionError:
                continue  # missing or evicted (chunk lists never are) or corrupt

    def touched(self, oid: str) -> bool:
        """True when ``oid`` was written or freshened at or after the mark (or is gone)."""
        try:
            return os.stat(self.repo.objects.path(oid)).st_mtime >= self.mark
        except FileNotFoundError:
            return True  # nothing to delete


def chunk_lists_first(repo: Repository, oids: Iterable[str]) -> list[str]:
    """``oids`` with chunk lists before everything else.

    A save checks that the objects it names are present, and a chunk list is present
    only while its chunks are: deleting lists first keeps it so for the whole sweep.
    """
    lists: list[str] = []
    blobs: list[str] = []
    for oid in oids:
        try:
            is_list = repo.objects.chunk_list(oid) is not None
        except NbVersionError:
            is_list = False
        (lists if is_list else blobs).append(oid)
    return lists + blobs
