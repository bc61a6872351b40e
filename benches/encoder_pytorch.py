#!/usr/bin/env python3
"""Encoder forward throughput of PyTorch/transformers, the reference side of `standpoint bench`.

Runs BertModel (all-MiniLM-L6-v2: config.json + model.safetensors in --model-dir), or
MPNetModel when the config's model_type is mpnet (all-mpnet-base-v2), over batches of token ids
that the Rust side already tokenized, then takes the mean over the attention mask of
last_hidden_state: the same work as standpoint's encoder plus `mean_pool` (no L2 norm).

    python benches/encoder_pytorch.py --model-dir DIR --batches FILE --threads N \
        [--warmup 1] [--repeat 3] [--dump-first K [--dump OUT.json]] [--attn sdpa|eager]

FILE is JSON Lines, one batch a line: {"ids": [[101, ...], [101, ...]]}. Rows of one batch may
differ in length: they are padded with the config's pad_token_id (BERT: 0, MPNet: 1) to the
batch's longest, attention_mask is 1 on real tokens and 0 on padding, token_type_ids are all 0
(BERT only: MPNet takes none).

`--warmup` untimed passes over all batches, then `--repeat` timed passes; the reported time is
the median pass. stdout gets one JSON line and nothing else; everything else goes to stderr.
Needs the virtualenv that benches/setup-pytorch-venv.sh makes.
"""
import argparse
import json
import os
import statistics
import sys
import time


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model-dir", required=True, help="directory with config.json and model.safetensors")
    p.add_argument("--batches", required=True, help='JSON Lines file, one {"ids": [[...], ...]} a line')
    p.add_argument("--threads", required=True, type=int, help="torch intra-op threads (inter-op is 1)")
    p.add_argument("--warmup", type=int, default=1, help="untimed passes over all batches (default 1)")
    p.add_argument("--repeat", type=int, default=3, help="timed passes; the median is reported (default 3)")
    p.add_argument("--dump-first", type=int, default=0, metavar="K",
                   help="also write the mean-pooled embeddings of the first K sentences (file order)")
    p.add_argument("--dump", metavar="FILE",
                   help="write the --dump-first embeddings to this JSON file instead of stderr")
    p.add_argument("--attn", choices=["sdpa", "eager"], default=None,
                   help="transformers attention implementation (default: transformers' own default)")
    a = p.parse_args()
    if a.threads < 1 or a.warmup < 0 or a.repeat < 1 or a.dump_first < 0:
        p.error("--threads and --repeat must be >= 1, --warmup and --dump-first >= 0")
    if a.dump and not a.dump_first:
        p.error("--dump needs --dump-first K")
    return a


def read_batches(path):
    batches = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows = json.loads(line)["ids"]
            except (ValueError, KeyError, TypeError) as e:
                sys.exit(f"{path}:{n}: expected a JSON object with an \"ids\" list: {e}")
            if not isinstance(rows, list) or not rows or not all(
                isinstance(r, list) and r and all(isinstance(t, int) and t >= 0 for t in r) for r in rows
            ):
                sys.exit(f"{path}:{n}: \"ids\" must be a non-empty list of non-empty lists of token ids")
            batches.append(rows)
    if not batches:
        sys.exit(f"{path}: no batches")
    return batches


def main():
    a = parse_args()
    # Before torch loads: the OpenMP/MKL pools get the same size as set_num_threads below, and
    # nothing reaches for the hub (the model is a local directory).
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    import torch
    import transformers
    from transformers import AutoConfig, BertModel, MPNetModel

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)  # must come before any inter-op parallel work

    for name in ("config.json", "model.safetensors"):
        if not os.path.isfile(os.path.join(a.model_dir, name)):
            sys.exit(f"{a.model_dir}: no {name}")
    batches = read_batches(a.batches)

    kw = {"attn_implementation": a.attn} if a.attn else {}
    t = time.perf_counter()
    # add_pooling_layer=False: standpoint has no BERT pooler (dense+tanh on [CLS]); the
    # checkpoint's pooler weights, if any, are then reported as unused on stderr.
    model_type = AutoConfig.from_pretrained(a.model_dir).model_type
    classes = {"bert": BertModel, "mpnet": MPNetModel}
    if model_type not in classes:
        sys.exit(f"{a.model_dir}: model_type {model_type}; expected bert or mpnet")
    model = classes[model_type].from_pretrained(a.model_dir, dtype=torch.float32,
                                                add_pooling_layer=False, use_safetensors=True, **kw)
    model.eval()
    log(f"loaded {a.model_dir} in {time.perf_counter() - t:.2f}s; "
        f"attention: {model.config._attn_implementation}")
    cfg = model.config

    # Inputs are built once, outside the timed passes.
    inputs, sentences, real_tokens, padded_tokens = [], 0, 0, 0
    for n, rows in enumerate(batches, 1):
        width = max(len(r) for r in rows)
        if width > cfg.max_position_embeddings:
            sys.exit(f"batch {n}: a row of {width} tokens is longer than "
                     f"max_position_embeddings={cfg.max_position_embeddings}")
        top = max(max(r) for r in rows)
        if top >= cfg.vocab_size:
            sys.exit(f"batch {n}: token id {top} >= vocab_size={cfg.vocab_size}")
        ids = torch.full((len(rows), width), cfg.pad_token_id or 0, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r, dtype=torch.long)
            mask[i, : len(r)] = 1
        inputs.append((ids, mask, torch.zeros_like(ids)))
        sentences += len(rows)
        real_tokens += sum(len(r) for r in rows)
        padded_tokens += len(rows) * width

    def encode(ids, mask, types):
        kw = {"token_type_ids": types} if model_type == "bert" else {}
        states = model(input_ids=ids, attention_mask=mask, **kw).last_hidden_state
        m = mask.unsqueeze(-1).to(states.dtype)
        return (states * m).sum(1) / m.sum(1).clamp(min=1e-9)

    def one_pass():
        with torch.inference_mode():
            for ids, mask, types in inputs:
                encode(ids, mask, types)

    log(f"{sentences} sentences in {len(inputs)} batches, {real_tokens} tokens "
        f"({padded_tokens} with padding); threads {torch.get_num_threads()}, "
        f"interop {torch.get_num_interop_threads()}, cpu capability "
        f"{torch.backends.cpu.get_cpu_capability()}")
    for i in range(a.warmup):
        t = time.perf_counter()
        one_pass()
        log(f"warmup {i + 1}/{a.warmup}: {time.perf_counter() - t:.3f}s")
    times = []
    for i in range(a.repeat):
        t = time.perf_counter()
        one_pass()
        times.append(time.perf_counter() - t)
        log(f"pass {i + 1}/{a.repeat}: {times[-1]:.3f}s")
    median = statistics.median(times)

    if a.dump_first:
        out, left = [], a.dump_first
        with torch.inference_mode():
            for (ids, mask, types), rows in zip(inputs, batches):
                if left <= 0:
                    break
                pooled = encode(ids, mask, types)
                for r, e in list(zip(rows, pooled))[:left]:
                    out.append({"ids": r, "embedding": e.tolist()})
                left -= len(rows)
        doc = {"model_dir": a.model_dir, "pooling": "mean over attention mask, not normalized",
               "torch": torch.__version__, "transformers": transformers.__version__,
               "sentences": out}
        if a.dump:
            with open(a.dump, "w", encoding="utf-8") as f:
                json.dump(doc, f)
                f.write("\n")
            log(f"wrote {len(out)} embeddings to {a.dump}")
        else:
            log(json.dumps(doc))

    print(json.dumps({
        "sents_per_s": sentences / median,
        "tokens_per_s": real_tokens / median,
        "padded_tokens": padded_tokens,
        "seconds": median,
        "passes": a.repeat,
        "threads": a.threads,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "mkldnn": torch.backends.mkldnn.is_available(),
        "sentences": sentences,
        "batches": len(inputs),
        "tokens": real_tokens,
        "warmup": a.warmup,
        "pass_seconds": times,
        "attn_implementation": model.config._attn_implementation,
        "model_type": model_type,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
    }), flush=True)


if __name__ == "__main__":
    main()
