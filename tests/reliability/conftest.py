"""Shared helpers for fault, load and hostile-input tests (see docs/reliability.md).

Tests marked ``slow`` here are the long variants: they are skipped unless the run selects
them (``pytest tests/reliability -m slow``, i.e. ``make test-faults``), so the normal
``pytest tests`` run only pays for the fast variants. Figures each test measures are
printed in the terminal summary (and appended to ``$NBVERSION_FIGURES`` as JSON lines).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager, start_new_kernel

import nbversion
from nbversion.store import Repository
from nbversion.store.objects import ObjectStore
from nbversion.store.versions import VersionStore

HERE = Path(__file__).resolve().parent
SRC = str(Path(nbversion.__file__).resolve().parent.parent)
PYTHON = sys.executable
FIGURES: list[tuple[str, dict[str, Any]]] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip this folder's slow variants unless ``-m`` asks for them."""
    if "slow" in (config.getoption("markexpr") or "") or os.environ.get("NBVERSION_SLOW"):
        return
    skip = pytest.mark.skip(reason="long variant: run with -m slow (make test-faults)")
    for item in items:
        if item.get_closest_marker("slow") and HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("nbversion reliability figures")
    for name, data in FIGURES:
        terminalreporter.write_line(f"{name}: {json.dumps(data, sort_keys=True)}")


def record(name: str, **data: Any) -> None:
    """Keep a figure for the terminal summary (and ``$NBVERSION_FIGURES``)."""
    FIGURES.append((name, data))
    out = os.environ.get("NBVERSION_FIGURES")
    if out:
        with open(out, "a") as f:
            f.write(json.dumps({"test": name, **data}, sort_keys=True) + "\n")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def child_env(**extra: str) -> dict[str, str]:
    """Environment for subprocesses running the nbversion under test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([SRC, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def cli(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m nbversion ARGS --root ROOT`` to completion."""
    return subprocess.run(
        [PYTHON, "-m", "nbversion", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(),
        cwd=root,
    )


def assert_fsck_clean(root: Path) -> None:
    """``nbversion fsck`` (a real process) exits 0."""
    res = cli(root, "fsck")
    assert res.returncode == 0, res.stdout + res.stderr


def read_version_objects(objects: ObjectStore, versions: VersionStore, ids: Iterable[str]) -> int:
    """Read (and so hash-verify) every object, every chunk, of the given versions.

    Objects shared by several versions are read once. Returns the number of objects read.
    """
    seen: set[str] = set()
    for vid in ids:
        m = versions.read(vid)
        for oid in m.object_ids():
            if oid in seen:
                continue
            seen.add(oid)
            chunks = objects.chunk_list(oid)
            if chunks is None:
                objects.get_bytes(oid)
            else:
                seen.update(c for c, _ in chunks.chunks)
                objects.get_buffer(oid)
    return len(seen)


def assert_versions_intact(root: Path, ids: Iterable[str]) -> int:
    """Every listed version parses and every object it names reads back verified."""
    with Repository.open(root) as repo:
        return read_version_objects(repo.objects, repo.versions, ids)


def notebook_json(source: str = "x = 1", notebook_id: str | None = None, blob: int = 0) -> str:
    """A notebook with a fixed id; ``blob`` bytes of (incompressible) output make it big."""
    outputs: list[dict[str, Any]] = []
    if blob:
        data = os.urandom(blob * 3 // 4).hex()[:blob]
        outputs = [{"output_type": "display_data", "metadata": {}, "data": {"text/plain": data}}]
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": source,
                "metadata": {},
                "outputs": outputs,
                "execution_count": None,
            }
        ],
        "metadata": {"nbversion": {"notebook_id": notebook_id or str(uuid.uuid4())}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb)


# -- real kernels -------------------------------------------------------------------------
class Kernel:
    """A real ipykernel started with jupyter_client, with nbversion loaded."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.km: KernelManager
        self.kc: BlockingKernelClient
        self.km, self.kc = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=env)
        self.pid = int(self.check("import os; print(os.getpid()); del os").strip())

    def send(self, code: str) -> str:
        """Start executing ``code`` without waiting."""
        return str(self.kc.execute(code))

    def wait(self, msg_id: str, timeout: float = 120) -> tuple[str, str, str]:
        """(status, stdout, error) of an execute request sent with :meth:`send`."""
        out, err = "", ""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out += content["text"]
            elif kind in ("execute_result", "display_data"):
                out += content["data"].get("text/plain", "")
            elif kind == "error":
                err = "\n".join(content["traceback"])
            elif kind == "status" and content["execution_state"] == "idle":
                break
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["status"], out, err

    def run(self, code: str, timeout: float = 120) -> tuple[str, str, str]:
        return self.wait(self.send(code), timeout)

    def check(self, code: str, timeout: float = 120) -> str:
        """Run ``code``; fail on any exception in the kernel; returns what it printed."""
        status, out, err = self.run(code, timeout)
        assert not err, err
        assert status == "ok", out
        return out

    def kill(self) -> None:
        """SIGKILL the kernel process (no cleanup of any kind in the kernel)."""
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self.km.shutdown_kernel(now=True)


def start_kernel(project: Path, notebook: Path, secret: Path) -> Kernel:
    """A kernel in ``project`` that runs ``notebook``, with its own trust secret."""
    k = Kernel(project, child_env(NBVERSION_SECRET_FILE=str(secret)))
    k.check(
        f"%load_ext nbversion\nimport nbversion as _n; _n.set_notebook({str(notebook)!r}); del _n"
    )
    return k


@pytest.fixture
def kernels() -> Iterator[list[Kernel]]:
    """Kernels started by a test; all shut down at teardown."""
    started: list[Kernel] = []
    yield started
    for k in started:
        k.close()


def make_project(root: Path, names: Iterable[str] = ("analysis.ipynb",)) -> list[Path]:
    """A project with a store and notebooks (each with its own notebook id)."""
    root.mkdir(parents=True, exist_ok=True)
    Repository.init(root).close()
    paths = []
    for name in names:
        p = root / name
        p.write_text(notebook_json(f"# {name}"))
        paths.append(p)
    return paths


def notebook_id(path: Path) -> str:
    return str(json.loads(path.read_text())["metadata"]["nbversion"]["notebook_id"])


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True)
