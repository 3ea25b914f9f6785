"""An evicted version restores into a live kernel: its objects come back from the remote.

Run against a folder remote and a real S3 server on loopback (SeaweedFS).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from nbversion.cli import main as cli
from nbversion.store import Repository

from ..kernel.conftest import Kernel

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(params=["folder", "s3"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """``remote add`` arguments for a fresh remote; for S3 the credentials are in the
    environment (the kernel started after this inherits them)."""
    if request.param == "folder":
        return [str(tmp_path / "remote")]
    server = request.getfixturevalue("s3_server")
    bucket = request.getfixturevalue("s3_bucket")
    return [f"s3://{bucket}/team/project", "--endpoint-url", server.endpoint]


@pytest.fixture
def live(tmp_path: Path, target: list[str]) -> Iterator[tuple[Kernel, Path]]:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(EXAMPLES / "demo.ipynb", project / "analysis.ipynb")
    env = {"NBVERSION_SECRET_FILE": str(tmp_path / "secret"), "NBVERSION_BACKGROUND_SAVE": "0"}
    import os

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(project), env={**os.environ, **env})
    k = Kernel(km, kc)
    try:
        k.check("%load_ext nbversion")
        k.check(f"import nbversion; nbversion.set_notebook({str(project / 'analysis.ipynb')!r})")
        yield k, project
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_restore_of_an_evicted_version_in_a_live_kernel(
    live: tuple[Kernel, Path], target: list[str]
) -> None:
    k, project = live
    k.check(
        "import numpy as np, pandas as pd\n"
        "big = np.random.default_rng(7).normal(size=1_500_000)\n"
        "frame = pd.DataFrame({'a': np.arange(200_000), 'b': np.linspace(0, 1, 200_000)})"
    )
    k.check("%version save -m 'before eviction'")
    expected = k.check("import json; print(json.dumps([float(big.sum()), float(frame.b.sum())]))")
    root = ["--root", str(project)]
    assert cli(["remote", "add", "origin", *target, *root]) == 0
    assert cli(["push", "origin", *root]) == 0
    with Repository.open(project) as repo:
        before = sum(repo.objects.object_size(o) for o in repo.objects.iter_oids())
    assert cli(["evict", "--to", "origin", "--min-age", "0s", *root]) == 0
    with Repository.open(project) as repo:
        after = sum(repo.objects.object_size(o) for o in repo.objects.iter_oids())
        assert repo.fsck().ok
    assert after < before / 2, (before, after)  # the big buffers left the local disk

    k.check("del big, frame")
    out = k.check("%version restore HEAD").data[0]["text/plain"]
    assert "restored:" in out
    got = k.check("print(json.dumps([float(big.sum()), float(frame.b.sum())]))")
    assert json.loads(got.stdout) == json.loads(expected.stdout)
