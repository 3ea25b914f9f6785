"""Which user names are captured."""

from __future__ import annotations

import collections
import math
import os
from typing import Any

import numpy as np
import pytest
from IPython.core.autocall import ExitAutocall

from nbversion.capture import is_capturable_name


def _main_defs() -> dict[str, Any]:
    ns: dict[str, Any] = {"__name__": "__main__"}
    exec("def f(x):\n    return x\nclass C:\n    pass\ng = lambda: 1\n", ns)
    return ns


def test_user_values_are_captured() -> None:
    defs = _main_defs()
    for name, value in [
        ("df", np.zeros(3)),
        ("x", 1),
        ("f", defs["f"]),
        ("C", defs["C"]),
        ("g", defs["g"]),
        ("counts", collections.Counter()),
        ("In", 5),  # a user's own variable that happens to be called In
    ]:
        assert is_capturable_name(name, value), name


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("_", 1),
        ("_i3", "x = 1"),
        ("__builtins__", {}),
        ("_private", 2),
        ("In", ["", "x = 1"]),
        ("Out", {1: 2}),
        ("exit", ExitAutocall()),
        ("quit", ExitAutocall()),
        ("np", np),
        ("os", os),
        ("sqrt", math.sqrt),
        ("Counter", collections.Counter),
        ("join", os.path.join),
        ("print", print),
    ],
)
def test_tooling_imports_and_private_names_are_skipped(name: str, value: Any) -> None:
    assert not is_capturable_name(name, value)


def test_get_ipython_is_skipped() -> None:
    from IPython.core.interactiveshell import InteractiveShell

    get_ipython = InteractiveShell.get_ipython  # the function IPython puts in user_ns
    assert not is_capturable_name("get_ipython", get_ipython)
