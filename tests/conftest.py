"""Shared fixtures: a real Jupyter server (pytest-jupyter) with nbversion enabled."""

from __future__ import annotations

from typing import Any

import pytest

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
