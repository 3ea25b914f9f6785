"""The reviewed types a scikit-learn model from anyone may hold and still load without trust.

skops instantiates only the types it is told to trust. Its own defaults already cover
builtins, numpy dtypes and ufuncs, and scikit-learn's estimator classes. Fitted models
also hold a few internal types skops does not list (tree structures, splitters, scorers);
each name below was checked to be a plain data class whose construction runs no code
from the file. Exact names only, never a prefix: a prefix such as ``numpy.`` lets a
crafted file name any callable under it (some of them run strings as code).

Anything outside skops' defaults and this list needs the user's explicit trust.
"""

from __future__ import annotations

EXTRA_TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "numpy.dtype",
        "sklearn.tree._tree.Tree",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.metrics._scorer._PassthroughScorer",
        "sklearn.metrics._scorer._Scorer",
        "sklearn.model_selection._split.KFold",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.model_selection._split.GroupKFold",
        "sklearn.model_selection._split.ShuffleSplit",
        "sklearn.model_selection._split.StratifiedShuffleSplit",
        "sklearn.model_selection._split.TimeSeriesSplit",
        "sklearn.model_selection._split.RepeatedKFold",
        "sklearn.model_selection._split.RepeatedStratifiedKFold",
        "sklearn.model_selection._split.PredefinedSplit",
        "sklearn.model_selection._split._CVIterableWrapper",
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.utils._bunch.Bunch",
        "sklearn.preprocessing._encoders._BaseEncoder",
        "collections.OrderedDict",
        "collections.defaultdict",
    }
)


def untrusted(types: list[str]) -> list[str]:
    """The types of a skops file (as ``get_untrusted_types`` lists them) that need trust."""
    return [t for t in types if t not in EXTRA_TRUSTED_TYPES]
