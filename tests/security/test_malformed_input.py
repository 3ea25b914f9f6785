"""Smaller hostile or odd inputs: each gets one clear sentence, never a traceback.

A store nobody may write (a read-only share), an ``index.sqlite`` that is a directory,
request paths longer than the file system allows, a version of another notebook restored
into this one, and a name that looks like a version id.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from nbversion.cli import main
from nbversion.errors import InvalidInput
from nbversion.store import Repository
from nbversion.store.refs import check_ref_name

from ..server.conftest import Fetch, api
from .forge import notebook


def _project(root: Path) -> tuple[Repository, str]:
    repo = Repository.init(root)
    nid = str(uuid.uuid4())
    nb = notebook({"metadata": {"nbversion": {"notebook_id": nid}}})
    (root / "analysis.ipynb").write_text(__import__("json").dumps(nb))
    raw = (root / "analysis.ipynb").read_bytes()
    for i in range(2):
        repo.save(nid, "analysis.ipynb", repo.objects.put_bytes(raw + b" " * i), f"v{i}")
    return repo, nid


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder every user may read (pytest's own temp folders are private to root)."""
    base = Path(tempfile.mkdtemp(prefix="nbv-ro-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to read the store as another user")
def test_read_commands_work_on_a_store_nobody_may_write(shared_dir: Path) -> None:
    repo, nid = _project(shared_dir / "project")
    head = repo.resolve("HEAD", nid)
    repo.close()
    (repo.store_dir / "index.sqlite").unlink()  # listing must not need to create it
    for path in [shared_dir, *shared_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o444)
    env = {**os.environ, "HOME": str(shared_dir), "NBVERSION_SECRET_FILE": "/nonexistent/s"}
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    cli = [sys.executable, "-m", "nbversion"]
    root = ["--root", str(shared_dir / "project")]
    for args in (["log", "analysis.ipynb"], ["show", head], ["diff", "HEAD~1", "HEAD",
                 "analysis.ipynb"], ["fsck"]):  # fmt: skip
        res = subprocess.run([*as_nobody, *cli, *args, *root], capture_output=True, text=True,
                             env=env, cwd=shared_dir, timeout=120)  # fmt: skip
        assert "Traceback" not in res.stderr, (args, res.stderr)
        assert res.returncode == 0, (args, res.stderr)


def test_index_that_is_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = _project(tmp_path / "p")
    repo.close()
    index = repo.store_dir / "index.sqlite"
    index.unlink()
    index.mkdir()
    assert main(["log", "analysis.ipynb", "--root", str(tmp_path / "p")]) == 0
    out = capsys.readouterr()
    assert "v1" in out.out
    assert "Traceback" not in out.err


@pytest.mark.parametrize("name", ["deadbeef", "DEADBEEF", "0123", "a" * 64])
def test_names_that_look_like_a_version_id_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput, match="look like a version id"):
        check_ref_name(name)


def test_cli_branch_named_like_an_id_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _ = _project(tmp_path / "p")
    repo.close()
    code = main(["branch", "analysis.ipynb", "cafe", "--root", str(tmp_path / "p")])
    out = capsys.readouterr()
    assert code != 0
    assert "look like a version id" in out.err
    assert "Traceback" not in out.err


LONG = "a/" + "x" * 300 + ".ipynb"
DEEP = "/".join(["d"] * 600) + "/n.ipynb"


@pytest.mark.parametrize("with_store", [False, True])
@pytest.mark.parametrize("path", [LONG, DEEP])
async def test_paths_over_the_os_limit_are_a_4xx(
    jp_fetch: Fetch, jp_root_dir: Path, path: str, with_store: bool
) -> None:
    from tornado.httpclient import HTTPClientError

    if with_store:
        _project(jp_root_dir)[0].close()

    calls = [
        ("versions", "GET", None, {"path": path}),
        ("refs", "GET", None, {"path": path}),
        ("storage", "GET", None, {"path": path}),
        ("git", "GET", None, {"path": path}),
        ("status", "GET", None, {"path": path}),
        ("versions", "POST", {"path": path, "message": "m"}, {}),
        ("refs/checkout", "POST", {"path": path, "branch": "b"}, {}),
        ("refs/branch", "POST", {"path": path, "name": "b", "ref": "HEAD"}, {}),
        ("versions/HEAD/restore", "POST", {"path": path}, {}),
        ("diff", "GET", None, {"a": "HEAD", "b": "HEAD", "path": path}),
    ]
    for route, method, body, params in calls:
        try:
            resp, _ = await api(jp_fetch, *route.split("/"), method=method, body=body, **params)
            code = resp.code
        except HTTPClientError as err:
            code = err.code
        assert 400 <= code < 500, (route, method, code)
