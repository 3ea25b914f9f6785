# ruff: noqa
# Missing data handling: isna summaries, fillna, interpolate, KNN and iterative imputers,
# NaN and infinity in plain Python values and in metrics.
import math

import numpy as np
import pandas as pd
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer

# %%
rng = np.random.default_rng(8)
df = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
df.iloc[rng.choice(40, 8, replace=False), 1] = np.nan
df.iloc[rng.choice(40, 4, replace=False), 2] = np.nan
missing = df.isna().sum()
share_missing = df.isna().mean().round(3)
interp = df.interpolate(limit_direction="both")
# %%
knn = KNNImputer(n_neighbors=3).fit(df)
it_imp = IterativeImputer(max_iter=5, random_state=0).fit(df)
const = SimpleImputer(strategy="constant", fill_value=0.0, missing_values=np.nan).fit(df)
X_knn = knn.transform(df)
# %%
stats = {"mean_b": float(df.b.mean()), "nan": float("nan"), "inf": math.inf, "neg": -np.inf}
ratio = np.float64(np.nan)
series_with_nan = pd.Series([1.0, None, np.nan, 4.0], dtype="Float64")
