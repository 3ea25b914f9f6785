"""Model aliases move by compare-and-swap with history; export reloads identically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io as sio
import torch
from safetensors.torch import load_file
from sklearn.ensemble import RandomForestClassifier

from nbversion.cli import main
from nbversion.errors import Conflict, NotFound
from nbversion.experiments import aliases, get_alias, move_alias
from nbversion.experiments.export import export_model
from nbversion.experiments.registry import alias_history, resolve_baseline
from nbversion.store import Repository

from .conftest import NOTEBOOK_ID, save


class Net(torch.nn.Module):
    """A small classifier defined here: the export is loaded into a fresh instance."""

    def __init__(self) -> None:
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU())
        self.head = torch.nn.Linear(8, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))  # type: ignore[no-any-return]


def test_alias_moves_only_by_compare_and_swap(repo: Repository) -> None:
    v1 = save(repo, {"clf": RandomForestClassifier(n_estimators=3, random_state=0)}, message="1")
    v2 = save(repo, {"clf": RandomForestClassifier(n_estimators=5, random_state=0)}, message="2")
    move_alias(repo, NOTEBOOK_ID, "production", v1.id, model="clf", expected=None)
    with pytest.raises(Conflict):  # "must not exist yet", but it does
        move_alias(repo, NOTEBOOK_ID, "production", v2.id, model="clf", expected=None)
    move_alias(repo, NOTEBOOK_ID, "production", v2.id, model="clf", expected=v1.id)
    with pytest.raises(Conflict, match="moved"):  # stale: it is at v2 now
        move_alias(repo, NOTEBOOK_ID, "production", v1.id, model="clf", expected=v1.id)
    with pytest.raises(NotFound, match="no variable 'model'"):
        move_alias(repo, NOTEBOOK_ID, "staging", v1.id, model="model")
    move_alias(repo, NOTEBOOK_ID, "staging", "HEAD~1", model="clf")
    assert get_alias(repo, NOTEBOOK_ID, "production").version == v2.id
    assert [(r.model, r.alias, r.version) for r in aliases(repo, NOTEBOOK_ID)] == [
        ("clf", "production", v2.id), ("clf", "staging", v1.id)]  # fmt: skip
    history = alias_history(repo, NOTEBOOK_ID, "production", "clf")
    assert [(e.old, e.new) for e in history] == [(None, v1.id), (v1.id, v2.id)]
    assert resolve_baseline(repo, NOTEBOOK_ID, "production") == v2.id
    assert resolve_baseline(repo, NOTEBOOK_ID, "main") == v2.id
    assert repo.resolve("tags/models/clf/staging", NOTEBOOK_ID) == v1.id


def test_cli_alias_export_sklearn_predicts_identically(
    repo: Repository, iris: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    X_train, X_test, y_train, _ = iris
    clf = RandomForestClassifier(n_estimators=10, max_depth=3, random_state=0).fit(X_train, y_train)
    v = save(repo, {"clf": clf, "X_train": X_train}, metrics={"accuracy": 0.95})
    root = ["--root", str(repo.root)]
    assert (
        main(["model", "alias", NOTEBOOK_ID, "production", v.id[:8], "--model", "clf", *root]) == 0
    )
    assert main(["model", "alias", NOTEBOOK_ID, "production", "--model", "clf", "--expect",
                 "none", *root]) != 0  # fmt: skip
    assert main(["model", "aliases", NOTEBOOK_ID, *root]) == 0
    assert "clf@production" in capsys.readouterr().out
    out = tmp_path / "export"
    assert main(["model", "export", NOTEBOOK_ID, "production", "-o", str(out), *root]) == 0
    loaded = sio.load(
        out / "model.skops", trusted=sio.get_untrusted_types(file=out / "model.skops")
    )
    assert np.array_equal(loaded.predict(X_test), clf.predict(X_test))
    card = json.loads((out / "model.json").read_text())
    assert card["metrics"] == {"accuracy": 0.95}
    assert card["lineage"]["version"] == v.id
    assert card["lineage"]["git_commit"] == "c" * 40
    assert card["model"]["params"]["max_depth"] == 3
    assert "sepal length (cm)" in card["data_schema"]["X_train"]["columns"]
    assert card["mlflow"] is None  # mlflow is not installed here
    assert "# Model card: `clf` (production)" in (out / "MODEL_CARD.md").read_text()


def test_export_torch_loads_into_the_same_architecture(repo: Repository, tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = Net()
    v = save(repo, {"net": net})
    move_alias(repo, NOTEBOOK_ID, "staging", v.id, model="net")
    card = export_model(repo, v, "net", tmp_path / "out", alias="staging")
    fresh = Net()
    fresh.load_state_dict(load_file(str(tmp_path / "out" / "model.safetensors")))
    x = torch.randn(6, 4)
    assert torch.equal(fresh(x), net(x))
    arch = json.loads((tmp_path / "out" / "architecture.json").read_text())
    assert arch["class"].endswith("Net")
    assert "head.weight" in arch["state_dict"]
    assert card["model"]["format"] == "safetensors"
