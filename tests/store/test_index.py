"""The SQLite index is a cache: deleted, corrupt or stale, it rebuilds from manifests."""

from __future__ import annotations

from pathlib import Path

from nbversion.store import Repository

from .conftest import notebook_bytes


def _fill(root: Path, n: int) -> list[str]:
    with Repository.init(root) as repo:
        nb = repo.objects.put_bytes(notebook_bytes())
        return [repo.save("nb", "a.ipynb", nb, f"v{i}").id for i in range(n)]


def test_index_rebuilds_when_deleted(tmp_path: Path) -> None:
    ids = _fill(tmp_path, 3)
    index = tmp_path / ".nbversion" / "index.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(index) + suffix).unlink(missing_ok=True)
    with Repository.open(tmp_path) as repo:
        assert {r["id"] for r in repo.search()} == set(ids)


def test_index_rebuilds_when_corrupt(tmp_path: Path) -> None:
    ids = _fill(tmp_path, 3)
    index = tmp_path / ".nbversion" / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(str(index) + suffix).unlink(missing_ok=True)
    index.write_bytes(b"this is not a database" * 100)
    with Repository.open(tmp_path) as repo:
        assert {r["id"] for r in repo.search()} == set(ids)
        assert repo.resolve(ids[0][:8]) == ids[0]


def test_index_catches_up_with_unindexed_manifests(tmp_path: Path) -> None:
    ids = _fill(tmp_path, 2)
    with Repository.open(tmp_path) as repo:
        repo.index.remove([ids[0]])  # as if the saver died before indexing
    with Repository.open(tmp_path) as repo:
        assert repo.index.ids() == set(ids)
        assert repo.reindex() == 2


def test_one_connection_per_repository_closed(tmp_path: Path) -> None:
    _fill(tmp_path, 1)
    repo = Repository.open(tmp_path)
    first = repo.index.conn
    repo.search()
    assert repo.index.conn is first
    repo.close()
    assert repo.index._conn is None
