#!/usr/bin/env bash
# The published evaluation reports: the shipped models on every public test split in
# ../shared/data (read in place) and on our annotated test split, one report folder each under
# evaluation/reports/. Rerunning gives the same report.json files apart from `throughput`.
set -euo pipefail
cd "$(dirname "$0")/.."
# The accurate profile (the MPNet joint model) into evaluation/reports/; PROFILE=fast or
# PROFILE=separate scores that profile into evaluation/reports/$PROFILE/ instead.
BIN=${BIN:-./target/release/standpoint}
D=${DATA_ROOT:-../shared/data}
PROFILE=${PROFILE:-accurate}
# PRECISION=bf16 (or auto) runs the encoders' matmuls in bf16; REPORTS=DIR writes elsewhere
# (to compare precisions without touching the published reports).
PRECISION=${PRECISION:-f32}
R=evaluation/reports
[ "$PROFILE" = accurate ] || R=evaluation/reports/$PROFILE
R=${REPORTS:-$R}
mkdir -p "$R"
run() { # name, then eval arguments
  local name=$1; shift
  echo "== $name" >&2
  $BIN eval "$@" --profile "$PROFILE" --precision "$PRECISION" --report "$R/$name" > /dev/null
}
# Public data: no sentences in the published reports (licenses), and predictions.jsonl (row ids
# with gold labels) stays out of git (.gitignore); rerun this script to compare against them.
public() { local name=$1; shift; run "$name" "$@" --redact; }
run ours-test-pairs      --data evaluation/samples/test.jsonl
run ours-test-documents  --data evaluation/samples/test.jsonl --mode documents --summary evaluation/samples/summaries.jsonl
public newsmtsc-rw-test     --data "$D/newsmtsc/experiments/default/datasets/newsmtsc-rw/test.jsonl"
public newsmtsc-mt-test     --data "$D/newsmtsc/experiments/default/datasets/newsmtsc-mt/test.jsonl"
public semeval2016-test-a   --data "$D/semeval2016_task6/testdata-taskA-all-annotations.txt"
public tweeteval-stance-test --data "$D/tweeteval/datasets/stance" --split test
public tweeteval-sentiment-heldout --data "$D/tweeteval/datasets/sentiment" --split heldout
public pstance-test         --data "$D/pstance" --split test
public directed-valid       --data "$D/directed_sentiment/dataset/valid.txt"
public persent-random-test  --data "$D/persent/random_test.csv"
public persent-fixed-test   --data "$D/persent/fixed_test.csv"
public conll2003-testb      --data "$D/conll2003_en/eng.testb"
python3 scripts/reports-table.py "$R" > "$R/README.md"
echo "reports in $R; summary table in $R/README.md" >&2
