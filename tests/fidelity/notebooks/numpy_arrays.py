# ruff: noqa
# NumPy essentials: Generator sampling, NaN-aware statistics, masked and structured arrays,
# broadcasting, einsum, linear algebra, fancy indexing, views.
import numpy as np
import numpy.ma as ma
from numpy.linalg import inv, solve

# %%
rng = np.random.default_rng(2024)
M = rng.normal(size=(50, 4))
M[rng.random(M.shape) < 0.05] = np.nan
col_means = np.nanmean(M, axis=0)
filled = np.where(np.isnan(M), col_means, M)
masked = ma.masked_invalid(M)
# %%
people = np.array(
    [("ada", 36, 1.65), ("alan", 41, 1.78)],
    dtype=[("name", "U10"), ("age", "i4"), ("height", "f8")],
)
A = rng.normal(size=(3, 3)) + 3 * np.eye(3)
A_inv = inv(A)
sol = solve(A, np.ones(3))
gram = np.einsum("ij,ik->jk", filled, filled)
view = filled[::2, 1:3]
# %%
idx = np.argsort(filled[:, 0])[:5]
top = filled[idx]
mask = (filled > 0).all(axis=1)
f16 = filled.astype(np.float16)
big_int = np.int64(2**40)
inf_vals = np.array([np.inf, -np.inf, np.nan, 0.0])
