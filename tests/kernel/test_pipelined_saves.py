"""Pipelined background saves: the kernel does not wait for the previous save.

A new child waits for the earlier ones itself. Every requested auto-save must still become
its own version, holding the state after its own cell, on a linear parent chain in cell
order; a child that dies makes the next save a full pass, and nothing is lost.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest

from nbversion.store import Repository

from .conftest import Kernel, head_manifest
from .test_performance_paths import SESSION, records, silent


@pytest.fixture
def kernel_env(tmp_path: Path) -> dict[str, str]:
    """Pipelining up to 8 saves (the default, 1, merges saves instead: test_coalesced_saves)."""
    secret = tmp_path / "secret" / "nbversion-secret"
    return {**os.environ, "NBVERSION_SECRET_FILE": str(secret), "NBVERSION_BACKGROUND_DEPTH": "8"}


#: A small state, and (below) a gate that holds the first save until the test opens it.
SLOW = "import os, time\nbig = [{'i': i, 's': str(i)} for i in range(1000)]\nlst = []\nn = 0"


def gate_code(flag: Path) -> str:
    """A class whose pickling waits (at most a minute) until ``flag`` exists."""
    return (
        "class Gate:\n"
        "    def __reduce__(self):\n"
        "        for _ in range(600):\n"
        f"            if os.path.exists({str(flag)!r}):\n"
        "                break\n"
        "            time.sleep(0.1)\n"
        "        return (Gate, ())"
    )


def wait_saves(k: Kernel) -> str:
    """Wait for the background saves in a silent execute; what they printed to stderr."""
    msg_id = k.kc.execute(f"{SESSION}.wait_background()", silent=True)
    err = ""
    while True:
        msg = k.kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            err += msg["content"]["text"]
        elif msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return err


def _comparable(m: dict[str, Any], project: Path) -> dict[str, Any]:
    """Variable records; notebook-defined classes included: the kernel gives them their
    cloudpickle tracker id before forking, so every save pickles them the same."""
    return records(m, project)


def _auto_versions(project: Path) -> list[dict[str, Any]]:
    """Auto-saved versions of the notebook, oldest first, with their ids."""
    with Repository.open(project) as repo:
        nid = repo.index.notebook_ids_for_path("analysis.ipynb")[0]
        out = []
        for m in reversed(repo.log(nid, limit=None)):
            if m.message.startswith("auto: after cell"):
                out.append({"id": m.id, "parents": list(m.parents), "message": m.message})
        return out


def test_pipelined_saves_keep_every_version_in_order(nbk: Kernel, project: Path) -> None:
    flag = project / "gate-open"
    nbk.check(SLOW)
    nbk.check(gate_code(flag))
    nbk.check("%version autosave on")
    nbk.check("gate = Gate()\nbig[0]['i'] = 1\nlst.append(1)\nn = 1")  # its save waits
    for k in range(2, 6):
        nbk.check(f"big[0]['i'] = {k}\nlst.append({k})\nn = {k}")
    # the kernel went on without waiting: all five saves are still in flight
    assert silent(nbk, f"len({SESSION}._jobs)") >= 5
    flag.touch()
    assert wait_saves(nbk) == ""
    versions = _auto_versions(project)
    chain = versions[-5:]
    for prev, cur in itertools.pairwise(chain):
        assert cur["parents"] == [prev["id"]]
    last = head_manifest(project)
    assert silent(nbk, f"{SESSION}.save_log[-1]['encoded']") == ["big", "lst", "n"]
    nbk.check("%version autosave off")
    nbk.check("%version save --verify -m verify")
    assert _comparable(last, project) == _comparable(head_manifest(project), project)
    # each version holds the state after its own cell
    for k, v in enumerate(chain, start=1):
        nbk.check(f"%version restore {v['id']}")
        assert silent(nbk, "[n, lst, big[0]['i']]") == [k, list(range(1, k + 1)), k]


def test_a_dead_child_makes_the_next_save_a_full_pass(nbk: Kernel, project: Path) -> None:
    flag, gate_open = project / "bomb-fired", project / "gate-open"
    nbk.check(SLOW)
    nbk.check(gate_code(gate_open))
    nbk.check(
        "class Bomb:\n"
        "    def __reduce__(self):\n"
        f"        if not os.path.exists({str(flag)!r}):\n"
        f"            open({str(flag)!r}, 'w').close()\n"
        "            os._exit(3)\n"
        "        return (Bomb, ())"
    )
    nbk.check("%version autosave on")
    nbk.check("gate = Gate()\nbig[0]['i'] = 1\nn = 1")  # its save waits for the gate
    nbk.check("bomb = Bomb()\nn = 2")  # this save is queued, then dies half-way
    nbk.check("lst.append(3)\nn = 3")  # queued behind the one that dies
    assert silent(nbk, f"len({SESSION}._jobs)") >= 3
    gate_open.touch()
    assert "background auto-save failed" in wait_saves(nbk)
    assert flag.exists()
    last = head_manifest(project)
    assert str(last["message"]).startswith("auto: after cell")
    # the save after the dead one was a full pass: it encoded every variable
    assert set(silent(nbk, f"{SESSION}.save_log[-1]['encoded']")) >= {"big", "lst", "n", "bomb"}
    nbk.check("%version autosave off")
    nbk.check("%version save --verify -m verify")
    assert _comparable(last, project) == _comparable(head_manifest(project), project)
    nbk.check(f"%version restore {_auto_versions(project)[-1]['id']}")
    assert silent(nbk, "[n, lst, big[0]['i'], type(bomb).__name__]") == [3, [3], 1, "Bomb"]
