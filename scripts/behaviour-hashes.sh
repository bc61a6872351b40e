#!/usr/bin/env bash
# The behaviour fingerprint of a restructuring (issue 11): sha256 of what the commands write on
# fixed inputs, one line per output. Run it before the first change and after the last one; the
# two listings must be equal.
#
#   scripts/behaviour-hashes.sh [BINARY] > hashes.txt
#
# Covered: every command's `--help`; `classify --format json` on the example and on every document of our test split (the
# rows of each doc, unique sentences in order, joined by a space), both profiles; `batch` on a
# fixture corpus (the test split's documents plus the bundled corpus) in JSONL and CSV, both
# profiles; `eval` report.json (without its throughput block and timing note) in pairs,
# documents and ner modes.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/standpoint}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Documents of the test split, as text files and as one JSONL corpus.
python3 - "$WORK" <<'EOF'
import json, sys, os
work = sys.argv[1]
docs = {}
for line in open("evaluation/samples/test.jsonl", encoding="utf-8"):
    row = json.loads(line)
    texts = docs.setdefault(row["doc"], [])
    if row["text"] not in texts:
        texts.append(row["text"])
os.makedirs(f"{work}/docs")
with open(f"{work}/corpus.jsonl", "w", encoding="utf-8") as corpus:
    for doc, texts in docs.items():
        text = " ".join(texts)
        open(f"{work}/docs/{doc}.txt", "w", encoding="utf-8").write(text)
        corpus.write(json.dumps({"id": doc, "text": text}) + "\n")
    for line in open("examples/corpus/news.jsonl", encoding="utf-8"):
        corpus.write(line)
EOF

hash() { sha256sum | cut -d' ' -f1; }
# The command line: every command's help, the binary's own name masked.
for cmd in "" classify batch eval train models "models fetch" network bench; do
    # shellcheck disable=SC2086 # the command's words are separate arguments
    echo "$("$BIN" $cmd --help | sed -E 's/^Usage: [^ ]+/Usage: standpoint/' | hash)  help ${cmd:-standpoint}"
done
for profile in accurate fast; do
    echo "$("$BIN" classify --profile "$profile" --format json examples/defence-minister-pact.txt | hash)  classify $profile example"
    for f in "$WORK"/docs/*.txt; do
        echo "$("$BIN" classify --profile "$profile" --format json "$f" | hash)  classify $profile $(basename "$f" .txt)"
    done
    for format in jsonl csv; do
        out="$WORK/batch-$profile.$format"
        "$BIN" batch "$WORK/corpus.jsonl" -o "$out" --format "$format" --profile "$profile" --quiet
        echo "$(hash < "$out")  batch $profile $format"
    done
done

report() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r.pop("throughput",None); r.pop("timing_note",None); print(json.dumps(r, sort_keys=True))' "$1/report.json" | hash
}
for profile in accurate fast; do
    "$BIN" eval --data evaluation/samples/test.jsonl --mode pairs --profile "$profile" --report "$WORK/pairs-$profile" > /dev/null 2>&1
    echo "$(report "$WORK/pairs-$profile")  eval pairs $profile"
    "$BIN" eval --data evaluation/samples/test.jsonl --mode documents --summary evaluation/samples/summaries.jsonl \
        --profile "$profile" --report "$WORK/docs-$profile" > /dev/null 2>&1
    echo "$(report "$WORK/docs-$profile")  eval documents $profile"
    "$BIN" eval --data tests/fixtures/ner-small.conll --mode ner --profile "$profile" --report "$WORK/ner-$profile" > /dev/null 2>&1
    echo "$(report "$WORK/ner-$profile")  eval ner $profile"
done
