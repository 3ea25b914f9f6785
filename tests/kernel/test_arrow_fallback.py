"""pyarrow that cannot be imported (pyarrow 26 beside numpy 1.26): DataFrames still save,
pickled, and ``%version save`` and ``%version status`` say why and name the fix.

Here the failed import is simulated; ``make test-compat`` runs this file in a numpy 1.26
environment beside the real pyarrow 26 (``NBVERSION_COMPAT_ARROW=broken``).
"""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import Kernel, head_manifest, value

REAL = os.environ.get("NBVERSION_COMPAT_ARROW") == "broken"


def test_frames_are_pickled_and_the_fix_is_named(nbk: Kernel, project: Path) -> None:
    if not REAL:  # what a failed import leaves behind, for this kernel only
        nbk.check("import sys as _s\n_s.modules['pyarrow'] = None\ndel _s")
    problem = value(nbk, "__import__('nbversion.capture.arrow', fromlist=['a']).problem()")
    assert isinstance(problem, str), problem
    if REAL:
        assert "needs numpy >= 2 but numpy 1." in problem, problem
        assert "pip install 'pyarrow>=16,<26'" in problem, problem

    nbk.check(
        "import pandas as pd\ndf = pd.DataFrame({'x': [1.5, 2.5], 'n': [1, 2]})\ns = df['x'] * 2"
    )
    out = nbk.check("%version save -m frames").data[0]["text/plain"]
    assert "not saved" not in out, out
    assert "Note: df, s: saved with pickle, not Arrow" in out, out
    assert problem in out
    variables = head_manifest(project)["variables"]
    assert isinstance(variables, dict)
    assert variables["df"]["kind"] == "pickle"
    assert variables["df"]["needs_trust"] is True
    assert variables["df"]["summary"] == "DataFrame 2 × 2, pickled"  # noqa: RUF001

    status = nbk.check("%version status").data[0]["text/plain"]
    assert "warning: df, s are saved with pickle, not Arrow" in status, status
    assert problem in status

    nbk.check("_df0, _s0 = df.copy(), s.copy()\ndel df, s")
    nbk.check("%version restore HEAD")
    assert value(nbk, "bool(df.equals(_df0) and s.equals(_s0))") is True


def test_status_has_no_warning_while_pyarrow_imports(nbk: Kernel) -> None:
    if REAL:
        return  # pyarrow never imports in that environment
    nbk.check("import pandas as pd\ndf = pd.DataFrame({'x': [1.5]})")
    assert "warning" not in nbk.check("%version status").data[0]["text/plain"]
    out = nbk.check("%version save -m arrow").data[0]["text/plain"]
    assert "Note:" not in out
