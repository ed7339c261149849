//! llama2.c checkpoints: the header, and where each weight lives in the bytes after it.
//!
//! Three formats, told apart by the first four bytes:
//!
//! - **legacy (version 0)**: seven little-endian `i32`s (dim, hidden_dim, n_layers, n_heads,
//!   n_kv_heads, vocab_size, seq_len; a negative vocab_size means the classifier is not shared
//!   with the token embedding), then `f32`s: embedding, attention norms, wq, wk, wv, wo, FFN norms,
//!   w1, w2, w3, final norm, the RoPE tables (`seq_len * head_size` floats, unused: RoPE is
//!   computed), and the classifier when it is not shared;
//! - **version 1**: a 256-byte header (`u32` magic 0x616b3432, "ak42"; `i32` version; the same
//!   seven `i32`s with a positive vocab_size; a byte, 1 when the classifier is shared; zeros),
//!   then `f32`s: attention norms, FFN norms, final norm, embedding, wq, wk, wv, wo, w1, w2, w3, and
//!   the classifier when it is not shared;
//! - **version 2 (Q8_0)**: the version-1 header plus an `i32` group size after the shared byte;
//!   the three norms as `f32`s, then each matrix (embedding, wq… per layer, w3 per layer, the
//!   classifier when not shared) as its `i8` values followed by one `f32` scale per group:
//!   `w = q * scale`. It is dequantized to `f32` when loaded, so it runs, and takes the memory of, a
//!   version-1 checkpoint; what it saves is download size.
//!
//! Every matrix is row-major with one row per output (`wq` is `dim` rows of `dim`). The file's
//! length must be exactly what its header describes: a truncated or padded file is refused.
//! f32 weights are used where they lie in the checkpoint's bytes when these are 4-byte aligned
//! (Rust's allocators always align them), so a checkpoint costs its own size in memory, once.

use crate::Error;

/// The first four bytes of a versioned checkpoint, as a little-endian `u32` ("ak42").
pub const MAGIC: u32 = 0x616b_3432;
const LEGACY_HEADER_BYTES: usize = 7 * 4;
const VERSIONED_HEADER_BYTES: usize = 256;

/// Which checkpoint format the weights came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// llama2.c's original header, 7 `i32`s.
    Legacy,
    /// "ak42" version 1: `f32` weights.
    V1,
    /// "ak42" version 2: `i8` weights with an `f32` scale per `group_size` of them (Q8_0).
    V2 { group_size: usize },
}

impl Format {
    /// 0 for the legacy header, else the header's version.
    pub fn version(self) -> u32 {
        match self {
            Format::Legacy => 0,
            Format::V1 => 1,
            Format::V2 { .. } => 2,
        }
    }
}

/// The shape of a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub dim: usize,
    pub hidden_dim: usize,
    pub n_layers: usize,
    pub n_heads: usize,
    pub n_kv_heads: usize,
    pub vocab_size: usize,
    pub seq_len: usize,
    pub shared_classifier: bool,
    pub format: Format,
}

impl Config {
    /// The width of one attention head.
    pub fn head_size(&self) -> usize {
        self.dim / self.n_heads
    }

    /// The width of the keys and values of one position (all KV heads).
    pub fn kv_dim(&self) -> usize {
        self.n_kv_heads * self.head_size()
    }

    /// Builds a config from the header's seven integers, checking they describe a model this code
    /// can run. `vocab_size` is taken as its absolute value (the legacy sign is handled before).
    fn from_header(h: [i32; 7], shared_classifier: bool, format: Format) -> Result<Config, Error> {
        let [dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len] = h;
        let names = ["dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"];
        for (name, value) in names.iter().zip(h) {
            if value <= 0 {
                return Err(bad(format!(
                    "the header gives {name} = {value}, which must be positive \
                     (dim {dim}, hidden_dim {hidden_dim}, n_layers {n_layers}, n_heads {n_heads}, \
                     n_kv_heads {n_kv_heads}, vocab_size {vocab_size}, seq_len {seq_len}): \
                     is this a llama2.c checkpoint?"
                )));
            }
        }
        let c = Config {
            dim: dim as usize,
            hidden_dim: hidden_dim as usize,
            n_layers: n_layers as usize,
            n_heads: n_heads as usize,
            n_kv_heads: n_kv_heads as usize,
            vocab_size: vocab_size as usize,
            seq_len: seq_len as usize,
            shared_classifier,
            format,
        };
        if !c.dim.is_multiple_of(c.n_heads) {
            return Err(bad(format!("dim {} is not a multiple of n_heads {}", c.dim, c.n_heads)));
        }
        if c.n_kv_heads > c.n_heads || !c.n_heads.is_multiple_of(c.n_kv_heads) {
            return Err(bad(format!(
                "n_heads {} is not a multiple of n_kv_heads {} (grouped-query attention shares each KV head \
                 between a whole number of query heads)",
                c.n_heads, c.n_kv_heads
            )));
        }
        if !c.head_size().is_multiple_of(2) {
            return Err(bad(format!("head size {} (dim / n_heads) is odd: RoPE rotates pairs", c.head_size())));
        }
        if c.vocab_size < 3 {
            return Err(bad(format!("vocab_size {} leaves no room for BOS (1) and EOS (2)", c.vocab_size)));
        }
        Ok(c)
    }

    /// A one-line summary for error messages.
    fn describe(&self) -> String {
        format!(
            "dim {}, hidden_dim {}, n_layers {}, n_heads {}, n_kv_heads {}, vocab_size {}, seq_len {}, {} classifier",
            self.dim,
            self.hidden_dim,
            self.n_layers,
            self.n_heads,
            self.n_kv_heads,
            self.vocab_size,
            self.seq_len,
            if self.shared_classifier { "shared" } else { "separate" }
        )
    }
}

/// A block of `len` floats at `offset` in the weights' storage, repeated once per layer (or per
/// row, for the embedding).
#[derive(Clone, Copy, Debug)]
struct Tensor {
    offset: usize,
    len: usize,
}

/// Lays tensors out one after the other, counting in floats.
struct Cursor(usize);

impl Cursor {
    fn take(&mut self, len: usize, count: usize) -> Tensor {
        let t = Tensor { offset: self.0, len };
        self.0 += len * count;
        t
    }
}

/// Where the weights' floats are.
enum Store {
    /// The checkpoint's own bytes, 4-byte aligned, on a little-endian machine.
    InPlace(Vec<u8>),
    /// A copy: dequantized (version 2), or the checkpoint's bytes could not be used in place.
    Owned(Vec<f32>),
}

/// A model's weights, read-only once loaded.
pub struct Weights {
    store: Store,
    embedding: Tensor, // one per token (a row of dim)
    rms_att: Tensor,
    rms_ffn: Tensor,
    rms_final: Tensor,
    wq: Tensor,
    wk: Tensor,
    wv: Tensor,
    wo: Tensor,
    w1: Tensor,
    w2: Tensor,
    w3: Tensor,
    classifier: Tensor, // vocab_size rows of dim
}

impl Weights {
    fn floats(&self) -> &[f32] {
        match &self.store {
            // SAFETY: `InPlace` is only made (in `parse`) from bytes whose address is a multiple of 4
            // on a little-endian target, so every 4 bytes from the start are one valid f32 (every
            // bit pattern is), and the slice lives as long as `self`.
            Store::InPlace(bytes) => unsafe {
                std::slice::from_raw_parts(bytes.as_ptr().cast::<f32>(), bytes.len() / 4)
            },
            Store::Owned(floats) => floats,
        }
    }

    fn get(&self, t: Tensor, index: usize) -> &[f32] {
        let start = t.offset + index * t.len;
        &self.floats()[start..start + t.len]
    }

    /// The embedding of `token` (`dim` floats).
    pub fn embedding(&self, token: usize) -> &[f32] {
        self.get(self.embedding, token)
    }
    /// The attention RMSNorm weights of `layer`.
    pub fn rms_att(&self, layer: usize) -> &[f32] {
        self.get(self.rms_att, layer)
    }
    /// The FFN RMSNorm weights of `layer`.
    pub fn rms_ffn(&self, layer: usize) -> &[f32] {
        self.get(self.rms_ffn, layer)
    }
    /// The final RMSNorm weights.
    pub fn rms_final(&self) -> &[f32] {
        self.get(self.rms_final, 0)
    }
    /// `dim x dim`.
    pub fn wq(&self, layer: usize) -> &[f32] {
        self.get(self.wq, layer)
    }
    /// `kv_dim x dim`.
    pub fn wk(&self, layer: usize) -> &[f32] {
        self.get(self.wk, layer)
    }
    /// `kv_dim x dim`.
    pub fn wv(&self, layer: usize) -> &[f32] {
        self.get(self.wv, layer)
    }
    /// `dim x dim`.
    pub fn wo(&self, layer: usize) -> &[f32] {
        self.get(self.wo, layer)
    }
    /// The FFN gate, `hidden_dim x dim`.
    pub fn w1(&self, layer: usize) -> &[f32] {
        self.get(self.w1, layer)
    }
    /// The FFN down projection, `dim x hidden_dim`.
    pub fn w2(&self, layer: usize) -> &[f32] {
        self.get(self.w2, layer)
    }
    /// The FFN up projection, `hidden_dim x dim`.
    pub fn w3(&self, layer: usize) -> &[f32] {
        self.get(self.w3, layer)
    }
    /// The classifier, `vocab_size x dim` (the embedding itself when shared).
    pub fn classifier(&self) -> &[f32] {
        self.get(self.classifier, 0)
    }
}

fn bad(msg: String) -> Error {
    Error::Checkpoint(msg)
}

fn i32_at(bytes: &[u8], at: usize) -> i32 {
    i32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn f32_at(bytes: &[u8], at: usize) -> f32 {
    f32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn header7(bytes: &[u8], at: usize) -> [i32; 7] {
    std::array::from_fn(|i| i32_at(bytes, at + 4 * i))
}

/// Reads a checkpoint. The bytes are kept (and used in place) for the f32 formats.
pub fn parse(bytes: Vec<u8>) -> Result<(Config, Weights), Error> {
    let len = bytes.len();
    if len < LEGACY_HEADER_BYTES {
        return Err(bad(format!("{len} bytes is too short for a llama2.c header (28 bytes)")));
    }
    let magic = u32::from_le_bytes(bytes[0..4].try_into().expect("4 bytes"));
    let config = if magic == MAGIC {
        if len < VERSIONED_HEADER_BYTES {
            return Err(bad(format!("{len} bytes is too short for an \"ak42\" header (256 bytes)")));
        }
        let version = i32_at(&bytes, 4);
        let format = match version {
            1 => Format::V1,
            2 => {
                let group_size = i32_at(&bytes, 37);
                if group_size <= 0 {
                    return Err(bad(format!("the version-2 header gives group size {group_size}")));
                }
                Format::V2 { group_size: group_size as usize }
            }
            v => {
                return Err(bad(format!(
                    "\"ak42\" version {v} is not supported (this reads the legacy header, version 1 (f32) and \
                     version 2 (Q8_0))"
                )))
            }
        };
        let shared = match bytes[36] {
            0 => false,
            1 => true,
            b => return Err(bad(format!("the shared-classifier flag is {b}, not 0 or 1"))),
        };
        Config::from_header(header7(&bytes, 8), shared, format)?
    } else {
        let mut h = header7(&bytes, 0);
        let shared = h[5] > 0;
        h[5] = h[5].checked_abs().unwrap_or(0);
        Config::from_header(h, shared, Format::Legacy)?
    };

    let expected = expected_len(&config)?;
    if len as u128 != expected {
        let fmt = match config.format {
            Format::Legacy => "legacy",
            Format::V1 => "version-1",
            Format::V2 { .. } => "version-2 (Q8_0)",
        };
        let what = if (len as u128) < expected { "truncated?" } else { "extra bytes at the end" };
        return Err(bad(format!(
            "{len} bytes, but a {fmt} checkpoint of this shape ({}) is {expected} bytes: {what}",
            config.describe()
        )));
    }

    let weights = match config.format {
        Format::Legacy => in_place(bytes, legacy_layout(&config, LEGACY_HEADER_BYTES / 4)),
        Format::V1 => in_place(bytes, v1_layout(&config, VERSIONED_HEADER_BYTES / 4)),
        Format::V2 { group_size } => dequantize(&bytes, &config, group_size)?,
    };
    Ok((config, weights))
}

/// The exact byte length of a checkpoint with this config, or an error when a quantized matrix
/// does not split into whole groups.
fn expected_len(c: &Config) -> Result<u128, Error> {
    let [d, h, l, v, s, kv, hs] =
        [c.dim, c.hidden_dim, c.n_layers, c.vocab_size, c.seq_len, c.kv_dim(), c.head_size()].map(|x| x as u128);
    let classifier = if c.shared_classifier { 0 } else { v * d };
    let norms = 2 * l * d + d;
    let matrices = [v * d, l * d * d, l * kv * d, l * kv * d, l * d * d, l * h * d, l * d * h, l * h * d, classifier];
    Ok(match c.format {
        Format::Legacy => LEGACY_HEADER_BYTES as u128 + 4 * (norms + matrices.iter().sum::<u128>() + s * hs),
        Format::V1 => VERSIONED_HEADER_BYTES as u128 + 4 * (norms + matrices.iter().sum::<u128>()),
        Format::V2 { group_size } => {
            let gs = group_size as u128;
            // Each matrix is quantized per layer (and the embedding and classifier whole); a group never
            // spans two of them.
            let per_layer = [v * d, d * d, kv * d, kv * d, d * d, h * d, d * h, h * d, classifier];
            for n in per_layer {
                if !n.is_multiple_of(gs) {
                    return Err(bad(format!(
                        "a {n}-weight matrix does not split into groups of {group_size} ({})",
                        c.describe()
                    )));
                }
            }
            let q = |n: u128| n + 4 * (n / gs);
            let quantized = q(v * d) + l * (2 * q(d * d) + 2 * q(kv * d) + 3 * q(h * d)) + q(classifier);
            VERSIONED_HEADER_BYTES as u128 + 4 * norms + quantized
        }
    })
}

/// The tensors of a legacy checkpoint whose floats start at `start`.
fn legacy_layout(c: &Config, start: usize) -> Layout {
    let (d, h, l, kv) = (c.dim, c.hidden_dim, c.n_layers, c.kv_dim());
    let mut at = Cursor(start);
    let embedding = at.take(d, c.vocab_size);
    let rms_att = at.take(d, l);
    let wq = at.take(d * d, l);
    let wk = at.take(kv * d, l);
    let wv = at.take(kv * d, l);
    let wo = at.take(d * d, l);
    let rms_ffn = at.take(d, l);
    let w1 = at.take(h * d, l);
    let w2 = at.take(d * h, l);
    let w3 = at.take(h * d, l);
    let rms_final = at.take(d, 1);
    at.take(c.seq_len * c.head_size(), 1); // the RoPE tables: cos and sin, seq_len * head_size / 2 each
    let classifier = classifier(c, &mut at, embedding);
    Layout { embedding, rms_att, rms_ffn, rms_final, wq, wk, wv, wo, w1, w2, w3, classifier }
}

/// The tensors of a version-1 checkpoint (and of a dequantized version 2) from `start`.
fn v1_layout(c: &Config, start: usize) -> Layout {
    let (d, h, l, kv) = (c.dim, c.hidden_dim, c.n_layers, c.kv_dim());
    let mut at = Cursor(start);
    let rms_att = at.take(d, l);
    let rms_ffn = at.take(d, l);
    let rms_final = at.take(d, 1);
    let embedding = at.take(d, c.vocab_size);
    let wq = at.take(d * d, l);
    let wk = at.take(kv * d, l);
    let wv = at.take(kv * d, l);
    let wo = at.take(d * d, l);
    let w1 = at.take(h * d, l);
    let w2 = at.take(d * h, l);
    let w3 = at.take(h * d, l);
    let classifier = classifier(c, &mut at, embedding);
    Layout { embedding, rms_att, rms_ffn, rms_final, wq, wk, wv, wo, w1, w2, w3, classifier }
}

fn classifier(c: &Config, at: &mut Cursor, embedding: Tensor) -> Tensor {
    if c.shared_classifier {
        Tensor { offset: embedding.offset, len: c.vocab_size * c.dim }
    } else {
        at.take(c.vocab_size * c.dim, 1)
    }
}

struct Layout {
    embedding: Tensor,
    rms_att: Tensor,
    rms_ffn: Tensor,
    rms_final: Tensor,
    wq: Tensor,
    wk: Tensor,
    wv: Tensor,
    wo: Tensor,
    w1: Tensor,
    w2: Tensor,
    w3: Tensor,
    classifier: Tensor,
}

impl Layout {
    fn with(self, store: Store) -> Weights {
        let Layout { embedding, rms_att, rms_ffn, rms_final, wq, wk, wv, wo, w1, w2, w3, classifier } = self;
        Weights { store, embedding, rms_att, rms_ffn, rms_final, wq, wk, wv, wo, w1, w2, w3, classifier }
    }
}

/// f32 weights: used where they are when the bytes are aligned on a little-endian machine,
/// copied otherwise. Offsets count floats from the start of the bytes (headers are 4-byte multiples).
fn in_place(bytes: Vec<u8>, layout: Layout) -> Weights {
    if cfg!(target_endian = "little") && bytes.as_ptr().cast::<f32>().is_aligned() {
        layout.with(Store::InPlace(bytes))
    } else {
        let floats = bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes"))).collect();
        layout.with(Store::Owned(floats))
    }
}

/// Reads a version-2 checkpoint into f32 weights laid out as version 1's.
fn dequantize(bytes: &[u8], c: &Config, group_size: usize) -> Result<Weights, Error> {
    let layout = v1_layout(c, 0);
    let (d, h, l, kv, v) = (c.dim, c.hidden_dim, c.n_layers, c.kv_dim(), c.vocab_size);
    let classifier = if c.shared_classifier { 0 } else { v * d };
    let total = 2 * l * d + d + v * d + l * (2 * d * d + 2 * kv * d + 3 * h * d) + classifier;
    let mut out: Vec<f32> = Vec::new();
    out.try_reserve_exact(total).map_err(|_| {
        Error::Memory(format!("no room for the {} MiB of dequantized weights", total * 4 / (1024 * 1024)))
    })?;
    let mut at = VERSIONED_HEADER_BYTES;
    // The norms, f32 as they are.
    for _ in 0..2 * l * d + d {
        out.push(f32_at(bytes, at));
        at += 4;
    }
    // Then each matrix: n i8 values, then n / group_size f32 scales.
    let mut matrix = |n: usize, out: &mut Vec<f32>| {
        let values = &bytes[at..at + n];
        let scales = &bytes[at + n..at + n + 4 * (n / group_size)];
        for (group, q) in values.chunks_exact(group_size).enumerate() {
            let scale = f32_at(scales, 4 * group);
            out.extend(q.iter().map(|&q| f32::from(q as i8) * scale));
        }
        at += n + 4 * (n / group_size);
    };
    matrix(v * d, &mut out);
    for n in [d * d, kv * d, kv * d, d * d, h * d, d * h, h * d] {
        for _ in 0..l {
            matrix(n, &mut out);
        }
    }
    if !c.shared_classifier {
        matrix(v * d, &mut out);
    }
    debug_assert_eq!(out.len(), total);
    debug_assert_eq!(at, bytes.len());
    Ok(layout.with(Store::Owned(out)))
}
