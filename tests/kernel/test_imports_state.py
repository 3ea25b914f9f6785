"""Imports are state: names bound by imports come back after a restore, by importing."""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from .conftest import Kernel, head_manifest, value

IMPORTS = (
    "import numpy as np\nimport os.path\nimport collections.abc as cabc\n"
    "from math import pi, sqrt\nfrom sklearn.model_selection import train_test_split\n"
    "from sklearn.impute import SimpleImputer\nfrom os import path as ospath\n"
    "from json import JSONDecodeError\nfrom fractions import Fraction\n"
    "if True:\n    from math import inf as INF\n"
    "def f():\n    from math import e  # local: not a notebook name\n    return e\n"
    "from collections import OrderedDict\nsettings = {'a': 1}\n"
)
NAMES = [
    "np", "os", "cabc", "pi", "sqrt", "train_test_split", "SimpleImputer", "ospath",
    "JSONDecodeError", "Fraction", "INF", "OrderedDict",
]  # fmt: skip


def test_imports_are_saved_as_references(nbk: Kernel, project: Path) -> None:
    nbk.check(IMPORTS)
    nbk.check("%version save -m imports")
    variables = head_manifest(project)["variables"]
    assert isinstance(variables, dict)
    kinds = {n: variables[n]["kind"] for n in NAMES}
    assert set(kinds.values()) == {"import"}, kinds
    assert variables["np"]["summary"] == "import numpy as np"
    assert variables["pi"]["summary"] == "from math import pi"
    assert variables["np"]["stats"]["import"]["version"]
    assert variables["settings"]["kind"] == "json"  # data stays data
    assert variables["f"]["kind"] == "cloudpickle"  # notebook functions by value


def test_imports_come_back_in_a_fresh_kernel(
    nbk: Kernel, project: Path, tmp_path: Path, kernel_env: dict[str, str]
) -> None:
    nbk.check(IMPORTS + "x = np.arange(3) * pi")
    nbk.check("%version save -m imports")
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(project), env=kernel_env)
    fresh = Kernel(km, kc)
    try:
        fresh.check("%load_ext nbversion")
        fresh.check(
            f"import nbversion; nbversion.set_notebook({str(project / 'analysis.ipynb')!r})"
        )
        fresh.check("del nbversion")
        out = fresh.check("%version restore HEAD").data[0]["text/plain"]
        assert "not imported" not in out
        checks = (
            "[np.__name__, os.path.__name__ == ospath.__name__, cabc.__name__, pi, sqrt(4.0),"
            " train_test_split.__name__, SimpleImputer.__name__, JSONDecodeError.__name__,"
            " Fraction(1, 2) == 0.5, INF > 1e308, OrderedDict.__name__, list(x)]"
        )
        got = value(fresh, checks)
        assert got[:11] == [
            "numpy", True, "collections.abc", 3.141592653589793, 2.0, "train_test_split",
            "SimpleImputer", "JSONDecodeError", True, True, "OrderedDict",
        ]  # fmt: skip
        assert got[11] == [0.0, 3.141592653589793, 6.283185307179586]
        # a live restore leaves names bound to the same object alone
        out = fresh.check("%version restore HEAD").data[0]["text/plain"]
        assert "np" not in out.split("already equal")[0]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_failed_import_fails_only_its_name_and_says_why(nbk: Kernel, project: Path) -> None:
    (project / "helper_mod.py").write_text("VALUE = 7\ndef helper():\n    return 1\n")
    nbk.check("import sys; sys.path.insert(0, '.'); del sys")
    nbk.check("import helper_mod\nfrom helper_mod import helper\nkept = 5")
    nbk.check("%version save -m local")
    (project / "helper_mod.py").unlink()
    nbk.check(
        "import sys; sys.modules.pop('helper_mod'); del sys\n"
        "del helper_mod, helper, kept\nimport importlib; importlib.invalidate_caches()"
    )
    out = nbk.check("%version restore HEAD").data[0]["text/plain"]
    assert "helper_mod: not imported: cannot import helper_mod" in out
    assert "not installed" in out
    assert value(nbk, "[kept, 'helper' in globals()]") == [5, False]


def test_an_untrusted_version_does_not_import_local_modules(nbk: Kernel, project: Path) -> None:
    (project / "localmod.py").write_text("X = 1\n")
    nbk.check("import sys; sys.path.insert(0, '.'); del sys\nimport localmod\nimport json")
    nbk.check("%version save -m local")
    man = head_manifest(project)
    vid = str(man["id"]) if "id" in man else None
    # forget this machine's signature: the version now looks like a teammate's
    nbk.check(
        "import sys; sys.modules.pop('localmod'); del sys\ndel localmod, json\n"
        "import nbversion.trust as _t\n"
        "_t.is_trusted = lambda *a, **k: False"  # every user of trust.is_trusted sees it
    )
    out = nbk.check("%version restore HEAD").data[0]["text/plain"]
    assert "localmod: not imported" in out
    assert "local module" in out
    assert value(nbk, "json.__name__") == "json"  # installed modules still import
    assert vid is None or len(vid) == 64


def test_a_different_package_version_is_reported(nbk: Kernel, project: Path) -> None:
    nbk.check("import numpy as np")
    nbk.check("%version save -m np")
    man = head_manifest(project)
    rec = man["variables"]["np"]  # type: ignore[index]
    assert rec["kind"] == "import"
    nbk.check(
        "import nbversion.capture.import_kind as _ik\n_ik.package_version.cache_clear()\n"
        "_orig = _ik.package_version\n_ik.package_version = lambda m: '0.0.1'\ndel np"
    )
    out = nbk.check("%version restore HEAD").data[0]["text/plain"]
    assert "np: imported numpy 0.0.1, but the version was saved with numpy" in out
    assert value(nbk, "np.__name__") == "numpy"
    assert json.dumps(man)
