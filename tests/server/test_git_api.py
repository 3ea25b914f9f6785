"""Git auto-commit over REST as the sidebar uses it: ``GET git``, ``PUT git``, then saves."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import Fetch, api
from .test_versions_api import save


def git(cwd: Path, *args: str) -> str:
    res = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.fixture
def git_project(jp_root_dir: Path, notebook: str) -> Path:
    """The server root as a git repository with an identity and one commit."""
    git(jp_root_dir, "init", "-q")
    for key, val in (("user.name", "Ada"), ("user.email", "ada@example.org"),
                     ("commit.gpgsign", "false")):  # fmt: skip
        git(jp_root_dir, "config", key, val)
    git(jp_root_dir, "add", notebook)
    git(jp_root_dir, "commit", "-q", "-m", "start")
    return jp_root_dir


def _commits(root: Path) -> list[str]:
    return git(root, "log", "--format=%s").splitlines()


def _edit(path: Path, text: str) -> None:
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "id": f"c{len(nb['cells'])}", "metadata": {},
                        "source": text})  # fmt: skip
    path.write_text(json.dumps(nb))


async def test_round_trip_and_each_save_commits_the_notebook(
    jp_fetch: Fetch, notebook: str, git_project: Path
) -> None:
    _, state = await api(jp_fetch, "git", path=notebook)
    assert state == {"work_tree": True, "autocommit": False, "setup": False}
    assert not (git_project / ".nbversion").exists()  # reading never creates the store

    resp, state = await api(jp_fetch, "git", method="PUT",
                            body={"path": notebook, "autocommit": True})  # fmt: skip
    assert resp.code == 200
    assert state == {"work_tree": True, "autocommit": True, "setup": True}
    assert (git_project / ".nbversion" / ".gitignore").is_file()
    assert "autocommit = true" in (git_project / ".nbversion" / "config.toml").read_text()
    _, again = await api(jp_fetch, "git", path=notebook)
    assert again == state

    _edit(git_project / notebook, "an edit since the last commit")
    vid = (await save(jp_fetch, notebook, "committed by nbversion"))["result"]["id"]
    assert _commits(git_project) == ["committed by nbversion", "start"]
    body = git(git_project, "log", "-1", "--format=%b")
    assert f"nbversion version {vid}" in body
    files = git(git_project, "show", "--name-only", "--format=", "HEAD").split()
    assert notebook in files
    assert "an edit since the last commit" in git(git_project, "show", f"HEAD:{notebook}")
    assert f".nbversion/versions/{vid}.json" in files
    assert not any(f.startswith(".nbversion/objects/") for f in files)

    _, state = await api(jp_fetch, "git", method="PUT",
                         body={"path": notebook, "autocommit": False})  # fmt: skip
    assert state == {"work_tree": True, "autocommit": False, "setup": True}
    _edit(git_project / notebook, "another edit")
    await save(jp_fetch, notebook, "not committed")
    assert _commits(git_project) == ["committed by nbversion", "start"]


async def test_turning_it_on_outside_git_is_a_conflict(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # git must not find a repository above the throwaway root either
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(jp_root_dir.parent))
    _, state = await api(jp_fetch, "git", path=notebook)
    assert state == {"work_tree": False, "autocommit": False, "setup": False}
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "git", method="PUT", body={"path": notebook, "autocommit": True})
    assert err.value.code == 409
    assert err.value.response is not None
    message = json.loads(err.value.response.body)["message"]
    assert "is not in a git repository: run git init first" in message
    assert not (jp_root_dir / ".nbversion").exists()  # a refusal creates nothing
    # turning it off is always allowed
    _, state = await api(jp_fetch, "git", method="PUT", body={"autocommit": False})
    assert state["autocommit"] is False


async def test_bad_requests(jp_fetch: Fetch, notebook: str) -> None:
    for body in ({"path": notebook}, {"path": notebook, "autocommit": "yes"}):
        with pytest.raises(HTTPClientError) as err:
            await api(jp_fetch, "git", method="PUT", body=body)
        assert err.value.code == 400
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "git", path="../outside.ipynb")
    assert err.value.code == 403
