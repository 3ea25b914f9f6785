# ruff: noqa
# itertools recipes and generators: products, groupby, accumulate, chained iterators, a
# generator function left half-consumed (not saveable: the version says why).
import itertools as it
import operator
from itertools import accumulate, chain, groupby, islice, product


# %%
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


first10 = list(islice(fib(), 10))
grid = list(product("ab", range(3)))
running = list(accumulate([3, 1, 4, 1, 5, 9], operator.mul))
# %%
data = sorted(["apple", "avocado", "banana", "blueberry", "cherry"], key=lambda s: s[0])
groups = {k: list(g) for k, g in groupby(data, key=lambda s: s[0])}
flat = list(chain.from_iterable([[1, 2], [3], []]))
stream = fib()
next(stream), next(stream)
pairs = list(it.pairwise(range(5)))
squares = map(lambda v: v * v, range(4))
# %%
windows = [tuple(islice(range(10), i, i + 3)) for i in range(0, 8, 3)]
perms = list(it.permutations("abc", 2))
cyc = list(islice(it.cycle([0, 1]), 5))
