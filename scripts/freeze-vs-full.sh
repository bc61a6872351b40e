#!/usr/bin/env bash
# What freezing costs: the sentiment task trained twice on the same 3,000 rows for one epoch,
# once with the bottom 4 layers frozen (the shipped recipe) and once fully fine-tuned; both
# report dev macro-F1 and examples/s. Results: target/freeze-vs-full/{frozen4,full}.out
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./target/release/standpoint
out=target/freeze-vs-full
mkdir -p "$out"
# Full fine-tuning uses a lower learning rate (5e-5), as usual when every layer moves.
for setup in "frozen4 4 1e-4" "full 0 5e-5"; do
  set -- $setup
  $BIN train --task sentiment --frozen-layers "$2" --lr "$3" --max-train 3000 --epochs 1 --eval-every 0 \
    --output "$out/$1-model" --work-dir "$out/$1" --no-test --quiet --resume 2>&1 | tee "$out/$1.out"
done
