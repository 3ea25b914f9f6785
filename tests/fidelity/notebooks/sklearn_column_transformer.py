# ruff: noqa
# Mixed-type tabular data with missing values: a ColumnTransformer with imputers and a
# one-hot encoder in a Pipeline, cross-validated, as in scikit-learn's examples.
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# %%
rng = np.random.default_rng(0)
n = 200
df = pd.DataFrame(
    {
        "age": np.where(rng.random(n) < 0.15, np.nan, rng.normal(40, 10, n)),
        "income": rng.lognormal(10, 0.5, n),
        "city": rng.choice(["Paris", "Berlin", "Rome", np.nan], n).astype(object),
        "plan": rng.choice(["basic", "pro"], n),
    }
)
target = (df.income > df.income.median()).astype(int)
# %%
numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
categorical = Pipeline(
    [
        ("impute", SimpleImputer(strategy="most_frequent", missing_values=np.nan)),
        ("onehot", OneHotEncoder(handle_unknown="ignore")),
    ]
)
pre = ColumnTransformer(
    [
        ("num", numeric, ["age", "income"]),
        ("cat", categorical, make_column_selector(dtype_include=object)),
    ]
)
model = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=500))])
scores = cross_val_score(model, df, target, cv=3)
# %%
model.fit(df, target)
feature_names = model.named_steps["pre"].get_feature_names_out()
cv_mean = float(scores.mean())
