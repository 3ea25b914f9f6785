"""Many small top-level variables: explicit ``%version save``/restore against dill, one kernel.

One fresh kernel makes N small variables through ``globals()`` (workloads.many_setup) and
then, in the same kernel and the same minute, times:

- ``dill.dump_module`` of the namespace and ``dill.load_module`` of that file (in that
  kernel, and in a fresh kernel without nbversion; the ratio uses the faster);
- nbversion's first save of those N new variables (``%version save``; an empty save
  before them pays the kernel's one-time costs);
- a save after a ``globals()`` cell (a full pass: every variable fingerprinted);
- an unchanged re-save (nothing mentioned since);
- a live restore of the first version after 100 variables were rebound, and after half of
  them were deleted.

Ratios to dill are printed and written to ``--json``. Usage::

    .venv/bin/python benchmarks/many_vars.py [--n 10000] [--n 100000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from kernels import BenchKernel  # noqa: E402
from workloads import many_setup  # noqa: E402

NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

TIMED = """
import time as _t
_t0 = _t.perf_counter()
{body}
print(_t.perf_counter() - _t0)
"""


def timed(k: BenchKernel, body: str) -> float:
    res = k.run(TIMED.format(body=body))
    if res["status"] != "ok":
        raise RuntimeError(res["error"][-3000:])
    return float(res["stdout"].strip().splitlines()[-1])


def measure(n: int, python: str, tmp: Path) -> dict[str, Any]:
    project = tmp / f"many-{n}"
    project.mkdir(parents=True)
    nb = project / "analysis.ipynb"
    nb.write_text(json.dumps(NOTEBOOK))
    env = {"NBVERSION_SECRET_FILE": str(tmp / "secret"), "OMP_NUM_THREADS": "2"}
    out: dict[str, Any] = {"n": n}
    with BenchKernel(python, project, env, extra_path=[str(HERE)]) as k:
        k.silent(f"%load_ext nbversion\n__import__('nbversion').set_notebook({str(nb)!r})")
        k.silent("import dill")
        timed(k, "%version save -m empty")  # one-time costs (imports, environment probe)
        k.run(many_setup(n))
        dump = project / "state.pkl"
        out["dill_dump_s"] = timed(k, f"dill.dump_module({str(dump)!r})")
        out["first_save_s"] = timed(k, "%version save -m first")
        out["dill_load_s"] = timed(k, f"dill.load_module({str(dump)!r})")
        k.run("globals()['zz'] = 1")
        out["full_pass_save_s"] = timed(k, "%version save -m full-pass")
        out["unchanged_save_s"] = timed(k, "%version save -m unchanged")
        log = "__import__('nbversion.kernel.api').kernel.api.session().log()"
        first = str(k.eval(f"[m.id for m in {log} if m.message == 'first'][0]"))
        k.run("for i in range(100):\n    globals()[f'l{i}'] = -i")
        out["restore_100_changed_s"] = timed(k, f"%version restore {first[:12]}")
        k.run(f"for i in range({n // 2}):\n    del globals()[f'd{{i}}']")
        out["restore_half_missing_s"] = timed(k, f"%version restore {first[:12]}")
        ok = k.eval("(d5, l7, float(a1.sum()) > 0)")
        out["restored_ok"] = ok[0]["id"] == 5 and ok[1] == [7, 14, "x7"]
    with BenchKernel(python, project, env, extra_path=[str(HERE)]) as fresh:
        fresh.silent("import dill")  # a fresh kernel without nbversion, as dill is used
        out["dill_load_fresh_s"] = timed(fresh, f"dill.load_module({str(dump)!r})")
    d, lo = out["dill_dump_s"], min(out["dill_load_s"], out["dill_load_fresh_s"])
    out["first_save_over_dill"] = out["first_save_s"] / d
    out["full_pass_over_dill"] = out["full_pass_save_s"] / d
    out["restore_over_dill_load"] = out["restore_half_missing_s"] / lo
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, action="append", help="variables (repeatable)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", default=str(HERE / "results" / "many-vars.json"))
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="nbv-many-") as tmp:
        for n in args.n or [10_000]:
            r = measure(n, args.python, Path(tmp))
            results.append(r)
            print(json.dumps(r, indent=1))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"when": time.time(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
