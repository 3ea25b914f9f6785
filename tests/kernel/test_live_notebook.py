"""Saves started in a cell store the notebook as open in the front end (kernel/live.py).

A real kernel; the test plays the labextension: it opens the ``nbversion.live`` comm,
answers the kernel's request with an edited model (what the editor shows, never written
to the file) through the server's hand-over (:func:`nbversion.service.live.deliver`).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from nbversion.errors import Conflict
from nbversion.kernel.live import NO_FRONT_END, TARGET
from nbversion.service.live import deliver, file_bytes
from nbversion.store import Repository

from .conftest import Kernel, head_manifest
from .test_performance_paths import SESSION, silent


def _open_comm(k: Kernel) -> str:
    """What the labextension does when it connects: open the comm to the kernel."""
    cid = uuid.uuid4().hex
    msg = k.kc.session.msg("comm_open", {"comm_id": cid, "target_name": TARGET, "data": {}})
    k.kc.shell_channel.send(msg)
    k.check("pass")  # the kernel has handled the comm_open once this ran
    return cid


def _editor_model(project: Path, typed: str) -> dict[str, Any]:
    """The file's notebook in contents-API form, first cell edited (never saved)."""
    nb = json.loads((project / "analysis.ipynb").read_text())
    for cell in nb["cells"]:
        cell["source"] = (
            "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        )
    nb["cells"][0]["source"] = typed
    nb["cells"][0]["outputs"] = (
        [{"output_type": "stream", "name": "stdout", "text": "a\nb\n"}]
        if nb["cells"][0]["cell_type"] == "code"
        else []
    )
    return nb


def _run_answering(k: Kernel, code: str, answer: Any, timeout: float = 60) -> tuple[str, list[str]]:
    """Run ``code``; answer each request of the kernel with ``answer(rid)``. Returns the
    reply status and the request ids seen."""
    msg_id = k.kc.execute(code)
    seen: list[str] = []
    while True:
        msg = k.kc.get_iopub_msg(timeout=timeout)
        kind, content = msg["msg_type"], msg["content"]
        if kind == "comm_msg" and "request" in content["data"]:
            seen.append(content["data"]["request"])
            answer(content["data"]["request"])
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and kind == "status"
            and content["execution_state"] == "idle"
        ):
            break
    reply = k.kc.get_shell_msg(timeout=timeout)
    return reply["content"]["status"], seen


def _stored_notebook(project: Path, manifest: dict[str, Any]) -> bytes:
    with Repository.open(project) as repo:
        return repo.objects.get_bytes(str(manifest["notebook"]))


def test_no_front_end_stores_the_file_and_says_so(nbk: Kernel, project: Path) -> None:
    started = time.perf_counter()
    nbk.check("%version save -m 'no front end'")
    took = time.perf_counter() - started
    m = head_manifest(project)
    env = m["environment"]
    assert isinstance(env, dict)
    assert env["notebook_source"] == "file"
    assert env["notebook_source_note"] == NO_FRONT_END
    stored = json.loads(_stored_notebook(project, m))
    assert stored["cells"] == json.loads((project / "analysis.ipynb").read_text())["cells"]
    assert took < 5, took  # nobody asked, nobody waited for


def test_cell_save_stores_the_editor_content(nbk: Kernel, project: Path) -> None:
    _open_comm(nbk)
    model = _editor_model(project, "x = 42  # typed, never saved to the file")
    on_disk = (project / "analysis.ipynb").read_bytes()

    status, seen = _run_answering(
        nbk,
        "%version save -m 'typed'",
        lambda rid: deliver(project, rid, "analysis.ipynb", model),
    )
    assert status == "ok"
    assert len(seen) == 1
    m = head_manifest(project)
    env = m["environment"]
    assert isinstance(env, dict)
    assert env["notebook_source"] == "editor"
    stored = _stored_notebook(project, m)
    # what saving the file would have written (plus the history id the file lacks)
    model["metadata"]["nbversion"] = {"notebook_id": m["notebook_id"]}
    assert stored == file_bytes(model)
    nb = json.loads(stored)
    assert "".join(nb["cells"][0]["source"]) == "x = 42  # typed, never saved to the file"
    assert (project / "analysis.ipynb").read_bytes() == on_disk  # the file is untouched
    # the hand-over files are gone
    assert not list((project / ".nbversion" / "tmp").glob("live-*"))


def test_an_answer_for_another_notebook_is_refused(nbk: Kernel, project: Path) -> None:
    _open_comm(nbk)
    other = project / "other.ipynb"
    other.write_bytes((project / "analysis.ipynb").read_bytes())
    refused: list[str] = []

    def answer(rid: str) -> None:
        with pytest.raises(Conflict):
            deliver(project, rid, "other.ipynb", _editor_model(project, "y = 1"))
        refused.append(rid)

    status, _ = _run_answering(nbk, "%version save -m 'mismatch'", answer)
    assert status == "ok"
    assert refused
    env = head_manifest(project)["environment"]
    assert isinstance(env, dict)
    assert env["notebook_source"] == "file"
    assert "other.ipynb" in env["notebook_source_note"]


def test_a_silent_front_end_costs_the_timeout_once(nbk: Kernel, project: Path) -> None:
    _open_comm(nbk)
    nbk.check("import os; os.environ['NBVERSION_LIVE_TIMEOUT'] = '1'; del os")
    started = time.perf_counter()
    status, seen = _run_answering(nbk, "%version save -m 'nobody answers'", lambda rid: None)
    first = time.perf_counter() - started
    assert status == "ok"
    assert seen
    env = head_manifest(project)["environment"]
    assert isinstance(env, dict)
    assert env["notebook_source"] == "file"
    assert "did not send its notebook within 1 s" in env["notebook_source_note"]
    assert first >= 1
    started = time.perf_counter()
    _run_answering(nbk, "%version save -m 'again'", lambda rid: None)
    assert time.perf_counter() - started < first  # after a miss it waits 0.5 s at most


def test_autosave_child_waits_for_the_editor(nbk: Kernel, project: Path) -> None:
    _open_comm(nbk)
    model = _editor_model(project, "z = 7  # typed before auto-save")
    nbk.check("%version autosave on")
    silent(nbk, f"{SESSION}.wait_background()")  # its own save done: the next one forks
    status, seen = _run_answering(
        nbk, "z = 7", lambda rid: deliver(project, rid, "analysis.ipynb", model)
    )
    assert status == "ok"
    assert seen
    nbk.check("import nbversion; nbversion.kernel.api.session().wait_background(); del nbversion")
    m = head_manifest(project)
    assert str(m["message"]).startswith("auto: after cell")
    env = m["environment"]
    assert isinstance(env, dict)
    assert env["notebook_source"] == "editor"
    assert json.loads(_stored_notebook(project, m))["cells"][0]["source"][0].startswith("z = 7")
