# ruff: noqa
# Plain Python: classes and functions of the notebook, itertools, globals() loops, sparse.
import collections
import itertools
from fractions import Fraction
from functools import partial

import scipy.sparse as sp


# %%
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm(self):
        return (self.x**2 + self.y**2) ** 0.5


def scale(p, k):
    return Point(p.x * k, p.y * k)


pts = [Point(i, i + 1) for i in range(5)]
double = partial(scale, k=2)
counts = collections.Counter("abracadabra")
combos = list(itertools.combinations(range(4), 2))
half = Fraction(1, 2)
# %%
for i in range(3):
    globals()[f"var_{i}"] = i * i
shared = [1, 2, 3]
holder = {"s": shared, "t": (shared, 4)}
m = sp.random(20, 20, density=0.1, format="csr", random_state=0)
gen = (i for i in range(3))
