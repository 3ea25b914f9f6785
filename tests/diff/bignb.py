"""Large notebooks for diff timing tests: N cells, and a second version with some edits.

The cells look like an analysis notebook's: code of a few lines with a stream output,
some markdown, and some empty cells (duplicates, which a hash alignment must cope with).
"""

from __future__ import annotations

import json
import random
from typing import Any


def _cell(n: int, rng: random.Random) -> dict[str, Any]:
    if n % 10 == 0:
        return {"cell_type": "markdown", "id": f"c{n}", "metadata": {},
                "source": f"## Step {n}\n\nWhy step {n} matters."}  # fmt: skip
    if n % 37 == 0:
        return {"cell_type": "code", "id": f"c{n}", "metadata": {}, "execution_count": None,
                "source": "", "outputs": []}  # fmt: skip
    src = "\n".join(f"x_{n}_{k} = compute({n}, {k}, seed={rng.randrange(1000)})" for k in range(4))
    out = {"output_type": "stream", "name": "stdout", "text": f"result {n}: {rng.random():.6f}\n"}
    return {"cell_type": "code", "id": f"c{n}", "metadata": {}, "execution_count": n,
            "source": src, "outputs": [out]}  # fmt: skip


def big_notebook(cells: int, seed: int = 0) -> dict[str, Any]:
    """A notebook of ``cells`` cells (about 150 bytes each)."""
    rng = random.Random(seed)
    return {"cells": [_cell(n, rng) for n in range(cells)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}  # fmt: skip


def edited(nb: dict[str, Any], fraction: float = 0.02, seed: int = 1) -> dict[str, Any]:
    """A copy of ``nb`` with ``fraction`` of its cells edited, some removed, some inserted."""
    rng = random.Random(seed)
    cells: list[dict[str, Any]] = []
    for n, cell in enumerate(json.loads(json.dumps(nb["cells"]))):
        r = rng.random()
        if r < fraction / 4:
            continue  # removed
        if r < fraction:
            cell["source"] = cell["source"] + f"\nprint('edited {n}')"
            for out in cell.get("outputs", []):
                out["text"] = f"edited output {n}\n"
        cells.append(cell)
        if rng.random() < fraction / 4:
            cells.append({"cell_type": "code", "id": f"new{n}", "metadata": {},
                          "execution_count": None, "source": f"inserted_{n} = True",
                          "outputs": []})  # fmt: skip
    return {**nb, "cells": cells}


def as_bytes(nb: dict[str, Any]) -> bytes:
    """The notebook as stored (JSON)."""
    return json.dumps(nb).encode()
