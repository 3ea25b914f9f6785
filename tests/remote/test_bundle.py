"""Bundles: export/import round trip, and hostile bundles refused with clear errors."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest

from nbversion import remote, trust
from nbversion.capture import UntrustedPickle
from nbversion.cli import main
from nbversion.errors import CorruptObject
from nbversion.store import Repository, hash_bytes
from nbversion.store.refs import HEADS, TAGS

from .conftest import Point, load_state

HEADER = json.dumps({"format": 1, "versions": [], "refs": []}).encode()


def _tar(path: Path, members: list[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as tar:  # type: ignore[call-overload]
        for m in members:
            if isinstance(m, tarfile.TarInfo):
                tar.addfile(m)
            else:
                info = tarfile.TarInfo(m[0])
                info.size = len(m[1])
                tar.addfile(info, io.BytesIO(m[1]))
    return path


def test_export_import_round_trip(project: Repository, tmp_path: Path) -> None:
    nb = project.refs.notebooks()[0]
    head = project.refs.get(nb, HEADS, "main")
    assert head is not None
    out = tmp_path / "run.nbv"
    assert main(["export", "HEAD", nb, "-o", str(out), "--root", str(project.root)]) == 0
    other = Repository.init(tmp_path / "bob")
    res = remote.import_bundle(other, out)
    assert res.versions == [head]
    assert other.refs.get(nb, TAGS, f"imported/{head[:12]}") == head
    theirs = load_state(other, head)
    assert np.array_equal(theirs["arr"], load_state(project, head)["arr"])
    assert other.fsck().ok  # the absent parent is recorded, not reported
    with pytest.raises(UntrustedPickle):
        load_state(other, head, allow_untrusted=trust.is_trusted(other.store_dir, head))
    assert main(["trust", f"imported/{head[:12]}", nb, "--root", str(other.root)]) == 0
    assert load_state(other, head, allow_untrusted=trust.is_trusted(other.store_dir, head))[
        "p"
    ] == Point(3, 4)
    again = remote.import_bundle(other, out)  # idempotent
    assert again.objects_added == 0

    hist = tmp_path / "hist.nbv"
    info = remote.export_bundle(project, [head], hist, history=True)
    assert info["versions"] == 2
    third = Repository.init(tmp_path / "carol")
    assert len(remote.import_bundle(third, hist).versions) == 2
    assert third.fsck().ok
    for r in (other, third):
        r.close()


def test_tampered_object_is_refused(project: Repository, tmp_path: Path) -> None:
    nb = project.refs.notebooks()[0]
    out = tmp_path / "run.nbv"
    remote.export_bundle(project, [project.resolve("HEAD", nb)], out)
    with tarfile.open(out) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]
    name, data = next((n, d) for n, d in members if n.startswith("objects/") and d[0] == 0)
    members[members.index((name, data))] = (name, data[:-1] + bytes([data[-1] ^ 1]))
    bad = _tar(tmp_path / "bad.nbv", list(members))
    other = Repository.init(tmp_path / "bob")
    with pytest.raises(CorruptObject, match=name.split("/")[1]):
        remote.import_bundle(other, bad)
    assert not list(other.versions.ids())
    other.close()


def _link(name: str, target: str, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (("/etc/evil", b"x"), "absolute path"),
        (("objects/../../evil", b"x"), "escapes with '..'"),
        (_link("objects/" + "a" * 64, "/etc/passwd", tarfile.SYMTYPE), "is a link"),
        (_link("objects/" + "b" * 64, "/etc/passwd", tarfile.LNKTYPE), "is a link"),
        (_link("dev", "", tarfile.CHRTYPE), "device"),
        (("notes.txt", b"x"), "unexpected bundle member"),
    ],
)
def test_hostile_members_are_refused(
    repo_b: Repository, tmp_path: Path, member: tarfile.TarInfo | tuple[str, bytes], message: str
) -> None:
    bad = _tar(tmp_path / "bad.nbv", [("NBVERSION-BUNDLE", HEADER), member])
    with pytest.raises(remote.BundleError, match=message):
        remote.import_bundle(repo_b, bad)
    assert not (tmp_path / "evil").exists()


def test_decompression_bomb_and_member_limits(repo_b: Repository, tmp_path: Path) -> None:
    zeros = bytes(64 << 20)  # 64 MiB of zeros gzip to ~64 KiB
    bomb = _tar(
        tmp_path / "bomb.nbv",
        [("NBVERSION-BUNDLE", HEADER), ("objects/" + "c" * 64, zeros)],
        "w:gz",
    )
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(remote.BundleError, match="decompression bomb"):
        remote.import_bundle(repo_b, bomb)
    many = _tar(
        tmp_path / "many.nbv",
        [("NBVERSION-BUNDLE", HEADER)]
        + [(f"objects/{hash_bytes(b'%d' % i)}", b"\0%d" % i) for i in range(20)],
    )
    with pytest.raises(remote.BundleError, match="more than 10 members"):
        remote.import_bundle(repo_b, many, remote.Limits(max_members=10))
    with pytest.raises(remote.BundleError, match="holds more than 50 bytes"):
        remote.import_bundle(repo_b, many, remote.Limits(max_total_bytes=50))
    assert len(remote.import_bundle(repo_b, many).versions) == 0  # within limits: accepted
    junk = tmp_path / "junk.nbv"
    junk.write_bytes(b"not a tar at all" * 100)
    with pytest.raises(remote.BundleError, match="not an nbversion bundle"):
        remote.import_bundle(repo_b, junk)


@pytest.fixture
def repo_b(tmp_path: Path) -> Repository:
    r = Repository.init(tmp_path / "b")
    yield r
    r.close()
