# ruff: noqa
# Time series in the style of a pandas course: a DatetimeIndex, resampling, rolling
# windows, shifts, time zones, and Python datetime values.
import datetime as dt
from datetime import timedelta

import numpy as np
import pandas as pd

# %%
idx = pd.date_range("2023-01-01", periods=24 * 14, freq="h", tz="Europe/Berlin")
rng = np.random.default_rng(3)
load = pd.Series(100 + np.cumsum(rng.normal(size=len(idx))), index=idx, name="load")
load.iloc[::37] = np.nan
# %%
daily = load.resample("D").agg(["mean", "min", "max"])
smooth = load.rolling("6h").mean()
change = load.pct_change(fill_method=None)
lagged = pd.DataFrame({"y": load, "y_lag1": load.shift(1), "y_lag24": load.shift(24)}).dropna()
# %%
start = dt.datetime(2023, 1, 1, 8, 30)
window = timedelta(days=3, hours=4)
periods = pd.period_range("2023-01", periods=6, freq="M")
deltas = pd.to_timedelta(["1 days", "2 days 03:00:00", None])
weekday_means = load.groupby(load.index.day_name()).mean()
