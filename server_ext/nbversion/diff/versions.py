"""Version diff: notebook, variables, params, metrics, environment and data files.

:func:`diff_versions` is the engine every front end calls (CLI, ``%version diff``, REST);
its output is plain JSON-able data documented in ``docs/diff.schema.json``. Without a
store (:func:`diff_manifests` with ``repo=None``) only what the manifests record is
compared: no cells, no loaded values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import dict_diff, pair
from .environment import environment_diff
from .notebook import notebook_diff
from .options import DiffOptions
from .variables import Loader, variables_diff

if TYPE_CHECKING:
    from ..store import Repository
    from ..store.manifest import Manifest

FORMAT = 1


def files_diff(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Tracked files by content: ``added``/``removed`` map path → size; ``changed`` has sizes."""
    out: dict[str, Any] = {"added": {}, "removed": {}, "changed": {}, "unchanged": 0}
    for path in sorted(set(a) | set(b)):
        fa, fb = a.get(path), b.get(path)
        if fa is None and fb is not None:
            out["added"][path] = fb.get("size")
        elif fb is None and fa is not None:
            out["removed"][path] = fa.get("size")
        elif fa is not None and fb is not None:
            if fa.get("oid") == fb.get("oid"):
                out["unchanged"] += 1
            else:
                out["changed"][path] = {
                    **pair(fa.get("size"), fb.get("size")),
                    "oid_before": fa.get("oid"),
                    "oid_after": fb.get("oid"),
                }
    return out


def _side(m: Manifest, trusted: bool) -> dict[str, Any]:
    return {
        "id": m.id,
        "message": m.message,
        "branch": m.branch,
        "created": m.created,
        "author": m.author.get("name", ""),
        "notebook_path": m.notebook_path,
        "trusted": trusted,
    }


def diff_manifests(
    a: Manifest,
    b: Manifest,
    repo: Repository | None = None,
    options: DiffOptions | None = None,
) -> dict[str, Any]:
    """Everything that differs from version ``a`` (before) to ``b`` (after)."""
    options = options or DiffOptions()
    trusted = {a.id: False, b.id: False}
    if repo is not None:
        from ..trust import is_trusted

        trusted = {m.id: is_trusted(repo.store_dir, m.id) for m in (a, b)}
    loader = Loader(repo, options, trusted)
    variables = variables_diff(a, b, loader)
    notebook = notebook_diff(repo, a.notebook, b.notebook, options)
    params, metrics = dict_diff(a.params, b.params), dict_diff(a.metrics, b.metrics)
    environment = environment_diff(a.environment, b.environment)
    files = files_diff(a.data_files, b.data_files)
    return {
        "format": FORMAT,
        "a": a.id,
        "b": b.id,
        "versions": {"a": _side(a, trusted[a.id]), "b": _side(b, trusted[b.id])},
        "options": options.to_dict(),
        "notebook": notebook,
        "variables": variables,
        "params": params,
        "metrics": metrics,
        "environment": environment,
        "data_files": files,
        "summary": {
            "notebook_changed": notebook["changed"],
            "cells": {k: notebook["cells"][k] for k in ("added", "removed", "modified")},
            "variables": {k: len(variables[k]) for k in ("added", "removed", "changed")},
            "params": _count(params),
            "metrics": _count(metrics),
            "packages": _count(environment["packages"]),
            "data_files": _count(files),
        },
    }


def _count(d: dict[str, Any]) -> int:
    return sum(len(d[k]) for k in ("added", "removed", "changed"))


def diff_versions(
    repo: Repository,
    a: str | Manifest,
    b: str | Manifest,
    notebook: str | None = None,
    options: DiffOptions | None = None,
) -> dict[str, Any]:
    """Diff two versions of ``repo`` given as refs (resolved for ``notebook``) or manifests."""
    ma = repo.get(a, notebook) if isinstance(a, str) else a
    mb = repo.get(b, notebook) if isinstance(b, str) else b
    return diff_manifests(ma, mb, repo, options)
