"""Pipelined background saves: the kernel does not wait for the previous save.

A new child waits for the earlier ones itself. Every requested auto-save must still become
its own version, holding the state after its own cell, on a linear parent chain in cell
order; a child that dies makes the next save a full pass, and nothing is lost.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from nbversion.store import Repository

from .conftest import Kernel, head_manifest
from .test_performance_paths import SESSION, records, silent

#: Saving ``big`` (pickling 300,000 dicts) takes a while, so saves pile up while quick
#: cells keep running. (No notebook-defined classes here: cloudpickle gives them a new
#: tracker id in every process, so their bytes differ from one save to the next.)
SLOW = "import os\nbig = [{'i': i, 's': str(i)} for i in range(300_000)]\nlst = []\nn = 0"


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
    nbk.check(SLOW)
    nbk.check("%version autosave on")
    in_flight = []
    for k in range(1, 6):
        nbk.check(f"big[0]['i'] = {k}\nlst.append({k})\nn = {k}")
        in_flight.append(silent(nbk, f"len({SESSION}._jobs)"))
    assert max(in_flight) >= 2, in_flight  # the kernel did not wait for each save
    silent(nbk, f"{SESSION}.wait_background()")
    versions = _auto_versions(project)
    # one version per cell that ran with autosave on (the cell that turned it on included)
    assert len(versions) >= 5
    chain = versions[-5:]
    for prev, cur in itertools.pairwise(chain):
        assert cur["parents"] == [prev["id"]]
    last = head_manifest(project)
    nbk.check("%version autosave off")
    nbk.check("%version save --verify -m verify")
    assert records(last) == records(head_manifest(project))
    # each version holds the state after its own cell
    for k, v in enumerate(chain, start=1):
        nbk.check(f"%version restore {v['id']}")
        assert silent(nbk, "[n, lst, big[0]['i']]") == [k, list(range(1, k + 1)), k]


def test_a_dead_child_makes_the_next_save_a_full_pass(nbk: Kernel, project: Path) -> None:
    flag = project / "bomb-fired"
    nbk.check(SLOW)
    nbk.check(
        "class Bomb:\n"
        "    def __reduce__(self):\n"
        f"        if not os.path.exists({str(flag)!r}):\n"
        f"            open({str(flag)!r}, 'w').close()\n"
        "            os._exit(3)\n"
        "        return (Bomb, ())\n"
        "parent_pid = os.getpid()"
    )
    nbk.check("%version autosave on")
    nbk.check("big[0]['i'] = 1\nn = 1")
    nbk.check("bomb = Bomb()\nn = 2")  # this cell's save dies
    nbk.check("lst.append(3)\nn = 3")  # queued behind it
    silent(nbk, f"{SESSION}.wait_background()")
    assert flag.exists()
    messages = [v["message"] for v in _auto_versions(project)]
    last = head_manifest(project)
    assert str(last["message"]).startswith("auto: after cell")
    assert len(messages) >= 3
    nbk.check("%version autosave off")
    nbk.check("%version save --verify -m verify")
    by_cloudpickle = {"Bomb", "bomb"}  # a class's bytes differ per process (see above)
    assert {k: v for k, v in records(last).items() if k not in by_cloudpickle} == {
        k: v for k, v in records(head_manifest(project)).items() if k not in by_cloudpickle
    }
    nbk.check(f"%version restore {_auto_versions(project)[-1]['id']}")
    assert silent(nbk, "[n, lst, big[0]['i'], type(bomb).__name__]") == [3, [3], 1, "Bomb"]
