"""Restoring a DataFrame reads only the columns that differ from the live one.

The columns whose stored buffers equal the live frame's are taken from it (pandas
copy-on-write), the others are read. The result must equal a full decode exactly, and
editing it afterwards must change neither the live frame it came from, nor another
variable, nor any stored version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from nbversion.capture import decode
from nbversion.kernel import snapshot
from nbversion.store.objects import ObjectStore


@pytest.fixture
def objects(tmp_path: Path) -> ObjectStore:
    return CountingStore(tmp_path / "objects", tmp_path / "tmp")


class CountingStore(ObjectStore):
    """Records which buffers were read."""

    def __init__(self, root: Path, tmp_dir: Path) -> None:
        super().__init__(root, tmp_dir)
        root.mkdir(parents=True)
        tmp_dir.mkdir(parents=True)
        self.read: list[str] = []

    def get_buffer(self, oid: str) -> bytearray:
        self.read.append(oid)
        return super().get_buffer(oid)


def _frame(n: int = 1000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({f"f{i}": rng.standard_normal(n) for i in range(6)})
    df["y"] = 2 * df["f0"]
    df["k"] = np.arange(n)
    return df


def _full_decode(objects: ObjectStore, rec: dict[str, Any]) -> Any:
    header = objects.get_json(rec["oid"])
    buffers = [objects.get_buffer(b) for b in rec["buffers"]]
    return decode(header["kind"], header["meta"], buffers)


def _save(ns: dict[str, Any], objects: ObjectStore) -> dict[str, dict[str, Any]]:
    return snapshot.capture(ns, objects).variables


def _assert_identical(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert type(a.index) is type(b.index)
    assert a.index.name == b.index.name
    assert a.columns.equals(b.columns)
    assert a.attrs == b.attrs
    assert snapshot.live_fingerprint(a) == snapshot.live_fingerprint(b)


def _versions(objects: ObjectStore) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame]:
    """Two versions of ``df``: early (v0) and after edits (v1); returns the live v1 frame."""
    df = _frame()
    v0 = _save({"df": df}, objects)
    df["f0_sq"] = df["f0"] ** 2
    df["f1"] = df["f1"].clip(-1, 1)
    df.loc[3, "f2"] = 123.0
    v1 = _save({"df": df}, objects)
    return v0, v1, df


def test_restore_reads_only_changed_columns_and_equals_full_decode(tmp_path: Path) -> None:
    objects = CountingStore(tmp_path / "objects", tmp_path / "tmp")
    v0, v1, live = _versions(objects)
    ns: dict[str, Any] = {"df": live}
    objects.read.clear()
    res = snapshot.restore(ns, v0, objects, live_records=v1)
    assert res.restored == ["df"]
    # the two schemas, then f1 and f2 (they differ): f0, f3..f5, y and k were not read
    assert len(objects.read) == 4
    _assert_identical(ns["df"], _full_decode(objects, v0["df"]))
    assert np.shares_memory(ns["df"]["f3"].to_numpy(), live["f3"].to_numpy())


def test_mutating_restored_frame_changes_nothing_else(objects: ObjectStore) -> None:
    v0, v1, live = _versions(objects)
    other = live  # another variable holding the frame the restore replaces
    before = other.copy(deep=True)
    ns: dict[str, Any] = {"df": live, "other": other}
    snapshot.restore(ns, v0, objects, names=["df"], live_records=v1)
    restored = ns["df"]
    restored.loc[0, "f3"] = -999.0
    restored["f4"] *= 2
    restored.iloc[5, 0] = 7.0
    pd.testing.assert_frame_equal(other, before, check_exact=True)
    # and editing the old frame leaves the restored one alone
    snapshot_before = restored.copy(deep=True)
    other.loc[1, "f5"] = 555.0
    other.iloc[2, 4] = 1.5
    pd.testing.assert_frame_equal(restored, snapshot_before, check_exact=True)
    # stored versions are untouched
    _assert_identical(_full_decode(objects, v1["df"]), before)
    assert _full_decode(objects, v0["df"]).loc[0, "f3"] != -999.0


def test_restore_forward_and_back_matches_versions(objects: ObjectStore) -> None:
    v0, v1, live = _versions(objects)
    ns: dict[str, Any] = {"df": live}
    snapshot.restore(ns, v0, objects, live_records=v1)
    _assert_identical(ns["df"], _full_decode(objects, v0["df"]))
    snapshot.restore(ns, v1, objects, live_records=v0)
    _assert_identical(ns["df"], _full_decode(objects, v1["df"]))


@pytest.mark.parametrize(
    "change",
    [
        "reorder",
        "rename",
        "dtype",
        "attrs",
        "index",
        "rows",
        "categorical",
        "nulls",
        "named-range",
        "only-labels",
    ],
)
def test_layout_changes_still_restore_exactly(objects: ObjectStore, change: str) -> None:
    n = 200
    df = pd.DataFrame(
        {
            "a": np.arange(n, dtype=np.float64),
            "b": np.arange(n) % 3,
            "c": pd.Categorical(np.where(np.arange(n) % 2 == 0, "x", "y")),
            "d": pd.array([None if i % 5 == 0 else i for i in range(n)], dtype="Int64"),
            "e": pd.date_range("2024", periods=n, freq="h", tz="UTC"),
            "s": [f"s{i}" for i in range(n)],
        }
    ).astype({"s": "string"})
    old = df.copy()
    if change == "reorder":
        df = df[["b", "a", "e", "d", "c", "s"]]
    elif change == "rename":
        df = df.rename(columns={"a": "aa"})
    elif change == "dtype":
        df["b"] = df["b"].astype(np.int32)
    elif change == "attrs":
        df.attrs["source"] = "test"
    elif change == "index":
        df.index = pd.RangeIndex(10, 10 + n)
    elif change == "rows":
        df = df.iloc[: n // 2]
    elif change == "categorical":
        df["c"] = df["c"].cat.add_categories(["z"])
    elif change == "nulls":
        df.loc[1, "d"] = None
    elif change == "named-range":
        df = df.rename_axis("row")
    elif change == "only-labels":
        df.columns = pd.Index(list(df.columns), name="cols")
    v_old = _save({"df": old}, objects)
    v_new = _save({"df": df}, objects)
    for live, live_rec, target in ((df, v_new, v_old), (old, v_old, v_new)):
        ns: dict[str, Any] = {"df": live.copy()}
        snapshot.restore(ns, target, objects, live_records=live_rec)
        _assert_identical(ns["df"], _full_decode(objects, target["df"]))


def test_restore_without_live_record_decodes_fully(tmp_path: Path) -> None:
    objects = CountingStore(tmp_path / "objects", tmp_path / "tmp")
    v0, _v1, live = _versions(objects)
    ns: dict[str, Any] = {"df": live}
    objects.read.clear()
    snapshot.restore(ns, v0, objects)
    assert len(objects.read) == len(v0["df"]["buffers"])
    _assert_identical(ns["df"], _full_decode(objects, v0["df"]))


FRAME_SETUP = (
    "import numpy as np, pandas as pd\n"
    "rng = np.random.default_rng(0)\n"
    "df = pd.DataFrame({f'f{i}': rng.standard_normal(5000) for i in range(8)})\n"
    "n = 1"
)


def test_kernel_restore_adopts_records_and_later_saves_stay_exact(nbk: Any, project: Path) -> None:
    from .conftest import head_manifest
    from .test_performance_paths import SESSION, records, silent

    digest = "float(pd.util.hash_pandas_object(df).sum() % 1000003)"
    nbk.check(FRAME_SETUP)
    nbk.check("%version save -m v0")
    d0 = silent(nbk, digest)
    nbk.check("df['f9'] = df['f0'] ** 2\ndf['f1'] = df['f1'].clip(-1, 1)")
    nbk.check("%version save -m v1")
    v1 = silent(nbk, f"{SESSION}.save_log[-1]['version']")
    d1 = silent(nbk, digest)
    nbk.check("df['f5'] = df['f5'] * 0.5")
    nbk.check("%version save -m v2")
    nbk.check(f"%version restore {v1}")
    assert silent(nbk, digest) == d1
    # the undo point of the next restore, and the next save, need not look at df again
    nbk.check("%version restore HEAD~2")
    assert silent(nbk, digest) == d0
    undo = silent(nbk, f"{SESSION}.save_log[-1]")
    assert "df" not in undo["encoded"], undo
    nbk.check("%version save -m after")
    assert "df" not in silent(nbk, f"{SESSION}.save_log[-1]['encoded']")
    tracked = head_manifest(project)
    nbk.check("%version save --verify -m verify")
    assert records(tracked, project) == records(head_manifest(project), project)
    # editing the restored frame in place is seen, and stored versions stay as they were
    nbk.check("df.loc[0, 'f3'] = 42.0\ndf.iloc[1, 2] = -1.0")
    nbk.check("%version save -m edited")
    edited = head_manifest(project)
    nbk.check("%version save --verify -m verify2")
    assert records(edited, project) == records(head_manifest(project), project)
    nbk.check(f"%version restore {v1}")
    assert silent(nbk, digest) == d1
    assert silent(nbk, "float(df.loc[0, 'f3'])") != 42.0


@pytest.mark.parametrize(
    "dtype", ["int8", "int16", "int32", "int64", "uint8", "uint64", "float32", "float64", "bool"]
)
def test_changed_numeric_columns_are_exact_and_writable(tmp_path: Path, dtype: str) -> None:
    objects = CountingStore(tmp_path / "objects", tmp_path / "tmp")
    n = 300
    df = pd.DataFrame({"a": (np.arange(n) % 100).astype(dtype), "b": np.arange(n) * 1.5})
    v0 = _save({"df": df}, objects)
    df["a"] = (np.arange(n)[::-1] % 100).astype(dtype)
    v1 = _save({"df": df}, objects)
    ns: dict[str, Any] = {"df": df}
    snapshot.restore(ns, v0, objects, live_records=v1)
    restored = ns["df"]
    _assert_identical(restored, _full_decode(objects, v0["df"]))
    restored.loc[0, "a"] = restored["a"].iloc[1]
    restored.loc[0, "b"] = -1.0
    assert df.loc[0, "b"] == 0.0
    _assert_identical(_full_decode(objects, v1["df"]), df)
