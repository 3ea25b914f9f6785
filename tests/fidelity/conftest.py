"""Real kernels for the fidelity corpus (the fixtures of tests/kernel) and its summary table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .report import RESULTS, table
from tests.kernel.conftest import kernel, kernel_env, nbk, project  # noqa: F401


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the corpus table; write it as Markdown where NBVERSION_FIDELITY_REPORT says."""
    if not RESULTS:
        return
    lines = table(RESULTS)
    terminalreporter.write_sep("=", "fidelity corpus")
    for line in lines:
        terminalreporter.write_line(line)
    target = os.environ.get("NBVERSION_FIDELITY_REPORT")
    if target:
        Path(target).write_text("\n".join(lines) + "\n")
