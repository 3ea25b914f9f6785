"""A failed save is never silent: the cell fails, and a failed auto-save shows in status."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .conftest import Kernel, value

BREAK = (
    "import nbversion.store.repository as _r\n"
    "from nbversion.errors import StoreError as _E\n"
    "_saved_save = _r.Repository.save\n"
    "def _broken(*a, **k):\n    raise _E('disk full (simulated)')\n"
    "_r.Repository.save = _broken\n"
)
MEND = "_r.Repository.save = _saved_save"


def test_a_failed_save_fails_the_cell_with_one_line(nbk: Kernel) -> None:
    nbk.check("x = 1\n" + BREAK)
    res = nbk.run("%version save -m broken")
    assert res.status == "error"
    out = res.stdout + res.stderr + res.error
    assert "%version save failed: disk full (simulated)" in out
    assert "Traceback" not in out
    assert "File " not in out
    st = nbk.check("%version status").data[0]["text/plain"]  # (works before any version)
    assert "last save FAILED" in st
    assert "disk full" in st
    nbk.check(MEND)
    nbk.check("%version save -m works")
    assert "FAILED" not in nbk.check("%version status").data[0]["text/plain"]


def test_an_unexpected_error_in_save_also_fails_the_cell(nbk: Kernel) -> None:
    nbk.check(
        "import nbversion.store.repository as _r\n_saved_save = _r.Repository.save\n"
        "def _broken(*a, **k):\n    raise OSError(28, 'No space left on device')\n"
        "_r.Repository.save = _broken\n"
    )
    res = nbk.run("%version save")
    assert res.status == "error"
    assert "%version save failed: OSError" in res.stdout + res.stderr + res.error
    assert "Traceback" not in res.stdout + res.stderr + res.error


def _status(nbk: Kernel, project: Path) -> dict[str, object]:
    nb = str(project / "analysis.ipynb")
    expr = f"__import__('nbversion.kernel.remote', fromlist=['r']).status({nb!r})"
    answer = json.loads(str(value(nbk, expr)))
    assert answer["ok"]
    return dict(answer["result"])


def test_a_failed_autosave_is_recorded_for_status_and_rest(nbk: Kernel, project: Path) -> None:
    nbk.check("%version save -m first")
    nbk.check(BREAK)
    nbk.check("%version autosave on")
    res = nbk.check("y = 2")  # the user's cell still succeeds
    assert res.status == "ok"
    deadline = time.monotonic() + 30
    while (st := _status(nbk, project))["last_error"] is None and time.monotonic() < deadline:
        time.sleep(0.2)
    err = st["last_error"]
    assert isinstance(err, dict)
    assert err["kind"] == "autosave"
    assert "disk full" in err["message"]
    assert st["autosave"] is True
    text = nbk.check("%version status").data[0]["text/plain"]
    assert "last autosave FAILED" in text
    nbk.check(MEND)
    nbk.check("z = 3")  # the next auto-save works and clears the error
    deadline = time.monotonic() + 30
    while _status(nbk, project)["last_error"] is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _status(nbk, project)["last_error"] is None
