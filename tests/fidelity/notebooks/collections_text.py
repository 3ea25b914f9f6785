# ruff: noqa
# Word statistics with the collections module: Counter, defaultdict, deque, namedtuple,
# OrderedDict and ChainMap, as in a Python course's chapter on data structures.
from collections import ChainMap, Counter, OrderedDict, defaultdict, deque, namedtuple

# %%
corpus = """it was the best of times it was the worst of times it was the age of wisdom
it was the age of foolishness""".split()
freq = Counter(corpus)
top3 = freq.most_common(3)
by_letter = defaultdict(list)
for w in corpus:
    by_letter[w[0]].append(w)
nested = defaultdict(lambda: defaultdict(int))
for a, b in zip(corpus, corpus[1:]):
    nested[a][b] += 1
# %%
recent = deque(maxlen=5)
for w in corpus:
    recent.append(w)
Pair = namedtuple("Pair", ["first", "second"])
pairs = [Pair(a, b) for a, b in zip(corpus[:4], corpus[1:5])]
ordered = OrderedDict(sorted(freq.items(), key=lambda kv: -kv[1]))
ordered.move_to_end("it")
defaults = {"color": "red", "user": "guest"}
overrides = {"user": "ada"}
settings = ChainMap(overrides, defaults)
