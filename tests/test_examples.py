"""The demo notebook runs top to bottom: it saves, branches, switches back and shows metrics."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".nbversion"))
    monkeypatch.setenv("NBVERSION_SECRET_FILE", str(tmp_path / "secret"))
    return root


def test_demo_notebook_saves_branches_and_switches_back(project: Path) -> None:
    path = project / "demo.ipynb"
    nb = nbformat.read(path, as_version=4)
    env = {**os.environ, "NBVERSION_NOTEBOOK": str(path)}
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(project)}})  # fmt: skip
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    texts = [_text(c) for c in nb.cells if c.cell_type == "code"]
    joined = "\n".join(texts)
    assert joined.count("Saved version") == 2
    assert "Switched to branch shallow" in joined
    assert "Switched to branch main" in joined
    assert "error" not in joined.lower()
    baseline = float(texts[3].strip())
    final_params, final_accuracy = texts[-2].strip().rsplit("} ", 1)
    assert "'max_depth': 3" in final_params
    assert float(final_accuracy) == baseline
    assert "accuracy=" in texts[-1]  # the metric shows in `%version show`
