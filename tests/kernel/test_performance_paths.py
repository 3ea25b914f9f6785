"""The fast save paths produce the same versions as the slow ones.

Change tracking must give the same variable records as a ``--verify`` save; a background
(forked) save must write the same manifest content as a synchronous one; a variable no cell
mentions is not even fingerprinted; where forking is unsafe, saving falls back to
synchronous. Probes run as *silent* executes, which IPython hides from the cell hooks, so
they neither save versions nor count as cells for the tracker.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nbversion.store import Repository
from nbversion.store.packs import RecordReader

from .conftest import Kernel, head_manifest

SETUP = (
    "import numpy as np\n"
    "big = np.arange(2_000_000, dtype=np.float64)\n"
    "view = big[:10]\n"
    "d = {'k': [1, 2]}\n"
    "k = d['k']\n"
    "hist = []\n"
    "def log(x):\n"
    "    hist.append(x)\n"
    "items = [{'id': i} for i in range(100)]\n"
    "lookup = {it['id']: it for it in items}\n"
    "n = 1"
)
STEPS = [
    "log(3)",  # in-place mutation through a function call
    "d['k'].append(1)",  # a container mutation seen through another name
    "n = n + 1",  # rebinding
    "items[4]['id'] = -4",  # mutation seen through lookup
    "view[0] = 42.0",  # memory shared with big
    "big.sum()",  # read-only use
    "del hist",
]


def silent(k: Kernel, expr: str) -> Any:
    """Evaluate ``expr`` in a silent execute (no cell hooks, so no save and no tracking)."""
    msg_id = k.kc.execute(f"import json as _j\nprint(_j.dumps({expr}))\ndel _j", silent=True)
    out, err = "", ""
    while True:
        msg = k.kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out += msg["content"]["text"]
        elif msg["msg_type"] == "error":
            err = "\n".join(msg["content"]["traceback"])
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    assert not err, err
    return json.loads(out.strip().splitlines()[-1])


SESSION = "__import__('nbversion.kernel.api', fromlist=['_session'])._session"


def records(m: dict[str, Any], project: Path) -> dict[str, Any]:
    """Each variable's fingerprint, content (header and buffers, packed or not) and alias.

    Small values live in packs, whose oid depends on which values a save wrote together,
    so records are compared by what their slices hold (``RecordReader.content_ids``).
    """
    variables: dict[str, Any] = m["variables"]  # type: ignore[assignment]
    with Repository.open(project) as repo:
        reader = RecordReader(repo.objects)
        return {
            n: (r["fingerprint"], *reader.content_ids(r), r.get("alias_of"))
            for n, r in variables.items()
        }


def test_tracked_save_equals_verify_save(nbk: Kernel, project: Path) -> None:
    nbk.check(SETUP)
    nbk.check("%version save -m base")
    for step in STEPS:
        nbk.check(step)
        nbk.check("%version save -m tracked")
        tracked = head_manifest(project)
        encoded = silent(nbk, f"{SESSION}.save_log[-1]['encoded']")
        nbk.check("%version save --verify -m verify")
        verified = head_manifest(project)
        assert records(tracked, project) == records(verified, project), step
        assert "big" not in encoded or step in ("view[0] = 42.0", "big.sum()"), (step, encoded)
    assert "hist" not in records(head_manifest(project), project)


def test_cell_without_the_array_does_not_fingerprint_it(nbk: Kernel) -> None:
    nbk.check(SETUP)
    nbk.check("%version save -m base")
    nbk.check("n = 5")
    nbk.check("%version save -m small")
    assert silent(nbk, f"{SESSION}.save_log[-1]['encoded']") == ["n"]
    nbk.check("big.mean()")
    nbk.check("%version save -m read")
    log = silent(nbk, f"{SESSION}.save_log[-1]")
    assert log["encoded"] == ["big", "view"]  # read: fingerprinted again...
    assert log["written"] == []  # ...but equal, so nothing is stored


def test_background_save_equals_synchronous_save(nbk: Kernel, project: Path) -> None:
    nbk.check(SETUP)
    nbk.check("%version autosave on")
    for step in STEPS[:4]:
        nbk.check(step)
        silent(nbk, f"{SESSION}.wait_background()")  # else back-to-back saves are merged
    assert silent(nbk, f"{SESSION}.background_fallback") is None
    silent(nbk, f"{SESSION}.wait_background()")  # saves are pipelined: some may still run
    assert silent(nbk, f"[s['background'] for s in {SESSION}.save_log][-3:]") == [True] * 3
    background = head_manifest(project)
    assert str(background["message"]).startswith("auto: after cell")
    nbk.check("%version autosave off")
    nbk.check("%version save -m sync")
    sync = head_manifest(project)
    keys = ("variables", "data_files", "params", "metrics", "skipped", "notebook_id")
    for key in keys:
        assert background[key] == sync[key], key
    assert silent(nbk, f"{SESSION}.save_log[-1]['encoded']") == []  # nothing changed since


def test_falls_back_to_a_synchronous_save_where_fork_is_unsafe(nbk: Kernel, project: Path) -> None:
    nbk.check("import threading, time\nstop = threading.Event()")
    nbk.check("worker = threading.Thread(target=stop.wait, name='user-worker', daemon=True)")
    nbk.check("worker.start()")
    nbk.check("%version autosave on")
    assert nbk.check("x = 1").stderr == ""
    reason = silent(nbk, f"{SESSION}.background_fallback")
    assert "user-worker" in reason
    assert silent(nbk, f"{SESSION}.save_log[-1]['background']") is False
    m = head_manifest(project)
    assert "x" in records(m, project), (m["message"], sorted(records(m, project)), m["skipped"])
    nbk.check("stop.set(); worker.join()")
    nbk.check("import os\nos.environ['NBVERSION_BACKGROUND_SAVE'] = '0'")
    silent(nbk, f"{SESSION}.wait_background()")  # (a save still running merges the next)
    nbk.check("y = 2")
    assert "NBVERSION_BACKGROUND_SAVE" in silent(nbk, f"{SESSION}.background_fallback")
    assert "y" in records(head_manifest(project), project)


def test_save_after_a_restore_equals_verify_save(nbk: Kernel, project: Path) -> None:
    nbk.check(SETUP)
    nbk.check("%version save -m base")
    nbk.check("log(5)\nn = 7\nextra = [1]")
    nbk.check("%version save -m later")
    nbk.check("%version restore HEAD~1")
    nbk.check("%version save -m after-restore")
    tracked = head_manifest(project)
    encoded = silent(nbk, f"{SESSION}.save_log[-1]['encoded']")
    assert "big" not in encoded
    nbk.check("%version save --verify -m verify")
    assert records(tracked, project) == records(head_manifest(project), project)
    assert "extra" not in records(tracked, project)
