"""One-line descriptions of live values, in the words a version's records use, so a
restore preview can say what each name holds now and what it will hold after."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

#: Names described per preview (the rest are still listed by name).
MAX_DESCRIBED = 200


def describe_live(obj: Any) -> str:
    """A cheap summary of a live value (no encoding, no hashing): shape and dtype for arrays
    and frames, length for containers, the value for small scalars."""
    from ..capture.pickle_kind import summarize

    tp = type(obj)
    module = tp.__module__.split(".")[0]
    shape = getattr(obj, "shape", None)
    if module == "numpy" and isinstance(shape, tuple):
        if shape == ():
            return f"{obj.dtype} {obj.item()!r}"[:120]
        return f"ndarray {obj.dtype} {shape}"
    if module == "pandas" and tp.__name__ == "DataFrame":
        rows, cols = obj.shape
        return f"DataFrame {rows} × {cols}"  # noqa: RUF001
    if module == "pandas" and tp.__name__ == "Series":
        name = f" {obj.name!r}" if obj.name is not None else ""
        return f"Series{name} {obj.dtype} ({len(obj)})"
    if module == "torch" and tp.__name__ in ("Tensor", "Parameter"):
        return f"Tensor {str(obj.dtype).removeprefix('torch.')} {tuple(obj.shape)}"
    return summarize(obj)


def describe_saved(rec: Mapping[str, Any]) -> str:
    """What a version's variable record says its value is."""
    if rec.get("alias_of"):
        return f"same object as {rec['alias_of']}"
    summary = rec.get("summary")
    return str(summary) if summary else str(rec.get("type", "")).rsplit(".", 1)[-1]


def before_after(
    namespace: MutableMapping[str, Any],
    variables: Mapping[str, Mapping[str, Any]],
    plan: Mapping[str, list[str]],
) -> dict[str, dict[str, str | None]]:
    """``{name: {"before": now or None, "after": restored or None}}`` for the names a
    restore would load or remove (None: absent on that side)."""
    out: dict[str, dict[str, str | None]] = {}
    for name in [*plan.get("restore", []), *plan.get("remove", [])][:MAX_DESCRIBED]:
        before: str | None = None
        if name in namespace:
            try:
                before = describe_live(namespace[name])
            except Exception:  # a value whose attributes raise: say what it is, no more
                before = f"{type(namespace[name]).__name__} object"
        rec = variables.get(name)
        out[name] = {"before": before, "after": describe_saved(rec) if rec else None}
    return out
