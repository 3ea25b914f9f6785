"""The restore preview's "now → after" words for each name a restore would change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nbversion.kernel.describe import before_after, describe_live, describe_saved


def test_live_values_are_described_like_saved_records() -> None:
    assert describe_live(np.zeros((3, 4))) == "ndarray float64 (3, 4)"
    assert describe_live(pd.DataFrame({"a": [1, 2]})) == "DataFrame 2 × 1"  # noqa: RUF001
    assert describe_live(0.81) == "0.81"
    assert describe_live({"a": 1, "b": 2}) == "dict (2 keys)"
    assert describe_saved({"type": "builtins.float", "summary": "0.86"}) == "0.86"
    assert describe_saved({"type": "x.Y", "alias_of": "w"}) == "same object as w"
    assert describe_saved({"type": "numpy.ndarray"}) == "ndarray"


def test_before_after_covers_restored_and_removed_names() -> None:
    ns = {"acc": 0.9, "w": np.ones(2), "extra": [1, 2, 3]}
    saved = {"acc": {"type": "builtins.float", "summary": "0.81"},
             "gone": {"type": "builtins.int", "summary": "7"}}  # fmt: skip
    plan = {"restore": ["acc", "gone"], "unchanged": [], "remove": ["extra"], "missing": []}
    assert before_after(ns, saved, plan) == {
        "acc": {"before": "0.9", "after": "0.81"},
        "gone": {"before": None, "after": "7"},
        "extra": {"before": "list of 3", "after": None},
    }
