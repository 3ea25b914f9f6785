"""Real kernels for the fidelity corpus: the fixtures of tests/kernel."""

from __future__ import annotations

from tests.kernel.conftest import kernel, kernel_env, nbk, project  # noqa: F401
