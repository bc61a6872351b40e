//! The fast engine's MPNet against transformers' `MPNetModel` on the real all-mpnet-base-v2
//! weights: last hidden states of a padded batch of rows of different lengths (one of them past
//! the 128 tokens where the relative position buckets stop growing, one with a hole in its
//! mask) within 1e-3 (measured: 1.4e-6), the same bits at 1 and 2 threads and for each row
//! alone, and bf16 within 5e-2 (measured: 8.1e-3). Needs the base (`standpoint models fetch
//! --encoder mpnet`) and the PyTorch virtualenv (`bash benches/setup-pytorch-venv.sh`); says
//! SKIPPED without them.

mod common;

use std::path::PathBuf;
use std::process::Command;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use standpoint::model::bert::{Backbone, Batch, TrainBert};
use standpoint::model::classifier::{load_base_tensors, load_encoder_config, EncoderConfig};
use standpoint::model::fast::Precision;
use standpoint::model::resolve::{self, BaseSpec};

const TOLERANCE: f32 = 1e-3;
/// bf16 rounds the dense layers' inputs and weights; measured 8.1e-3 over the 12 layers.
const BF16_TOLERANCE: f32 = 5e-2;

/// The python of the PyTorch virtualenv: `$STANDPOINT_BENCH_VENV` or the setup script's
/// default, `~/.cache/standpoint/bench-venv`.
fn bench_python() -> Option<PathBuf> {
    let venv = match std::env::var_os("STANDPOINT_BENCH_VENV") {
        Some(dir) => PathBuf::from(dir),
        None => dirs::home_dir()?.join(".cache/standpoint/bench-venv"),
    };
    let python = venv.join("bin/python");
    python.is_file().then_some(python)
}

#[test]
fn mpnet_hidden_states_match_transformers_on_the_real_weights() {
    let Ok(files) = resolve::resolve(&BaseSpec::mpnet(), None) else {
        common::skip(
            "sentence-transformers/all-mpnet-base-v2 is not installed",
            "run `standpoint models fetch --encoder mpnet`",
        );
        return;
    };
    let Some(python) = bench_python() else {
        common::skip(
            "no PyTorch virtualenv",
            "run `bash benches/setup-pytorch-venv.sh`",
        );
        return;
    };
    let (config, tokenizer) = load_encoder_config(&files).unwrap();
    let EncoderConfig::Mpnet(mpnet) = &config else {
        panic!("all-mpnet-base-v2's config is not read as mpnet: {config:?}");
    };

    let long = "The minister said the agreement, which was signed after months of talks, \
                would open the border to trade and travel. "
        .repeat(7);
    let texts = [
        "Hello.",
        "The defence minister of Pakistan met his Indian counterpart in Islamabad on Monday.",
        long.as_str(),
        "Critics called the plan reckless.",
    ];
    let mut rows: Vec<Vec<u32>> = texts
        .iter()
        .map(|t| tokenizer.encode(*t, true).unwrap().get_ids().to_vec())
        .collect();
    assert!(rows[2].len() > 140, "{} tokens", rows[2].len());
    assert_eq!(
        (rows[0][0], *rows[0].last().unwrap()),
        (0, 2),
        "<s> ... </s>"
    );
    // A padding id inside a row moves the positions after it, as in transformers.
    rows[3].insert(2, 1);
    let mut masks: Vec<Vec<f32>> = rows.iter().map(|r| vec![1.0; r.len()]).collect();
    // A hole: the fourth token of row 1 is no key for the others (but still a query).
    masks[1][3] = 0.0;

    let work = tempfile::tempdir().unwrap();
    let batches = work.path().join("batches.jsonl");
    let mask_ints: Vec<Vec<u32>> = masks
        .iter()
        .map(|m| m.iter().map(|&v| v as u32).collect())
        .collect();
    std::fs::write(
        &batches,
        serde_json::json!({"ids": rows, "mask": mask_ints}).to_string() + "\n",
    )
    .unwrap();
    let out = work.path().join("states.json");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/encoder_states.py");
    let o = Command::new(&python)
        .arg(script)
        .arg("--model-dir")
        .arg(&files.dir)
        .arg("--batches")
        .arg(&batches)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let want = &reference["states"][0];

    let tensors = load_base_tensors(&files, &Device::Cpu).unwrap();
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    let width = rows.iter().map(Vec::len).max().unwrap();
    let mut ids = vec![0u32; rows.len() * width];
    let mut mask = vec![0f32; rows.len() * width];
    for (r, (row, m)) in rows.iter().zip(&masks).enumerate() {
        ids[r * width..][..row.len()].copy_from_slice(row);
        mask[r * width..][..row.len()].copy_from_slice(m);
    }
    let batch = Batch {
        input_ids: Tensor::from_vec(ids, (rows.len(), width), &Device::Cpu).unwrap(),
        type_ids: Tensor::zeros((rows.len(), width), DType::U32, &Device::Cpu).unwrap(),
        mask: Tensor::from_vec(mask, (rows.len(), width), &Device::Cpu).unwrap(),
    };
    // States of the batch at a precision and thread count, with the largest difference from
    // transformers over the real tokens.
    let run = |precision: Precision, threads: usize| {
        let fast = config
            .fast_encoder(vb.clone(), Some(threads), precision)
            .unwrap();
        let got: Vec<f32> = fast
            .forward(&batch)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let h = fast.hidden_size();
        let mut worst = 0f32;
        for (r, row) in rows.iter().enumerate() {
            for p in 0..row.len() {
                let reference = want[r][p].as_array().unwrap();
                assert_eq!(reference.len(), h);
                for (i, v) in reference.iter().enumerate() {
                    let d = (got[(r * width + p) * h + i] - v.as_f64().unwrap() as f32).abs();
                    worst = worst.max(d);
                }
            }
            // Padding positions of the output are zero.
            assert!(got[(r * width + row.len()) * h..(r + 1) * width * h]
                .iter()
                .all(|&v| v == 0.0));
        }
        eprintln!(
            "mpnet parity, {precision:?}, {threads} threads: max |standpoint - transformers {}| \
             = {worst:e} over {} tokens",
            reference["transformers"],
            rows.iter().map(Vec::len).sum::<usize>()
        );
        (got, worst)
    };
    let (one, worst) = run(Precision::F32, 1);
    assert!(worst < TOLERANCE, "max abs diff {worst} at 1 thread");
    let (two, _) = run(Precision::F32, 2);
    assert!(one == two, "the states depend on the thread count");

    // Each row alone gives the same bits as in the batch (batch invariance).
    let fast = config
        .fast_encoder(vb.clone(), Some(1), Precision::F32)
        .unwrap();
    let h = fast.hidden_size();
    for (r, (row, m)) in rows.iter().zip(&masks).enumerate() {
        let alone = Batch {
            input_ids: Tensor::from_vec(row.clone(), (1, row.len()), &Device::Cpu).unwrap(),
            type_ids: Tensor::zeros((1, row.len()), DType::U32, &Device::Cpu).unwrap(),
            mask: Tensor::from_vec(m.clone(), (1, row.len()), &Device::Cpu).unwrap(),
        };
        let got: Vec<f32> = fast
            .forward(&alone)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        assert!(
            got == one[r * width * h..][..row.len() * h],
            "row {r} alone differs from row {r} in the batch"
        );
    }

    // The trainable MPNet (half the layers frozen) on the same weights.
    let train = TrainBert::load_mpnet(vb.clone(), vb.clone(), mpnet, 6).unwrap();
    let got: Vec<f32> = train
        .forward_train(&batch, false)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let mut worst = 0f32;
    for (r, row) in rows.iter().enumerate() {
        for p in 0..row.len() {
            for (i, v) in want[r][p].as_array().unwrap().iter().enumerate() {
                let d = (got[(r * width + p) * h + i] - v.as_f64().unwrap() as f32).abs();
                worst = worst.max(d);
            }
        }
    }
    eprintln!("mpnet parity, TrainBert (6 of 12 layers frozen): max abs diff {worst:e}");
    assert!(worst < TOLERANCE, "TrainBert: max abs diff {worst}");

    // bf16 matmuls, where the CPU has them: near, not equal (as for MiniLM).
    match config.fast_encoder(vb.clone(), Some(2), Precision::Bf16) {
        Ok(_) => {
            let (_, worst) = run(Precision::Bf16, 2);
            assert!(worst < BF16_TOLERANCE, "bf16: max abs diff {worst}");
        }
        Err(why) => common::skip(
            &format!("the bf16 part: {why}"),
            "run it on a CPU with AVX512-BF16",
        ),
    }
}
