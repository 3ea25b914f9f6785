"""Fixtures for store tests: every test gets its own project root and store."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import nbversion
from nbversion.store import Repository

#: PYTHONPATH that lets a child process import the nbversion under test.
SRC = str(Path(nbversion.__file__).resolve().parent.parent)


def child_env() -> dict[str, str]:
    """Environment for subprocesses running nbversion code."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([SRC, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


PYTHON = sys.executable


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    """A fresh store in ``tmp_path``, closed after the test."""
    r = Repository.init(tmp_path)
    yield r
    r.close()


def notebook_bytes(text: str = "print(1)", notebook_id: str | None = None) -> bytes:
    """A minimal .ipynb as bytes."""
    import json

    meta: dict[str, Any] = {}
    if notebook_id:
        meta["nbversion"] = {"notebook_id": notebook_id}
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": text,
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            }
        ],
        "metadata": meta,
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb).encode()


def variable(oid: str, size: int = 0, type_: str = "bytes") -> dict[str, Any]:
    """A manifest variable entry."""
    return {"oid": oid, "kind": "buffer", "type": type_, "summary": "", "size": size}
