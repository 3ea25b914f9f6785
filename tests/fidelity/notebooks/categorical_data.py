# ruff: noqa
# Categorical data: ordered categories, codes, one-hot encoding, binning, value counts.
import numpy as np
import pandas as pd
from sklearn.preprocessing import LabelEncoder, OrdinalEncoder

# %%
sizes = pd.Categorical(
    ["M", "S", "L", "M", "XL", "S", None], categories=["S", "M", "L", "XL"], ordered=True
)
shirts = pd.DataFrame({"size": sizes, "price": [12.0, 9.5, 15.0, 12.5, np.nan, 9.0, 11.0]})
shirts["color"] = pd.Series(
    ["red", "blue", "red", "green", "blue", "red", "green"], dtype="category"
)
codes = shirts["size"].cat.codes
# %%
dummies = pd.get_dummies(shirts, columns=["color"], prefix="c")
counts = shirts["color"].value_counts()
le = LabelEncoder().fit(shirts["color"])
encoded = le.transform(shirts["color"])
oe = OrdinalEncoder(
    categories=[["S", "M", "L", "XL"]], handle_unknown="use_encoded_value", unknown_value=np.nan
)
ordinal = oe.fit_transform(shirts[["size"]].astype(object).fillna("S"))
# %%
big = shirts[shirts["size"] >= "L"]
bins = pd.cut(shirts["price"], bins=[0, 10, 13, 20], labels=["cheap", "mid", "dear"])
renamed = shirts["color"].cat.rename_categories(str.upper)
