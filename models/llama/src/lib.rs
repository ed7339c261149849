//! A llama2.c-style transformer: reads llama2.c checkpoints and tokenizers from bytes and generates
//! text, one token at a time.
//!
//! Built for `wasm32-wasip2` it is the `terrarium:llama` component (`component.rs`, WIT in
//! `wit/llama.wit`); built natively it is a plain library, which `tests/golden.rs` checks against
//! the stories260K model. The pieces, in the order a token goes through them:
//!
//! - [`checkpoint`]: the header (legacy, or "ak42" version 1 and 2) and where each weight lives;
//! - [`footprint`]: the memory a checkpoint needs, from its header, before it is read;
//! - [`tokenizer`]: the vocabulary, BPE encoding of a prompt, decoding of a token to bytes;
//! - [`transformer`]: the forward pass (RMSNorm, RoPE, grouped-query attention, SwiGLU);
//! - [`kernels`]: matrix-vector products and attention's inner loops, relaxed SIMD, SIMD128 or
//!   scalar as built;
//! - `avx2`: the native x86_64 build's own vectorised kernels, with `-C target-cpu=native`;
//! - [`q8`]: the int8 matrix-vector products of Q8_0 (version 2) checkpoints;
//! - [`sampler`]: greedy, or temperature + top-p with a seeded xorshift generator;
//! - [`generate`]: a generation in progress, token by token, with its own KV cache.

#[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
pub mod avx2;
pub mod checkpoint;
pub mod footprint;
pub mod generate;
pub mod kernels;
pub mod q8;
pub mod sampler;
pub mod tokenizer;
pub mod transformer;

#[cfg(target_arch = "wasm32")]
mod component;

use std::fmt;

pub use checkpoint::{Config, Format, Matrix};
pub use footprint::Footprint;
pub use generate::{Generation, Options, StopReason, Token};
pub use tokenizer::Tokenizer;
pub use transformer::Model;

/// The beginning-of-text token: every prompt starts with it, and the model producing it ends a
/// generation (llama2.c's convention).
pub const BOS: u32 = 1;
/// The end-of-text token.
pub const EOS: u32 = 2;

/// What went wrong, by what it concerns. Its `Display` is the readable message the component
/// returns: `checkpoint: …`, `tokenizer: …`, and so on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The checkpoint bytes are not a llama2.c checkpoint this code reads.
    Checkpoint(String),
    /// The tokenizer bytes are not a llama2.c tokenizer for this checkpoint.
    Tokenizer(String),
    /// The prompt cannot be encoded, or is longer than the context.
    Prompt(String),
    /// A sampling option is out of range.
    Options(String),
    /// An allocation the model needs failed.
    Memory(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, msg) = match self {
            Error::Checkpoint(m) => ("checkpoint", m),
            Error::Tokenizer(m) => ("tokenizer", m),
            Error::Prompt(m) => ("prompt", m),
            Error::Options(m) => ("options", m),
            Error::Memory(m) => ("memory", m),
        };
        write!(f, "{what}: {msg}")
    }
}

impl std::error::Error for Error {}
