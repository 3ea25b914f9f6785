# ruff: noqa
# Statistics and optimisation with scipy: frozen distributions, a t-test, curve fitting,
# minimize with its result object, interpolation.
import numpy as np
from scipy import interpolate, optimize, stats

# %%
rng = np.random.default_rng(5)
a = rng.normal(0.0, 1.0, 50)
b = rng.normal(0.4, 1.0, 50)
ttest = stats.ttest_ind(a, b)
p_value = float(ttest.pvalue)
dist = stats.norm(loc=1.0, scale=2.0)
q95 = dist.ppf(0.95)
desc = stats.describe(a)


# %%
def model_fn(x, amp, k):
    return amp * np.exp(-k * x)


xs = np.linspace(0, 4, 40)
ys = model_fn(xs, 2.5, 1.3) + rng.normal(scale=0.05, size=xs.size)
popt, pcov = optimize.curve_fit(model_fn, xs, ys, p0=(1, 1))
res = optimize.minimize(lambda v: (v[0] - 1) ** 2 + (v[1] + 2) ** 2, x0=[0.0, 0.0], method="BFGS")
# %%
f_lin = interpolate.interp1d(xs, ys, kind="linear", bounds_error=False, fill_value=np.nan)
spline = interpolate.CubicSpline(xs, ys)
values = f_lin([0.5, 10.0])
