#!/usr/bin/env bash
# The full recipe of the three shipped models, one command each (resumable: rerun the same
# script after a kill and each run continues from its last checkpoint; a finished run is skipped).
# Logs: target/train/<task>/train_log.jsonl and target/train/<task>.out.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./target/release/standpoint
mkdir -p target/train
for task in ${TASKS:-stance ner sentiment}; do
  if [ -f "target/train/$task/state.json" ] && grep -q '"finished": true' "target/train/$task/state.json" && [ -f "models/$task/manifest.json" ]; then
    echo "$task: already trained"; continue
  fi
  $BIN train --task "$task" --resume --quiet "$@" 2>&1 | tee "target/train/$task.out"
done
# A retrained model's manifest has no temperature: fit the separate profile's again (labels are
# unchanged; only the probabilities are calibrated).
$BIN models calibrate --profile separate
