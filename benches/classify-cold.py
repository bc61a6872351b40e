#!/usr/bin/env python3
"""Benchmark: `standpoint classify` on the example article, cold (a new process that loads the
models from the cache each time), against a reference run in the same command: the same process
start with `standpoint --version`, so machine noise shows in both.

Reports median wall time and peak RSS over N runs (default 5). Run from the project root after
`cargo build --release` and `standpoint models fetch`:  python3 benches/classify-cold.py
"""
import json, resource, statistics, subprocess, sys, time

BIN = "./target/release/standpoint"
N = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def run(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([BIN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(p.stderr.decode())
    # ru_maxrss of children is the largest child so far: measure each run in its own subprocess.
    return wall


def rss(args):
    p = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(p.stderr.decode().strip().splitlines()[-1]) / 1024


ref = [run(["--version"]) for _ in range(N)]
walls = [run(["classify", "--format", "json", "examples/defence-minister-pact.txt"]) for _ in range(N)]
peak = max(rss(["classify", "--format", "json", "examples/defence-minister-pact.txt"]) for _ in range(2))
out = {
    "classify_cold_median_s": round(statistics.median(walls), 3),
    "classify_cold_min_s": round(min(walls), 3),
    "reference_process_median_s": round(statistics.median(ref), 4),
    "peak_rss_mb": round(peak, 1),
    "runs": N,
}
print(json.dumps(out))
