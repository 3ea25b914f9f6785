# ruff: noqa
# Regression with cross-validation: a polynomial Ridge pipeline, KFold, cross_validate,
# validation curve, and metrics with NaN where a fold is undefined.
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import KFold, cross_validate, validation_curve
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

# %%
rng = np.random.RandomState(0)
X = np.sort(rng.rand(80, 1) * 6, axis=0)
y = np.sin(X).ravel() + rng.normal(scale=0.2, size=80)
kf = KFold(n_splits=4, shuffle=True, random_state=0)
# %%
poly_ridge = make_pipeline(PolynomialFeatures(degree=5), Ridge(alpha=1e-3))
cv_out = cross_validate(
    poly_ridge, X, y, cv=kf, scoring=("r2", "neg_mean_squared_error"), return_train_score=True
)
degrees = np.arange(1, 7)
train_scores, valid_scores = validation_curve(
    make_pipeline(PolynomialFeatures(), Ridge()),
    X,
    y,
    param_name="polynomialfeatures__degree",
    param_range=degrees,
    cv=kf,
)
# %%
poly_ridge.fit(X, y)
rmse = float(np.sqrt(mean_squared_error(y, poly_ridge.predict(X))))
r2 = r2_score(y, poly_ridge.predict(X))
fold_scores = {f"fold{i}": s for i, s in enumerate(cv_out["test_r2"])}
fold_scores["missing"] = float("nan")
