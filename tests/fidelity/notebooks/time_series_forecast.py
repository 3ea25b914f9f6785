# ruff: noqa
# A forecasting notebook: lag features, TimeSeriesSplit, a gradient-boosting model, a plot
# of predictions against actuals over a date axis.
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import TimeSeriesSplit

# %%
dates = pd.date_range("2022-01-01", periods=200, freq="D")
rng = np.random.default_rng(4)
y = pd.Series(10 + np.sin(np.arange(200) / 7) * 3 + rng.normal(0, 0.5, 200), index=dates)
y.iloc[50:53] = np.nan
feats = pd.DataFrame({f"lag{k}": y.shift(k) for k in (1, 2, 7)}).assign(
    dow=dates.dayofweek, month=dates.month
)
# %%
tscv = TimeSeriesSplit(n_splits=3)
maes = []
for tr, te in tscv.split(feats):
    m = HistGradientBoostingRegressor(max_iter=30).fit(feats.iloc[tr], y.iloc[tr].fillna(y.mean()))
    maes.append(mean_absolute_error(y.iloc[te].fillna(y.mean()), m.predict(feats.iloc[te])))
pred = pd.Series(m.predict(feats.iloc[te]), index=feats.index[te])
# %%
fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(y.index, y.values, label="actual")
ax.plot(pred.index, pred.values, label="forecast")
ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
ax.legend()
