"""Hostile versions restored in a real kernel with ``%version restore`` (with and without
``--files``): nothing runs, nothing is written outside the project, the kernel keeps working.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from ..kernel.conftest import Kernel
from .conftest import deliver, forge_hostile
from .forge import Attacker


@pytest.fixture
def victim_kernel(tmp_path: Path) -> Iterator[Kernel]:
    env = {**os.environ, "NBVERSION_SECRET_FILE": str(tmp_path / "victim-secret")}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    try:
        yield Kernel(km, kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_kernel_restore_of_hostile_versions(
    attacker: Attacker,
    marker: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    victim_kernel: Kernel,
) -> None:
    hostile = [f for f in forge_hostile(attacker, tmp_path / "victim") if f.arrives]
    victim = deliver("folder", attacker, list(attacker.forged), tmp_path, request)
    root = victim.root
    (root / "analysis.ipynb").write_bytes((attacker.repo.root / "analysis.ipynb").read_bytes())
    # a link out of the project, as a git checkout of a teammate's commit can create
    (root / "link").symlink_to(tmp_path / "victim" / ".." / "outside-dir")
    k = victim_kernel
    k.check(f"import os; os.chdir({str(root)!r})")
    k.check("%load_ext nbversion")
    k.check(f"import nbversion; nbversion.set_notebook({str(root / 'analysis.ipynb')!r})")
    for f in hostile:
        for flags in ("", " --files"):
            res = k.run(f"%version restore {f.vid}{flags}")
            text = res.stdout + res.stderr + res.error + str(res.data)
            assert "Traceback (most recent call last)" not in res.stderr, (f.name, text)
            assert not marker.exists(), f"{f.name} ran code through %version restore{flags}"
            assert not (tmp_path / "outside-dir" / "startup.py").exists(), f.name
            # the kernel still works and print is still Python's
            out = k.check("import builtins as _b; print(41 + 1, print is _b.print); del _b").stdout
            assert "42 True" in out, (f.name, text, out)
    # an untrusted version may not hide a builtin
    shadow = next(f.vid for f in hostile if f.name == "json-shadows-builtin")
    shown = k.run(f"%version restore {shadow}").data
    assert "would hide Python's builtin" in shown[0]["text/plain"]
    # trusted, a pickle payload does run: the gate is what stopped it
    pickle_case = next(f for f in hostile if f.name == "pickle-as-json")
    k.run(f"%version restore {pickle_case.vid} --trust")
    assert marker.exists(), "trusted, the pickle payload should have run"
    victim.close()
