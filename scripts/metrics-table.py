#!/usr/bin/env python3
"""Print the measured metrics of the shipped models (from their manifests) as Markdown tables."""
import json, pathlib, sys

root = pathlib.Path(__file__).resolve().parent.parent / "models"
for task in sys.argv[1:] or ["stance", "sentiment", "ner"]:
    m = json.loads((root / task / "manifest.json").read_text())
    print(f"### {task}\n")
    if task == "ner":
        print("| test set | n | precision | recall | entity F1 | PER | ORG | LOC | MISC |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, s in m["metrics"].items():
            pt = s["per_type"]
            print(f"| {name} | {s['n']} | {s['precision']:.3f} | {s['recall']:.3f} | **{s['f1']:.3f}** | "
                  + " | ".join(f"{pt.get(t, {}).get('f1', 0):.3f}" for t in ["PER", "ORG", "LOC", "MISC"]) + " |")
    else:
        extra = "f_avg (favor, against)" if task == "stance" else "F1 pos/neg"
        print(f"| test set | n | accuracy | macro-F1 | {extra} | other |")
        print("|---|---|---|---|---|---|")
        for name, s in m["metrics"].items():
            e = s.get("f_avg", s.get("f1_positive_negative", 0))
            other = ""
            if "holder_swap_neutral_rate" in s:
                other = f"holder swap -> neutral {s['holder_swap_neutral_rate']:.3f} of {s['holder_swap_rows']}; forward-only macro-F1 {s['forward_only_macro_f1']:.3f}"
            print(f"| {name} | {s['n']} | {s['accuracy']:.3f} | **{s['macro_f1']:.3f}** | {e:.3f} | {other} |")
    t = m.get("training", {})
    print(f"\ntrained: {t.get('train_rows')} rows, {t.get('steps')} steps, {t.get('seconds')} s, "
          f"{t.get('examples_per_s')} examples/s, best dev {t.get('best_dev_score')} at step {t.get('best_step')}\n")
