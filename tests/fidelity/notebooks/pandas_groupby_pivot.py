# ruff: noqa
# Split-apply-combine as in the Python Data Science Handbook: groupby, aggregate, pivot
# tables with binned ages, crosstab, on a passenger table with missing ages.
import numpy as np
import pandas as pd

# %%
rng = np.random.default_rng(1912)
n = 300
titanic = pd.DataFrame(
    {
        "sex": rng.choice(["male", "female"], n),
        "class": pd.Categorical(
            rng.choice(["First", "Second", "Third"], n, p=[0.25, 0.25, 0.5]),
            categories=["First", "Second", "Third"],
            ordered=True,
        ),
        "age": np.where(rng.random(n) < 0.2, np.nan, rng.normal(30, 14, n).clip(1, 80)),
        "fare": rng.exponential(30, n).round(2),
        "embarked": rng.choice(["S", "C", "Q", None], n, p=[0.6, 0.2, 0.15, 0.05]),
    }
)
titanic["survived"] = (rng.random(n) < np.where(titanic.sex == "female", 0.7, 0.2)).astype(int)
# %%
by_sex = titanic.groupby("sex")[["survived"]].mean()
by_sex_class = (
    titanic.groupby(["sex", "class"], observed=True)["survived"].aggregate("mean").unstack()
)
age = pd.cut(titanic["age"], [0, 18, 80])
pivot = titanic.pivot_table("survived", index=["sex", age], columns="class", observed=False)
fare_q = pd.qcut(titanic["fare"], 2)
# %%
summary = titanic.groupby("class", observed=True).agg(
    n=("fare", "size"), mean_fare=("fare", "mean"), max_age=("age", "max")
)
ct = pd.crosstab(titanic["sex"], titanic["embarked"], margins=True)
stats = titanic.describe(include="all")
