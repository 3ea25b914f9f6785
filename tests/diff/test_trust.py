"""Untrusted versions: a diff never unpickles their values, and says it compared stats only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from nbversion import trust
from nbversion.diff import DiffOptions, diff_versions, to_text
from nbversion.store import Repository

from .conftest import save


def _touch(path: str, n: int) -> Canary:
    """Runs when a Canary is unpickled: leaves a mark on disk."""
    Path(path).write_text("unpickled")
    return Canary(path, n)


class Canary:
    """A value that can only be saved by pickle, and that reports being unpickled."""

    def __init__(self, path: str, n: int) -> None:
        self.path, self.n = path, n

    def __reduce__(self) -> tuple[Any, ...]:
        return (_touch, (self.path, self.n))

    def __repr__(self) -> str:
        return f"Canary({self.n})"


class Net(torch.nn.Module):
    """A module whose skeleton reports being unpickled."""

    mark = ""

    def __init__(self) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)

    def __setstate__(self, state: dict[str, Any]) -> None:
        Path(Net.mark).write_text("unpickled")
        super().__setstate__(state)


@pytest.fixture
def mark(tmp_path: Path) -> Path:
    return tmp_path / "mark"


def _versions(repo: Repository, mark: Path, signed: bool) -> tuple[str, str]:
    a = save(repo, {"c": Canary(str(mark), 1), "d": {1: "x"}}, signed=signed)
    b = save(repo, {"c": Canary(str(mark), 2), "d": {1: "x", 2: "y"}}, signed=signed)
    mark.unlink(missing_ok=True)  # a save may load pickles back once (a forked check)
    return a.id, b.id


def test_untrusted_pickles_are_not_loaded(repo: Repository, mark: Path) -> None:
    a, b = _versions(repo, mark, signed=False)
    data = diff_versions(repo, a, b)
    changed = {c["name"]: c["detail"] for c in data["variables"]["changed"]}
    assert not mark.exists()
    for detail in changed.values():
        assert detail["level"] == "stats"
        assert "not trusted" in detail["reason"]
    assert changed["d"]["length"] == {"before": 1, "after": 2, "delta": 1}  # from stats
    assert data["versions"]["a"]["trusted"] is False
    assert "stats only: version" in to_text(data)


def test_trusting_the_versions_allows_full_detail(repo: Repository, mark: Path) -> None:
    a, b = _versions(repo, mark, signed=False)
    trust.sign(repo.store_dir, a)
    trust.sign(repo.store_dir, b)
    changed = {c["name"]: c["detail"] for c in diff_versions(repo, a, b)["variables"]["changed"]}
    assert mark.exists()
    assert changed["c"]["level"] == "full"
    assert (changed["c"]["before"], changed["c"]["after"]) == ("Canary(1)", "Canary(2)")
    assert changed["d"]["keys_added"] == ["2"]


def test_one_untrusted_side_is_enough_to_refuse(repo: Repository, mark: Path) -> None:
    a, b = _versions(repo, mark, signed=False)
    trust.sign(repo.store_dir, b)
    diff_versions(repo, a, b)
    assert not mark.exists()


def test_load_pickles_off_keeps_even_trusted_pickles_shut(repo: Repository, mark: Path) -> None:
    a, b = _versions(repo, mark, signed=True)
    data = diff_versions(repo, a, b, options=DiffOptions(load_pickles=False))
    assert not mark.exists()
    assert all(c["detail"]["level"] == "stats" for c in data["variables"]["changed"])


def test_torch_weight_change_without_unpickling_the_skeleton(repo: Repository, mark: Path) -> None:
    Net.mark = str(mark)
    torch.manual_seed(0)
    net = Net()
    a = save(repo, {"net": net, "t": torch.zeros(2, 2)}, signed=False)
    before = net.fc.weight.detach().clone()
    with torch.no_grad():
        net.fc.weight += 0.5
    b = save(repo, {"net": net, "t": torch.eye(2)}, signed=False)
    mark.unlink(missing_ok=True)  # saving may load the value back once, as a check
    changed = {
        c["name"]: c["detail"] for c in diff_versions(repo, a.id, b.id)["variables"]["changed"]
    }
    assert not mark.exists()
    d = changed["net"]
    assert d["category"] == "model"
    assert d["level"] == "full"
    expected = float(torch.linalg.norm(net.fc.weight.detach() - before))
    assert d["weights"]["l2"] == pytest.approx(expected, rel=1e-5)
    assert d["weights"]["tensors"]["fc.weight"]["l2"] == pytest.approx(expected, rel=1e-5)
    assert d["parameter_count"]["delta"] == 0
    t = changed["t"]
    assert (t["category"], t["changed_elements"], t["max_abs_diff"]) == ("array", 2, 1.0)
    assert np.isclose(t["summary"]["mean"]["after"], 0.5)
