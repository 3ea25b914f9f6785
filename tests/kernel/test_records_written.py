"""The records a real capture writes are exactly what ``VariableRecord`` declares.

A serializer or the capture adding a key without declaring it (or declaring one nobody
writes) fails here; so does a record the manifest's own check would refuse.
"""

from __future__ import annotations

import collections
import math
from pathlib import Path

import numpy as np
import pytest

from nbversion.kernel import snapshot
from nbversion.store.objects import ObjectStore
from nbversion.store.records import CHECKS, variable_problem

mpl = pytest.importorskip("matplotlib")
mpl.use("agg")
import matplotlib.pyplot as plt  # noqa: E402


def test_captured_records_use_every_declared_key_and_no_other(tmp_path: Path) -> None:
    objects = ObjectStore(tmp_path / "objects", tmp_path / "tmp")
    (tmp_path / "objects").mkdir()
    (tmp_path / "tmp").mkdir()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    plt.close(fig)
    big = np.arange(100_000, dtype=np.float64)  # over the pack limit: objects of its own
    ns = {
        "small": 3,  # packed
        "big": big,
        "same": big,  # alias_of
        "math": math,  # an import reference
        "counts": collections.Counter("abracadabra"),  # pickled: needs_trust
        "fig": fig,
        "ax": ax,  # refers to fig by name: refs
    }
    records = snapshot.capture(ns, objects).variables
    assert set(records) == set(ns)
    seen: set[str] = set()
    for name, rec in records.items():
        assert variable_problem(rec) is None, name
        assert set(rec) <= set(CHECKS), f"{name} has undeclared keys {set(rec) - set(CHECKS)}"
        seen |= set(rec)
    assert seen == set(CHECKS)
    assert records["same"]["alias_of"] == "big"
    assert records["ax"]["refs"] == ["fig"]
    assert records["counts"]["needs_trust"] is True
    assert "pack" in records["small"]
    assert "pack" not in records["big"]
