"""Runs inside the benchmark kernel: installs one tool and times its hooks per cell.

Imported as a module (modules are never captured), so the probe leaves no names in the
user's namespace. Hooks are registered around the tool's own: a "start" callback before
the tool installs its hooks and an "end" callback after, for both ``pre_run_cell`` and
``post_run_cell`` (IPython runs callbacks in registration order), so the difference is
exactly the time the kernel spends blocked in the tool per cell.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

_state: dict[str, Any] = {"tool": None, "pre": 0.0, "t0": None, "records": {}, "dir": None}


def _ip() -> Any:
    from IPython import get_ipython

    return get_ipython()


def _pre_start(info: Any = None) -> None:
    _state["t0"] = time.perf_counter()


def _pre_end(info: Any = None) -> None:
    t0 = _state["t0"]
    _state["pre"] = 0.0 if t0 is None else time.perf_counter() - t0


def _post_start(result: Any = None) -> None:
    _state["t0"] = time.perf_counter()


def _post_end(result: Any = None) -> None:
    t0 = _state["t0"]
    post = 0.0 if t0 is None else time.perf_counter() - t0
    count = getattr(result, "execution_count", None)
    rec: dict[str, Any] = {"pre": _state["pre"], "post": post, "blocked": _state["pre"] + post}
    if _state["tool"] == "kishu":
        kishu = _ip().user_ns.get("_kishu")
        head = kishu._kishu_branch.get_head() if kishu is not None else None
        rec["version"] = getattr(head, "commit_id", None)
    elif _state["tool"] == "dill":
        rec["version"] = _state.get("last_dump")
    _state["records"][str(count)] = rec
    _state["pre"] = 0.0
    _state["t0"] = None


def _dill_save(result: Any = None) -> None:
    import dill

    count = getattr(result, "execution_count", 0)
    path = Path(_state["dir"]) / f"state-{count:04d}.pkl"
    dill.dump_module(str(path))
    _state["last_dump"] = str(path)


def install(tool: str, notebook: str, store_dir: str) -> None:
    """Set up ``tool`` ("none", "nbversion", "dill", "kishu") with timing around its hooks."""
    ip = _ip()
    _state.update(tool=tool, dir=store_dir)
    ip.events.register("pre_run_cell", _pre_start)
    ip.events.register("post_run_cell", _post_start)
    if tool == "nbversion":
        ip.extension_manager.load_extension("nbversion")
        from nbversion.kernel import api

        api.set_notebook(notebook)
        ip.run_line_magic("version", "autosave on")
    elif tool == "dill":
        os.makedirs(store_dir, exist_ok=True)
        ip.events.register("post_run_cell", _dill_save)
    elif tool == "kishu":
        from kishu import init_kishu

        init_kishu(notebook)
    ip.events.register("pre_run_cell", _pre_end)
    ip.events.register("post_run_cell", _post_end)


def records() -> str:
    """Per-cell timings as JSON (execution count -> pre/post/blocked seconds, version)."""
    out = dict(_state["records"])
    if _state["tool"] == "nbversion":
        from nbversion.kernel import api

        sess = api.session()
        settle(sess)
        saves = getattr(sess, "save_log", [])
        return json.dumps({"cells": out, "saves": saves})
    return json.dumps({"cells": out, "saves": []})


def settle(sess: Any) -> None:
    """Let auto-saving finish, as a user's pause would: saves in flight end, and the save
    that cells run back to back were merged into (kernel/coalesce.py) runs and ends.

    Without this the restores timed next would also wait for that merged save, which
    starts on the kernel's event loop as soon as the earlier one exits.
    """
    if not hasattr(sess, "wait_background"):
        return
    sess.wait_background()
    coalesce = getattr(sess, "coalesce", None)
    if coalesce is not None and coalesce.cells:
        sess.save_in_background()
        sess.wait_background()


def nbversion_versions() -> str:
    """Auto-saved version ids by execution count, oldest first (waits for saves)."""
    from nbversion.kernel import api

    sess = api.session()
    out: dict[str, Any] = {}
    for m in reversed(sess.log(limit=None)):
        msg = m.message
        # merged saves ("auto: after cells [5]-[8]", see kernel/coalesce.py) hold the
        # state after their last cell; the cells before it have no version of their own
        if msg.startswith(("auto: after cell [", "auto: after cells [")):
            count = msg.rsplit("[", 1)[1].rstrip("]")
            out[count] = {
                "id": m.id,
                "variables": {
                    n: {"fingerprint": r.get("fingerprint"), "size": r.get("size", 0)}
                    for n, r in m.variables.items()
                },
            }
    return json.dumps(out)


def timed_restore(tool: str, target: str) -> float:
    """Seconds to put the live kernel back into version ``target`` with ``tool``."""
    ip = _ip()
    profile = os.environ.get("NBV_BENCH_PROFILE")
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    start = time.perf_counter()
    if tool == "nbversion":
        ip.run_line_magic("version", f"restore {target}")
    elif tool == "dill":
        import dill

        dill.load_module(target)
    elif tool == "kishu":
        ip.user_ns["_kishu"].checkout(target, skip_notebook=True)
    seconds = time.perf_counter() - start
    if profile:
        prof.disable()
        prof.dump_stats(f"{profile}-{tool}-{target[-12:].replace('/', '_')}.prof")
    return seconds


def digest(names: list[str]) -> str:
    """A cheap content digest of some variables (to check a restore brought them back)."""
    import pickle

    import xxhash

    ns = _ip().user_ns
    h = xxhash.xxh3_128()
    for name in names:
        value = ns.get(name)
        try:
            import pandas as pd

            if isinstance(value, pd.DataFrame):
                h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
                continue
        except ImportError:
            pass
        if hasattr(value, "tobytes"):
            h.update(value.tobytes())
        elif hasattr(value, "state_dict"):
            for v in value.state_dict().values():
                h.update(v.numpy().tobytes())
        else:
            h.update(pickle.dumps(value))
    return h.hexdigest()
