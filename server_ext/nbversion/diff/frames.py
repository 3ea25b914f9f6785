"""DataFrame and Series detail: schema changes, row counts, numeric column stats, and a
sample of changed rows when both frames share their index labels."""

from __future__ import annotations

from typing import Any

from .common import json_safe, pair

NUMERIC_KEYS = ("min", "max", "mean", "nulls")


def frame_stats(sa: dict[str, Any], sb: dict[str, Any]) -> dict[str, Any]:
    """Schema, rows and per-column numeric stats, from the stats recorded at save time."""
    ca, cb = sa.get("columns") or {}, sb.get("columns") or {}
    out: dict[str, Any] = {
        "shape": pair(sa.get("shape"), sb.get("shape")),
        "rows": pair(sa.get("rows"), sb.get("rows")),
        "columns_added": {c: t for c, t in cb.items() if c not in ca},
        "columns_removed": {c: t for c, t in ca.items() if c not in cb},
        "dtype_changed": {c: pair(ca[c], cb[c]) for c in ca if c in cb and ca[c] != cb[c]},
        "numeric": {},
    }
    na, nb = sa.get("numeric") or {}, sb.get("numeric") or {}
    for col in na:
        if col in nb and na[col] != nb[col]:
            out["numeric"][col] = {
                k: pair(na[col].get(k), nb[col].get(k))
                for k in NUMERIC_KEYS
                if na[col].get(k) != nb[col].get(k)
            }
    return out


def _frame(v: Any) -> Any:
    """A pandas DataFrame for any frame kind (a polars frame or Series converts via Arrow)."""
    import pandas as pd

    if type(v).__module__.startswith("polars"):
        v = v.to_pandas()
    return v.to_frame() if isinstance(v, pd.Series) else v


def _changed_mask(left: Any, right: Any) -> Any:
    """Cell-wise "differs" (both-missing counts as equal)."""
    try:
        ne = left != right
    except TypeError:  # e.g. categoricals with different categories
        ne = left.astype(object) != right.astype(object)
    return ne & ~(left.isna() & right.isna())


def frame_values(a: Any, b: Any, sample_rows: int = 5) -> dict[str, Any]:
    """Changed rows/cells over shared columns, by index label; a sample of changed rows."""
    x, y = _frame(a), _frame(b)
    common = [c for c in x.columns if c in y.columns]
    out: dict[str, Any] = {"compared_columns": [str(c) for c in common]}
    if x.index.equals(y.index):
        out["index"] = "same"
        left, right = x[common], y[common]
    elif x.index.is_unique and y.index.is_unique:
        shared = x.index.intersection(y.index, sort=False)
        out["index"] = "aligned"
        out["rows_added"] = len(y.index.difference(x.index))
        out["rows_removed"] = len(x.index.difference(y.index))
        left, right = x.loc[shared, common], y.loc[shared, common]
    else:
        out["index"] = "differs"
        out["note"] = "the index labels differ and repeat: rows were not compared"
        return out
    mask = _changed_mask(left, right)
    row_changed = mask.any(axis=1)
    out["rows_changed"] = int(row_changed.sum())
    out["cells_changed"] = int(mask.to_numpy().sum())
    sample = []
    for pos in row_changed.to_numpy().nonzero()[0][:sample_rows]:
        cols = [c for c, hit in zip(common, mask.iloc[pos].to_numpy(), strict=True) if hit]
        sample.append(
            {
                "index": json_safe(left.index[pos]),
                "changes": {
                    str(c): pair(json_safe(left.iloc[pos][c]), json_safe(right.iloc[pos][c]))
                    for c in cols
                },
            }
        )
    out["sample"] = sample
    return out
