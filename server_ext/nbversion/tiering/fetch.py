"""Fetch on demand: bring evicted objects back from the remote recorded for them.

:class:`RemoteFetcher` is what :class:`~nbversion.store.objects.ObjectStore` asks when an
object is missing locally and ``.nbversion/evicted`` names it. It downloads just the
objects asked for (a buffer's missing chunks in one parallel batch), rehashes each one
and writes it with the store's atomic write (temp file, fsync, rename), so a fetch killed
midway leaves only whole objects under final names and a retry fetches the rest.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from ..errors import NotFound
from ..remote.config import RemoteSpec, list_remotes
from ..remote.remotes import Remote, open_remote
from ..remote.transfer import Progress, ProgressEvent, run_parallel, verify_object
from ..store.fsutil import atomic_write
from . import records
from .records import Evicted

log = logging.getLogger("nbversion.tiering")
_default_progress: Progress | None = None


class RemoteUnavailable(NotFound):
    """Evicted objects are needed but their remote cannot deliver them (the message says
    what is missing and where it lives)."""

    http_status = 503


def set_default_progress(progress: Progress | None) -> None:
    """The progress callback of fetchers created from now on (e.g. a UI or a CLI line)."""
    global _default_progress
    _default_progress = progress


def _stderr_line(event: ProgressEvent) -> None:
    """Default progress on a terminal: one rewritten stderr line."""
    end = "\n" if event.done == event.total else ""
    print(
        f"\rfetch: objects {event.done}/{event.total}, {event.bytes / 1e6:.1f} MB",
        end=end,
        file=sys.stderr,
        flush=True,
    )


def default_progress() -> Progress | None:
    """The set default, else a stderr line when stderr is a terminal (the CLI), else None."""
    if _default_progress is not None:
        return _default_progress
    isatty = getattr(sys.stderr, "isatty", None)
    return _stderr_line if isatty is not None and isatty() else None


class RemoteFetcher:
    """Fetches evicted objects into ``objects_root``; thread-safe, remotes opened once."""

    def __init__(
        self,
        store_dir: Path,
        objects_root: Path,
        tmp_dir: Path,
        progress: Progress | None = None,
    ) -> None:
        self.store_dir, self.objects_root, self.tmp_dir = store_dir, objects_root, tmp_dir
        self.progress = progress if progress is not None else default_progress()
        self._lock = threading.Lock()
        self._records: dict[str, Evicted] = {}
        self._stamp: tuple[int, int] | None = None
        self._remotes: dict[tuple[str, str, str], Remote] = {}

    # -- the record --------------------------------------------------------------------
    def _reload(self) -> None:
        """Re-read the record when the file changed (another process evicted more)."""
        try:
            st = records.path_of(self.store_dir).stat()
        except FileNotFoundError:
            self._records, self._stamp = {}, None
            return
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp != self._stamp:
            self._records, self._stamp = records.load(self.store_dir), stamp

    def record(self, oid: str) -> Evicted | None:
        """Where ``oid`` was evicted to, or None."""
        with self._lock:
            if oid not in self._records:
                self._reload()
            return self._records.get(oid)

    def knows(self, oid: str) -> bool:
        """True when ``oid`` is recorded as evicted."""
        return self.record(oid) is not None

    # -- fetching ----------------------------------------------------------------------
    def _remote(self, rec: Evicted) -> Remote:
        key = (rec.remote, rec.url, rec.endpoint_url)
        with self._lock:
            if key not in self._remotes:
                # the record names no profile: the configured remote of that name and URL
                # says which one holds its keys
                known = list_remotes(self.store_dir).get(rec.remote)
                spec = RemoteSpec(rec.remote, rec.url, rec.endpoint_url)
                if known is not None and (known.url, known.endpoint_url) == key[1:]:
                    spec = known
                self._remotes[key] = open_remote(spec)
            return self._remotes[key]

    def _path(self, oid: str) -> Path:
        return self.objects_root / oid[:2] / oid[2:]

    def fetch(self, oids: Sequence[str], context: str) -> None:
        """Fetch, verify and store ``oids`` (all recorded); raise RemoteUnavailable naming
        what is missing, for what, and the remote (name and URL) it lives on."""
        groups: dict[tuple[str, str, str], list[Evicted]] = {}
        for oid in dict.fromkeys(oids):
            rec = self.record(oid)
            if rec is None:
                raise NotFound(f"object {oid} ({context}) not found and not recorded as evicted")
            groups.setdefault((rec.remote, rec.url, rec.endpoint_url), []).append(rec)
        for group in groups.values():
            self._fetch_group(group, context)

    def _fetch_group(self, group: list[Evicted], context: str) -> None:
        first = group[0]

        def one(rec: Evicted) -> int:
            path = self._path(rec.oid)
            if path.exists():
                return 0  # fetched meanwhile by another thread or process
            raw = self._remote(rec).get_object(rec.oid)
            verify_object(rec.oid, raw)
            path.parent.mkdir(exist_ok=True)
            atomic_write(path, raw, tmp_dir=self.tmp_dir, mode=0o444)
            return len(raw)

        try:
            moved = run_parallel(group, one, "objects", self.progress)
        except Exception as err:  # any transport failure: say what is missing and where
            missing = [r.oid for r in group if not self._path(r.oid).exists()]
            if not missing:
                return
            raise RemoteUnavailable(
                f"{len(missing)} object(s) needed for {context} were evicted to remote "
                f"{first.remote!r} ({first.url}) and could not be fetched: {_reason(err)}; "
                f"e.g. object {missing[0]}. Reconnect to the remote and retry (or run "
                f"`nbversion fetch REF NOTEBOOK` while online)"
            ) from err
        log.info("fetched %d objects (%d bytes) from %s", len(group), moved, first.remote)


def _reason(err: BaseException) -> str:
    text = str(err) or type(err).__name__
    return text if len(text) < 300 else text[:300] + "…"
