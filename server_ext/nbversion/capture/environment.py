"""The run's context: Python, packages, hardware, host, kernel, and the git work tree.

Everything slow is cached per process (the package list, CPU model, GPUs): a kernel does
not change them without a restart. Git is asked through ``git`` calls (status with branch
info; when the tree is dirty, a shortstat and the patch of the code, notebooks excluded);
GitPython would spawn the same processes after a slower import. Every part fails soft: a
missing piece is ``None``, never an exception.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import platform
import shutil
import socket
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from typing import Any

GIT_TIMEOUT = 3.0


def probe_environment(path: str | None = None) -> dict[str, Any]:
    """Describe this process' environment; ``path`` picks the git work tree (default: cwd)."""
    packages = installed_packages()
    return {
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "platform": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "platform": platform.platform(),
        },
        "packages": dict(packages),
        "cpu": {"count": os.cpu_count(), "model": _cpu_model()},
        "memory": {"total_bytes": _ram_total()},
        "gpu": _gpus(),
        "hostname": socket.gethostname(),
        "user": _user(),
        "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "kernel": {
            "ipykernel": packages.get("ipykernel"),
            "ipython": packages.get("ipython"),
            "pid": os.getpid(),
        },
        "git": git_state(path or os.getcwd()),
    }


@lru_cache(maxsize=1)
def _packages() -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(name.lower().replace("_", "-"), dist.version)
    return tuple(sorted(found.items()))


def installed_packages() -> dict[str, str]:
    """name → version of every installed distribution, sorted; cached per process."""
    return dict(_packages())


@lru_cache(maxsize=1)
def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(("model name", "Hardware")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _ram_total() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        try:
            import psutil

            return int(psutil.virtual_memory().total)
        except ImportError:
            return None


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _gpus() -> list[dict[str, Any]] | None:
    """GPUs via torch when the user already imported it, else nvidia-smi; None if none."""
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            if torch.cuda.is_available():
                return [
                    {
                        "name": torch.cuda.get_device_name(i),
                        "memory_total_bytes": int(torch.cuda.get_device_properties(i).total_memory),
                        "source": "torch",
                    }
                    for i in range(torch.cuda.device_count())
                ]
        except Exception:  # a broken CUDA setup must not break a save: ask nvidia-smi
            return _nvidia_smi()
    return _nvidia_smi()


@lru_cache(maxsize=1)
def _nvidia_smi_cached() -> tuple[tuple[str, int | None], ...]:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return ()
    query = ["--query-gpu=name,memory.total", "--format=csv,noheader,nounits"]
    try:
        out = subprocess.run([exe, *query], capture_output=True, text=True, timeout=2, check=True)
    except (OSError, subprocess.SubprocessError):
        return ()
    gpus = []
    for line in out.stdout.strip().splitlines():
        name, _, mem = line.rpartition(",")
        gpus.append((name.strip(), int(mem) * 2**20 if mem.strip().isdigit() else None))
    return tuple(gpus)


def _nvidia_smi() -> list[dict[str, Any]] | None:
    gpus = _nvidia_smi_cached()
    if not gpus:
        return None
    return [{"name": n, "memory_total_bytes": m, "source": "nvidia-smi"} for n, m in gpus]


def _git(cwd: str, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", cwd, *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def git_state(path: str) -> dict[str, Any] | None:
    """Commit, branch, dirty flag and shortstat of the repo enclosing ``path``; None if none."""
    cwd = path if os.path.isdir(path) else os.path.dirname(path) or "."
    status = _git(cwd, "status", "--porcelain=v2", "--branch", "--untracked-files=normal")
    if status is None:
        return None
    root = (_git(cwd, "rev-parse", "--show-toplevel") or "").strip() or None
    commit = branch = None
    changed = untracked = 0
    for line in status.splitlines():
        if line.startswith("# branch.oid "):
            oid = line.split()[2]
            commit = None if oid == "(initial)" else oid
        elif line.startswith("# branch.head "):
            head = line.split()[2]
            branch = None if head == "(detached)" else head
        elif line.startswith("? "):
            untracked += 1
        elif line and not line.startswith("#"):
            changed += 1
    diffstat = patch = None
    truncated = False
    if commit is not None and changed:
        diffstat = (_git(cwd, "diff", "--shortstat", "HEAD") or "").strip() or None
        patch, truncated = dirty_patch(cwd)
    return {
        "root": root,
        "commit": commit,
        "branch": branch,
        "dirty": changed > 0,
        "changed_files": changed,
        "untracked_files": untracked,
        "diffstat": diffstat,
        "patch": patch,
        "patch_truncated": truncated,
    }


#: The largest uncommitted patch recorded in a manifest; longer ones are cut and flagged.
PATCH_LIMIT = 256 * 1024


def dirty_patch(cwd: str) -> tuple[str | None, bool]:
    """``git diff HEAD`` of the work tree's code: what the commit alone does not say.

    Notebooks and the store are left out (the version holds the notebook itself), so the
    patch is the uncommitted change to the code the notebook imports.
    """
    text = _git(cwd, "diff", "HEAD", "--no-color", "--no-ext-diff", "--", ":(top)",
                ":(top,exclude)*.ipynb", ":(top,exclude).nbversion")  # fmt: skip
    if not text:
        return None, False
    if len(text) > PATCH_LIMIT:
        return text[:PATCH_LIMIT], True
    return text, False
