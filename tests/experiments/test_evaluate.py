"""Shadow evaluation of two versions' models, privately, with trust honoured."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import torch
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeClassifier

from nbversion.capture.errors import UntrustedPickle
from nbversion.experiments import evaluate_versions
from nbversion.experiments.views import EvaluationView
from nbversion.store import Repository

from .conftest import save


class Majority:
    """A model sklearn does not know: saved by pickle, so it needs trust to load."""

    def __init__(self, label: int) -> None:
        self.label = label

    def predict(self, X: Any) -> np.ndarray:
        return np.full(len(X), self.label)


def test_two_trees_differ_and_disagreements_are_counted(repo: Repository, iris: Any) -> None:
    X_train, X_test, y_train, y_test = iris
    a = save(
        repo, {"clf": DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train, y_train)}
    )
    b = save(
        repo, {"clf": DecisionTreeClassifier(max_depth=4, random_state=0).fit(X_train, y_train)}
    )
    ev = evaluate_versions(repo, a, b, "clf", X_test, y_test, data_names=("X_test", "y_test"),
                           save=True)  # fmt: skip
    assert ev.task == "classification"
    assert set(ev.metrics) == {"accuracy", "f1"}
    assert ev.metrics["accuracy"]["b"] > ev.metrics["accuracy"]["a"] + 0.2
    assert ev.disagreements > 0
    assert len(ev.sample) == min(5, ev.disagreements)
    first = ev.sample[0]
    assert first["row"] in X_test.index
    assert first["a"] != first["b"]
    saved = json.loads((repo.store_dir / "evaluations").glob("*.json").__next__().read_text())
    assert saved["disagreements"] == ev.disagreements
    assert saved["b"] == b.id
    text, page = repr(EvaluationView(ev)), EvaluationView(ev)._repr_html_()
    assert "accuracy" in text
    assert f"differ on {ev.disagreements} of {ev.rows}" in text
    assert "<svg" in page or "image/png" in page


def test_regression_metrics_for_torch_modules(repo: Repository) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype("float32")
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1
    torch.manual_seed(0)
    fitted = torch.nn.Linear(3, 1)
    with torch.no_grad():
        fitted.weight[:] = torch.tensor([[1.0, -2.0, 0.5]])
        fitted.bias[:] = 0.1
    a = save(repo, {"net": torch.nn.Linear(3, 1)})
    b = save(repo, {"net": fitted})
    ev = evaluate_versions(repo, a, b, "net", X, y, metrics=["rmse", "r2"])
    assert ev.task == "regression"
    assert ev.metrics["rmse"]["b"] < 1e-5 < ev.metrics["rmse"]["a"]
    assert ev.disagreements == 40


def test_torch_classifier_uses_argmax(repo: Repository, iris: Any) -> None:
    _X_train, X_test, _y_train, y_test = iris
    torch.manual_seed(0)
    a = save(repo, {"net": torch.nn.Linear(4, 3)})
    b = save(repo, {"net": torch.nn.Linear(4, 3)})
    ev = evaluate_versions(repo, a, b, "net", X_test, y_test.to_numpy(), metrics=["accuracy"])
    assert 0.0 <= ev.metrics["accuracy"]["a"] <= 1.0
    assert ev.rows == len(X_test)


def test_untrusted_pickled_model_refuses_but_skops_loads(repo: Repository, iris: Any) -> None:
    X_train, X_test, y_train, y_test = iris
    lin = LinearRegression().fit(X_train, y_train)
    a = save(repo, {"m": lin, "p": Majority(1)}, signed=False)
    b = save(repo, {"m": lin, "p": Majority(2)}, signed=False)
    assert a.variables["p"]["kind"] != "sklearn"
    assert a.variables["m"]["kind"] == "sklearn"
    with pytest.raises(UntrustedPickle, match="version trust"):
        evaluate_versions(repo, a, b, "p", X_test, y_test)
    ev = evaluate_versions(repo, a, b, "m", X_test, y_test.astype(float) + 0.5)
    assert ev.disagreements == 0
    assert ev.metrics["rmse"]["delta"] == 0
