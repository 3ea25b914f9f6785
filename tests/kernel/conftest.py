"""A real IPython kernel (ipykernel via jupyter_client) for kernel-side tests."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager, start_new_kernel

from nbversion.store import Repository


@dataclass
class Result:
    """What one execute request produced."""

    status: str
    stdout: str = ""
    stderr: str = ""
    data: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


class Kernel:
    """Runs code in a live kernel and gathers its output."""

    def __init__(self, km: KernelManager, kc: BlockingKernelClient) -> None:
        self.km = km
        self.kc = kc

    def run(self, code: str, timeout: float = 60) -> Result:
        msg_id = self.kc.execute(code)
        result = Result(status="?")
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                if content["name"] == "stdout":
                    result.stdout += content["text"]
                else:
                    result.stderr += content["text"]
            elif kind in ("execute_result", "display_data"):
                result.data.append(content["data"])
            elif kind == "error":
                result.error = "\n".join(content["traceback"])
            elif kind == "status" and content["execution_state"] == "idle":
                break
        reply = self.kc.get_shell_msg(timeout=timeout)
        result.status = reply["content"]["status"]
        return result

    def check(self, code: str, timeout: float = 60) -> Result:
        """Run code and fail the test on any exception in the kernel."""
        res = self.run(code, timeout)
        assert res.status == "ok", res.error
        return res


@pytest.fixture
def kernel_env(tmp_path: Path) -> dict[str, str]:
    """Environment of the test kernel: its own trust secret, never the user's."""
    secret = tmp_path / "secret" / "nbversion-secret"
    return {**os.environ, "NBVERSION_SECRET_FILE": str(secret)}


@pytest.fixture
def kernel(tmp_path: Path, kernel_env: dict[str, str]) -> Iterator[Kernel]:
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=kernel_env)
    try:
        yield Kernel(km, kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with a notebook and a data file, like a user's."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(EXAMPLES / "demo.ipynb", root / "analysis.ipynb")
    (root / "data").mkdir()
    shutil.copy(EXAMPLES / "data" / "iris.csv", root / "data" / "iris.csv")
    return root


@pytest.fixture
def nbk(kernel: Kernel, project: Path) -> Kernel:
    """A kernel with nbversion loaded, told which notebook it runs."""
    kernel.check(f"import os; os.chdir({str(project)!r})")
    kernel.check("%load_ext nbversion")
    kernel.check(f"import nbversion; nbversion.set_notebook({str(project / 'analysis.ipynb')!r})")
    kernel.check("del nbversion, os")
    return kernel


def value(k: Kernel, expr: str) -> object:
    """Evaluate an expression in the kernel and return it as JSON-decoded data."""
    res = k.check(f"import json as _j; print(_j.dumps({expr})); del _j")
    return json.loads(res.stdout.strip().splitlines()[-1])


def head_manifest(project: Path) -> dict[str, object]:
    with Repository.open(project) as repo:
        nb = json.loads((project / "analysis.ipynb").read_text())
        nid = (nb.get("metadata", {}).get("nbversion") or {}).get("notebook_id")
        ids = [nid] if nid else repo.index.notebook_ids_for_path("analysis.ipynb")
        return repo.get("HEAD", ids[0]).to_dict()
