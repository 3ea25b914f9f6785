"""Manifest-level diff: variables, params, metrics, environment, data files, notebook.

Only manifests are read, so this works offline and for evicted versions; per-kind value
detail (changed elements, column stats) builds on the ``stats`` every variable records.
"""

from __future__ import annotations

from typing import Any

from ..store.manifest import Manifest


def _dict_diff(a: dict[str, Any], b: dict[str, Any], numeric_delta: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"added": {}, "removed": {}, "changed": {}}
    for k in sorted(set(a) | set(b)):
        if k not in a:
            out["added"][k] = b[k]
        elif k not in b:
            out["removed"][k] = a[k]
        elif a[k] != b[k]:
            entry: dict[str, Any] = {"before": a[k], "after": b[k]}
            if numeric_delta and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in (a[k], b[k])
            ):
                entry["delta"] = b[k] - a[k]
            out["changed"][k] = entry
    return out


def _variables(a: Manifest, b: Manifest) -> dict[str, Any]:
    out: dict[str, Any] = {"added": [], "removed": [], "changed": [], "unchanged": []}
    for name in sorted(set(a.variables) | set(b.variables)):
        va, vb = a.variables.get(name), b.variables.get(name)
        if va is None and vb is not None:
            out["added"].append({"name": name, "type": vb.get("type"), "after": vb.get("summary")})
        elif vb is None and va is not None:
            out["removed"].append(
                {"name": name, "type": va.get("type"), "before": va.get("summary")}
            )
        elif va is not None and vb is not None:
            same = va.get("fingerprint") == vb.get("fingerprint") and va.get("oid") == vb.get("oid")
            if same:
                out["unchanged"].append(name)
            else:
                out["changed"].append(
                    {
                        "name": name,
                        "type_before": va.get("type"),
                        "type_after": vb.get("type"),
                        "before": va.get("summary"),
                        "after": vb.get("summary"),
                        "stats": _dict_diff(va.get("stats") or {}, vb.get("stats") or {}, True),
                    }
                )
    return out


def _environment(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    pa, pb = a.get("packages") or {}, b.get("packages") or {}
    packages = _dict_diff(pa, pb, False)
    rest = {k: v for k, v in a.items() if k != "packages"}
    rest_b = {k: v for k, v in b.items() if k not in ("packages", "time")}
    rest.pop("time", None)
    return {"packages": packages, "other": _dict_diff(rest, rest_b, False)}


def diff_manifests(a: Manifest, b: Manifest) -> dict[str, Any]:
    """Everything that differs between versions ``a`` (before) and ``b`` (after)."""
    files_a = {k: v.get("oid") for k, v in a.data_files.items()}
    files_b = {k: v.get("oid") for k, v in b.data_files.items()}
    return {
        "a": a.id,
        "b": b.id,
        "notebook": {"changed": a.notebook != b.notebook, "a": a.notebook, "b": b.notebook},
        "variables": _variables(a, b),
        "params": _dict_diff(a.params, b.params, True),
        "metrics": _dict_diff(a.metrics, b.metrics, True),
        "environment": _environment(a.environment, b.environment),
        "data_files": _dict_diff(files_a, files_b, False),
    }
