"""Auto-saves that back up are merged: a cell never waits for a running save.

The first save is held back (a value whose pickling waits for a file) while more cells
run. None of them may wait for it (they would hang until the gate opens); their saves
are merged into one version that starts by itself once the held one ends, says which
cells it covers, and holds the state after the last of them.
"""

from __future__ import annotations

import time
from pathlib import Path

from nbversion.store import Repository

from .conftest import Kernel, head_manifest
from .test_performance_paths import SESSION, records, silent
from .test_pipelined_saves import SLOW, gate_code


def _auto(project: Path) -> list[dict[str, object]]:
    with Repository.open(project) as repo:
        nid = repo.index.notebook_ids_for_path("analysis.ipynb")[0]
        return [
            {"id": m.id, "parents": list(m.parents), "message": m.message}
            for m in reversed(repo.log(nid, limit=None))
            if m.message.startswith("auto:")
        ]


def test_backed_up_saves_merge_into_one_marked_version(nbk: Kernel, project: Path) -> None:
    flag = project / "gate-open"
    nbk.check(SLOW)
    nbk.check(gate_code(flag))
    nbk.check("%version autosave on")
    silent(nbk, f"{SESSION}.wait_background()")
    before = len(_auto(project))
    nbk.check("gate = Gate()\nn = 1")  # its save waits for the gate
    counts = []
    for k in range(2, 6):  # would hang here if a cell waited for the held save
        started = time.perf_counter()
        nbk.check(f"big[0]['i'] = {k}\nlst.append({k})\nn = {k}")
        assert time.perf_counter() - started < 10
        counts.append(silent(nbk, "get_ipython().execution_count - 1"))
    assert silent(nbk, f"len({SESSION}._jobs)") == 1  # nothing queued behind it
    assert silent(nbk, f"{SESSION}.coalesce.cells") == counts
    flag.touch()
    deadline = time.monotonic() + 60
    while len(_auto(project)) < before + 2 and time.monotonic() < deadline:  # starts by itself
        time.sleep(0.2)
        silent(nbk, "1")  # (a silent execute: no cell hooks, so no save of its own)
    silent(nbk, f"{SESSION}.wait_background()")
    versions = _auto(project)[before:]
    assert len(versions) == 2, versions
    first, merged = versions
    assert merged["message"] == f"auto: after cells [{counts[0]}]-[{counts[-1]}]"
    assert merged["parents"] == [first["id"]]
    assert silent(nbk, f"{SESSION}.coalesce.cells") == []
    last = head_manifest(project)
    nbk.check("%version autosave off")
    nbk.check("%version save --verify -m verify")
    assert records(last, project) == records(head_manifest(project), project)
    nbk.check(f"%version restore {merged['id']}")
    assert silent(nbk, "[n, lst, big[0]['i']]") == [5, [2, 3, 4, 5], 5]


def test_a_save_drops_the_deferred_cells_it_covers(nbk: Kernel, project: Path) -> None:
    flag = project / "gate-open"
    nbk.check(SLOW)
    nbk.check(gate_code(flag))
    nbk.check("%version autosave on")
    silent(nbk, f"{SESSION}.wait_background()")
    before = len(_auto(project))
    nbk.check("gate = Gate()\nn = 1")
    nbk.check("n = 2")
    deferred = silent(nbk, f"{SESSION}.coalesce.cells")
    assert len(deferred) == 1
    # open the gate inside the saving cell: the save waits for the held one, then holds n = 2
    nbk.check(f"open({str(flag)!r}, 'w').close()\n%version save -m explicit")
    assert silent(nbk, f"{SESSION}.coalesce.cells") == []
    nbk.check("%version autosave off")
    time.sleep(0.5)  # a queued kick finds nothing to do
    silent(nbk, f"{SESSION}.wait_background()")
    # the held save's version, and the saving cell's own auto-save: none for the deferred cell
    messages = [str(v["message"]) for v in _auto(project)[before:]]
    assert len(messages) == 2, messages
    assert all(m.startswith("auto: after cell [") for m in messages), messages
    assert f"auto: after cell [{deferred[0]}]" not in messages
    nbk.check("n = 3")
    nbk.check("%version restore HEAD")
    assert silent(nbk, "n") == 2
