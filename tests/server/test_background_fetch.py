"""The background fetch: with nobody pressing Pull, a teammate's push shows in the counts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from .conftest import Fetch, api
from .test_remotes_api import _add
from .test_sharing_api import _job, _teammate_saves
from .test_versions_api import save


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    """A server that fetches its remotes twice a second."""
    return {**jp_server_config, "NbVersionApp": {"fetch_interval": 0.5}}


async def test_background_fetch_keeps_the_counts_live(
    jp_fetch: Fetch, jp_serverapp: Any, notebook: str, tmp_path: Path
) -> None:
    # what a real server does once its event loop runs (pytest-jupyter's does not)
    await jp_serverapp.extension_manager.start_all_extensions()
    await save(jp_fetch, notebook, "one")
    url = tmp_path / "team"
    await _add(jp_fetch, name="origin", url=str(url))
    await _add(jp_fetch, name="empty", url=str(tmp_path / "never-pushed"))
    await _add(jp_fetch, name="broken", url=str(tmp_path / "no-such-repo.git"), kind="git")
    assert (await _job(jp_fetch, "remotes", "origin", "push", body={"path": notebook}))[
        "state"
    ] == "done"
    _, listed = await api(jp_fetch, "remotes", path=notebook)
    versions_before = listed["fetch"]["versions"]
    _teammate_saves(url, tmp_path / "bea", notebook, "from bea")
    for _ in range(100):  # nobody presses Pull: the next background round brings it
        await asyncio.sleep(0.1)
        _, listed = await api(jp_fetch, "remotes", path=notebook)
        origin = next(r for r in listed["remotes"] if r["name"] == "origin")
        if origin["behind"] == 1:
            break
    assert (origin["ahead"], origin["behind"]) == (0, 1)
    fetch = listed["fetch"]
    assert fetch["interval"] == 0.5
    assert fetch["versions"] == versions_before + 1
    assert fetch["last"] is not None
    assert fetch["next"] is not None
    # a remote nobody pushed to yet is no failure; one that cannot be reached is
    assert set(fetch["errors"]) == {"broken"}
    assert "git ls-remote failed" in fetch["errors"]["broken"]
