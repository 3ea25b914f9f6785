"""``%version evaluate`` and ``%version alias`` in a real kernel: the live state is untouched."""

from __future__ import annotations

from pathlib import Path

from tests.kernel.conftest import Kernel, value

SETUP = """\
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier
X, y = load_iris(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
"""


def _text(res: object) -> str:
    data = getattr(res, "data", [])
    return getattr(res, "stdout", "") + "".join(d.get("text/plain", "") for d in data)


def test_evaluate_and_alias_in_the_kernel(nbk: Kernel, project: Path) -> None:
    nbk.check(SETUP)
    nbk.check("clf = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train, y_train)")
    nbk.check('%version save -m "stump"')
    nbk.check("clf = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X_train, y_train)")
    nbk.check('%version save -m "deeper"')
    before = value(
        nbk, "[id(clf), id(X_test), sorted(k for k in globals() if not k.startswith('_'))]"
    )
    res = nbk.check("%version evaluate HEAD~1 HEAD --model clf --on X_test,y_test --save")
    text = _text(res)
    assert "accuracy" in text, text
    assert "predictions differ on" in text, text
    assert "error" not in text
    assert any("text/html" in d and "<table" in d["text/html"] for d in res.data)
    after = value(
        nbk, "[id(clf), id(X_test), sorted(k for k in globals() if not k.startswith('_'))]"
    )
    assert after == before
    assert value(nbk, "clf.max_depth") == 4
    assert list((project / ".nbversion" / "evaluations").glob("*-clf.json"))
    res = nbk.check("%version evaluate HEAD~1 --model nope --on X_test,y_test")
    assert "no variable 'nope'" in _text(res)

    nbk.check("%version alias production HEAD~1 --model clf")
    nbk.check("%version alias production --model clf")
    assert "clf@production" in _text(nbk.check("%version alias"))
    res = nbk.check("%version alias production HEAD~1 --model clf --expect none")
    assert "moved" in _text(res) or "expected" in _text(res)
    hist = _text(nbk.check("%version alias production --history"))
    assert hist.count("alias production ->") == 2
