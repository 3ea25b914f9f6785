# ruff: noqa
# Names made in loops: globals() assignments per group, a dict of frames, vars(), and
# deleting names, as notebooks that split a dataset per category do.
import numpy as np
import pandas as pd

# %%
rng = np.random.default_rng(11)
sales = pd.DataFrame(
    {"region": rng.choice(["north", "south", "east"], 60), "amount": rng.gamma(2, 50, 60).round(2)}
)
for region, part in sales.groupby("region"):
    globals()[f"df_{region}"] = part.reset_index(drop=True)
frames = {name: obj for name, obj in globals().items() if name.startswith("df_")}
# %%
for i, q in enumerate([0.25, 0.5, 0.75]):
    globals()[f"q{i}"] = float(sales.amount.quantile(q))
totals = {r: float(globals()[f"df_{r}"].amount.sum()) for r in ["north", "south", "east"]}
del globals()["q0"]
# %%
g = globals()
names_now = sorted(n for n in g if n.startswith("q"))
alias_east = g["df_east"]
