#!/usr/bin/env python3
"""Benchmark: `standpoint classify` on the example article, cold (a new process that loads the
models from the cache each time), against a reference run in the same command: the same process
start with `standpoint --version`, so machine noise shows in both.

Reports median wall time and peak RSS over N runs (default 5). Run from the project root after
`cargo build --release` and `standpoint models fetch`:  python3 benches/classify-cold.py [N] [PROFILE]
"""
import json, os, resource, statistics, subprocess, sys, time

BIN = os.environ.get("STANDPOINT_BIN", "./target/release/standpoint")
PROFILE = sys.argv[2] if len(sys.argv) > 2 else "accurate"
# Write-only, as a shell's `> /dev/null`: standpoint refuses a read-write /dev/null on stdout,
# which is what a closed stdout looks like once Rust's runtime has reopened it.
NULL = open(os.devnull, "wb")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def run(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([BIN, *args], stdout=NULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(p.stderr.decode())
    # ru_maxrss of children is the largest child so far: measure each run in its own subprocess.
    return wall


def rss(args):
    p = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, *args], stdout=NULL, stderr=subprocess.PIPE)
    return int(p.stderr.decode().strip().splitlines()[-1]) / 1024


ref = [run(["--version"]) for _ in range(N)]
walls = [run(["classify", "--profile", PROFILE, "--format", "json", "examples/defence-minister-pact.txt"]) for _ in range(N)]
peak = max(rss(["classify", "--profile", PROFILE, "--format", "json", "examples/defence-minister-pact.txt"]) for _ in range(2))
out = {
    "classify_cold_median_s": round(statistics.median(walls), 3),
    "classify_cold_min_s": round(min(walls), 3),
    "reference_process_median_s": round(statistics.median(ref), 4),
    "peak_rss_mb": round(peak, 1),
    "runs": N,
}
print(json.dumps(out))
