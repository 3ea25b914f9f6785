"""``nbversion save NOTEBOOK --execute``: run headless in a fresh kernel, save the final state."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nbversion.store import Repository

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "project", ignore=shutil.ignore_patterns(".nbversion"))
    return tmp_path / "project"


def nbversion(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nbversion", *args], cwd=cwd, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_execute_saves_the_executed_notebook_and_its_variables(project: Path) -> None:
    before = (project / "demo.ipynb").read_bytes()
    out = nbversion("save", "demo.ipynb", "-m", "nightly", "--execute", "--json", cwd=project)
    assert out.returncode == 0, out.stderr
    vid = json.loads(out.stdout)["id"]
    assert (project / "demo.ipynb").read_bytes() == before  # the file is left alone
    with Repository.open(project) as repo:
        m = repo.get(vid)
        assert {"df", "clf", "accuracy", "X_train"} <= set(m.variables)
        assert m.metrics["accuracy"] > 0.8
        assert m.params["clf.max_depth"] == 3
        stored = json.loads(repo.objects.get_bytes(m.notebook))
    outputs = [c.get("outputs") for c in stored["cells"] if c["cell_type"] == "code"]
    assert any(outputs), "the stored notebook carries the outputs of the run"


def test_a_failing_cell_saves_nothing_and_says_which(project: Path) -> None:
    nb = json.loads((project / "demo.ipynb").read_text())
    nb["cells"] = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": source}
        for source in ("x = 1", "raise ValueError('broken data')")
    ]  # fmt: skip
    (project / "broken.ipynb").write_text(json.dumps(nb))
    out = nbversion("save", "broken.ipynb", "-m", "x", "--execute", cwd=project)
    assert out.returncode != 0
    assert "broken data" in out.stderr
    with Repository.open(project) as repo:
        assert repo.index.count() == 0
