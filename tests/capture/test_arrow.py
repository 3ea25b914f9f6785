"""Without an importable pyarrow: DataFrames are pickled with a note naming the fix, and an
Arrow-stored frame fails to load with that message (not a bare ImportError).

The real case (pyarrow 26 beside numpy 1.26) runs in ``make test-compat``; here the
failed import is simulated.
"""

from __future__ import annotations

import pandas as pd
import pytest

from nbversion.capture import arrow, decode, encode
from nbversion.capture.errors import UntrustedPickle

from .conftest import as_stored

PROBLEM = "pyarrow 26.0.1 needs numpy >= 2 (simulated)"


@pytest.fixture
def no_arrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow counts as not importable (the check is cached per process: set the cache)."""
    monkeypatch.setattr(arrow, "_checked", True)
    monkeypatch.setattr(arrow, "_problem", PROBLEM)


def _frame() -> pd.DataFrame:
    text = pd.array(["a", "b", None], dtype="string")  # not object dtype in pandas 2 either
    return pd.DataFrame({"x": [1.5, 2.5, None], "n": [1, 2, 3], "s": text})


@pytest.mark.parametrize(
    ("pyarrow", "numpy", "expected"),
    [
        ("26.0.1", "1.26.4", ["pyarrow 26.0.1 needs numpy >= 2 but numpy 1.26.4 is installed",
                              "pip install 'pyarrow>=16,<26'", "pip install 'numpy>=2'"]),
        (None, "1.26.4", ["pyarrow is not installed", "pip install 'pyarrow>=16,<26'"]),
        (None, "2.4.0", ["pyarrow is not installed", "pip install 'pyarrow>=16'"]),
        ("15.0.2", "2.4.0", ["pyarrow 15.0.2 is older than nbversion supports",
                             "pip install 'pyarrow>=16'"]),
        ("21.0.0", "1.26.4", ["pyarrow 21.0.0 cannot be imported with numpy 1.26.4",
                              "--force-reinstall 'pyarrow>=16,<26'"]),
    ],
)  # fmt: skip
def test_messages_name_the_cause_and_the_fix(
    pyarrow: str | None, numpy: str, expected: list[str]
) -> None:
    err = ImportError("pyarrow requires NumPy 2.0 or newer, found 1.26.4")
    text = arrow.explain(err, pyarrow, numpy)
    for part in expected:
        assert part in text
    assert "ImportError: pyarrow requires NumPy 2.0" in text
    assert text.endswith("then restart the kernel")


def test_pyarrow_imports_here() -> None:
    assert arrow.problem() is None
    assert arrow.require().__name__ == "pyarrow"


@pytest.mark.usefixtures("no_arrow")
def test_frames_fall_back_to_pickle_with_a_note() -> None:
    df = _frame()
    enc = encode(df)
    assert enc.kind == "pickle"
    assert enc.needs_trust
    assert enc.summary == "DataFrame 3 × 3, pickled"  # noqa: RUF001
    assert enc.stats["shape"] == [3, 3]
    assert enc.stats["numeric"]["n"]["max"] == 3
    assert "saved with pickle, not Arrow" in enc.fallback
    assert "after trusting the version" in enc.fallback
    assert PROBLEM in enc.fallback
    back = decode(enc.kind, enc.meta, as_stored(enc), allow_untrusted=True)
    pd.testing.assert_frame_equal(back, df)
    with pytest.raises(UntrustedPickle):
        decode(enc.kind, enc.meta, as_stored(enc))

    series = encode(df["x"])
    assert series.kind == "pickle"
    assert series.summary.startswith("Series 'x'")
    assert series.fallback == enc.fallback


def test_arrow_frames_fail_to_load_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = encode(_frame())
    assert enc.kind == "pandas"
    assert enc.fallback == ""
    monkeypatch.setattr(arrow, "_checked", True)
    monkeypatch.setattr(arrow, "_problem", PROBLEM)
    with pytest.raises(arrow.ArrowUnavailable, match=r"cannot be loaded: pyarrow 26\.0\.1 needs"):
        decode(enc.kind, enc.meta, as_stored(enc))
