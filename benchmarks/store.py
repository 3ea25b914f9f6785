"""Store throughput vs the disk: ``python benchmarks/store.py [--size-mb N] [--json OUT]``.

Measures, in one run and on the same filesystem:

- durable disk write: one file, ``write`` + ``fsync`` (the floor every save pays);
- cold-ish disk read: the same file after ``POSIX_FADV_DONTNEED`` dropped its pages;
- BLAKE3 throughput on the same buffer;
- ``ObjectStore.put_buffer`` of an incompressible buffer into a fresh store, and
  ``get_buffer`` (verified) after dropping the object files' pages.

Targets: save >= 80% of durable write, load >= 50% of cold read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import blake3
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server_ext"))

from nbversion.store import Repository

MB = 1 << 20


def drop_cache(path: Path) -> None:
    """Evict a file's clean pages so the next read comes from the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def disk_write(path: Path, buf: memoryview) -> float:
    """Seconds to write ``buf`` to a new file and fsync it."""
    start = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for off in range(0, len(buf), 16 * MB):
            view = buf[off : off + 16 * MB]
            while view:
                view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - start


def disk_read(path: Path, size: int) -> float:
    """Seconds to read a file (pages dropped first) into a preallocated buffer."""
    drop_cache(path)
    out = bytearray(size)
    view = memoryview(out)
    start = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        got = 0
        while got < size:
            n = f.readinto(view[got : got + 16 * MB])
            if not n:
                break
            got += n
    return time.perf_counter() - start


def run(size_mb: int, directory: str | None) -> dict[str, Any]:
    """One full measurement; returns the figures in MB/s and the ratios."""
    size = size_mb * MB
    buf = memoryview(np.random.default_rng(42).bytes(size))
    with tempfile.TemporaryDirectory(prefix="nbv-bench-", dir=directory) as tmp:
        raw = Path(tmp) / "raw.bin"
        write_s = disk_write(raw, buf)
        read_s = disk_read(raw, size)
        raw.unlink()

        start = time.perf_counter()
        blake3.blake3(buf, max_threads=blake3.blake3.AUTO).hexdigest()
        hash_s = time.perf_counter() - start

        repo = Repository.init(Path(tmp) / "project")
        start = time.perf_counter()
        oid = repo.objects.put_buffer(buf)
        save_s = time.perf_counter() - start
        for obj in repo.objects.iter_oids():
            drop_cache(repo.objects.path(obj))
        start = time.perf_counter()
        back = repo.objects.get_buffer(oid)
        load_s = time.perf_counter() - start
        assert back == buf, "round trip mismatch"
        stored = sum(repo.objects.object_size(o) for o in repo.objects.iter_oids())
        repo.close()

    def rate(seconds: float) -> float:
        return size / MB / seconds

    return {
        "size_mb": size_mb,
        "disk_write_mb_s": rate(write_s),
        "disk_read_cold_mb_s": rate(read_s),
        "blake3_mb_s": rate(hash_s),
        "save_mb_s": rate(save_s),
        "load_verified_mb_s": rate(load_s),
        "save_vs_disk_write": write_s / save_s,
        "load_vs_disk_read": read_s / load_s,
        "stored_bytes": stored,
        "targets_met": write_s / save_s >= 0.8 and read_s / load_s >= 0.5,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print a table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    parser.add_argument("--dir", help="directory on the disk to measure (default: temp dir)")
    args = parser.parse_args(argv)
    r = run(args.size_mb, args.dir)
    rows = [
        ("durable disk write (write+fsync)", f"{r['disk_write_mb_s']:8.0f} MB/s"),
        ("cold disk read (FADV_DONTNEED)", f"{r['disk_read_cold_mb_s']:8.0f} MB/s"),
        ("BLAKE3 (all threads)", f"{r['blake3_mb_s']:8.0f} MB/s"),
        ("store save  put_buffer", f"{r['save_mb_s']:8.0f} MB/s"),
        ("store load  get_buffer (verified)", f"{r['load_verified_mb_s']:8.0f} MB/s"),
        ("save / disk write  (target >= 0.80)", f"{r['save_vs_disk_write']:8.2f}"),
        ("load / disk read   (target >= 0.50)", f"{r['load_vs_disk_read']:8.2f}"),
    ]
    print(f"nbversion store benchmark: {args.size_mb} MiB incompressible buffer")
    for name, value in rows:
        print(f"  {name:<38} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
