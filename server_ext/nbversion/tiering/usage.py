"""Where the bytes are: sizes per version, variable and branch, and each version's locality.

Sizes are bytes on disk (the stored, possibly compressed object files); an evicted
object counts with the size recorded when it left. Objects shared between versions
(unchanged variables, unchanged 4 MiB chunks of an edited array) are counted once:

* ``total`` : distinct bytes a version (variable, branch) refers to;
* ``unique``: the part no other version refers to (for a variable: no other version and
  no other variable; for a branch: not reachable from any other branch or tag) — roughly
  what dropping it would free;
* ``shared``: ``total - unique``;
* ``local`` : the part present on this disk (the rest is on the remote only).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..capture.import_kind import KIND as IMPORT
from ..errors import NbVersionError
from ..store import Manifest, Repository
from ..store.refs import HEADS
from . import records

LOCAL, REMOTE_ONLY, PARTIAL, MISSING = "local", "remote-only", "partial", "missing"


@dataclass(frozen=True)
class LocalObject:
    """One object file on disk: stored size, last use (max of atime, mtime), last write."""

    size: int
    used: float
    mtime: float


def scan_local(repo: Repository) -> dict[str, LocalObject]:
    """Every object file here with its size and times (one stat each)."""
    out: dict[str, LocalObject] = {}
    root = repo.objects.root
    if not root.is_dir():
        return out
    for shard in os.scandir(root):
        if not shard.is_dir() or len(shard.name) != 2:
            continue
        for entry in os.scandir(shard.path):
            try:
                st = entry.stat()
            except FileNotFoundError:
                continue
            oid = shard.name + entry.name
            if len(oid) == 64:
                out[oid] = LocalObject(st.st_size, max(st.st_atime, st.st_mtime), st.st_mtime)
    return out


class Catalog:
    """Every readable version with its objects (chunk lists expanded), sizes and locality."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.local = scan_local(repo)
        self.evicted = records.load(repo.store_dir)
        self.manifests: dict[str, Manifest] = {}
        for vid in repo.versions.ids():
            try:
                self.manifests[vid] = repo.versions.read(vid)
            except NbVersionError:
                continue  # fsck's business
        self._chunks: dict[str, tuple[str, ...]] = {}

    def chunks(self, oid: str) -> tuple[str, ...]:
        """A chunk list's chunks (() for a plain blob or an unreadable object)."""
        if oid not in self._chunks:
            try:
                found = self.repo.objects.chunk_list(oid)
            except NbVersionError:
                found = None
            self._chunks[oid] = tuple(c for c, _ in found.chunks) if found else ()
        return self._chunks[oid]

    def is_chunk_list(self, oid: str) -> bool:
        """True for a chunk-list object (these always stay local)."""
        return bool(self.chunks(oid))

    def expand(self, oid: str) -> list[str]:
        """``oid`` and, for a chunk list, its chunks."""
        return [oid, *self.chunks(oid)]

    def size(self, oid: str) -> int:
        """Stored bytes: the local file's size, else the size recorded at eviction, else 0."""
        if oid in self.local:
            return self.local[oid].size
        rec = self.evicted.get(oid)
        return rec.size if rec else 0

    def items(self, m: Manifest) -> Iterator[tuple[str, str, set[str]]]:
        """(kind, name, expanded oids) for the notebook, each variable and data file."""
        yield "notebook", m.notebook_path, set(self.expand(m.notebook))
        for name, rec in sorted(m.variables.items()):
            oids = set(self.expand(rec["oid"]))
            for b in rec.get("buffers", []):
                oids.update(self.expand(b))
            yield "variable", name, oids
        for path, entry in sorted(m.data_files.items()):
            yield "data file", path, set(self.expand(entry["oid"]))

    def oids(self, m: Manifest) -> set[str]:
        """Every object a version needs, chunks included."""
        out: set[str] = set()
        for _, _, oids in self.items(m):
            out |= oids
        return out

    def evictable(self, m: Manifest) -> set[str]:
        """The version's objects eviction may move: all but its notebook, chunk lists and
        import references (a module's name and version: tiny, nothing to fetch, and shared
        by every version that imports the module)."""
        out: set[str] = set()
        for kind, _, oids in self.items(m):
            if kind != "notebook":
                out |= {o for o in oids if not self.is_chunk_list(o)}
        imports = {rec["oid"] for rec in m.variables.values() if rec.get("kind") == IMPORT}
        return out - set(self.expand(m.notebook)) - imports

    def locality(self, m: Manifest) -> str:
        """local | remote-only | partial (| missing: an object is neither here nor evicted)."""
        needed = self.oids(m)
        if any(o not in self.local and o not in self.evicted for o in needed):
            return MISSING
        if all(o in self.local for o in needed):
            return LOCAL
        data = self.evictable(m)
        return REMOTE_ONLY if not any(o in self.local for o in data) else PARTIAL

    def sum(self, oids: set[str]) -> int:
        """Stored bytes of distinct objects."""
        return sum(self.size(o) for o in oids)

    def local_sum(self, oids: set[str]) -> int:
        """Stored bytes of those present here."""
        return sum(self.local[o].size for o in oids if o in self.local)


def _ancestors(cat: Catalog, head: str) -> set[str]:
    seen: set[str] = set()
    stack = [head]
    while stack:
        vid = stack.pop()
        if vid in seen or vid not in cat.manifests:
            continue
        seen.add(vid)
        stack.extend(cat.manifests[vid].parents)
    return seen


def du(repo: Repository, notebook: str | None = None) -> dict[str, Any]:
    """Sizes per version (with per-variable detail) and per branch, plus the totals and
    the local size against the budget (see the module docstring for the terms)."""
    cat = Catalog(repo)
    nb = repo.notebook_id(notebook) if notebook is not None else None
    per_version = {vid: cat.oids(m) for vid, m in cat.manifests.items()}
    users: dict[str, int] = {}
    for oids in per_version.values():
        for o in oids:
            users[o] = users.get(o, 0) + 1
    versions = []
    chosen = [m for m in cat.manifests.values() if nb is None or m.notebook_id == nb]
    for m in sorted(chosen, key=lambda m: (m.notebook_path, m.created)):
        oids = per_version[m.id]
        unique = {o for o in oids if users[o] == 1}
        items = list(cat.items(m))
        variables = {}
        for kind, name, v_oids in items:
            if kind != "variable":
                continue
            others = set().union(*(o for k, n, o in items if (k, n) != (kind, name)))
            alone = {o for o in v_oids if o in unique and o not in others}
            variables[name] = {
                "total": cat.sum(v_oids),
                "unique": cat.sum(alone),
                "local": cat.local_sum(v_oids),
            }
        total, uniq = cat.sum(oids), cat.sum(unique)
        versions.append({
            "id": m.id, "notebook_path": m.notebook_path, "branch": m.branch,
            "created": m.created, "message": m.message, "locality": cat.locality(m),
            "total": total, "unique": uniq, "shared": total - uniq,
            "local": cat.local_sum(oids), "variables": variables,
        })  # fmt: skip
    branches = _branches(repo, cat, per_version, nb)
    referenced = set().union(*per_version.values()) if per_version else set()
    local_bytes = sum(o.size for o in cat.local.values())
    budget = repo.config.tiering.budget
    return {
        "versions": versions,
        "branches": branches,
        "referenced": cat.sum(referenced),
        "remote_only": cat.sum({o for o in referenced if o not in cat.local}),
        "unreferenced_local": sum(s.size for o, s in cat.local.items() if o not in referenced),
        "local": local_bytes,
        "budget": budget,
        "over_budget": budget is not None and local_bytes > budget,
    }


def _branches(
    repo: Repository, cat: Catalog, per_version: dict[str, set[str]], nb: str | None
) -> list[dict[str, Any]]:
    """Per branch: distinct bytes of its history and the part no other ref reaches."""
    refs = list(repo.refs.all_refs())
    reach: list[tuple[tuple[str, str, str, str], set[str], set[str]]] = []
    count: dict[str, int] = {}
    for ref in refs:
        history = _ancestors(cat, ref[3])
        oids = set().union(*(per_version[v] for v in history)) if history else set()
        reach.append((ref, history, oids))
        for o in oids:
            count[o] = count.get(o, 0) + 1
    out = []
    for (ref_nb, kind, name, head), history, oids in reach:
        if kind != HEADS or (nb is not None and ref_nb != nb):
            continue
        total, uniq = cat.sum(oids), cat.sum({o for o in oids if count[o] == 1})
        out.append({
            "notebook_id": ref_nb, "branch": name, "head": head, "versions": len(history),
            "total": total, "unique": uniq, "shared": total - uniq,
            "local": cat.local_sum(oids),
        })  # fmt: skip
    return out


def status(repo: Repository, notebook: str | None = None) -> dict[str, Any]:
    """For the REST API and sidebar: local size vs budget and each version's locality."""
    cat = Catalog(repo)
    nb = repo.notebook_id(notebook) if notebook is not None else None
    local_bytes = sum(o.size for o in cat.local.values())
    budget = repo.config.tiering.budget
    versions = {}
    for vid, m in cat.manifests.items():
        if nb is not None and m.notebook_id != nb:
            continue
        oids = cat.oids(m)
        versions[vid] = {
            "locality": cat.locality(m),
            "bytes": cat.sum(oids),
            "local_bytes": cat.local_sum(oids),
        }
    return {
        "local_bytes": local_bytes,
        "budget": budget,
        "over_budget": budget is not None and local_bytes > budget,
        "versions": versions,
    }
