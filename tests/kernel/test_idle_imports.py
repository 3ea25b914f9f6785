"""A background save's library imports reach the kernel only while it is idle.

The forked child that encodes a scikit-learn model imports skops (which imports all of
scikit-learn, seconds). The kernel must not pay that import at the start of the user's
next cell; it takes it in once no cell has run for a while (kernel/idle_imports.py).
"""

from __future__ import annotations

import time
from pathlib import Path

from .conftest import Kernel
from .test_performance_paths import silent
from .test_pipelined_saves import wait_saves

IDLE = "__import__('nbversion.kernel.idle_imports', fromlist=['IDLE_SECONDS'])"
LOADED = "'skops.io' in __import__('sys').modules"


def test_a_childs_imports_wait_until_the_kernel_is_idle(nbk: Kernel, project: Path) -> None:
    silent(nbk, f"setattr({IDLE}, 'IDLE_SECONDS', 8.0)")
    nbk.check("%version autosave on")
    nbk.check(
        "from sklearn.linear_model import LinearRegression\n"
        "model = LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.5])"
    )
    assert wait_saves(nbk) == ""  # the child saved the model with skops, and was reaped
    assert silent(nbk, LOADED) is False  # ... but the kernel did not import skops then
    nbk.check("y = 1")  # a cell runs: the import waits for the next idle stretch
    assert silent(nbk, LOADED) is False
    deadline = time.monotonic() + 90
    while not silent(nbk, LOADED):  # silent requests are not cells: the kernel is idle
        assert time.monotonic() < deadline, "the kernel never imported skops while idle"
        time.sleep(0.5)
    nbk.check("%version autosave off")
    nbk.check("%version save -m after")  # skops is there: the save works as before
    assert silent(nbk, "type(model).__name__") == "LinearRegression"
