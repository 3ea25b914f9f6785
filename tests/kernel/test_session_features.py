"""Auto-detected params/metrics, undo of a restore, auto-save, recovery in a new kernel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_client.manager import start_new_kernel

from .conftest import Kernel, head_manifest, value
from .test_performance_paths import SESSION, silent


def test_metrics_and_params_are_detected(nbk: Kernel, project: Path) -> None:
    nbk.check(
        "from sklearn.ensemble import RandomForestClassifier\n"
        "clf = RandomForestClassifier(n_estimators=7, max_depth=3)\n"
        "accuracy = 0.91\nval_loss = 0.3\nf1 = 0.8\nepochs = 10\nname_score = 'x'"
    )
    nbk.check("%version metric accuracy=0.95")  # explicit wins over detected
    nbk.check("%version save -m detect")
    m = head_manifest(project)
    assert m["metrics"] == {"accuracy": 0.95, "val_loss": 0.3, "f1": 0.8}
    assert m["params"] == {"clf.max_depth": 3, "clf.n_estimators": 7}


def test_undo_restore_returns_to_the_state_before(nbk: Kernel) -> None:
    nbk.check("x = 1")
    nbk.check("%version save -m one")
    nbk.check("x = 2\nwork = 'unsaved'")
    nbk.check("%version restore HEAD")
    assert value(nbk, "[x, 'work' in globals()]") == [1, False]
    out = nbk.check("%version restore --undo").data[0]["text/plain"]
    assert "Restored" in out
    assert value(nbk, "[x, work]") == [2, "unsaved"]
    # the undo point does not move the user's branch
    log = nbk.check("%version log").data[0]["text/plain"]
    assert "before restore" not in log


def test_autosave_saves_after_each_cell_without_changing_outputs(
    nbk: Kernel, project: Path
) -> None:
    cells = ["a = 1", "b = a + 1\nprint(b)", "import random\nprint(random.random() < 2)"]
    plain = [nbk.check(c) for c in cells]
    nbk.check("%version autosave on")
    names_before = value(nbk, "sorted(k for k in globals() if not k.startswith('_'))")
    with_autosave = []
    for c in cells:  # with think time: back-to-back cells' saves are merged (coalesce)
        with_autosave.append(nbk.check(c))
        silent(nbk, f"{SESSION}.wait_background()")
    assert [r.stdout for r in plain] == [r.stdout for r in with_autosave]
    assert [r.stderr for r in with_autosave] == ["", "", ""]
    nbk.check("%version autosave off")
    names_after = value(nbk, "sorted(k for k in globals() if not k.startswith('_'))")
    assert names_before == names_after
    m = head_manifest(project)
    assert str(m["message"]).startswith("auto: after cell")
    log = nbk.check("%version log --all").data[0]["text/plain"]
    assert log.count("auto: after cell") >= 3


def test_state_comes_back_in_a_new_kernel(
    nbk: Kernel, project: Path, kernel_env: dict[str, str]
) -> None:
    nbk.check("import numpy as np\nweights = np.linspace(0, 1, 7)\nlabel = 'trained'")
    nbk.check("%version save -m 'before crash'")
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(project), env=kernel_env)
    fresh = Kernel(km, kc)
    try:
        fresh.check("%load_ext nbversion")
        notebook = str(project / "analysis.ipynb")
        fresh.check(f"import nbversion; nbversion.set_notebook({notebook!r})")
        fresh.check("%version restore HEAD")
        res = fresh.check("import json; print(json.dumps([weights.tolist(), label]))")
        got: Any = json.loads(res.stdout)
        assert got[1] == "trained"
        assert len(got[0]) == 7
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_restore_can_keep_extra_variables(nbk: Kernel) -> None:
    nbk.check("x = 1")
    nbk.check("%version save -m one")
    nbk.check("x = 2\nscratch = 'keep me'")
    nbk.check("%version restore HEAD --keep")
    assert value(nbk, "[x, scratch]") == [1, "keep me"]


def test_tracked_files_restore_but_never_over_unsaved_changes(nbk: Kernel, project: Path) -> None:
    data = project / "data" / "iris.csv"
    original = data.read_bytes()
    nbk.check("%version track data/iris.csv")
    nbk.check("%version save -m 'with data'")
    data.write_bytes(b"a,b\n1,2\n")  # edited after the last version: unsaved work
    out = nbk.check("%version restore HEAD --files")
    assert "changed since the last version" in out.stdout
    assert data.read_bytes() == b"a,b\n1,2\n"
    nbk.check("%version save -m 'edited data'")
    nbk.check("%version restore HEAD~1 --files")
    assert data.read_bytes() == original
    out = nbk.check("%version restore HEAD --files --force").data[0]["text/plain"]
    assert "files restored: data/iris.csv" in out
    assert data.read_bytes() == b"a,b\n1,2\n"


def test_values_over_the_size_limit_are_skipped_with_the_reason(
    project: Path, kernel_env: dict[str, str]
) -> None:
    env = {**kernel_env, "NBVERSION_MAX_VARIABLE_SIZE": "100000"}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(project), env=env)
    k = Kernel(km, kc)
    try:
        k.check("%load_ext nbversion")
        notebook = str(project / "analysis.ipynb")
        k.check(f"import nbversion; nbversion.set_notebook({notebook!r}); del nbversion")
        k.check("import numpy as np\nbig = np.zeros(1_000_000)\nsmall = np.zeros(10)")
        out = k.check("%version save -m limits").data[0]["text/plain"]
        assert "1 not saved" in out
        skipped = {s["name"]: s["reason"] for s in head_manifest(project)["skipped"]}  # type: ignore[union-attr]
        assert "over the size limit" in skipped["big"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
