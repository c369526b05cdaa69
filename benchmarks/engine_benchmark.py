"""Benchmark of the policy engine and `alarfund compute` (prints its figures; not a timed test).

Targets (issue 3, this 2-core machine): the engine computes a 1,000,000-applicant round in ≤ 0.5 s; the
whole `alarfund compute` of that round, JSON in and out, in ≤ 20 s with ≤ 3 GB peak memory; a real year
(1,000 applicants) in ≤ 0.3 s including start-up.

Run: .venv/bin/python benchmarks/engine_benchmark.py [--sizes 1000,100000,1000000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alarfund.policy.engine import compute_round
from alarfund.policy.roundfile import load_json, parse_round
from synthetic import write_round


def best_of(runs: int, work) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def cli_run(path: Path) -> tuple[float, float, int]:
    """Wall time, peak RSS (MB) and output size of one `alarfund compute` in a fresh process."""
    exe = Path(sys.executable).with_name("alarfund")
    command = [str(exe), "compute", str(path)]
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with tempfile.TemporaryFile() as sink:
        completed = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, check=False)
        elapsed = time.perf_counter() - start
        size = sink.tell()
    if completed.returncode != 0:
        raise SystemExit(f"compute failed: {completed.stderr.decode()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000,1000000")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(
        f"{'applicants':>10} {'engine s':>9} {'parse s':>8} {'compute (CLI) s':>16} {'peak MB':>8} {'JSON in MB':>10} {'out MB':>7}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            path = write_round(Path(folder) / f"round-{size}.json", size)
            raw = path.read_bytes()
            start = time.perf_counter()
            facts, params = parse_round(load_json(raw))
            parse_seconds = time.perf_counter() - start
            engine_seconds = best_of(3, lambda facts=facts, params=params: compute_round(facts, params))
            del facts
            runs = [cli_run(path) for _ in range(3 if size <= 100_000 else 1)]
            cli_seconds = min(run[0] for run in runs)
            peak_mb, out_size = runs[-1][1], runs[-1][2]
            print(
                f"{size:>10,} {engine_seconds:>9.3f} {parse_seconds:>8.2f} {cli_seconds:>16.2f} {peak_mb:>8.0f} "
                f"{len(raw) / 1e6:>10.1f} {out_size / 1e6:>7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
