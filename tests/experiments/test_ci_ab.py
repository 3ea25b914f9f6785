"""The CI gate on real headless runs, and A/B between branches."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from nbversion.cli import main
from nbversion.experiments.ab import best_per_branch
from nbversion.experiments.ci import compare
from nbversion.store import Repository
from nbversion.store.refs import TAGS

from .conftest import NOTEBOOK_ID, save

TRAIN = """\
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier
X, y = load_iris(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
clf = DecisionTreeClassifier(max_depth={depth}, random_state=0).fit(X_train, y_train)
accuracy = clf.score(X_test, y_test)
"""


def _write(path: Path, depth: int) -> None:
    nb = new_notebook(cells=[new_code_cell(TRAIN.format(depth=depth))])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def test_ci_gate_passes_unchanged_and_fails_on_a_regression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    nb = root / "train.ipynb"
    _write(nb, depth=3)
    r = ["--root", str(root)]
    assert main(["init", str(root)]) == 0
    assert main(["save", str(nb), "-m", "baseline", "--execute", *r]) == 0
    assert main(["model", "alias", str(nb), "production", "--model", "clf", *r]) == 0
    report = tmp_path / "report.md"
    gate = ["ci", str(nb), "--baseline", "production", "--metric", "accuracy"]
    assert main([*gate, "--min-delta", "-0.01", "--report", str(report), *r]) == 0
    assert "gate passed" in report.read_text()
    _write(nb, depth=1)  # much worse
    capsys.readouterr()
    assert main([*gate, "--min-delta", "-0.01", "--report", str(report), *r]) == 1
    text = report.read_text()
    assert "regression on `accuracy`" in text
    assert "| `accuracy` **(gated)** |" in text
    assert "regression" in capsys.readouterr().out
    with Repository(root) as repo:  # both runs were saved, the alias did not move
        assert len(repo.log(str(nb))) == 3


def test_compare_min_mode_for_error_metrics(repo: Repository) -> None:
    a = save(repo, {}, metrics={"rmse": 1.0})
    b = save(repo, {}, metrics={"rmse": 1.05})
    assert compare(a, b, "rmse", 0.0).passed is False
    assert compare(a, b, "rmse", -0.1).passed is True
    assert compare(b, a, "rmse", 0.0).mode == "min"


def test_ab_picks_the_best_branch_and_tags_it(
    repo: Repository, capsys: pytest.CaptureFixture[str]
) -> None:
    save(repo, {}, metrics={"accuracy": 0.80})
    best_main = save(repo, {}, metrics={"accuracy": 0.85})
    save(repo, {}, metrics={"accuracy": 0.82})
    repo.create_branch(NOTEBOOK_ID, "deep", "HEAD~2")
    best_deep = save(repo, {}, metrics={"accuracy": 0.91}, branch="deep")
    save(repo, {}, metrics={"accuracy": 0.70}, branch="deep")
    repo.create_branch(NOTEBOOK_ID, "side", "HEAD")
    rows, winner = best_per_branch(repo, NOTEBOOK_ID, "accuracy")
    assert winner is not None
    assert (winner.branch, winner.version) == ("deep", best_deep.id)
    assert [(r.branch, r.value) for r in rows][:2] == [("deep", 0.91), ("main", 0.85)]
    assert rows[1].version == best_main.id
    _, loser = best_per_branch(repo, NOTEBOOK_ID, "accuracy", mode="min")
    assert loser is not None
    assert loser.value == 0.70
    assert main(["ab", NOTEBOOK_ID, "--metric", "accuracy", "--tag", "--root", str(repo.root)]) == 0
    assert "winner: deep" in capsys.readouterr().out
    assert repo.refs.get(NOTEBOOK_ID, TAGS, "winner/accuracy") == best_deep.id
