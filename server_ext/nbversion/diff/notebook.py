"""Notebook diff: cells and outputs through nbdime, summarized per cell.

Both notebooks are normalized first (execution counts, cell ids and volatile metadata
dropped unless asked for). Cells are then aligned by content hash (:mod:`.cells`) and
only the runs of changed cells go to ``nbdime.diff_notebooks``, so the cost follows the
change, not the notebook's size. The resulting diff, in nbdime's format, is kept under
``nbdime`` and summarized as cells added / removed / modified, with source lines marked
``+``/``-`` for display. nbdime's module-global ignore config is not used; nbdime is
imported only when a diff needs it (the CLI starts without it).
"""

from __future__ import annotations

import copy
import json
import sys
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from .cells import cells_diff
from .options import DiffOptions

if TYPE_CHECKING:
    from ..store import Repository

VOLATILE_CELL_METADATA = (
    "execution",
    "ExecuteTime",
    "collapsed",
    "scrolled",
    "jupyter",
    "papermill",
    "trusted",
)
VOLATILE_NOTEBOOK_METADATA = ("nbversion", "widgets", "papermill", "execution")
CONTEXT_LINES = 2
MAX_SOURCE_LINES = 200
MAX_NBDIME_CHARS = 2 << 20


def normalize(nb: dict[str, Any], options: DiffOptions) -> dict[str, Any]:
    """A copy of ``nb`` without what the options say to ignore."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        if not options.include_execution_counts:
            if "execution_count" in cell:
                cell["execution_count"] = None
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = None
        if not options.include_volatile_metadata:
            cell.pop("id", None)
            for key in VOLATILE_CELL_METADATA:
                cell.get("metadata", {}).pop(key, None)
    if not options.include_volatile_metadata:
        for key in VOLATILE_NOTEBOOK_METADATA:
            nb.get("metadata", {}).pop(key, None)
    return nb


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _trim(lines: list[list[str]]) -> list[list[str]]:
    """Keep changed lines with a little context; gaps become one ``…`` line."""
    keep = [False] * len(lines)
    for i, (sign, _) in enumerate(lines):
        if sign != " ":
            for j in range(max(0, i - CONTEXT_LINES), min(len(lines), i + CONTEXT_LINES + 1)):
                keep[j] = True
    out: list[list[str]] = []
    gap = 0
    for line, kept in zip(lines, keep, strict=True):
        if kept:
            if gap:
                out.append(["…", f"{gap} unchanged line{'s' if gap > 1 else ''}"])
                gap = 0
            out.append(line)
        else:
            gap += 1
    if gap:
        out.append(["…", f"{gap} unchanged line{'s' if gap > 1 else ''}"])
    return out[:MAX_SOURCE_LINES]


def _patch_line(line: str, ops: list[dict[str, Any]]) -> str:
    """Apply nbdime's character ops (addrange/removerange by index) to one line."""
    out, pos = [], 0
    for op in sorted(ops, key=lambda o: (int(o["key"]), o["op"] != "addrange")):
        key = int(op["key"])
        out.append(line[pos:key])
        pos = max(pos, key)
        if op["op"] == "addrange":
            out.append("".join(op["valuelist"]))
        elif op["op"] == "removerange":
            pos = key + int(op["length"])
    out.append(line[pos:])
    return "".join(out)


def source_lines(base: str, ops: list[dict[str, Any]]) -> list[list[str]]:
    """``[[sign, line], …]`` from nbdime's line ops on ``base`` (removals before additions)."""
    lines = base.splitlines(keepends=True)
    adds: dict[int, list[str]] = defaultdict(list)
    gone: dict[int, str | None] = {}  # line -> replacement (patched) or None (removed)
    for op in ops:
        key = int(op["key"])
        if op["op"] == "addrange":
            adds[key] += list(op["valuelist"])
        elif op["op"] == "removerange":
            gone.update(dict.fromkeys(range(key, key + int(op["length"]))))
        elif op["op"] == "patch":
            gone[key] = _patch_line(lines[key], op["diff"])
    out: list[list[str]] = []
    i = 0
    while i <= len(lines):
        j = i
        while j < len(lines) and j in gone:
            j += 1
        plus: list[str] = []
        for k in range(i, max(j, i + 1)):
            plus += adds.get(k, [])
            if k < j and gone[k] is not None:
                plus.append(str(gone[k]))
        out += [["-", lines[k].rstrip("\n")] for k in range(i, j)]
        out += [["+", x.rstrip("\n")] for x in plus]
        if j < len(lines):
            out.append([" ", lines[j].rstrip("\n")])
        i = j + 1
    return _trim(out)


def _outputs(ops: list[dict[str, Any]]) -> dict[str, int]:
    added: dict[int, int] = defaultdict(int)
    removed: dict[int, int] = defaultdict(int)
    changed = 0
    for op in ops:
        if op["op"] == "addrange":
            added[op["key"]] += len(op["valuelist"])
        elif op["op"] == "removerange":
            removed[op["key"]] += int(op["length"])
        elif op["op"] == "patch":
            changed += 1
    for key in set(added) & set(removed):  # removed + added at one place: replaced
        both = min(added[key], removed[key])
        changed, added[key], removed[key] = changed + both, added[key] - both, removed[key] - both
    return {"added": sum(added.values()), "removed": sum(removed.values()), "changed": changed}


def _whole_cell(cell: dict[str, Any], sign: str) -> list[list[str]]:
    return [[sign, x.rstrip("\n")] for x in _text(cell.get("source")).splitlines()][
        :MAX_SOURCE_LINES
    ]


def summarize(nb_a: dict[str, Any], diff: list[dict[str, Any]]) -> dict[str, Any]:
    """Cell counts and per-cell changes from nbdime's diff of ``nb_a`` (the base)."""
    cells_a = nb_a.get("cells", [])
    changes: list[dict[str, Any]] = []
    counts = {"added": 0, "removed": 0, "modified": 0}
    metadata_changed = any(op["key"] == "metadata" for op in diff)
    cell_ops: list[dict[str, Any]] = next((op["diff"] for op in diff if op["key"] == "cells"), [])
    offset = 0
    for op in cell_ops:
        key = int(op["key"])
        if op["op"] == "addrange":
            for n, cell in enumerate(op["valuelist"]):
                changes.append(
                    {
                        "op": "added",
                        "index_a": None,
                        "index_b": key + offset + n,
                        "cell_type": cell.get("cell_type"),
                        "source": _whole_cell(cell, "+"),
                    }
                )
            counts["added"] += len(op["valuelist"])
            offset += len(op["valuelist"])
        elif op["op"] == "removerange":
            for n in range(int(op["length"])):
                cell = cells_a[key + n]
                changes.append(
                    {
                        "op": "removed",
                        "index_a": key + n,
                        "index_b": None,
                        "cell_type": cell.get("cell_type"),
                        "source": _whole_cell(cell, "-"),
                    }
                )
            counts["removed"] += int(op["length"])
            offset -= int(op["length"])
        elif op["op"] == "patch":
            cell = cells_a[key]
            parts = {p["key"]: p for p in op["diff"]}
            entry: dict[str, Any] = {
                "op": "modified",
                "index_a": key,
                "index_b": key + offset,
                "cell_type": cell.get("cell_type"),
                "parts": sorted(parts),
                "source": [],
            }
            src = parts.get("source")
            if src is not None and src["op"] == "patch":
                entry["source"] = source_lines(_text(cell.get("source")), src["diff"])
            out = parts.get("outputs")
            if out is not None and out["op"] == "patch":
                entry["outputs"] = _outputs(out["diff"])
            changes.append(entry)
            counts["modified"] += 1
    counts["unchanged"] = len(cells_a) - counts["removed"] - counts["modified"]
    return {"cells": counts, "cell_changes": changes, "metadata_changed": metadata_changed}


def _load(repo: Repository, oid: str, limit: int) -> dict[str, Any] | None:
    if repo.objects.object_size(oid) > limit:
        return None
    raw = repo.objects.get_bytes(oid)
    if len(raw) > limit:
        return None
    nb: dict[str, Any] = json.loads(raw)
    return _rejoin(nb)


def _rejoin(nb: dict[str, Any]) -> dict[str, Any]:
    """Multi-line strings as single strings, as nbformat holds them in memory.

    On disk nbformat splits sources and text outputs into lists of lines; nbdime compares
    in-memory notebooks and fails on those lists (unhashable when matching cells).
    """
    for cell in nb.get("cells", []):
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        for out in cell.get("outputs", []):
            if isinstance(out.get("text"), list):
                out["text"] = "".join(out["text"])
            data = out.get("data")
            if isinstance(data, dict):
                for mime, value in data.items():
                    if isinstance(value, list) and not mime.endswith("json"):
                        data[mime] = "".join(value)
    return nb


def _import_nbdime() -> Any:
    """nbdime, imported without jsonschema's optional IRI format checker.

    nbdime imports nbformat, which imports jsonschema, whose format module builds 39 lark
    grammars for ``rfc3987_syntax`` when that package is installed: 1-4 s of a CLI diff
    that takes well under a second otherwise (issue 21). Neither nbdime's diff nor
    nbversion validates IRI formats, so where jsonschema is not loaded yet (a CLI or
    diff-worker process) it is loaded with that optional checker reported absent, as
    jsonschema allows for every optional format library. A process that imported jsonschema
    already (the Jupyter server) is left exactly as it is.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
        try:
            import jsonschema  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]
    import nbdime

    return nbdime


def _nbdime(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """``nbdime.diff_notebooks`` of two notebook dicts, as plain JSON data."""
    nbdime = _import_nbdime()
    import nbformat

    from_dict: Any = nbformat.from_dict
    raw = nbdime.diff_notebooks(from_dict(a), from_dict(b))
    ops: list[dict[str, Any]] = json.loads(json.dumps(raw))
    return ops


def _cells_only(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _sub_diff(cells_a: list[dict[str, Any]], cells_b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """nbdime's ops on ``cells`` for two short runs of changed cells."""
    top = _nbdime(_cells_only(cells_a), _cells_only(cells_b))
    return next((list(op["diff"]) for op in top if op["key"] == "cells"), [])


def nbdime_diff(base: dict[str, Any], other: dict[str, Any]) -> list[dict[str, Any]]:
    """nbdime's diff of two normalized notebooks, computed in close to linear time.

    The notebook-level keys (metadata, nbformat) go to nbdime with the cells left out;
    the cells are aligned by content hash (:mod:`.cells`) and only runs of changed cells
    go to nbdime. The output has nbdime's format: ops sorted by key.
    """
    shell_a = {**base, "cells": []}
    shell_b = {**other, "cells": []}
    ops = [op for op in _nbdime(shell_a, shell_b) if op["key"] != "cells"]
    cell_ops = cells_diff(base.get("cells", []), other.get("cells", []), _sub_diff)
    if cell_ops:
        ops.append({"op": "patch", "key": "cells", "diff": cell_ops})
    return sorted(ops, key=lambda op: str(op["key"]))


def notebook_diff(
    repo: Repository | None, a_oid: str, b_oid: str, options: DiffOptions
) -> dict[str, Any]:
    """The notebook section of a version diff (see docs/diff.schema.json)."""
    out: dict[str, Any] = {
        "a": a_oid,
        "b": b_oid,
        "identical": a_oid == b_oid,
        "changed": a_oid != b_oid,
        "cells": {"added": 0, "removed": 0, "modified": 0, "unchanged": 0},
        "cell_changes": [],
        "metadata_changed": False,
        "nbdime": [],
        "skipped": None,
    }
    if repo is None:
        out["skipped"] = "no store given: only the notebook object ids were compared"
        return out
    nb_a = _load(repo, a_oid, options.max_notebook_bytes)
    nb_b = nb_a if a_oid == b_oid else _load(repo, b_oid, options.max_notebook_bytes)
    if nb_a is None or nb_b is None:
        out["skipped"] = f"notebook larger than max_notebook_bytes ({options.max_notebook_bytes})"
        return out
    try:
        _import_nbdime()  # here, not at module level: the CLI starts fast
    except ImportError:
        out["skipped"] = "nbdime is not installed: cells were not compared"
        return out
    base, other = normalize(nb_a, options), normalize(nb_b, options)
    diff = nbdime_diff(base, other)
    out.update(summarize(base, diff))
    out["changed"] = bool(diff)
    text = json.dumps(diff)
    if len(text) <= MAX_NBDIME_CHARS:
        out["nbdime"] = diff
    else:
        out["nbdime_omitted"] = f"nbdime diff is {len(text)} characters (limit {MAX_NBDIME_CHARS})"
    return out
