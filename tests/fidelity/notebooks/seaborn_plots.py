# ruff: noqa
# A seaborn exploration notebook: a tips-like table, axes-level and figure-level plots.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

sns.set_theme(style="whitegrid")

# %%
rng = np.random.default_rng(7)
n = 120
tips = pd.DataFrame(
    {
        "total_bill": rng.gamma(4, 5, n).round(2),
        "day": pd.Categorical(
            rng.choice(["Thur", "Fri", "Sat", "Sun"], n), categories=["Thur", "Fri", "Sat", "Sun"]
        ),
        "smoker": rng.choice(["Yes", "No"], n),
        "size": rng.integers(1, 6, n),
    }
)
tips["tip"] = (tips.total_bill * rng.uniform(0.1, 0.25, n)).round(2)
tips.loc[rng.choice(n, 5, replace=False), "tip"] = np.nan
# %%
ax = sns.scatterplot(data=tips, x="total_bill", y="tip", hue="smoker")
ax.set_title("tips vs bill")
# %%
g = sns.catplot(data=tips, x="day", y="total_bill", kind="box", height=3)
corr = tips.select_dtypes("number").corr()
plt.figure(figsize=(4, 3))
hm = sns.heatmap(corr, annot=True, fmt=".2f", cmap="coolwarm")
