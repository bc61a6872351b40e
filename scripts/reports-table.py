#!/usr/bin/env python3
"""Print the summary table of the published evaluation reports (evaluation/reports/*/report.json)
as Markdown, with the published results of other systems on the same splits."""
import json
import sys
from pathlib import Path

ROOT = (
    Path(sys.argv[1]).resolve()
    if len(sys.argv) > 1
    else Path(__file__).resolve().parents[1] / "evaluation" / "reports"
)

# Published results on the same splits (see ../shared/data/README.md for the sources).
PUBLISHED = {
    "newsmtsc-rw-test": "0.831 macro-F1 (GRU-TSC, roberta-base; Hamborg & Donnay, EACL 2021)",
    "newsmtsc-mt-test": "0.825 macro-F1 (same)",
    "semeval2016-test-a": "0.678 F_avg (best SemEval-2016 Task 6 system; Mohammad et al. 2016)",
    "tweeteval-stance-test": "0.693 F_avg (RoBERTa retrained on tweets; Barbieri et al., EMNLP Findings 2020)",
    "pstance-test": "0.805 F_avg (BERTweet-base; Li et al., ACL Findings 2021)",
    "conll2003-testb": "about 0.92 entity F1 (BERT-base; Devlin et al. 2019)",
}


def f(x):
    return "" if x is None else f"{x:.3f}"


def ci(t, key):
    lo, hi = t["ci95"][key]
    return f"[{lo:.3f}, {hi:.3f}]"


def main():
    rows = []
    for path in sorted(ROOT.glob("*/report.json")):
        r = json.loads(path.read_text())
        name = path.parent.name
        st, se = r.get("stance"), r.get("sentiment")
        cells = {
            "name": f"[{name}]({name}/report.md)",
            "mode": r["mode"],
            "n": str(r["n"]),
            "stance": f"{f(st['macro_f1'])} {ci(st, 'macro_f1')}" if st else "",
            "f_avg": f(st["f_avg"]) if st else "",
            "ece": f(st["ece"]) if st else "",
            "sentiment": f"{f(se['macro_f1'])} {ci(se, 'macro_f1')}" if se else "",
            "other": "",
            "published": PUBLISHED.get(name, ""),
        }
        if r.get("ner"):
            cells["other"] = f"entity F1 {f(r['ner']['f1'])}"
        if r.get("actors"):
            cells["other"] = (
                f"actors F1 {f(r['actors']['f1'])}, speakers {f(r['speakers']['accuracy'])}"
                + (f", summary {f(r['summary']['agreement'])}" if r.get("summary") else "")
            )
        rows.append(cells)
    out = sys.stdout
    out.write("| report | mode | n | stance macro-F1 [95% CI] | stance F_avg | stance ECE | sentiment macro-F1 [95% CI] | other | published on the same split |\n")
    out.write("|---|---|---:|---|---:|---:|---|---|---|\n")
    for c in rows:
        out.write("| " + " | ".join(c[k] for k in ["name", "mode", "n", "stance", "f_avg", "ece", "sentiment", "other", "published"]) + " |\n")


if __name__ == "__main__":
    main()
