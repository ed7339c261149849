//! The forward pass: one token in at one position, the logits of the next token out.
//!
//! Per layer: RMSNorm; the query, key and value projections; RoPE on queries and keys; the keys and
//! values stored in the KV cache; causal attention of every query head over its KV head's cache
//! (grouped-query: `n_heads / n_kv_heads` query heads share one); the output projection added to
//! the residual stream; RMSNorm; the SwiGLU feed-forward (`w2(silu(w1 x) * w3 x)`) added to the
//! residual. Then a final RMSNorm and the classifier.

use crate::checkpoint::{self, Config, Matrix, Weights};
use crate::kernels::{self, scores, weighted_sum};
use crate::q8::{self, Q8Vector};
use crate::tokenizer::Tokenizer;
use crate::Error;

/// A checkpoint and its tokenizer.
pub struct Model {
    config: Config,
    weights: Weights,
    tokenizer: Tokenizer,
}

impl Model {
    /// Reads a checkpoint (kept, and used in place where it can be) and its tokenizer.
    pub fn load(checkpoint: Vec<u8>, tokenizer: &[u8]) -> Result<Model, Error> {
        let (config, weights) = checkpoint::parse(checkpoint)?;
        let tokenizer = Tokenizer::parse(tokenizer, config.vocab_size)?;
        Ok(Model { config, weights, tokenizer })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// The logits after running `tokens` from position 0 (BOS is not added): what the model makes
    /// of the token after them.
    pub fn logits(&self, tokens: &[u32]) -> Result<Vec<f32>, Error> {
        let c = &self.config;
        if tokens.is_empty() || tokens.len() > c.seq_len {
            return Err(Error::Prompt(format!(
                "{} tokens: logits need 1 to {} (the context)",
                tokens.len(),
                c.seq_len
            )));
        }
        if let Some(t) = tokens.iter().find(|&&t| t as usize >= c.vocab_size) {
            return Err(Error::Prompt(format!("token {t} is not in the vocabulary of {}", c.vocab_size)));
        }
        let mut state = State::new(c, tokens.len())?;
        for (pos, &t) in tokens.iter().enumerate() {
            forward(self, &mut state, t, pos);
        }
        Ok(state.logits)
    }
}

/// The working memory of one generation: activations, and the KV cache for `capacity` positions.
pub struct State {
    capacity: usize,
    x: Vec<f32>,
    xb: Vec<f32>,
    xb2: Vec<f32>,
    hb: Vec<f32>,
    hb2: Vec<f32>,
    q: Vec<f32>,
    /// The input of a Q8_0 matrix product, quantized.
    xq: Q8Vector,
    att: Vec<f32>,
    /// cos and sin of each RoPE frequency at the current position.
    rope: Vec<(f32, f32)>,
    logits: Vec<f32>,
    /// `[layer][position][kv_dim]`.
    key_cache: Vec<f32>,
    value_cache: Vec<f32>,
}

fn zeros(n: usize) -> Result<Vec<f32>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::Memory(format!("no room for {n} floats of working memory")))?;
    v.resize(n, 0.0);
    Ok(v)
}

impl State {
    /// Working memory for positions `0..capacity` (at most the model's `seq_len`).
    pub fn new(c: &Config, capacity: usize) -> Result<State, Error> {
        let capacity = capacity.min(c.seq_len);
        let cache = c.n_layers.checked_mul(capacity).and_then(|n| n.checked_mul(c.kv_dim())).ok_or_else(|| {
            Error::Memory(format!("a KV cache of {capacity} positions does not fit the address space"))
        })?;
        Ok(State {
            capacity,
            x: zeros(c.dim)?,
            xb: zeros(c.dim)?,
            xb2: zeros(c.dim)?,
            hb: zeros(c.hidden_dim)?,
            hb2: zeros(c.hidden_dim)?,
            q: zeros(c.dim)?,
            xq: Q8Vector::with_capacity(c.dim.max(c.hidden_dim)),
            att: zeros(capacity)?,
            rope: vec![(1.0, 0.0); c.head_size() / 2],
            logits: zeros(c.vocab_size)?,
            key_cache: zeros(cache)?,
            value_cache: zeros(cache)?,
        })
    }

    /// The bytes of the KV cache for `capacity` positions: a key and a value of `kv_dim` floats per
    /// layer and position.
    /// In `u64`: a header may describe more than a 32-bit address space holds.
    pub fn kv_cache_bytes(c: &Config, capacity: usize) -> u64 {
        let [layers, positions, kv_dim] = [c.n_layers, capacity.min(c.seq_len), c.kv_dim()].map(|n| n as u64);
        2 * layers * positions * kv_dim * size_of::<f32>() as u64
    }

    /// The bytes of everything else [`State::new`] allocates for `capacity` positions.
    pub fn activation_bytes(c: &Config, capacity: usize) -> u64 {
        let [dim, hidden, positions, vocab] =
            [c.dim, c.hidden_dim, capacity.min(c.seq_len), c.vocab_size].map(|n| n as u64);
        let floats = 4 * dim + 2 * hidden + positions + vocab;
        let rope = (c.head_size() / 2 * size_of::<(f32, f32)>()) as u64;
        let xq = Q8Vector::capacity_bytes(c.dim.max(c.hidden_dim));
        floats * size_of::<f32>() as u64 + rope + xq
    }

    /// How many positions the KV cache holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// `out = weight * x / rms(x)`, with llama2.c's epsilon (1e-5) under the root.
fn rmsnorm(out: &mut [f32], x: &[f32], weight: &[f32]) {
    let mut ss = 0.0f32;
    for v in x {
        ss += v * v;
    }
    let scale = 1.0 / (ss / x.len() as f32 + 1e-5).sqrt();
    for ((o, &v), &w) in out.iter_mut().zip(x).zip(weight) {
        *o = w * (scale * v);
    }
}

/// In place, subtracting the maximum first so `exp` cannot overflow.
fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in x.iter_mut() {
        *v /= sum;
    }
}

/// Rotates each pair `(v[2j], v[2j + 1])` of every head in `v` by the angle of frequency `j`.
fn rope(v: &mut [f32], angles: &[(f32, f32)], head_size: usize) {
    for head in v.chunks_exact_mut(head_size) {
        for (pair, &(cos, sin)) in head.chunks_exact_mut(2).zip(angles) {
            let (a, b) = (pair[0], pair[1]);
            pair[0] = a * cos - b * sin;
            pair[1] = a * sin + b * cos;
        }
    }
}

/// `out = w x` for each `(out, w)` of matrices that share the input `x`: on f32, or for Q8_0
/// matrices on int8, with `x` quantized into `xq` once for all of them (their rows are all as long
/// as `x`, and a model has one group size).
fn matmuls(products: &mut [(&mut [f32], Matrix)], x: &[f32], xq: &mut Q8Vector) {
    let mut quantized = false;
    for (out, w) in products {
        match w {
            Matrix::F32(w) => kernels::matmul(out, w, x),
            Matrix::Q8(w) => {
                if !quantized {
                    xq.quantize(x, q8::input_group_size(x.len(), w.group_size));
                    quantized = true;
                }
                q8::matmul(out, w, xq);
            }
        }
    }
}

/// Runs `token` at position `pos` (every earlier position must have been run, in this `state`)
/// and returns the logits of the token after it.
pub fn forward<'s>(model: &Model, s: &'s mut State, token: u32, pos: usize) -> &'s mut [f32] {
    let c = &model.config;
    let w = &model.weights;
    let (dim, kv_dim, hs) = (c.dim, c.kv_dim(), c.head_size());
    let kv_mul = c.n_heads / c.n_kv_heads;
    assert!(pos < s.capacity, "position {pos} is beyond the KV cache ({})", s.capacity);
    assert!((token as usize) < c.vocab_size, "token {token} is not in the vocabulary");

    w.embedding(token as usize, &mut s.x);

    // RoPE: frequency j (of the pair at 2j in a head) is 10000^(-2j / head_size); the angle is pos times it.
    for (j, angle) in s.rope.iter_mut().enumerate() {
        let freq = 1.0 / 10000f32.powf((2 * j) as f32 / hs as f32);
        let val = pos as f32 * freq;
        *angle = (val.cos(), val.sin());
    }
    let scale = 1.0 / (hs as f32).sqrt();

    for l in 0..c.n_layers {
        // Attention.
        rmsnorm(&mut s.xb, &s.x, w.rms_att(l));
        let here = (l * s.capacity + pos) * kv_dim;
        let layer_cache = l * s.capacity * kv_dim;
        let (k, v) = (&mut s.key_cache[here..here + kv_dim], &mut s.value_cache[here..here + kv_dim]);
        matmuls(&mut [(&mut s.q, w.wq(l)), (k, w.wk(l)), (v, w.wv(l))], &s.xb, &mut s.xq);
        rope(&mut s.q, &s.rope, hs);
        rope(&mut s.key_cache[here..here + kv_dim], &s.rope, hs);

        for h in 0..c.n_heads {
            let q = &s.q[h * hs..(h + 1) * hs];
            let kv_head = (h / kv_mul) * hs;
            let att = &mut s.att[..=pos];
            scores(att, q, &s.key_cache[layer_cache + kv_head..], kv_dim, scale);
            softmax(att);
            weighted_sum(&mut s.xb[h * hs..(h + 1) * hs], att, &s.value_cache[layer_cache + kv_head..], kv_dim);
        }
        matmuls(&mut [(&mut s.xb2, w.wo(l))], &s.xb, &mut s.xq);
        for (x, d) in s.x.iter_mut().zip(&s.xb2) {
            *x += d;
        }

        // Feed-forward.
        rmsnorm(&mut s.xb, &s.x, w.rms_ffn(l));
        matmuls(&mut [(&mut s.hb, w.w1(l)), (&mut s.hb2, w.w3(l))], &s.xb, &mut s.xq);
        for (g, &u) in s.hb.iter_mut().zip(&s.hb2) {
            let v = *g;
            *g = v * (1.0 / (1.0 + (-v).exp())) * u; // silu(v) * u
        }
        matmuls(&mut [(&mut s.xb, w.w2(l))], &s.hb, &mut s.xq);
        for (x, d) in s.x.iter_mut().zip(&s.xb) {
            *x += d;
        }
    }

    rmsnorm(&mut s.xb, &s.x, w.rms_final());
    matmuls(&mut [(&mut s.logits, w.classifier())], &s.xb, &mut s.xq);
    debug_assert_eq!(s.xb.len(), dim);
    &mut s.logits
}

#[cfg(test)]
mod tests {
    use super::State;
    use crate::checkpoint::{Config, Format};

    /// The footprint's formulas are what `State::new` allocates.
    #[test]
    fn state_bytes_are_the_formulas() {
        let c = Config {
            dim: 288,
            hidden_dim: 768,
            n_layers: 6,
            n_heads: 6,
            n_kv_heads: 3,
            vocab_size: 32000,
            seq_len: 256,
            shared_classifier: true,
            format: Format::V1,
        };
        for capacity in [1, 100, 256, 1000] {
            let s = State::new(&c, capacity).expect("allocates");
            let f32s = |v: &Vec<f32>| v.capacity() * 4;
            let cache = f32s(&s.key_cache) + f32s(&s.value_cache);
            let activations =
                [&s.x, &s.xb, &s.xb2, &s.hb, &s.hb2, &s.q, &s.att, &s.logits].map(f32s).iter().sum::<usize>()
                    + s.rope.capacity() * 8
                    + s.xq.allocated_bytes();
            assert_eq!(cache as u64, State::kv_cache_bytes(&c, capacity), "capacity {capacity}");
            assert_eq!(activations as u64, State::activation_bytes(&c, capacity), "capacity {capacity}");
        }
    }
}
