#!/usr/bin/env python3
"""Last hidden states of transformers' reference model, for standpoint's parity tests.

Runs the model in --model-dir (config.json + model.safetensors; BertModel or MPNetModel by
the config's model_type, float32, eval, no pooler) over batches of token ids and writes, for
every row, the states of its tokens: what `tests/mpnet_parity.rs` compares the fast engine with.

    python benches/encoder_states.py --model-dir DIR --batches FILE --out OUT.json

FILE is JSON Lines, one batch a line: {"ids": [[0, ...], ...]} and optionally
{"mask": [[1, 1, 0, 1, ...], ...]} (default: 1 on every id). Rows are padded with the config's
pad_token_id to the batch's longest, with attention_mask 0 there. OUT gets
{"torch": ..., "transformers": ..., "states": [batch][row][token][hidden]} with one state per
id of the row as given (padding added here is left out). Needs the virtualenv that
benches/setup-pytorch-venv.sh makes.
"""
import argparse
import json
import os
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model-dir", required=True)
    p.add_argument("--batches", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    import torch
    import transformers
    from transformers import AutoConfig, BertModel, MPNetModel

    torch.set_num_threads(a.threads)
    config = AutoConfig.from_pretrained(a.model_dir)
    classes = {"bert": BertModel, "mpnet": MPNetModel}
    if config.model_type not in classes:
        sys.exit(f"{a.model_dir}: model_type {config.model_type}; expected bert or mpnet")
    model = classes[config.model_type].from_pretrained(
        a.model_dir, dtype=torch.float32, add_pooling_layer=False, use_safetensors=True,
        attn_implementation="eager")
    model.eval()
    pad = config.pad_token_id or 0

    out = []
    with open(a.batches, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            batch = json.loads(line)
            rows = batch["ids"]
            masks = batch.get("mask") or [[1] * len(r) for r in rows]
            width = max(len(r) for r in rows)
            ids = torch.full((len(rows), width), pad, dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for i, (r, m) in enumerate(zip(rows, masks)):
                if len(m) != len(r):
                    sys.exit(f"{a.batches}:{n}: row {i} has {len(r)} ids and {len(m)} mask values")
                ids[i, : len(r)] = torch.tensor(r, dtype=torch.long)
                mask[i, : len(r)] = torch.tensor(m, dtype=torch.long)
            kw = {"token_type_ids": torch.zeros_like(ids)} if config.model_type == "bert" else {}
            with torch.inference_mode():
                states = model(input_ids=ids, attention_mask=mask, **kw).last_hidden_state
            out.append([states[i, : len(r)].tolist() for i, r in enumerate(rows)])
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"torch": torch.__version__, "transformers": transformers.__version__,
                   "model_type": config.model_type, "states": out}, f)


if __name__ == "__main__":
    main()
