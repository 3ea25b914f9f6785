"""A real store, small real models, and a helper that saves versions like the kernel does."""

from __future__ import annotations

from typing import Any

import pytest

from nbversion import trust
from nbversion.kernel.snapshot import capture
from nbversion.store import Repository
from nbversion.store.manifest import Manifest

from tests.kernel.conftest import kernel, kernel_env, nbk, project  # noqa: F401

NOTEBOOK_ID = "5d0e4c1a-8f7b-4a2e-9c3d-1b2a3c4d5e6f"
ENV = {
    "python": {"version": "3.11.4"},
    "platform": {"platform": "Linux-x86_64"},
    "packages": {"scikit-learn": "1.5.0", "numpy": "1.26.4"},
    "git": {"commit": "c" * 40, "dirty": False},
}


def save(
    repo: Repository,
    ns: dict[str, Any],
    *,
    metrics: dict[str, Any] | None = None,
    branch: str | None = None,
    signed: bool = True,
    message: str = "v",
) -> Manifest:
    """Capture ``ns`` and save a version (signed by this user unless told otherwise)."""
    captured = capture(ns, repo.objects)
    m = repo.save(
        NOTEBOOK_ID,
        "analysis.ipynb",
        repo.objects.put_bytes(b'{"cells": []}'),
        message,
        branch=branch,
        variables=captured.variables,
        metrics=metrics or {},
        params={"seed": 0},
        environment=ENV,
        skipped=captured.skipped,
    )
    if signed:
        trust.sign(repo.store_dir, m.id)
    return m


@pytest.fixture(scope="session")
def iris() -> tuple[Any, Any, Any, Any]:
    """Iris as DataFrame/Series, split 70/30 (bundled with sklearn: no download)."""
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split

    X, y = load_iris(return_X_y=True, as_frame=True)
    return tuple(train_test_split(X, y, test_size=0.3, random_state=0, stratify=y))  # type: ignore[return-value]
