"""Experiments beyond the notebook: shadow evaluation, model aliases, CI gates and A/B.

Everything here reads the store through :class:`~nbversion.store.Repository` and loads
saved values into private namespaces: the live kernel's variables are never touched.
"""

from __future__ import annotations

from .evaluate import Evaluation, evaluate_versions
from .loading import load_variable
from .registry import AliasRecord, aliases, get_alias, move_alias

__all__ = [
    "AliasRecord",
    "Evaluation",
    "aliases",
    "evaluate_versions",
    "get_alias",
    "load_variable",
    "move_alias",
]
