"""Pure front-end modules (src/*.ts without DOM) compiled by the project's tsc and run
by node, so their logic is tested on its own, as shipped."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TSC = REPO / "node_modules" / ".bin" / "tsc"
NODE = shutil.which("node")

RunTs = Callable[[str, str, list[Any]], Any]


@pytest.fixture(scope="session")
def run_ts(tmp_path_factory: pytest.TempPathFactory) -> RunTs:
    """``run_ts(module, function, args)``: call an export of ``src/<module>.ts`` with JSON
    arguments (a dict argument with a ``__map__`` key becomes a ``Map``) and return its
    JSON result."""
    if NODE is None or not TSC.exists():
        pytest.skip("needs node and the front end's node_modules (jlpm install)")
    out = tmp_path_factory.mktemp("ts")
    compiled: set[str] = set()

    def run(module: str, function: str, args: list[Any]) -> Any:
        if module not in compiled:
            config = {
                "compilerOptions": {"outDir": str(out), "module": "es2020", "target": "es2020",
                                    "strict": True, "types": [], "skipLibCheck": True},
                "files": [str(REPO / "src" / f"{module}.ts")],
            }  # fmt: skip
            (out / f"tsconfig-{module}.json").write_text(json.dumps(config))
            done = subprocess.run(
                [str(TSC), "-p", str(out / f"tsconfig-{module}.json")],
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert done.returncode == 0, done.stdout + done.stderr
            (out / f"{module}.js").rename(out / f"{module}.mjs")
            compiled.add(module)
        script = (
            f"import * as m from {json.dumps((out / f'{module}.mjs').as_uri())};\n"
            "const revive = (k, v) => v && typeof v === 'object' && v.__map__\n"
            "  ? new Map(Object.entries(v.__map__)) : v;\n"
            "const args = JSON.parse(process.argv[1], revive);\n"
            f"console.log(JSON.stringify(m[{json.dumps(function)}](...args)));\n"
        )
        assert NODE is not None
        ran = subprocess.run(
            [NODE, "--input-type=module", "-e", script, json.dumps(args)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert ran.returncode == 0, ran.stderr
        return json.loads(ran.stdout)

    return run
