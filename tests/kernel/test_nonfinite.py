"""NaN and ±inf in params, metrics and stats never break a manifest, and read back as floats."""

from __future__ import annotations

import json
import math
from pathlib import Path

from nbversion.experiments.ci import compare
from nbversion.kernel.widgets import metrics_svg
from nbversion.store import Repository
from nbversion.store.jsonsafe import number, numbers, to_json

from .conftest import Kernel, head_manifest


def test_a_fitted_imputer_and_nonfinite_logs_do_not_break_saves(nbk: Kernel, project: Path) -> None:
    nbk.check(
        "import numpy as np\nfrom sklearn.impute import SimpleImputer\n"
        "X = np.array([[1.0, np.nan], [np.inf, 3.0], [2.0, 4.0]])\n"
        "imp = SimpleImputer(missing_values=np.nan).fit(np.nan_to_num(X, posinf=9))\n"
        "threshold = -np.inf"
    )
    res = nbk.check("%version save -m one")
    assert "error" not in res.stdout.lower()
    nbk.check(
        "import nbversion\nnbversion.log_params(cut=float('nan'))\n"
        "nbversion.log_metrics(loss=float('inf'), acc=0.5)"
    )
    nbk.check("%version save -m two")
    nbk.check("%version save -m three")  # every later save works too
    m = head_manifest(project)
    assert m["message"] == "three"
    assert m["params"]["cut"] == "nan"
    assert "imp.missing_values" not in m["params"]  # NaN is its default: not a set param
    assert m["variables"]["X"]["stats"]["max"] == "nan"  # a NaN element makes max NaN
    raw = next((project / ".nbversion" / "versions").glob("*.json")).read_text()
    json.loads(raw, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))


def test_readers_turn_the_json_form_back_into_floats(nbk: Kernel, project: Path) -> None:
    nbk.check("import nbversion\nnbversion.log_metrics(loss=0.5, acc=0.9)")
    nbk.check("%version save -m base")
    nbk.check("nbversion.log_metrics(loss=float('nan'), acc=float('inf'))")
    nbk.check("%version save -m diverged")
    with Repository.open(project) as repo:
        nid = repo.index.notebook_ids_for_path("analysis.ipynb")[0]
        cand, base = repo.get("HEAD", nid), repo.get("HEAD~1", nid)
        assert cand.metrics == {"loss": "nan", "acc": "inf"}
        gate = compare(base, cand, "loss", 0.0)
        assert not gate.passed
        assert math.isnan(gate.candidate)
        assert compare(base, cand, "acc", 0.0).passed
        svg = metrics_svg([base, cand])
        assert "loss" in svg
        assert "nan" not in svg.lower().replace("nbversion", "")


def test_jsonsafe_round_trip() -> None:
    import numpy as np

    doc = to_json({"a": float("nan"), "b": [np.float32("inf"), (1, -math.inf)], 3: {np.int64(2)}})
    assert doc == {"a": "nan", "b": ["inf", [1, "-inf"]], "3": [2]}
    json.dumps(doc, allow_nan=False)
    assert math.isnan(number("nan"))
    assert number("-inf") == -math.inf
    assert number("x") == "x"
    assert numbers({"k": "inf", "j": 1}) == {"k": math.inf, "j": 1}
