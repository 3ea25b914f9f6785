"""A benchmark kernel: any Python with ipykernel, started through jupyter_client."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from store import drop_cache


class BenchKernel:
    """Starts ``python -m ipykernel_launcher`` in ``cwd``; runs cells and measures them."""

    def __init__(self, python: str, cwd: Path, env: dict[str, str], extra_path: list[str]):
        self.python, self.cwd = python, cwd
        self.env = {**os.environ, **env}
        path = os.pathsep.join([*extra_path, self.env.get("PYTHONPATH", "")]).strip(os.pathsep)
        self.env["PYTHONPATH"] = path
        self._specs = tempfile.TemporaryDirectory(prefix="nbv-bench-spec-")

    def __enter__(self) -> BenchKernel:
        spec = Path(self._specs.name) / "bench"
        spec.mkdir()
        argv = [self.python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        spec.joinpath("kernel.json").write_text(
            json.dumps({"argv": argv, "display_name": "bench", "language": "python"})
        )
        ksm = KernelSpecManager(kernel_dirs=[self._specs.name])
        self.km = KernelManager(kernel_name="bench", kernel_spec_manager=ksm)
        self.km.start_kernel(cwd=str(self.cwd), env=self.env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self._specs.cleanup()

    def run(self, code: str, silent: bool = False, timeout: float = 3600) -> dict[str, Any]:
        """Execute ``code``; returns status, wall seconds, execution count, stdout, error."""
        start = time.perf_counter()
        msg_id = self.kc.execute(code, silent=silent, store_history=not silent)
        out: dict[str, Any] = {"stdout": "", "error": ""}
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                out["stdout"] += content["text"]
            elif kind == "error":
                out["error"] = "\n".join(content["traceback"])
            elif kind == "status" and content["execution_state"] == "idle":
                break
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        out["wall"] = time.perf_counter() - start
        out["status"] = reply["content"]["status"]
        out["count"] = reply["content"].get("execution_count")
        return out

    def silent(self, code: str) -> str:
        res = self.run(code, silent=True)
        if res["status"] != "ok":
            raise RuntimeError(res["error"][-3000:])
        return str(res["stdout"])

    def eval(self, expr: str) -> Any:
        """Value of ``expr`` (printed in a silent cell, so no tool saves a version)."""
        lines = self.silent(f"print(repr({expr}))").strip().splitlines()
        import ast

        return ast.literal_eval(lines[-1])


def tree_size(path: Path) -> int:
    """Bytes of all files under ``path`` (or of the file itself)."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except FileNotFoundError:
                continue
    return total


def drop_tree_cache(path: Path) -> None:
    """Drop the page cache of every file under ``path`` (a cold restore reads the disk)."""
    for root, _, files in os.walk(path):
        for f in files:
            try:
                drop_cache(Path(root) / f)
            except OSError:
                continue
