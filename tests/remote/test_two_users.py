"""Two users, two live kernels, one remote: Alice saves and pushes, Bob pulls and restores
her state in place in his running kernel and gets identical variables.

Bob's kernel loads the safe formats (raw arrays, Arrow, skops) of Alice's version at
once; her pickled objects wait for his trust, and a malicious pickle among them runs
nothing until then (and does run once trusted, so the trap is real).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from nbversion.cli import main as cli

from ..kernel.conftest import Kernel, value

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

DIGEST = """
def _digest():
    import hashlib
    h = lambda b: hashlib.sha256(b).hexdigest()
    return {
        "arr": h(arr.tobytes()) + str(arr.dtype) + str(arr.shape),
        "df": h(pd.util.hash_pandas_object(df).values.tobytes()) + str(df.dtypes.to_dict()),
        "model": h(model.coef_.tobytes() + model.intercept_.tobytes()) + repr(model.get_params()),
        "params": params,
        "p": [type(p).__name__, p.x, p.y],
    }
"""

ALICE_CELLS = """
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
rng = np.random.default_rng(42)
arr = rng.normal(size=(500, 40))
df = pd.DataFrame({"a": np.arange(10_000), "b": rng.random(10_000), "c": ["x", "y"] * 5_000})
model = LogisticRegression(max_iter=200).fit(arr, (arr[:, 0] > 0).astype(int))
params = {"lr": 0.1, "layers": [64, 32]}

class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

p = Point(3, 4)

class Trap:
    # unpickling calls eval: it writes a marker wherever NBV_VICTIM points (only Bob's)
    def __reduce__(self):
        code = "__import__('os').environ.get('NBV_VICTIM') and " \\
               "open(__import__('os').environ['NBV_VICTIM'], 'w').write('ran')"
        return (eval, (code,))

trap = Trap()
del rng
"""


def git_identity(path: Path, name: str) -> None:
    """Make ``path`` a git work tree whose commits (and versions) carry ``name``."""
    for args in (["init", "-q"], ["config", "user.name", name],
                 ["config", "user.email", f"{name.lower()}@example.com"]):  # fmt: skip
        subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)


def start(project: Path, secret: Path, **env: str) -> tuple[Kernel, object]:
    full = {**os.environ, "NBVERSION_SECRET_FILE": str(secret), "NBVERSION_BACKGROUND_SAVE": "0"}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(project), env={**full, **env})
    k = Kernel(km, kc)
    k.check("%load_ext nbversion")
    k.check(f"import nbversion; nbversion.set_notebook({str(project / 'analysis.ipynb')!r})")
    return k, km


@pytest.fixture
def kernels() -> Iterator[list[Kernel]]:
    started: list[Kernel] = []
    yield started
    for k in started:
        k.kc.stop_channels()
        k.km.shutdown_kernel(now=True)


def test_bob_restores_alices_pushed_state_in_his_live_kernel(
    tmp_path: Path, kernels: list[Kernel]
) -> None:
    alice_dir, shared = tmp_path / "alice", tmp_path / "shared"
    alice_dir.mkdir()
    shutil.copy(EXAMPLES / "demo.ipynb", alice_dir / "analysis.ipynb")
    git_identity(alice_dir, "Alice")
    assert cli(["init", str(alice_dir)]) == 0
    alice, _ = start(alice_dir, tmp_path / "alice-secret")
    kernels.append(alice)
    alice.check(ALICE_CELLS)
    alice.check("%version save -m 'alice: baseline model'")
    alice.check(DIGEST)
    expected = value(alice, "_digest()")
    root = ["--root", str(alice_dir)]
    assert cli(["remote", "add", "origin", str(shared), *root]) == 0
    assert cli(["push", "origin", *root]) == 0

    bob_dir, marker = tmp_path / "bob", tmp_path / "pwned"
    assert cli(["clone", str(shared), str(bob_dir)]) == 0
    git_identity(bob_dir, "Bob")
    bob, _ = start(bob_dir, tmp_path / "bob-secret", NBV_VICTIM=str(marker))
    kernels.append(bob)
    bob.check("import os; arr = 'bob was here'; params = None")
    pid = value(bob, "os.getpid()")

    res = bob.check("%version restore origin/main --keep")
    out = res.stdout + "".join(d.get("text/plain", "") for d in res.data)
    assert "restored:" in out
    assert "trust" in out  # p and trap wait for Bob's consent
    assert not marker.exists(), "an untrusted pickle was executed"
    assert value(bob, "'p' in globals() or 'trap' in globals()") is False
    assert value(bob, "[type(arr).__name__, arr.shape[0], params]") == [
        "ndarray",
        500,
        {"lr": 0.1, "layers": [64, 32]},
    ]

    bob.check("%version restore origin/main p --trust --keep")
    assert not marker.exists(), "restoring p must not unpickle trap"
    bob.check("import numpy as np, pandas as pd")
    bob.check(DIGEST)
    assert value(bob, "_digest()") == expected  # identical variables
    assert value(bob, "os.getpid()") == pid  # in place: the same kernel process

    # the trap is real: once trusted, restoring it does run its code
    bob.check("%version restore origin/main trap --keep")
    assert marker.read_text() == "ran"
