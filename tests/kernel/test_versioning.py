"""Saving and restoring kernel state with ``%version`` in a real kernel."""

from __future__ import annotations

import shutil
from pathlib import Path

from nbversion.store import Repository

from .conftest import Kernel, head_manifest, value


def test_save_and_restore_round_trip_of_common_kinds(nbk: Kernel, project: Path) -> None:
    nbk.check(
        """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
arr = np.arange(12, dtype="float32").reshape(3, 4)
df = pd.read_csv("data/iris.csv")
model = LogisticRegression(max_iter=200).fit(df.iloc[:, :4], df["species"])
cfg = {"lr": 0.1, "layers": [3, 4], "name": "run-1"}
square = lambda x: x * x
def helper(x):
    return x + 1
class Point:
    def __init__(self, x): self.x = x
p = Point(3)
"""
    )
    out = nbk.check("%version save -m 'baseline'")
    assert "Saved version" in out.data[0]["text/plain"]
    nbk.check(
        "_expected = (arr.copy(), df.copy(), model.predict(df.iloc[:5, :4]).tolist())\n"
        "arr[0, 0] = 99; df.loc[0, 'sepal_length'] = -1.0; cfg['lr'] = 5\n"
        "del model, square, helper, p"
    )
    res = nbk.check("%version restore HEAD")
    assert "restored:" in res.data[0]["text/plain"]
    checks = {
        "arr": "bool((arr == _expected[0]).all()) and arr.dtype == _expected[0].dtype",
        "df": "bool(df.equals(_expected[1])) and list(df.dtypes) == list(_expected[1].dtypes)",
        "model": "model.predict(df.iloc[:5, :4]).tolist() == _expected[2]",
        "cfg": "cfg == {'lr': 0.1, 'layers': [3, 4], 'name': 'run-1'}",
        "lambda": "square(4) == 16",
        "function": "helper(1) == 2",
        "class": "p.x == 3 and type(p).__name__ == 'Point'",
    }
    for what, expr in checks.items():
        assert value(nbk, expr) is True, what


def test_second_save_reuses_unchanged_variables(nbk: Kernel, project: Path) -> None:
    nbk.check("import numpy as np\nbig = np.ones(1_000_000)\nsmall = 1")
    nbk.check("%version save -m one")
    nbk.check("small = 2")
    out = nbk.check("%version save -m two").data[0]["text/plain"]
    assert "1 variable(s) stored" in out
    m = head_manifest(project)
    assert m["message"] == "two"
    assert m["variables"]["small"]["summary"]  # type: ignore[index]


def test_aliasing_survives_a_round_trip(nbk: Kernel) -> None:
    nbk.check("a = [1, 2, 3]\nb = a")
    nbk.check("%version save -m alias")
    nbk.check("del a, b")
    nbk.check("%version restore HEAD")
    assert value(nbk, "a is b and a == [1, 2, 3]") is True


def test_unsaveable_variables_are_listed_with_a_reason(nbk: Kernel, project: Path) -> None:
    nbk.check("fh = open('data/iris.csv')\ngen = (i for i in range(3))\nok = 1")
    nbk.check("%version save -m skipped")
    skipped = {s["name"]: s for s in head_manifest(project)["skipped"]}  # type: ignore[union-attr]
    assert set(skipped) >= {"fh", "gen"}
    assert skipped["fh"]["reason"]
    assert skipped["gen"]["reason"]
    nbk.check("del ok")
    nbk.check("%version restore HEAD")
    # skipped names are left alone by a full restore, saved ones come back
    assert value(nbk, "ok == 1 and not fh.closed") is True


def test_restore_only_chosen_variables(nbk: Kernel) -> None:
    nbk.check("x = 1\ny = 1")
    nbk.check("%version save -m v1")
    nbk.check("x = 2\ny = 2")
    nbk.check("%version restore HEAD x")
    assert value(nbk, "[x, y]") == [1, 2]


def test_full_restore_removes_names_the_version_did_not_have(nbk: Kernel) -> None:
    nbk.check("x = 1")
    nbk.check("%version save -m v1")
    nbk.check("extra = 5")
    out = nbk.check("%version restore HEAD").data[0]["text/plain"]
    assert "removed" in out
    assert value(nbk, "'extra' in globals()") is False


def test_branches_switch_kernel_state(nbk: Kernel) -> None:
    nbk.check("lr = 0.1")
    nbk.check("%version save -m 'main run'")
    nbk.check("%version branch experiment")
    nbk.check("%version checkout experiment")
    nbk.check("lr = 0.5")
    nbk.check("%version save -m 'faster'")
    nbk.check("%version checkout main")
    assert value(nbk, "lr") == 0.1
    nbk.check("%version checkout experiment")
    assert value(nbk, "lr") == 0.5
    log = nbk.check("%version log").data[0]
    assert "faster" in log["text/plain"]
    assert "<table" in log["text/html"]


def test_refs_head_tilde_and_tags(nbk: Kernel) -> None:
    for i in range(3):
        nbk.check(f"step = {i}")
        nbk.check(f"%version save -m 'step {i}'")
    nbk.check("%version tag first HEAD~2")
    nbk.check("%version restore first")
    assert value(nbk, "step") == 0
    nbk.check("%version restore HEAD~1")
    assert value(nbk, "step") == 1


def test_params_metrics_and_tracked_files_are_saved(nbk: Kernel, project: Path) -> None:
    nbk.check("%version param lr=0.01 optimizer=adam")
    nbk.check("%version metric accuracy=0.93")
    nbk.check("%version track data/iris.csv")
    nbk.check("import nbversion\nnbversion.log_metrics(loss=0.2)\ndel nbversion")
    nbk.check("%version save -m metrics")
    m = head_manifest(project)
    assert m["params"] == {"lr": 0.01, "optimizer": "adam"}
    assert m["metrics"] == {"accuracy": 0.93, "loss": 0.2}
    assert "data/iris.csv" in m["data_files"]  # type: ignore[operator]
    with Repository.open(project) as repo:
        oid = m["data_files"]["data/iris.csv"]["oid"]  # type: ignore[index]
        stored = bytes(repo.objects.get_buffer(oid))
    assert stored == (project / "data" / "iris.csv").read_bytes()
    env = m["environment"]
    assert env["python"]  # type: ignore[index]


def test_pickles_from_an_untrusted_version_do_not_load(nbk: Kernel, project: Path) -> None:
    nbk.check("import numpy as np\narr = np.arange(3)\nclass C: pass\nobj = C()")
    nbk.check("%version save -m v1")
    shutil.rmtree(project / ".nbversion" / "signatures")  # as if a teammate made it
    nbk.check("del arr, obj")
    nbk.check("obj = 'mine'")
    res = nbk.check("%version restore HEAD")
    out = res.stdout + "".join(d.get("text/plain", "") for d in res.data)
    assert "obj: held back" in out
    assert "not trusted" in out
    assert value(nbk, "arr.tolist()") == [0, 1, 2]  # raw arrays need no trust: loaded
    assert value(nbk, "obj") == "mine"  # the pickle did not load; the live value stays
    nbk.check("%version restore HEAD --trust")
    assert value(nbk, "type(obj).__name__") == "C"


def test_saving_leaves_no_names_and_no_rng_change(nbk: Kernel) -> None:
    nbk.check("import numpy as np, random\nnp.random.seed(1)\nrandom.seed(1)\nv = 3")
    before = value(nbk, "sorted(k for k in globals() if not k.startswith('_'))")
    nbk.check("%version save -m clean")
    after = value(nbk, "sorted(k for k in globals() if not k.startswith('_'))")
    assert before == after
    assert value(nbk, "[float(np.random.rand()), random.random()]") == value(
        nbk, "(np.random.seed(1), random.seed(1), [float(np.random.rand()), random.random()])[2]"
    )


def test_status_reports_changes(nbk: Kernel) -> None:
    nbk.check("x = 1\ny = 2")
    nbk.check("%version save -m base")
    nbk.check("x = 10\nz = 3")
    out = nbk.check("%version status").data[0]["text/plain"]
    assert "changed: x" in out
    assert "added: z" in out


def test_bad_ref_is_a_clear_error(nbk: Kernel) -> None:
    nbk.check("x = 1")
    nbk.check("%version save -m base")
    out = nbk.check("%version restore no-such-ref")
    assert "%version: error:" in out.stdout


def test_a_container_holding_another_variable_shares_it_after_restore(nbk: Kernel) -> None:
    nbk.check(
        "import pandas as pd, numpy as np\n"
        "df = pd.DataFrame({'a': range(5)})\n"
        "arr = np.ones(3)\n"
        "runs = {'train': df, 'weights': [arr, arr], 'n': 2}"
    )
    nbk.check("%version save -m shared")
    nbk.check("del df, arr, runs")
    nbk.check("%version restore HEAD")
    assert value(nbk, "runs['train'] is df and runs['weights'][0] is arr") is True
    assert value(nbk, "runs['weights'][1] is arr and len(df) == 5") is True
    # restoring only the container reuses the live, unchanged DataFrame
    nbk.check("runs = None")
    nbk.check("%version restore HEAD runs")
    assert value(nbk, "runs['train'] is df") is True


def test_a_value_that_pickles_but_cannot_load_back_is_reported(nbk: Kernel, project: Path) -> None:
    nbk.check(
        "class Fragile:\n"
        "    def __init__(self, x):\n"
        "        self.x = x\n"
        "    def __reduce__(self):\n"
        "        return (Fragile, ())\n"
        "bad = Fragile(1)\nfine = 2"
    )
    nbk.check("%version save -m fragile")
    skipped = {s["name"]: s["reason"] for s in head_manifest(project)["skipped"]}  # type: ignore[union-attr]
    assert "could not be loaded back" in skipped["bad"]
    assert "fine" in head_manifest(project)["variables"]  # type: ignore[operator]
