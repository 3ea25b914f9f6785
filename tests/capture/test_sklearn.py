"""scikit-learn estimators through skops: trusted types load without pickle."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from nbversion.capture import UntrustedPickle, decode, encode

from .conftest import as_stored, roundtrip

rng = np.random.default_rng(0)
X = rng.random((60, 4))
y = (X[:, 0] + X[:, 1] > 1).astype(int)


@pytest.mark.parametrize(
    "model",
    [
        RandomForestClassifier(n_estimators=5, random_state=0),
        make_pipeline(StandardScaler(), LogisticRegression()),
        make_pipeline(FunctionTransformer(np.log1p), LogisticRegression()),
    ],
    ids=["forest", "pipeline", "numpy-func"],
)
def test_fitted_estimator_round_trip_predicts_the_same(model: object) -> None:
    model.fit(X, y)  # type: ignore[attr-defined]
    enc, out = roundtrip(model)  # no allow_untrusted: sklearn/numpy types only
    assert enc.kind == "sklearn"
    assert not enc.needs_trust
    json.dumps(enc.meta), json.dumps(enc.stats)
    assert type(out) is type(model)
    assert np.array_equal(out.predict_proba(X), model.predict_proba(X))  # type: ignore[attr-defined]


def test_lambda_in_pipeline_falls_back_to_cloudpickle() -> None:
    model = make_pipeline(FunctionTransformer(lambda a: a * 2), LogisticRegression()).fit(X, y)
    enc, out = roundtrip(model, allow_untrusted=True)
    assert enc.kind == "cloudpickle"
    assert np.array_equal(out.predict(X), model.predict(X))


def test_foreign_types_need_trust() -> None:
    model = FunctionTransformer(json.dumps)  # a function from outside sklearn/numpy/scipy
    enc = encode(model)
    assert enc.kind == "sklearn"
    assert enc.needs_trust
    assert enc.meta["untrusted_types"] == ["json.dumps"]
    with pytest.raises(UntrustedPickle, match=r"json\.dumps"):
        decode(enc.kind, enc.meta, as_stored(enc))
    out = decode(enc.kind, enc.meta, as_stored(enc), allow_untrusted=True)
    assert out.func is json.dumps


def test_stats_hold_params_and_fitted_attributes() -> None:
    model = LogisticRegression(C=0.5).fit(X, y)
    enc = encode(model)
    assert enc.summary == "LogisticRegression(C=0.5)"
    assert enc.stats["class"] == "sklearn.linear_model._logistic.LogisticRegression"
    assert enc.stats["params"]["C"] == 0.5
    assert enc.stats["fitted"] is True
    assert enc.stats["fitted_attributes"]["coef_"] == {"shape": [1, 4], "dtype": "float64"}
    assert enc.stats["parameter_count"] >= 5
    assert encode(LogisticRegression()).stats["fitted"] is False


def test_an_unchanged_model_encodes_to_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """skops stamps each zip member with the time and names arrays by id(): the stored
    bytes must not depend on either, or an untouched model is stored again each save."""
    import time as clock

    from nbversion.capture.sklearn_kind import canonical_zip

    model = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=3, random_state=0))
    model.fit(X, y)
    first = as_stored(encode(model))
    real = clock.time
    monkeypatch.setattr(clock, "time", lambda: real() + 3600)  # an hour later
    assert as_stored(encode(model)) == first
    enc = encode(model)
    back = decode(enc.kind, enc.meta, first, allow_untrusted=False)
    assert (back.predict(X) == model.predict(X)).all()
    # a restored model re-encodes to the bytes it came from (new arrays, new ids)
    simple = LogisticRegression().fit(X, y)
    _, restored = roundtrip(simple)
    assert as_stored(encode(restored)) == as_stored(encode(simple))
    assert canonical_zip(b"not a zip") == b"not a zip"
