"""fsck: finds corrupt/missing objects, bad manifests and refs; --repair drops corrupt objects."""

from __future__ import annotations

import os

from nbversion.store import Repository

from .conftest import notebook_bytes, variable
from .test_objects import flip_byte

NB = "nb-1"


def _save(repo: Repository) -> tuple[str, str, str]:
    nb = repo.objects.put_bytes(notebook_bytes())
    buf = repo.objects.put_buffer(os.urandom(5000), chunk_size=2048)
    vid = repo.save(NB, "a.ipynb", nb, "m", variables={"arr": variable(buf, 5000)}).id
    return vid, nb, buf


def test_clean_store_is_ok(repo: Repository) -> None:
    _save(repo)
    report = repo.fsck()
    assert report.ok
    assert report.objects_checked == 5
    assert report.versions_checked == 1
    assert report.refs_checked == 1


def test_flipped_byte_found_and_repaired(repo: Repository) -> None:
    vid, _, buf = _save(repo)
    chunk = repo.objects.referenced_oids(buf)[1]
    flip_byte(repo.objects.path(chunk), offset=100)
    report = repo.fsck()
    assert not report.ok
    kinds = {(p.kind, p.object) for p in report.problems}
    assert ("corrupt-object", chunk) in kinds
    detail = " ".join(p.detail for p in report.problems)
    assert vid in detail
    assert "variable arr" in detail
    assert report.lost == {vid: ["variable arr"]}

    repaired = repo.fsck(repair=True)
    assert repaired.removed_objects == [chunk]
    assert not repo.objects.has(chunk)
    after = repo.fsck()
    assert [p.kind for p in after.problems] == ["missing-object"]
    assert after.lost == {vid: ["variable arr"]}


def test_bad_manifest_and_dangling_ref(repo: Repository) -> None:
    vid, _, _ = _save(repo)
    path = repo.versions.path(vid)
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes().replace(b'"m"', b'"M"'))
    report = repo.fsck()
    kinds = sorted(p.kind for p in report.problems)
    assert kinds == ["bad-manifest", "bad-ref"]
    assert all(p.version == vid for p in report.problems)


def test_missing_notebook_object_and_parent(repo: Repository) -> None:
    first, nb, _ = _save(repo)
    second = repo.save(NB, "a.ipynb", nb, "m2").id
    repo.versions.delete(first)
    repo.objects.delete(nb)
    report = repo.fsck()
    kinds = {(p.kind, p.version) for p in report.problems}
    assert ("missing-parent", second) in kinds
    assert ("missing-object", second) in kinds
    assert report.lost[second] == ["notebook"]


def test_progress_reports_every_phase_to_its_end(repo: Repository) -> None:
    """A store-wide check says where it is: each phase ends with done == total."""
    from nbversion.store.progress import ProgressEvent

    _save(repo)
    events: list[ProgressEvent] = []
    report = repo.fsck(progress=events.append)
    last = {e.phase: e for e in events}
    assert list(last) == ["objects", "versions", "refs"]
    assert (last["objects"].done, last["objects"].total) == (report.objects_checked,) * 2
    assert (last["versions"].done, last["versions"].total) == (1, 1)
    assert (last["refs"].done, last["refs"].total) == (1, 1)
