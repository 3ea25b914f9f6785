"""Which names of the user's namespace are variables worth saving."""

from __future__ import annotations

import types
from typing import Any

_IPYTHON_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython"})
_TOOL_MODULES = ("IPython", "ipykernel")


def is_capturable_name(name: str, value: Any) -> bool:
    """True for the user's own variables, functions and classes.

    Skipped: ``_private`` names (also IPython's ``_``, ``_i3``, ``_oh``), IPython's
    ``In``/``Out``/``exit``/``quit``/``get_ipython``, modules, and functions or classes
    imported from modules: those are saved as import references instead
    (:mod:`.import_kind`), and a restore never removes them. Functions and classes
    defined in the notebook (``__main__``) are kept: they are saved by value.
    """
    if not name or name.startswith("_") or not name.isidentifier():
        return False
    if isinstance(value, types.ModuleType):
        return False
    if name in _IPYTHON_NAMES and (
        (name == "In" and type(value) is list)
        or (name == "Out" and type(value) is dict)
        or _from_tools(type(value).__module__)
        or _from_tools(getattr(value, "__module__", None))
    ):
        return False
    if isinstance(value, type | types.FunctionType | types.BuiltinFunctionType):
        return getattr(value, "__module__", None) == "__main__"
    return True


def is_user_name(name: str) -> bool:
    """A name the user may have bound (not ``_private``, not IPython's ``In``/``Out``/...)."""
    return (
        bool(name)
        and not name.startswith("_")
        and name.isidentifier()
        and (name not in _IPYTHON_NAMES)
    )


def _from_tools(module: object) -> bool:
    return isinstance(module, str) and module.partition(".")[0] in _TOOL_MODULES
