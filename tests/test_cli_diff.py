"""``nbversion diff A B [NOTEBOOK]``: text (plain or colored) and ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nbversion.cli import main
from nbversion.store import Repository

from tests.diff.conftest import NOTEBOOK_ID, notebook, save


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    monkeypatch.setenv("NBVERSION_SECRET_FILE", str(tmp_path / "secret"))
    root = tmp_path / "proj"
    with Repository.init(root) as repo:
        a = save(
            repo, {"w": np.zeros(4), "lr": 0.1}, metrics={"acc": 0.7}, nb=notebook(["fit(lr=0.1)"])
        )
        b = save(
            repo,
            {"w": np.array([0.0, 0.5, 0.0, 0.0]), "lr": 0.2},
            metrics={"acc": 0.75},
            nb=notebook(["fit(lr=0.2)"]),
        )
    return root, a.id, b.id


def test_text_diff(versions: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    root, a, b = versions
    assert main(["diff", a[:12], b[:12], "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"a (before) {a[:10]}" in out
    assert "- fit(lr=0.1)" in out
    assert "+ fit(lr=0.2)" in out
    assert "w: 1 of 4 elements changed, max |Δ| 0.5" in out
    assert "lr: 0.1 → 0.2 (+0.1)" in out
    assert "acc: 0.7 → 0.75 (+0.05)" in out
    assert "\033[" not in out  # not a TTY: plain


def test_refs_need_the_notebook_and_color_can_be_forced(
    versions: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _, _ = versions
    argv = ["diff", "HEAD~1", "HEAD", NOTEBOOK_ID, "--root", str(root), "--color", "always"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "\033[33m" in out
    assert "\033[32m" in out


def test_json_diff(versions: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    root, a, b = versions
    assert main(["diff", a, b, "--json", "--root", str(root), "--stats-only"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["a"], data["b"]) == (a, b)
    assert data["options"]["load_values"] is False
    w = next(c for c in data["variables"]["changed"] if c["name"] == "w")
    assert w["detail"]["level"] == "stats"
    assert data["metrics"]["changed"]["acc"]["before"] == 0.7


def test_unknown_version_is_an_error(
    versions: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, a, _ = versions
    assert main(["diff", a, "ffff0000", "--root", str(root)]) != 0
    assert "nbversion: error:" in capsys.readouterr().err
