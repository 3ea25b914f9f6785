"""A real store and a helper that saves versions the way the kernel does (capture + save)."""

from __future__ import annotations

import json
from typing import Any

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nbversion import trust
from nbversion.kernel.datafiles import capture_data_files
from nbversion.kernel.snapshot import capture
from nbversion.store import Repository
from nbversion.store.manifest import Manifest

from tests.kernel.conftest import kernel, kernel_env, nbk, project  # noqa: F401

NOTEBOOK_ID = "0b7c2f4e-3d1a-4c55-9a6e-2f1d9e8b7a60"
ENV = {
    "python": {"version": "3.11.4", "implementation": "CPython"},
    "packages": {"numpy": "1.26.4", "pandas": "2.2.0", "oldlib": "0.1", "torch": "2.1.0"},
    "cpu": {"count": 8, "model": "Xeon"},
    "git": {"commit": "a" * 40, "branch": "main", "dirty": False},
    "time": "2024-05-01T12:00:00+00:00",
    "kernel": {"pid": 100},
}


def notebook(sources: list[str], outputs: dict[int, str] | None = None, count: int = 1) -> bytes:
    """A notebook whose first cell is markdown and the rest code cells with given sources."""
    cells: list[Any] = [new_markdown_cell("# Analysis")]
    for i, src in enumerate(sources):
        outs = []
        if outputs and i in outputs:
            outs = [new_output("stream", name="stdout", text=outputs[i])]
        cells.append(new_code_cell(src, execution_count=count + i, outputs=outs))
    nb = new_notebook(cells=cells)
    for n, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{n}-{count}"  # ids differ between saves, as volatile metadata
    return json.dumps(nb).encode()


def save(
    repo: Repository,
    ns: dict[str, Any],
    *,
    nb: bytes | None = None,
    params: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    env: dict[str, Any] | None = None,
    files: list[str] = (),  # type: ignore[assignment]
    signed: bool = True,
    message: str = "v",
) -> Manifest:
    """Capture ``ns`` into the store and save a version (signed unless told otherwise)."""
    head = None
    try:
        head = repo.get("HEAD", NOTEBOOK_ID)
    except Exception:
        head = None
    captured = capture(ns, repo.objects)
    data = capture_data_files(repo, files, head.data_files if head else {})
    m = repo.save(
        NOTEBOOK_ID,
        "analysis.ipynb",
        repo.objects.put_bytes(nb or notebook(["x = 1"])),
        message,
        variables=captured.variables,
        data_files=data,
        params=params or {},
        metrics=metrics or {},
        environment=env if env is not None else ENV,
        skipped=captured.skipped,
    )
    if signed:
        trust.sign(repo.store_dir, m.id)
    return m
