#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer), on a stable toolchain.
#
#   scripts/fuzz.sh smoke                      each target for a few seconds (under a minute)
#   scripts/fuzz.sh long [SECONDS_PER_TARGET]  each target for that long (default 600)
#
# FUZZ_TARGETS="split journal" limits either mode to those targets. Each target starts from its
# seeds (fuzz/seeds/<target>/, committed) and a scratch corpus that grows across runs
# (fuzz/corpus/<target>/, ignored by git); a crash or an invariant failure is saved under
# fuzz/artifacts/<target>/. A run slower than 10 s on one input counts as a hang. The executions
# of each target are printed at the end; the exit status is non-zero when any target failed.
#
# cargo-fuzz needs nightly `-Z` flags: RUSTC_BOOTSTRAP=1 lets the stable compiler take them, and
# `--sanitizer none` skips AddressSanitizer, which needs a nightly standard library (the code
# under test has no `unsafe` of its own worth a sanitizer; panics and invariants are what is
# checked). Debug assertions (`-a`) are on, so integer overflow panics too.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  smoke) seconds=6 ;;
  long) seconds=${2:-600} ;;
  *)
    echo "usage: scripts/fuzz.sh smoke | long [SECONDS_PER_TARGET]" >&2
    exit 2
    ;;
esac
read -r -a targets <<< "${FUZZ_TARGETS:-decode_clean split jsonl_reader csv_reader journal manifest pipeline}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
# One thread for the model's matrix products: the fuzzer runs one input at a time anyway.
export RAYON_NUM_THREADS=1
(cd fuzz && cargo fuzz build --sanitizer none -a)
bin_dir=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release

declare -A executed status
failed=0
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  artifacts=fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  log=fuzz/artifacts/$target.log
  echo "== $target: ${seconds}s" >&2
  set +e
  "$bin_dir/$target" "$corpus" "fuzz/seeds/$target" \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ -z "$runs" ]; then
    runs=$(sed -n 's/^#\([0-9]*\)\s*DONE.*/\1/p' "$log" | tail -1)
  fi
  executed[$target]=${runs:-0}
  if [ "$rc" -eq 0 ]; then
    status[$target]=ok
  else
    status[$target]="FAILED (exit $rc; see $log and $artifacts/)"
    failed=1
    grep -m1 -E "panicked at|ERROR: libFuzzer|ALARM" "$log" >&2 || true
  fi
done

total=0
printf '%-14s %14s  %s\n' target executions result
for target in "${targets[@]}"; do
  printf '%-14s %14s  %s\n' "$target" "${executed[$target]}" "${status[$target]}"
  total=$((total + executed[$target]))
done
printf '%-14s %14s\n' total "$total"
exit "$failed"
