//! The memory loading a checkpoint and generating from it takes, known from its header alone, so a
//! host can say what a model needs (and refuse one its memory cannot hold) before reading gigabytes.
//!
//! Three parts: the weights ([`checkpoint::weights_bytes`]: the checkpoint itself, used in place, and
//! any matrices dequantized), the KV cache of a generation over the whole context, and the working
//! memory of that generation (activations, the quantized input of int8 products, the logits, the
//! sampler's scratch). The tokenizer and the component's own code and stack are not counted.

use crate::checkpoint::{self, Config, Format};
use crate::sampler::Sampler;
use crate::transformer::State;
use crate::Error;

/// Bytes, by what they hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footprint {
    pub weights: u64,
    /// Keys and values of every layer for `seq_len` positions.
    pub kv_cache: u64,
    pub activations: u64,
}

impl Footprint {
    pub fn total(&self) -> u64 {
        self.weights + self.kv_cache + self.activations
    }
}

/// The footprint of a checkpoint from its header (`header`: its first 256 bytes, or all of it when
/// shorter) and its length, which must be what the header describes. With `quantize_group_size`, an
/// f32 checkpoint is counted as it will be once quantized to Q8_0 in groups of that size (a Q8_0
/// one as it is).
pub fn inspect(header: &[u8], len: u64, quantize_group_size: Option<usize>) -> Result<(Config, Footprint), Error> {
    let mut config = checkpoint::parse_header(header)?;
    checkpoint::check_len(&config, len)?;
    if let (Some(group_size), Format::Legacy | Format::V1) = (quantize_group_size, config.format) {
        if group_size == 0 {
            return Err(Error::Checkpoint("a Q8_0 group size of 0".to_string()));
        }
        config.format = Format::V2 { group_size };
    }
    let footprint = Footprint {
        weights: checkpoint::weights_bytes(&config)?,
        kv_cache: State::kv_cache_bytes(&config, config.seq_len),
        activations: State::activation_bytes(&config, config.seq_len) + Sampler::scratch_bytes(config.vocab_size),
    };
    Ok((config, footprint))
}
