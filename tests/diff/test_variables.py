"""Variable diffs per kind, computed from values loaded back out of a real store."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from nbversion.diff import DiffOptions, diff_versions
from nbversion.store import Repository

from .conftest import save


def changed(
    repo: Repository,
    before: dict[str, Any],
    after: dict[str, Any],
    options: DiffOptions | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """The ``changed`` entries of diffing two saves, by name."""
    a, b = save(repo, before, **kw), save(repo, after, **kw)
    data = diff_versions(repo, a.id, b.id, options=options)
    return {c["name"]: c for c in data["variables"]["changed"]}


def test_added_removed_unchanged_by_fingerprint(repo: Repository) -> None:
    a = save(repo, {"keep": np.ones(3), "old": 1})
    b = save(repo, {"keep": np.ones(3), "new": "x"})
    v = diff_versions(repo, a.id, b.id)["variables"]
    assert v["unchanged"] == ["keep"]
    assert [x["name"] for x in v["added"]] == ["new"]
    assert [x["name"] for x in v["removed"]] == ["old"]
    assert v["changed"] == []


def test_array_changed_elements_and_max_abs_difference(repo: Repository) -> None:
    x = np.arange(12.0).reshape(3, 4)
    y = x.copy()
    y[0, 1], y[2, 3] = 5.0, 11.5
    d = changed(repo, {"x": x}, {"x": y})["x"]["detail"]
    assert d["category"] == "array"
    assert d["level"] == "full"
    assert d["changed_elements"] == 2
    assert d["total_elements"] == 12
    assert d["max_abs_diff"] == pytest.approx(4.0)
    assert d["summary"]["mean"]["before"] == pytest.approx(5.5)
    assert d["summary"]["mean"]["after"] == pytest.approx(y.mean())


def test_array_shape_and_dtype_change(repo: Repository) -> None:
    d = changed(repo, {"x": np.zeros(3)}, {"x": np.zeros(4, dtype=np.float32)})["x"]["detail"]
    assert d["shape"] == {"before": [3], "after": [4]}
    assert d["dtype"] == {"before": "float64", "after": "float32"}
    assert d["changed_elements"] is None
    assert "shapes differ" in d["note"]


def test_nan_in_both_is_not_a_change(repo: Repository) -> None:
    x = np.array([np.nan, 1.0, 2.0])
    y = np.array([np.nan, 1.0, 3.0])
    d = changed(repo, {"x": x}, {"x": y})["x"]["detail"]
    assert d["changed_elements"] == 1
    assert d["max_abs_diff"] == pytest.approx(1.0)


def test_dataframe_schema_rows_stats_and_changed_row_sample(repo: Repository) -> None:
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": ["w", "x", "y", "z"], "gone": [0.0] * 4})
    df2 = df.drop(columns="gone").assign(c=1.5)
    df2["a"] = df2["a"].astype("float64")
    df2.loc[1, "a"] = 20.0
    df2.loc[3, "b"] = "Z"
    d = changed(repo, {"df": df}, {"df": df2})["df"]["detail"]
    assert d["category"] == "dataframe"
    assert d["level"] == "full"
    assert d["columns_added"] == {"c": "float64"}
    assert d["columns_removed"] == {"gone": "float64"}
    assert d["dtype_changed"] == {"a": {"before": "int64", "after": "float64"}}
    assert d["numeric"]["a"]["max"] == {"before": 4.0, "after": 20.0, "delta": 16.0}
    assert d["rows"]["before"] == d["rows"]["after"] == 4
    assert d["index"] == "same"
    assert d["rows_changed"] == 2
    assert d["cells_changed"] == 2
    assert d["sample"][0] == {
        "index": 1,
        "changes": {"a": {"before": 2, "after": 20.0, "delta": 18.0}},
    }
    assert d["sample"][1]["changes"] == {"b": {"before": "z", "after": "Z"}}


def test_dataframe_rows_added_align_on_unique_index(repo: Repository) -> None:
    df = pd.DataFrame({"v": range(10)})
    df2 = pd.DataFrame({"v": [*range(10), 10, 11]})
    df2.loc[0, "v"] = -1
    d = changed(repo, {"df": df}, {"df": df2})["df"]["detail"]
    assert d["rows"] == {"before": 10, "after": 12, "delta": 2}
    assert (d["index"], d["rows_added"], d["rows_removed"]) == ("aligned", 2, 0)
    assert d["rows_changed"] == 1
    assert len(d["sample"]) == 1


def test_sample_is_bounded(repo: Repository) -> None:
    df = pd.DataFrame({"v": np.arange(100.0)})
    d = changed(repo, {"df": df}, {"df": df + 1})["df"]["detail"]
    assert d["rows_changed"] == 100
    assert len(d["sample"]) == 5


def test_sklearn_hyperparameters_and_weight_change(repo: Repository) -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), (rng.normal(size=60) > 0).astype(int)
    m1, m2 = LogisticRegression(C=1.0).fit(X, y), LogisticRegression(C=0.01).fit(X, y)
    d = changed(repo, {"model": m1}, {"model": m2})["model"]["detail"]
    assert d["category"] == "model"
    assert d["level"] == "full"
    assert d["class"]["after"].endswith("LogisticRegression")
    assert d["params"]["changed"]["C"]["before"] == 1.0
    assert d["params"]["changed"]["C"]["after"] == 0.01
    assert d["parameter_count"]["delta"] == 0
    expected = np.linalg.norm(m2.coef_ - m1.coef_)
    assert d["weights"]["tensors"]["coef_"]["l2"] == pytest.approx(expected)
    assert d["weights"]["compared"] == 2  # coef_ and intercept_


def test_scalars_and_strings_before_after(repo: Repository) -> None:
    c = changed(
        repo,
        {"lr": 0.1, "name": "alpha", "n": np.int64(3)},
        {"lr": 0.25, "name": "beta", "n": np.int64(5)},
    )
    lr = c["lr"]["detail"]
    assert (lr["category"], lr["before"], lr["after"]) == ("scalar", 0.1, 0.25)
    assert c["lr"]["detail"]["delta"] == pytest.approx(0.15)
    assert c["name"]["detail"]["before"] == "alpha"
    assert c["name"]["detail"]["after"] == "beta"
    assert c["name"]["detail"]["length"] == {"before": 5, "after": 4, "delta": -1}
    assert c["n"]["detail"]["category"] == "scalar"
    assert (c["n"]["detail"]["before"], c["n"]["detail"]["after"]) == (3, 5)


def test_containers_keys_and_length(repo: Repository) -> None:
    c = changed(
        repo,
        {"cfg": {"a": 1, "b": 2}, "xs": [1, 2, 3], "tags": {"x", "y"}},
        {"cfg": {"a": 1, "b": 3, "c": 4}, "xs": [1, 9, 3, 4], "tags": {"y", "z"}},
    )
    cfg = c["cfg"]["detail"]
    assert cfg["category"] == "container"
    assert cfg["level"] == "full"
    assert cfg["keys_added"] == ["'c'"]
    assert cfg["keys_removed"] == []
    assert cfg["keys_changed"] == {"'b'": {"before": 2, "after": 3, "delta": 1}}
    assert cfg["length"] == {"before": 2, "after": 3, "delta": 1}
    xs = c["xs"]["detail"]
    assert xs["items_changed"] == 1
    assert xs["first_changed"][0]["index"] == 1
    tags = c["tags"]["detail"]  # a set is pickled: the version is signed, so it loads
    assert (tags["items_added"], tags["items_removed"]) == (["'z'"], ["'x'"])


def test_values_above_the_size_limit_get_stats_only(repo: Repository) -> None:
    options = DiffOptions(max_value_bytes=1000)
    c = changed(repo, {"x": np.zeros(1000)}, {"x": np.ones(1000)}, options)
    d = c["x"]["detail"]
    assert d["level"] == "stats"
    assert "above max_value_bytes" in d["reason"]
    assert d["summary"]["mean"] == {"before": 0.0, "after": 1.0, "delta": 1.0}
    assert "changed_elements" not in d


def test_type_change_is_reported_without_loading(repo: Repository) -> None:
    c = changed(repo, {"x": 1}, {"x": np.arange(3)})
    assert c["x"]["detail"]["category"] == "type_changed"
    assert (c["x"]["type_before"], c["x"]["type_after"]) == ("builtins.int", "numpy.ndarray")
