# ruff: noqa
# A plotting notebook in the style of a matplotlib tutorial: the object-oriented API,
# figures and axes kept in variables, a grid of subplots, a histogram.
import matplotlib.pyplot as plt
import numpy as np

# %%
x = np.linspace(0, 2 * np.pi, 200)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(x, np.sin(x), label="sin", color="C0")
ax.plot(x, np.cos(x), "--", label="cos")
ax.set_title("Trigonometry")
ax.set_xlabel("x [rad]")
ax.legend(loc="upper right")
# %%
fig2, axes = plt.subplots(2, 2, figsize=(6, 6), sharex=True)
rng = np.random.default_rng(42)
samples = rng.normal(size=(4, 500))
for a, s in zip(axes.flat, samples):
    counts, edges, patches = a.hist(s, bins=20, alpha=0.7)
fig2.suptitle("Four normal samples")
fig2.tight_layout()
# %%
lines = ax.get_lines()
title = ax.get_title()
