"""Fixtures for tiering tests: a project with a folder remote and versions sharing chunks.

The S3 fixtures (a real SeaweedFS server on loopback) come from tests/remote.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomllib

from nbversion import remote
from nbversion.store import Repository, load_config
from nbversion.store.config import dump_toml

from tests.remote.conftest import (
    S3Server,
    _own_secret,
    load_state,
    notebook_file,
    s3_bucket,
    s3_server,
    save_state,
)

__all__ = [  # fixtures and helpers shared with tests/remote
    "S3Server",
    "_own_secret",
    "load_state",
    "notebook_file",
    "s3_bucket",
    "s3_server",
    "save_state",
]
NB = "analysis.ipynb"
N = 1_100_000  # 8.8 MB of float64: chunks of 4 MiB, 4 MiB and 0.4 MiB


def configure(repo: Repository, **tiering: Any) -> None:
    """Set ``[tiering]`` keys in config.toml and reload the repository's config."""
    path = repo.store_dir / "config.toml"
    data = tomllib.loads(path.read_text())
    data.setdefault("tiering", {}).update(tiering)
    path.write_text(dump_toml(data))
    repo.config = load_config(path)


def chunk_oids(repo: Repository, vid: str, name: str) -> list[str]:
    """The chunk oids of variable ``name``'s buffers in version ``vid``."""
    rec = repo.versions.read(vid).variables[name]
    return [c for b in rec.get("buffers", []) for c in repo.objects.referenced_oids(b)]


def arrays() -> tuple[np.ndarray, np.ndarray]:
    """Version 1's array and version 2's (first 10 values edited: only chunk 0 differs)."""
    a1 = np.random.default_rng(0).random(N)
    a2 = a1.copy()
    a2[:10] = 0.5
    return a1, a2


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Repository, list[str]]]:
    """Two versions on main sharing 2 of 3 chunks, a folder remote ``origin`` (not pushed)."""
    repo = Repository.init(tmp_path / "alice")
    notebook_file(repo.root / NB)
    configure(repo, min_age="0s")
    remote.add_remote(repo.store_dir, "origin", str(tmp_path / "remote"))
    a1, a2 = arrays()
    v1 = save_state(repo, NB, {"arr": a1, "n": 1}, "first")
    v2 = save_state(repo, NB, {"arr": a2, "n": 2, "small": list(range(10))}, "second")
    yield repo, [v1, v2]
    repo.close()
