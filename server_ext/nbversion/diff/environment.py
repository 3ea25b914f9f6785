"""Environment diff: packages (added, removed, upgraded, downgraded), Python, hardware, git.

The probe's volatile fields (time, kernel pid) are left out: they differ on every save.
"""

from __future__ import annotations

from typing import Any

from .common import dict_diff, flatten

#: Top-level environment keys per group; what no group names lands in ``other`` only.
GROUPS = {
    "python": ("python",),
    "hardware": ("cpu", "memory", "gpu", "platform", "hostname"),
    "git": ("git",),
}
#: (where the stored notebook came from, the editor or the file, is a fact about the save,
#: not a change of environment: see kernel/live.py)
VOLATILE = {"time", "kernel.pid", "notebook_source", "notebook_source_note"}


def _version_key(v: str) -> Any:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(v)
    except InvalidVersion:
        return None


def packages_diff(a: dict[str, str], b: dict[str, str]) -> dict[str, Any]:
    """Like :func:`dict_diff`; changed entries say ``change``: upgraded, downgraded or changed."""
    out = dict_diff(a, b, numeric_delta=False)
    out["upgraded"], out["downgraded"] = [], []
    for name, entry in out["changed"].items():
        va, vb = _version_key(str(entry["before"])), _version_key(str(entry["after"]))
        change = "changed"
        if va is not None and vb is not None and va != vb:
            change = "upgraded" if vb > va else "downgraded"
            out[change].append(name)
        entry["change"] = change
    return out


def environment_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Packages, plus flattened dict diffs of python / hardware / git and of everything."""
    rest_a = flatten({k: v for k, v in a.items() if k != "packages"})
    rest_b = flatten({k: v for k, v in b.items() if k != "packages"})
    for key in VOLATILE:
        rest_a.pop(key, None)
        rest_b.pop(key, None)
    out: dict[str, Any] = {
        "packages": packages_diff(a.get("packages") or {}, b.get("packages") or {}),
        "other": dict_diff(rest_a, rest_b, numeric_delta=False),
    }
    for group, roots in GROUPS.items():

        def mine(key: str, roots: tuple[str, ...] = roots) -> bool:
            return key.split(".", 1)[0] in roots

        out[group] = dict_diff(
            {k: v for k, v in rest_a.items() if mine(k)},
            {k: v for k, v in rest_b.items() if mine(k)},
            numeric_delta=False,
        )
    return out
