"""Child process for concurrency and crash tests: saves versions in a loop.

Usage: python _writer.py ROOT NOTEBOOK_ID COUNT SEED [--ready]
Each save stores a notebook object and a 512 KiB buffer (64 KiB chunks) in which one
region changed, so saves exercise chunk writes, manifests, ref CAS and the index.
"""

from __future__ import annotations

import random
import sys

from nbversion.store import Repository


def main() -> None:
    root, nb_id, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    buf = bytearray(rng.randbytes(512 << 10))
    with Repository.open(root) as repo:
        if "--ready" in sys.argv:
            print("ready", flush=True)
        for i in range(count):
            at = rng.randrange(0, len(buf) - 1000)
            buf[at : at + 1000] = rng.randbytes(1000)
            nb = repo.objects.put_bytes(f'{{"cells": [], "n": "{seed}-{i}"}}'.encode())
            var = repo.objects.put_buffer(buf, chunk_size=64 << 10)
            entry = {
                "oid": var,
                "kind": "buffer",
                "type": "bytearray",
                "summary": "",
                "size": len(buf),
            }
            m = repo.save(nb_id, "a.ipynb", nb, f"w{seed} save {i}", variables={"buf": entry})
            print(m.id, flush=True)


if __name__ == "__main__":
    main()
