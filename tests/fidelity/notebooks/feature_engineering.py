# ruff: noqa
# Feature engineering on a housing-like table: log transforms, np.where flags, map with a
# dict, apply with a lambda, quantile bins, interaction terms, a FunctionTransformer.
import numpy as np
import pandas as pd
from sklearn.preprocessing import FunctionTransformer, KBinsDiscretizer

# %%
rng = np.random.default_rng(21)
houses = pd.DataFrame(
    {
        "sqft": rng.integers(400, 4000, 100),
        "rooms": rng.integers(1, 8, 100),
        "zone": rng.choice(["A", "B", "C"], 100),
        "built": rng.integers(1900, 2023, 100),
    }
)
houses["price"] = houses.sqft * 210 + rng.normal(0, 20000, 100)
zone_rank = {"A": 3, "B": 2, "C": 1}
# %%
houses["log_price"] = np.log1p(houses.price.clip(lower=0))
houses["old"] = np.where(houses.built < 1950, 1, 0)
houses["zone_rank"] = houses.zone.map(zone_rank)
houses["per_room"] = houses.apply(lambda r: r.sqft / r.rooms, axis=1)
houses["size_bin"] = pd.qcut(houses.sqft, 4, labels=False)
# %%
log_tf = FunctionTransformer(np.log1p, validate=False)
logged = log_tf.fit_transform(houses[["sqft"]])
kbins = KBinsDiscretizer(n_bins=3, encode="ordinal", strategy="quantile").fit(houses[["rooms"]])
corr_price = houses.corr(numeric_only=True)["price"].drop("price")
