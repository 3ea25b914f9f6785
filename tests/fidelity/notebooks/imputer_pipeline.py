# ruff: noqa
# A tabular notebook: NaN-bearing data, an imputer in a pipeline, a grid search, metrics.

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# %%
rng = np.random.default_rng(0)
X = rng.normal(size=(120, 4))
X[rng.random(X.shape) < 0.1] = np.nan
y = (np.nan_to_num(X[:, 0]) + rng.normal(scale=0.3, size=120) > 0).astype(int)
df = pd.DataFrame(X, columns=list("abcd"))
df["when"] = pd.date_range("2024-01-01", periods=len(df), freq="D")
df["grp"] = pd.Categorical(rng.choice(["x", "y", "z"], size=len(df)))
# %%
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
imp = SimpleImputer(missing_values=np.nan, strategy="mean").fit(X_train)
# %%
pipe = make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression())
search = GridSearchCV(pipe, {"logisticregression__C": [0.1, 1.0]}, cv=3).fit(X_train, y_train)
accuracy = float(search.score(X_test, y_test))
best = search.best_estimator_
worst_loss = float("inf")
