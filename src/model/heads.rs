//! Task heads over the backbone's token states, named like their Hugging Face counterparts.

use crate::model::bert::{dropout as drop, mean_pool};
use candle_core::{Module, Tensor};
use candle_nn::{Linear, VarBuilder};

/// Sentence-level classification (stance, sentiment): masked mean pooling, then
/// dense + tanh + projection, as `RobertaClassificationHead` (modeling_roberta.py) but over the
/// mean of the tokens, which suits sentence-transformers encoders trained with mean pooling.
pub struct SequenceClassificationHead {
    dense: Linear,
    out_proj: Linear,
    dropout: f32,
}

impl SequenceClassificationHead {
    /// Weights under `classifier.dense` and `classifier.out_proj`.
    pub fn load(
        vb: VarBuilder,
        hidden: usize,
        labels: usize,
        dropout: f32,
    ) -> candle_core::Result<Self> {
        Ok(Self {
            dense: candle_nn::linear(hidden, hidden, vb.pp("dense"))?,
            out_proj: candle_nn::linear(hidden, labels, vb.pp("out_proj"))?,
            dropout,
        })
    }

    /// `[batch, seq, hidden]` states and `[batch, seq]` mask -> `[batch, labels]` logits.
    pub fn forward(
        &self,
        states: &Tensor,
        mask: &Tensor,
        train: bool,
    ) -> candle_core::Result<Tensor> {
        let x = mean_pool(states, mask)?;
        let x = drop(&x, self.dropout, train)?;
        let x = self.dense.forward(&x)?.tanh()?;
        let x = drop(&x, self.dropout, train)?;
        self.out_proj.forward(&x)
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
        self.classifier.forward(&drop(states, self.dropout, train)?)
    }
}
