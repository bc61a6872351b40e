//! Task heads over the backbone's token states, named like their Hugging Face counterparts.

use crate::model::bert::{dropout as drop, mean_pool, mean_pool_host, Batch};
use crate::model::encode::{target_mask, Template};
use candle_core::{Module, Tensor};
use candle_nn::{Linear, VarBuilder};

/// What a sequence head pools (see `manifest::Pooling`), with the token ids it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolSpec {
    Mean,
    /// Mean of all tokens, then the mean of the target mention between these markers.
    MeanAndTarget {
        open: u32,
        close: u32,
        sep: u32,
    },
}

impl PoolSpec {
    pub fn target(t: &Template) -> PoolSpec {
        PoolSpec::MeanAndTarget {
            open: t.target_open,
            close: t.target_close,
            sep: t.sep,
        }
    }

    fn width(&self) -> usize {
        match self {
            PoolSpec::Mean => 1,
            PoolSpec::MeanAndTarget { .. } => 2,
        }
    }
}

/// Sentence-level classification (stance, sentiment): masked mean pooling, then
/// dense + tanh + projection, as `RobertaClassificationHead` (modeling_roberta.py) but over the
/// mean of the tokens, which suits sentence-transformers encoders trained with mean pooling.
/// With [`PoolSpec::MeanAndTarget`] the dense layer reads the sentence mean and the target
/// mention's mean side by side (in features 2 x hidden).
pub struct SequenceClassificationHead {
    dense: Linear,
    out_proj: Linear,
    dropout: f32,
    pool: PoolSpec,
}

impl SequenceClassificationHead {
    /// Weights under `classifier.dense` and `classifier.out_proj`.
    pub fn load(
        vb: VarBuilder,
        hidden: usize,
        labels: usize,
        dropout: f32,
        pool: PoolSpec,
    ) -> candle_core::Result<Self> {
        Ok(Self {
            dense: candle_nn::linear(hidden * pool.width(), hidden, vb.pp("dense"))?,
            out_proj: candle_nn::linear(hidden, labels, vb.pp("out_proj"))?,
            dropout,
            pool,
        })
    }

    /// `[batch, seq, hidden]` states of `batch` -> `[batch, labels]` logits.
    pub fn forward(
        &self,
        states: &Tensor,
        batch: &Batch,
        train: bool,
    ) -> candle_core::Result<Tensor> {
        let pool = |m: &Tensor| match train {
            true => mean_pool(states, m),
            false => mean_pool_host(states, m),
        };
        let x = pool(&batch.mask)?;
        let x = match self.pool {
            PoolSpec::Mean => x,
            PoolSpec::MeanAndTarget { open, close, sep } => {
                // The span mask is computed on the host from the ids: a few hundred integers.
                let ids: Vec<Vec<u32>> = batch.input_ids.to_vec2()?;
                let types: Vec<Vec<u32>> = batch.type_ids.to_vec2()?;
                let (n, len) = batch.input_ids.dims2()?;
                let mut m = Vec::with_capacity(n * len);
                for (row, ty) in ids.iter().zip(&types) {
                    m.extend(target_mask(row, ty, open, close, sep));
                }
                let m = Tensor::from_vec(m, (n, len), states.device())?;
                Tensor::cat(&[&x, &pool(&m)?], 1)?
            }
        };
        let x = drop(&x, self.dropout, train)?;
        let x = dense(&self.dense, &x, train)?.tanh()?;
        let x = drop(&x, self.dropout, train)?;
        dense(&self.out_proj, &x, train)
    }
}

/// Token classification (NER): dropout and one linear layer per token, as
/// `BertForTokenClassification` (modeling_bert.py), weights under `classifier`.
pub struct TokenClassificationHead {
    classifier: Linear,
    dropout: f32,
}

impl TokenClassificationHead {
    pub fn load(
        vb: VarBuilder,
        hidden: usize,
        labels: usize,
        dropout: f32,
    ) -> candle_core::Result<Self> {
        Ok(Self {
            classifier: candle_nn::linear(hidden, labels, vb)?,
            dropout,
        })
    }

    /// `[batch, seq, hidden]` -> `[batch, seq, labels]` logits.
    pub fn forward(&self, states: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        dense(&self.classifier, &drop(states, self.dropout, train)?, train)
    }
}

/// A linear layer: candle's (with gradients) in training, the batch-invariant kernel
/// ([`crate::model::fast::linear_rows`]) at inference, so that a row's logits do not depend on
/// the rows beside it.
pub fn dense(lin: &Linear, x: &Tensor, train: bool) -> candle_core::Result<Tensor> {
    if train {
        lin.forward(x)
    } else {
        crate::model::fast::linear_rows(lin, x)
    }
}
