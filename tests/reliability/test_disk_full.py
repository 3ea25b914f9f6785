"""Saving into a full filesystem: a clear error, no partial version, earlier versions intact.

The store lives on a 20 MB filesystem: a tmpfs mount when we may mount (root), else a
loop-mounted ext4 image, else a child process under ``RLIMIT_FSIZE`` (files larger than
the limit fail with EFBIG, which nbversion reports like a full disk). Which one was used
is recorded in the figures.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from nbversion.errors import NbVersionError, StoreError
from nbversion.store import Repository
from nbversion.store.refs import HEADS

from .conftest import (
    PYTHON,
    assert_fsck_clean,
    assert_versions_intact,
    child_env,
    cli,
    notebook_id,
    notebook_json,
    record,
    start_kernel,
)

SIZE_MB = 20


def _mount(target: Path, image: Path) -> str | None:
    """Mount a SIZE_MB filesystem on ``target``; returns how, or None if not permitted."""
    target.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0 and shutil.which("mount"):
        cmd = ["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(target)]
        if subprocess.run(cmd, capture_output=True).returncode == 0:
            return "tmpfs"
        if shutil.which("mkfs.ext4"):
            subprocess.run(["truncate", "-s", f"{SIZE_MB}M", str(image)], check=True)
            subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True, check=True)
            res = subprocess.run(["mount", "-o", "loop", str(image), str(target)],
                                 capture_output=True)  # fmt: skip
            if res.returncode == 0:
                return "loop-ext4"
    return None


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """(directory, how) of a size-limited filesystem; unmounted at teardown."""
    target = tmp_path / "small"
    how = _mount(target, tmp_path / "small.img")
    try:
        yield target, how or "rlimit-fsize"
    finally:
        if how is not None:
            subprocess.run(["umount", "-l", str(target)], check=False)


def _fill(root: Path, leave: int) -> None:
    """Write a ballast file so that only ``leave`` bytes stay free."""
    st = os.statvfs(root)
    free = st.f_bavail * st.f_frsize
    with open(root / "ballast.bin", "wb") as f:
        f.write(b"\0" * max(0, free - leave))


def _state(root: Path, nid: str) -> tuple[set[str], str | None, list[str]]:
    with Repository.open(root) as repo:
        return (set(repo.versions.ids()), repo.refs.get(nid, HEADS, "main"),
                sorted(p.name for p in repo.tmp_dir.iterdir()))  # fmt: skip


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text, text
    assert "no space left" in text.lower(), text


def test_save_into_a_full_disk(small_fs: tuple[Path, str], tmp_path: Path) -> None:
    root, how = small_fs
    if how == "rlimit-fsize":
        _rlimit_variant(tmp_path / "rl")
        record("disk-full", filesystem=how, size_mb=SIZE_MB, cases=1, result="pass")
        return
    Repository.init(root).close()
    nb = root / "analysis.ipynb"
    nb.write_text(notebook_json("x = 1"))
    nid = notebook_id(nb)
    assert cli(root, "save", "analysis.ipynb", "-m", "small").returncode == 0
    before = _state(root, nid)
    cases = 0

    # 1. the CLI: a 12 MB notebook whose copy does not fit in the 2 MB left
    nb.write_text(notebook_json("x = 2", nid, blob=12 << 20))
    _fill(root, leave=2 << 20)
    res = cli(root, "save", "analysis.ipynb", "-m", "too big")
    assert res.returncode == 1
    _no_traceback(res.stderr)
    assert res.stderr.startswith("nbversion: error: ")
    assert _state(root, nid) == before  # no manifest, ref unchanged, no temp file
    nb.write_text(notebook_json("x = 3", nid))
    cases += 1

    # 2. the Python API: a 30 MB buffer (chunks written before the disk filled up are
    #    orphans that gc removes)
    with Repository.open(root) as repo:
        with pytest.raises(StoreError, match="no space left") as info:
            repo.objects.put_buffer(np.random.default_rng(0).random(30 << 17), chunk_size=1 << 20)
        assert isinstance(info.value, NbVersionError)
    assert _state(root, nid) == before
    cases += 1

    # 3. the kernel: %version save of a 30 MB array fails the cell with one clear line
    k = start_kernel(root, nb, tmp_path / "secret")
    try:
        k.check("import numpy as np; big = np.random.default_rng(1).random(30 << 17)")
        status, out, err = k.run("%version save -m 'kernel too big'")
        assert status == "error", out
        assert "%version save failed: no space left" in out + err, (out, err)
        assert "Traceback (most recent call last)" not in err + out
        assert _state(root, nid) == before
        cases += 1
        # after freeing space (dropping the big variable) saving works again
        k.check("del big")
        k.check("%version save -m 'fits again'")
    finally:
        k.close()

    assert assert_versions_intact(root, before[0]) >= 1
    assert_fsck_clean(root)
    res = cli(root, "gc", "--grace", "0s", "--json")
    assert res.returncode == 0, res.stderr
    with Repository.open(root) as repo:
        assert not list(repo.tmp_dir.iterdir())
        log = [m.message for m in repo.log(nid)]
        assert log[:2] == ["fits again", "small"] or log[0] == "fits again"
        assert before[1] in {m.id for m in repo.log(nid)}
    assert_fsck_clean(root)
    record("disk-full", filesystem=how, size_mb=SIZE_MB, cases=cases, result="pass")


def _rlimit_variant(root: Path) -> None:
    """No mount permitted: the CLI in a child whose files may not exceed 4 MB."""
    Repository.init(root).close()
    nb = root / "analysis.ipynb"
    nb.write_text(notebook_json("x = 1"))
    nid = notebook_id(nb)
    assert cli(root, "save", "analysis.ipynb", "-m", "small").returncode == 0
    before = _state(root, nid)
    nb.write_text(notebook_json("x = 2", nid, blob=30 << 20))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 20, 4 << 20))

    res = subprocess.run(
        [PYTHON, "-m", "nbversion", "save", "analysis.ipynb", "-m", "big", "--root", str(root)],
        capture_output=True, text=True, env=child_env(), preexec_fn=limit,
    )  # fmt: skip
    assert res.returncode == 1
    _no_traceback(res.stderr)
    assert _state(root, nid) == before
    assert_fsck_clean(root)
