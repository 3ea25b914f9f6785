"""Notebook cells (via nbdime), params/metrics, environment and tracked files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from nbversion.diff import DiffOptions, diff_manifests, diff_versions, to_html, to_text
from nbversion.store import Repository

from .conftest import ENV, notebook, save

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "diff.schema.json"


def test_notebook_cells_through_nbdime(repo: Repository) -> None:
    a = save(repo, {}, nb=notebook(["x = 1\ny = 2\nz = 3", "fit()", "old()"], count=1))
    b = save(repo, {}, nb=notebook(["x = 1\ny = 5\nz = 3", "fit()", "plot()", "new()"], count=9))
    nb = diff_versions(repo, a.id, b.id)["notebook"]
    assert nb["changed"]
    assert nb["cells"]["unchanged"] == 2  # the markdown cell and fit()
    modified = [c for c in nb["cell_changes"] if c["op"] == "modified"]
    assert modified[0]["index_a"] == modified[0]["index_b"] == 1
    assert modified[0]["parts"] == ["source"]
    assert modified[0]["source"] == [[" ", "x = 1"], ["-", "y = 2"], ["+", "y = 5"], [" ", "z = 3"]]
    added = [c["source"] for c in nb["cell_changes"] if c["op"] == "added"]
    removed = [c["source"] for c in nb["cell_changes"] if c["op"] == "removed"]
    changed_src = [line for c in nb["cell_changes"][1:] for line in c["source"]]
    assert ["+", "new()"] in changed_src
    assert ["-", "old()"] in changed_src
    assert nb["cells"]["added"] - nb["cells"]["removed"] == 1
    assert added or removed
    assert nb["nbdime"][0]["key"] == "cells"  # nbdime's own diff, kept verbatim


def test_changed_outputs_are_counted(repo: Repository) -> None:
    a = save(repo, {}, nb=notebook(["print(x)"], {0: "1\n"}))
    b = save(repo, {}, nb=notebook(["print(x)"], {0: "5\n"}))
    nb = diff_versions(repo, a.id, b.id)["notebook"]
    assert nb["cells"]["modified"] == 1
    assert nb["cell_changes"][0]["parts"] == ["outputs"]
    assert nb["cell_changes"][0]["outputs"] == {"added": 0, "removed": 0, "changed": 1}


def test_execution_counts_and_cell_ids_are_ignored_unless_asked(repo: Repository) -> None:
    a = save(repo, {}, nb=notebook(["x = 1"], count=1))
    b = save(repo, {}, nb=notebook(["x = 1"], count=5))
    nb = diff_versions(repo, a.id, b.id)["notebook"]
    assert not nb["identical"]
    assert not nb["changed"]
    assert nb["cell_changes"] == []
    options = DiffOptions(include_execution_counts=True, include_volatile_metadata=True)
    nb = diff_versions(repo, a.id, b.id, options=options)["notebook"]
    assert nb["changed"]
    parts = {p for c in nb["cell_changes"] for p in c["parts"]}
    assert {"execution_count", "id"} <= parts


def test_params_and_metrics_with_deltas(repo: Repository) -> None:
    a = save(repo, {}, params={"lr": 0.1, "epochs": 10}, metrics={"acc": 0.8, "loss": 0.5})
    b = save(repo, {}, params={"lr": 0.01, "epochs": 10, "seed": 1}, metrics={"acc": 0.9})
    d = diff_versions(repo, a.id, b.id)
    assert d["params"]["changed"]["lr"]["delta"] == pytest.approx(-0.09)
    assert d["params"]["added"] == {"seed": 1}
    assert "epochs" not in d["params"]["changed"]
    assert d["metrics"]["changed"]["acc"]["delta"] == pytest.approx(0.1)
    assert d["metrics"]["removed"] == {"loss": 0.5}
    assert d["summary"]["metrics"] == 2


def test_environment_packages_python_git(repo: Repository) -> None:
    env_b = json.loads(json.dumps(ENV))
    env_b["packages"] = {"numpy": "2.0.1", "pandas": "2.1.0", "polars": "1.0", "torch": "2.1.0"}
    env_b["python"]["version"] = "3.12.1"
    env_b["git"] = {"commit": "b" * 40, "branch": "main", "dirty": True}
    env_b["time"], env_b["kernel"] = "2025-01-01T00:00:00+00:00", {"pid": 999}
    a, b = save(repo, {}), save(repo, {}, env=env_b)
    env = diff_versions(repo, a.id, b.id)["environment"]
    pk = env["packages"]
    assert pk["added"] == {"polars": "1.0"}
    assert pk["removed"] == {"oldlib": "0.1"}
    assert pk["upgraded"] == ["numpy"]
    assert pk["downgraded"] == ["pandas"]
    assert pk["changed"]["numpy"] == {"before": "1.26.4", "after": "2.0.1", "change": "upgraded"}
    assert env["python"]["changed"] == {"python.version": {"before": "3.11.4", "after": "3.12.1"}}
    assert set(env["git"]["changed"]) == {"git.commit", "git.dirty"}
    assert env["hardware"]["changed"] == {}
    assert "time" not in env["other"]["changed"]
    assert "kernel.pid" not in env["other"]["changed"]


def test_tracked_files_added_removed_changed(repo: Repository) -> None:
    data = repo.root / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n1\n")
    (data / "gone.csv").write_text("y\n")
    a = save(repo, {}, files=["data"])
    (data / "a.csv").write_text("x\n1\n2\n")
    (data / "gone.csv").unlink()
    (data / "new.csv").write_text("z\n")
    b = save(repo, {}, files=["data"])
    files = diff_versions(repo, a.id, b.id)["data_files"]
    assert files["added"] == {"data/new.csv": 2}
    assert files["removed"] == {"data/gone.csv": 2}
    assert files["changed"]["data/a.csv"]["before"] == 4
    assert files["changed"]["data/a.csv"]["after"] == 6
    assert files["changed"]["data/a.csv"]["delta"] == 2


def test_output_matches_the_schema_and_renders(repo: Repository) -> None:
    a = save(repo, {"x": np.zeros(3), "s": "<b>bold</b>"}, params={"lr": 0.1}, metrics={"acc": 0.5})
    b = save(
        repo,
        {"x": np.ones(3), "n": 1, "s": "<i>it</i>"},
        params={"lr": 0.2},
        metrics={"acc": 0.6},
        nb=notebook(["x = 2"]),
    )
    data = diff_versions(repo, a.id, b.id)
    jsonschema.validate(json.loads(json.dumps(data)), json.loads(SCHEMA.read_text()))
    text = to_text(data)
    for title in ("Notebook:", "Variables:", "Params:", "Metrics:", "Environment:", "Data files:"):
        assert title in text
    assert "acc: 0.5 → 0.6 (+0.1)" in text
    assert "\033[" not in text
    assert "\033[32m" in to_text(data, color=True)
    html = to_html(data)
    assert 'class="nbversion-diff-variables"' in html
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<div style="font-family' in html  # cell source as code


def test_manifest_only_diff_still_works(repo: Repository) -> None:
    a, b = save(repo, {"x": 1}), save(repo, {"x": 2}, nb=notebook(["y = 1"]))
    data = diff_manifests(a, b)
    assert data["variables"]["changed"][0]["detail"]["level"] == "stats"
    assert data["notebook"]["changed"]
    assert "no store" in data["notebook"]["skipped"]
