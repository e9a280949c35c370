"""Benchmark: evidence vault ingest of a 1 GiB file against the raw limits.

Prints, from one run on the same file (page cache warm for every pass):

* raw ``hashlib`` SHA-256 over the file (1 MiB reads): the hashing limit;
* raw copy of the file with ``fsync``: the disk limit (ingest must write too);
* ``Vault.ingest`` (hash + copy + fsync + atomic rename);
* the same ingest into a vault on ``/dev/shm``, to see the pipeline without the disk;
* peak RSS growth during ingest (``resource.getrusage``).

Usage: ``.venv/bin/python bench/evidence.py [--size-mib 1024] [--no-append]``
Appends a section to bench/RESULTS.md unless ``--no-append``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

from certbench.evidence import CHUNK_SIZE, Vault

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def append_results(title: str, lines: list[str]) -> None:
    """Append a section to bench/RESULTS.md, creating it with a machine header if missing."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\n"
            f"Created {now} on {platform.node() or 'this machine'}: {os.cpu_count()} cores "
            f"(nproc), CPU {_cpu_model()}, Python {platform.python_version()}.\n"
            "Each section is one run; raw limits are measured in the same run.\n",
            encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as f:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        f.write(f"\n## {title}\n\n{now}, {os.cpu_count()} cores, CPU {_cpu_model()}, "
                f"load average {load} at the end of the run (the machine is shared).\n\n")
        f.write("\n".join(lines) + "\n")


def _make_file(path: Path, size_mib: int) -> None:
    block = bytearray(os.urandom(CHUNK_SIZE))
    with path.open("wb") as f:
        for i in range(size_mib):
            block[:8] = i.to_bytes(8, "little")  # every chunk differs
            f.write(block)


def _raw_hash(path: Path) -> float:
    start = time.perf_counter()
    digest = hashlib.sha256()
    view = memoryview(bytearray(CHUNK_SIZE))
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(view):
            digest.update(view[:n])
    return time.perf_counter() - start


def _raw_copy(path: Path, target: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK_SIZE)
        dst.flush()
        os.fsync(dst.fileno())
    return time.perf_counter() - start


def _ingest_in_memory(src: Path, size_mib: int) -> float | None:
    """Ingest time into a vault on tmpfs, where the disk is out of the picture."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or shutil.disk_usage(shm).free < (size_mib + 256) * 2**20:
        return None
    with tempfile.TemporaryDirectory(prefix="certbench-vault-", dir=shm) as scratch:
        start = time.perf_counter()
        Vault(Path(scratch)).ingest(src)
        return time.perf_counter() - start


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="certbench-bench-") as scratch:
        root = Path(scratch)
        src = root / "evidence.bin"
        _make_file(src, args.size_mib)
        _raw_hash(src)  # warm the page cache
        raw_hash = min(_raw_hash(src) for _ in range(2))
        raw_copy = _raw_copy(src, root / "copy.bin")
        (root / "copy.bin").unlink()
        rss_before = _max_rss_mib()
        vault = Vault(root / "vault")
        start = time.perf_counter()
        stored = vault.ingest(src)
        ingest = time.perf_counter() - start
        rss_growth = _max_rss_mib() - rss_before
        in_memory = _ingest_in_memory(src, args.size_mib)
    mib = args.size_mib
    lines = [
        f"| file | {mib} MiB | sha256 {stored.sha256[:16]}... |",
        f"| raw hashlib SHA-256 (read + hash) | {raw_hash:.2f} s | {mib / raw_hash:,.0f} MiB/s |",
        f"| raw copy + fsync (disk limit) | {raw_copy:.2f} s | {mib / raw_copy:,.0f} MiB/s |",
        f"| **Vault.ingest** (hash + copy + fsync + rename) | {ingest:.2f} s "
        f"| **{mib / ingest:,.0f} MiB/s** = {100 * raw_hash / ingest:.0f} % of raw hashlib, "
        f"{100 * raw_copy / ingest:.0f} % of raw copy |",
        f"| peak RSS growth during ingest | {rss_growth:.1f} MiB | target < 64 MiB |",
    ]
    if in_memory is not None:
        lines.append(f"| Vault.ingest into a vault on /dev/shm (no disk) | {in_memory:.2f} s "
                     f"| {mib / in_memory:,.0f} MiB/s = {100 * raw_hash / in_memory:.0f} % "
                     "of raw hashlib |")
    print("\n".join(lines))
    if not args.no_append:
        append_results("Evidence vault ingest (bench/evidence.py)",
                       ["| measure | time / size | throughput |", "| --- | --- | --- |", *lines])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
