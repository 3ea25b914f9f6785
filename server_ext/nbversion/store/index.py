"""SQLite (WAL) cache of manifests for fast listing and search.

The index is only a cache: manifests are the truth. A missing, corrupt or outdated
index is rebuilt from ``versions/*.json`` transparently. One connection per
:class:`Index` (one per Repository), parameterized SQL only.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StoreError
from .manifest import Manifest

SCHEMA_VERSION = 1
_T = TypeVar("_T")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions(
    id TEXT PRIMARY KEY, notebook_id TEXT NOT NULL, notebook_path TEXT NOT NULL,
    branch TEXT NOT NULL, message TEXT NOT NULL, author_name TEXT, author_email TEXT,
    created TEXT NOT NULL, parents TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS versions_nb ON versions(notebook_id, created);
CREATE INDEX IF NOT EXISTS versions_path ON versions(notebook_path);
CREATE TABLE IF NOT EXISTS variables(version_id TEXT NOT NULL, name TEXT NOT NULL,
    type TEXT, oid TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS variables_name ON variables(name);
CREATE TABLE IF NOT EXISTS scalars(version_id TEXT NOT NULL, section TEXT NOT NULL,
    name TEXT NOT NULL, value TEXT, num REAL);
CREATE INDEX IF NOT EXISTS scalars_name ON scalars(section, name);
CREATE TABLE IF NOT EXISTS tags(version_id TEXT NOT NULL, tag TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS complete(id TEXT PRIMARY KEY);
CREATE INDEX IF NOT EXISTS tags_tag ON tags(tag);
CREATE INDEX IF NOT EXISTS variables_version ON variables(version_id);
CREATE INDEX IF NOT EXISTS scalars_version ON scalars(version_id);
CREATE INDEX IF NOT EXISTS tags_version ON tags(version_id);
"""
_SEARCH_HEAD = (
    "SELECT v.id, v.notebook_id, v.notebook_path, v.branch, v.message, v.author_name,"
    " v.created FROM versions v WHERE "
)
_SEARCH_TAIL = " ORDER BY v.created DESC LIMIT ?"
_TABLES = ("versions", "variables", "scalars", "tags")


class _Unusable(Exception):
    """The index file cannot be opened for writing (read-only store, not a file)."""


class Index:
    """The ``index.sqlite`` cache; ``loader`` yields every manifest on disk for rebuilds."""

    def __init__(self, path: Path, loader: Callable[[], Iterable[Manifest]]) -> None:
        self.path = Path(path)
        self._loader = loader
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    # -- connection --------------------------------------------------------------------
    def _connect(self, memory: bool = False) -> sqlite3.Connection:
        target = ":memory:" if memory else self.path
        conn = sqlite3.connect(target, timeout=30.0, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"index schema {version}, expected {SCHEMA_VERSION}")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("SELECT count(*) FROM versions").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection, opened (and rebuilt if missing or corrupt) on first use."""
        if self._conn is None:
            fresh = not self.path.exists()
            try:
                try:
                    self._conn = self._connect()
                except sqlite3.OperationalError as err:
                    if "locked" in str(err) or "busy" in str(err):
                        raise
                    raise _Unusable(str(err)) from None
                except sqlite3.DatabaseError:
                    self._discard_files()
                    self._conn = self._connect()
                    fresh = True
            except (_Unusable, OSError, sqlite3.OperationalError) as err:
                if "locked" in str(err) or "busy" in str(err):
                    raise StoreError(f"index is busy: {err}") from None
                # A read-only store (a mounted share, a CD of results) or an index path that
                # is not a file: list from the manifests through an in-memory index instead.
                self._conn = self._connect(memory=True)
                fresh = True
            if fresh:
                self._fill()
        return self._conn

    def _discard_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):  # read-only, or not a file: open() falls back
                Path(str(self.path) + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        """Close the connection (the Repository does this in ``close()``)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work``; on corruption discard the index, rebuild it and retry once."""
        with self._lock:
            try:
                return work(self.conn)
            except sqlite3.OperationalError as err:
                if "locked" in str(err) or "busy" in str(err):
                    raise StoreError(f"index is busy: {err}") from None
                self._reset()
            except sqlite3.DatabaseError:
                self._reset()
            return work(self.conn)

    def _reset(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._discard_files()

    # -- writing -----------------------------------------------------------------------
    def _fill(self) -> None:
        conn = self.conn
        with conn:
            for table in _TABLES:
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            for manifest in self._loader():
                self._insert(conn, manifest, fresh=True)

    def rebuild(self) -> int:
        """Drop everything and re-read every manifest; returns the version count."""
        with self._lock:
            self._reset()
            _ = self.conn  # reconnect fills from manifests
            return self.count()

    def add(self, manifest: Manifest) -> None:
        """Index one manifest (idempotent)."""

        def work(conn: sqlite3.Connection) -> None:
            with conn:
                self._insert(conn, manifest)

        self._run(work)

    @staticmethod
    def _insert(conn: sqlite3.Connection, m: Manifest, *, fresh: bool = False) -> None:
        """Index ``m``, replacing its rows (``fresh``: the tables were just emptied, none).

        The per-version deletes use the ``*_version`` indexes: without them each save
        scanned every row of every version ever indexed, and a reindex of 100,000
        versions was quadratic (it ran for over 45 minutes).
        """
        vid = m.id
        if not fresh:
            for table in _TABLES[1:]:
                conn.execute(f"DELETE FROM {table} WHERE version_id = ?", (vid,))  # noqa: S608
        conn.execute(
            "INSERT OR REPLACE INTO versions VALUES (?,?,?,?,?,?,?,?,?)",
            (
                vid,
                m.notebook_id,
                m.notebook_path,
                m.branch,
                m.message,
                m.author.get("name"),
                m.author.get("email"),
                m.created,
                json.dumps(m.parents),
            ),
        )
        conn.executemany(
            "INSERT INTO variables VALUES (?,?,?,?)",
            [(vid, name, v.get("type"), v["oid"]) for name, v in m.variables.items()],
        )
        rows = []
        for section, values in (("metric", m.metrics), ("param", m.params)):
            for name, value in values.items():
                num = (
                    float(value)
                    if isinstance(value, int | float) and not isinstance(value, bool)
                    else None
                )
                rows.append((vid, section, name, json.dumps(value), num))
        conn.executemany("INSERT INTO scalars VALUES (?,?,?,?,?)", rows)
        conn.executemany("INSERT INTO tags VALUES (?,?)", [(vid, t) for t in m.tags])

    def remove(self, version_ids: Iterable[str]) -> None:
        """Forget versions (after gc)."""
        ids = [(v,) for v in version_ids]

        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.executemany("DELETE FROM versions WHERE id = ?", ids)
                for table in _TABLES[1:]:
                    conn.executemany(f"DELETE FROM {table} WHERE version_id = ?", ids)  # noqa: S608

        self._run(work)

    # -- reading -----------------------------------------------------------------------
    def count(self) -> int:
        """Number of indexed versions."""
        return int(self._run(lambda c: c.execute("SELECT count(*) FROM versions").fetchone()[0]))

    def ids(self) -> set[str]:
        """Every indexed version id."""
        return {r[0] for r in self._run(lambda c: c.execute("SELECT id FROM versions").fetchall())}

    def ids_with_prefix(self, prefix: str) -> list[str]:
        """Version ids starting with ``prefix`` (hex, so no LIKE wildcards to escape)."""
        return [
            r[0]
            for r in self._run(
                lambda c: c.execute(
                    "SELECT id FROM versions WHERE substr(id, 1, ?) = ? ORDER BY id",
                    (len(prefix), prefix),
                ).fetchall()
            )
        ]

    def ids_newest_first(self) -> list[str]:
        """Every indexed version id, newest first: a project-wide listing pages through
        this without reading a manifest outside its page."""
        rows = self._run(
            lambda c: c.execute("SELECT id FROM versions ORDER BY created DESC, id").fetchall()
        )
        return [r[0] for r in rows]

    def parents(self, version_id: str) -> list[str] | None:
        """Parents of an indexed version, or None when it is not indexed."""
        row = self._run(
            lambda c: c.execute(
                "SELECT parents FROM versions WHERE id = ?", (version_id,)
            ).fetchone()
        )
        return None if row is None else list(json.loads(row[0]))

    # -- versions known to have all their data here (a cache, like the rest) -----------
    def complete_ids(self) -> set[str]:
        """Versions whose objects were all found here by an earlier pull (see pull.py)."""
        return {r[0] for r in self._run(lambda c: c.execute("SELECT id FROM complete").fetchall())}

    def mark_complete(self, ids: Iterable[str]) -> None:
        """Record versions whose objects are all here, so no-op pulls skip their manifests."""
        rows = [(i,) for i in ids]

        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.executemany("INSERT OR IGNORE INTO complete(id) VALUES (?)", rows)

        if rows:
            self._run(work)

    def clear_complete(self) -> None:
        """Forget every completeness mark (after objects were deleted: fsck --repair)."""

        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("DELETE FROM complete")

        self._run(work)

    def notebook_graph(self, notebook_id: str) -> dict[str, tuple[str, list[str]]]:
        """``{version id: (created, parents)}`` of every indexed version of a notebook: the
        whole history graph in one query, so listings walk it without reading manifests."""
        rows = self._run(
            lambda c: c.execute(
                "SELECT id, created, parents FROM versions WHERE notebook_id = ?", (notebook_id,)
            ).fetchall()
        )
        return {r[0]: (r[1], list(json.loads(r[2]))) for r in rows}

    def ancestors(self, starts: list[str]) -> set[str]:
        """``starts`` and all their indexed ancestors, in one recursive query.

        What ahead/behind counts need without reading a manifest: the graph is in the
        ``parents`` column. Versions not in the index (pruned, not synced) end the walk.
        """
        if not starts:
            return set()
        query = (
            "WITH RECURSIVE anc(id) AS (SELECT value FROM json_each(?) "
            "UNION SELECT j.value FROM anc JOIN versions v ON v.id = anc.id, "
            "json_each(v.parents) j) "
            "SELECT anc.id FROM anc JOIN versions v ON v.id = anc.id"
        )
        seeds = json.dumps(list(starts))
        rows = self._run(lambda c: c.execute(query, (seeds,)).fetchall())
        return {r[0] for r in rows}

    def notebook_ids_for_path(self, notebook_path: str) -> list[str]:
        """Notebook ids ever saved under ``notebook_path`` (most recent first)."""
        return [
            r[0]
            for r in self._run(
                lambda c: c.execute(
                    "SELECT notebook_id FROM versions WHERE notebook_path = ? "
                    "GROUP BY notebook_id ORDER BY max(created) DESC",
                    (notebook_path,),
                ).fetchall()
            )
        ]

    def search(
        self,
        *,
        notebook_id: str | None = None,
        text: str | None = None,
        variable: str | None = None,
        metric: str | None = None,
        tag: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Versions matching every given filter, newest first, as summary dicts.

        ``text`` matches the message (case-insensitive substring), ``variable`` a saved
        variable name, ``metric`` a logged metric or param name, ``tag`` a manifest tag.
        """
        where, args = ["1=1"], []
        if notebook_id:
            where.append("v.notebook_id = ?")
            args.append(notebook_id)
        if text:
            where.append("instr(lower(v.message), lower(?)) > 0")
            args.append(text)
        if variable:
            where.append("v.id IN (SELECT version_id FROM variables WHERE name = ?)")
            args.append(variable)
        if metric:
            where.append("v.id IN (SELECT version_id FROM scalars WHERE name = ?)")
            args.append(metric)
        if tag:
            where.append("v.id IN (SELECT version_id FROM tags WHERE tag = ?)")
            args.append(tag)
        clauses = " AND ".join(where)  # fixed clauses only; every value is a parameter
        sql = _SEARCH_HEAD + clauses + _SEARCH_TAIL
        keys = ("id", "notebook_id", "notebook_path", "branch", "message", "author", "created")
        rows = self._run(lambda c: c.execute(sql, (*args, limit)).fetchall())
        return [dict(zip(keys, row, strict=True)) for row in rows]
