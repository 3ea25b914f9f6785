"""Shared fixtures: a real Jupyter server (pytest-jupyter) with nbversion enabled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nbversion.store import Repository

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    """Enable nbversion and refuse unauthenticated access to undecorated endpoints."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"nbversion": True},
            "allow_unauthenticated_access": False,
        }
    }


@pytest.fixture(autouse=True)
def secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign versions with a test secret, never the user's."""
    monkeypatch.setenv("NBVERSION_SECRET_FILE", str(tmp_path / "trust-secret" / "key"))


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What nbversion caches for the user (git remotes' fetched data) stays in the test."""
    monkeypatch.setenv("NBVERSION_CACHE_DIR", str(tmp_path / "nbversion-cache"))


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    """A fresh store in a project folder."""
    r = Repository.init(tmp_path / "proj")
    yield r
    r.close()
