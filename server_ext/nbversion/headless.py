"""Headless runs: execute a notebook in a fresh kernel and save a version of its final state.

For scripts and CI (``nbversion save NOTEBOOK --execute``): every cell runs with nbclient,
then the same kernel saves the executed notebook and its variables. The file on disk is
not modified; the version holds the executed copy with its outputs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from . import protocol
from .errors import NbVersionError, NotFound, Unprocessable

RESULT_PREFIX = "NBVERSION-RESULT "


class ExecutionFailed(Unprocessable):
    """A cell raised while the notebook ran headless; no version was saved."""


def execute_and_save(
    root: Path,
    notebook: Path,
    message: str,
    *,
    kernel_name: str | None = None,
    timeout: float = 600,
) -> dict[str, Any]:
    """Run every cell of ``notebook`` in a new kernel, then save a version from that kernel."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    if not notebook.is_file():
        raise NotFound(f"notebook {notebook} not found")
    nb = nbformat.read(notebook, as_version=4)
    name = kernel_name or nb.metadata.get("kernelspec", {}).get("name") or "python3"
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=name,
        resources={"metadata": {"path": str(notebook.parent)}},
    )  # fmt: skip
    env = {**os.environ, "NBVERSION_ROOT": str(root), "NBVERSION_NOTEBOOK": str(notebook)}
    with client.setup_kernel(env=env):
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as err:
            raise ExecutionFailed(f"a cell failed, no version saved:\n{err}") from None
        tmp_dir = root / ".nbversion" / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".ipynb", dir=tmp_dir, delete=False) as f:
            nbformat.write(nb, f)
            executed = f.name
        try:
            request = protocol.SaveRequest(str(notebook), message, source=executed)
            probe = nbformat.v4.new_code_cell(
                f"print({RESULT_PREFIX!r} + {protocol.expression(request)})"
            )
            nb.cells.append(probe)  # nbclient keeps executed cells in the notebook
            try:
                client.execute_cell(probe, len(nb.cells) - 1)
            finally:
                nb.cells.pop()
        finally:
            Path(executed).unlink(missing_ok=True)
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
    for line in text.splitlines():
        if line.startswith(RESULT_PREFIX):
            answer = protocol.decode_reply(line[len(RESULT_PREFIX) :])
            if not answer["ok"]:
                raise NbVersionError(answer["message"])
            return answer["result"]  # type: ignore[no-any-return]
    raise Unprocessable(f"the kernel did not report a saved version:\n{text[-2000:]}")
