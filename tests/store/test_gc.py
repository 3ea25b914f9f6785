"""gc: mark from refs and the retention policy, sweep the rest; dry-run only reports."""

from __future__ import annotations

import os
import time
from pathlib import Path

from nbversion.store import Repository
from nbversion.store.config import dump_toml

from .conftest import notebook_bytes, variable

NB = "nb-1"


def save(repo: Repository, message: str, payload: bytes, branch: str | None = None) -> str:
    nb = repo.objects.put_bytes(notebook_bytes(message))
    var = repo.objects.put_buffer(payload, chunk_size=1024)
    return repo.save(
        NB, "a.ipynb", nb, message, branch=branch, variables={"x": variable(var, len(payload))}
    ).id


def configure(root: Path, **retention: object) -> Repository:
    (root / ".nbversion" / "config.toml").write_text(dump_toml({"retention": retention}))
    return Repository.open(root)


def test_dry_run_reports_and_real_run_removes(repo: Repository) -> None:
    keep = save(repo, "kept", os.urandom(3000))
    repo.create_branch(NB, "exp")
    repo.checkout(NB, "exp")
    gone = save(repo, "on exp", os.urandom(3000))
    repo.checkout(NB, "main")
    repo.delete_branch(NB, "exp")
    stray = repo.objects.put_bytes(b"unreferenced")
    objects_before = set(repo.objects.iter_oids())

    dry = repo.gc(dry_run=True, grace=0)
    assert dry.versions_removed == [gone]
    assert stray in dry.objects_removed
    assert len(dry.objects_removed) == 6  # stray, notebook, chunk list, 3 chunks
    assert dry.bytes_freed > 3000
    assert set(repo.objects.iter_oids()) == objects_before  # nothing touched
    assert repo.versions.has(gone)

    real = repo.gc(grace=0)
    assert real.versions_removed == [gone]
    assert real.objects_removed == dry.objects_removed
    assert real.bytes_freed == dry.bytes_freed
    assert not repo.versions.has(gone)
    assert not repo.objects.has(stray)
    assert repo.fsck().ok
    m = repo.get(keep)
    assert repo.objects.get_buffer(m.variables["x"]["oid"])
    assert repo.search(text="on exp") == []


def test_grace_period_protects_fresh_files(repo: Repository) -> None:
    save(repo, "v", os.urandom(100))
    stray = repo.objects.put_bytes(b"being written by a concurrent save")
    assert stray not in repo.gc(dry_run=True).objects_removed  # default grace: 1h
    later = time.time() + 2 * 3600
    assert stray in repo.gc(dry_run=True, now=later).objects_removed


def test_reused_object_is_freshened(repo: Repository) -> None:
    stray = repo.objects.put_bytes(b"old")
    old = time.time() - 7200
    os.utime(repo.objects.path(stray), (old, old))
    repo.objects.put_bytes(b"old")  # a new save reuses it: it must not be swept now
    assert stray not in repo.gc(dry_run=True).objects_removed


def test_keep_last_drops_old_history_but_not_tags(tmp_path: Path) -> None:
    Repository.init(tmp_path).close()
    repo = configure(tmp_path, keep_last=2, keep_newer_than="", keep_tagged=True)
    ids = [save(repo, f"v{i}", os.urandom(2000)) for i in range(5)]
    repo.create_tag(NB, "first", ids[0])
    report = repo.gc(grace=0)
    assert sorted(report.versions_removed) == sorted(ids[1:3])
    assert [m.id for m in repo.log(NB)] == ids[:2:-1]  # history stops at the pruned part
    assert repo.get(ids[0]).message == "v0"
    assert repo.fsck().ok  # missing parents were pruned on purpose
    repo.close()


def test_keep_tagged_false_removes_tag_too(tmp_path: Path) -> None:
    Repository.init(tmp_path).close()
    repo = configure(tmp_path, keep_last=1, keep_newer_than="", keep_tagged=False)
    ids = [save(repo, f"v{i}", os.urandom(500)) for i in range(3)]
    repo.create_tag(NB, "old", ids[0])
    report = repo.gc(grace=0)
    assert report.tags_removed == [f"{NB}/old"]
    assert repo.tags(NB) == {}
    repo.close()


def test_keep_newer_than_keeps_recent_history(tmp_path: Path) -> None:
    Repository.init(tmp_path).close()
    repo = configure(tmp_path, keep_last=1, keep_newer_than="1d")
    for i in range(3):
        save(repo, f"v{i}", os.urandom(500))
    assert repo.gc(grace=0).versions_removed == []
    assert len(repo.gc(grace=0, now=time.time() + 3 * 86400).versions_removed) == 2
    repo.close()


def test_max_store_size_drops_oldest_unprotected(tmp_path: Path) -> None:
    Repository.init(tmp_path).close()
    repo = configure(tmp_path, keep_last=0, keep_newer_than="", max_store_size="40KiB")
    ids = [save(repo, f"v{i}", os.urandom(10_000)) for i in range(6)]
    report = repo.gc(grace=0)
    removed = set(report.versions_removed)
    assert removed
    assert ids[-1] not in removed
    kept = [i for i in ids if i not in removed]
    assert kept == ids[len(removed) :]  # the oldest went first
    total = sum(repo.objects.object_size(o) for o in repo.objects.iter_oids())
    assert total <= 40 * 1024
    repo.close()


def test_objects_of_a_damaged_manifest_are_kept(repo: Repository) -> None:
    vid = save(repo, "v", os.urandom(3000))
    oids = set(repo.objects.iter_oids())
    path = repo.versions.path(vid)
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes().replace(b'"message":"v"', b'"message":"w"'))
    report = repo.gc(grace=0)
    assert report.objects_removed == []
    assert set(repo.objects.iter_oids()) == oids
    assert repo.versions.has(vid)


def test_progress_covers_reading_and_sweeping(repo: Repository) -> None:
    """gc reports reading every manifest, then each removal, ending at the totals."""
    from nbversion.store.progress import ProgressEvent

    save(repo, "kept", os.urandom(3000))
    repo.objects.put_bytes(b"unreferenced")
    events: list[ProgressEvent] = []
    report = repo.gc(grace=0, progress=events.append)
    last = {e.phase: e for e in events}
    assert last["reading versions"].done == last["reading versions"].total == 1
    assert last["removing objects"].done == last["removing objects"].total
    assert last["removing objects"].total == len(report.objects_removed) == 1
