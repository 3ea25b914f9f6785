"""The project-wide listing (``GET versions`` without a path): every notebook's versions,
newest first, paged from the index so a page reads only its own manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbversion.service import VersionService
from nbversion.store import Repository
from nbversion.store.versions import VersionStore


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A store with two notebooks' versions, interleaved in time, and a tag on one."""
    root = tmp_path / "proj"
    with Repository.init(root) as repo:
        oid = repo.objects.put_bytes(b'{"cells": []}')
        for i in range(7):
            nb = "a" if i % 2 == 0 else "b"
            m = repo.save(f"nb-{nb}", f"{nb}.ipynb", oid, f"run {i}",
                          params={"lr": i / 10}, metrics={"acc": i / 7})  # fmt: skip
            if i == 3:
                repo.create_tag(f"nb-{nb}", "best", m.id)
    return root


async def test_pages_every_notebook_newest_first_with_tags(project: Path) -> None:
    service = VersionService(project)
    try:
        first = await service.list_versions(None, None, None, 0, 4)
        rest = await service.list_versions(None, None, None, 4, 4)
    finally:
        service.close()
    assert first["total"] == rest["total"] == 7
    rows = first["versions"] + rest["versions"]
    assert [r["message"] for r in rows] == [f"run {i}" for i in range(6, -1, -1)]
    assert {r["notebook_path"] for r in rows} == {"a.ipynb", "b.ipynb"}
    assert next(r for r in rows if r["message"] == "run 3")["tags"] == ["best"]
    assert rows[0]["params"] == {"lr": 0.6}
    assert rows[0]["metrics"]["acc"] == 6 / 7


async def test_a_page_reads_only_its_own_manifests(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    real = VersionStore.read

    def counting(self: VersionStore, vid: str) -> object:
        reads.append(vid)
        return real(self, vid)

    monkeypatch.setattr(VersionStore, "read", counting)
    service = VersionService(project)
    try:
        page = await service.list_versions(None, None, None, 2, 2)
    finally:
        service.close()
    assert len(page["versions"]) == 2
    assert sorted(reads) == sorted(r["id"] for r in page["versions"])
