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
//!   `w = q * scale`. It stays quantized in memory and the matrix products run on int8
//!   ([`crate::q8`]), as llama2.c's `runq.c` does.
//!
//! Every matrix is row-major with one row per output (`wq` is `dim` rows of `dim`). The file's
//! length must be exactly what its header describes: a truncated or padded file is refused.
//! Weights are used where they lie in the checkpoint's bytes (copied once when these are not
//! 4-byte aligned, which Rust's allocators never do), so a checkpoint costs its own size in memory.

use crate::q8::{self, Q8Matrix};
use crate::Error;

#[cfg(target_endian = "big")]
compile_error!("the checkpoint's f32 weights are read in place, which needs a little-endian target");

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

/// Where a tensor's numbers are: `len` of them per item (per layer; the embedding is one item of
/// `vocab_size` rows), items `stride` apart.
#[derive(Clone, Copy, Debug)]
struct Tensor {
    kind: Kind,
    at: usize,
    len: usize,
    stride: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `f32`s in the checkpoint's bytes; `at` and `stride` count floats.
    F32,
    /// `f32`s in [`Weights::dequantized`]; `at` and `stride` count floats.
    Dequantized,
    /// Q8_0 in the checkpoint's bytes: an item's `len` `i8` values, then its `len / group_size`
    /// `f32` scales; `at` and `stride` count bytes.
    Q8,
}

/// Lays `f32` tensors out one after the other, counting in floats.
struct Cursor(usize);

impl Cursor {
    fn take(&mut self, len: usize, count: usize) -> Tensor {
        let t = Tensor { kind: Kind::F32, at: self.0, len, stride: len };
        self.0 += len * count;
        t
    }
}

/// The checkpoint's bytes, starting at a multiple of 4 so the `f32`s in them can be read in place.
enum Bytes {
    /// The bytes the host passed in, already aligned (Rust's allocators always align them).
    Given(Vec<u8>),
    /// A copy into words, when they were not; the byte length.
    Copied(Vec<u32>, usize),
}

impl Bytes {
    fn new(bytes: Vec<u8>) -> Bytes {
        if bytes.as_ptr().cast::<u32>().is_aligned() {
            return Bytes::Given(bytes);
        }
        let mut words = vec![0u32; bytes.len().div_ceil(4)];
        // SAFETY: `words` has room for `bytes.len()` bytes; the two allocations do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), words.as_mut_ptr().cast::<u8>(), bytes.len()) };
        Bytes::Copied(words, bytes.len())
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Bytes::Given(bytes) => bytes,
            // SAFETY: the words hold at least `len` initialised bytes, alive as long as `self`.
            Bytes::Copied(words, len) => unsafe { std::slice::from_raw_parts(words.as_ptr().cast::<u8>(), *len) },
        }
    }

    /// The bytes as `i8`s.
    fn signed(&self) -> &[i8] {
        let b = self.bytes();
        // SAFETY: i8 and u8 have the same size and alignment, and every bit pattern is valid for both.
        unsafe { std::slice::from_raw_parts(b.as_ptr().cast::<i8>(), b.len()) }
    }

    /// The bytes as little-endian `f32`s (the whole words of them).
    fn floats(&self) -> &[f32] {
        let b = self.bytes();
        // SAFETY: the start is 4-byte aligned (see `new`), the target little-endian (checked at the
        // top of this file), every bit pattern is a valid f32, and the slice lives as long as `self`.
        unsafe { std::slice::from_raw_parts(b.as_ptr().cast::<f32>(), b.len() / 4) }
    }
}

/// A matrix the forward pass multiplies by: `rows x n`, row-major.
#[derive(Clone, Copy, Debug)]
pub enum Matrix<'w> {
    F32(&'w [f32]),
    Q8(Q8Matrix<'w>),
}

impl Matrix<'_> {
    /// The matrix as `f32`s (a copy; dequantized when it is Q8_0).
    pub fn to_f32(&self) -> Vec<f32> {
        match self {
            Matrix::F32(w) => w.to_vec(),
            Matrix::Q8(q) => q.dequantize(),
        }
    }
}

/// A model's weights, read-only once loaded.
pub struct Weights {
    bytes: Bytes,
    /// Q8_0 matrices dequantized when loaded, when the group size is not a multiple of 4 (empty otherwise).
    dequantized: Vec<f32>,
    group_size: usize,
    dim: usize,
    embedding: Tensor, // vocab_size rows of dim
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
    fn matrix(&self, t: Tensor, index: usize) -> Matrix<'_> {
        let start = t.at + index * t.stride;
        match t.kind {
            Kind::F32 => Matrix::F32(&self.bytes.floats()[start..start + t.len]),
            Kind::Dequantized => Matrix::F32(&self.dequantized[start..start + t.len]),
            Kind::Q8 => {
                let scales = (start + t.len) / 4;
                Matrix::Q8(Q8Matrix {
                    values: &self.bytes.signed()[start..start + t.len],
                    scales: &self.bytes.floats()[scales..scales + t.len / self.group_size],
                    group_size: self.group_size,
                })
            }
        }
    }

    fn floats(&self, t: Tensor, index: usize) -> &[f32] {
        match self.matrix(t, index) {
            Matrix::F32(floats) => floats,
            Matrix::Q8(_) => unreachable!("norms are never quantized"),
        }
    }

    /// The bytes the weights take: the checkpoint (f32 weights are used in place, Q8_0 weights stay
    /// int8) and any matrices dequantized when loaded.
    pub fn memory_bytes(&self) -> usize {
        let bytes = match &self.bytes {
            Bytes::Given(b) => b.len(),
            Bytes::Copied(w, _) => w.len() * 4,
        };
        bytes + self.dequantized.len() * 4
    }

    /// Writes the embedding of `token` (`dim` floats) into `out`.
    pub fn embedding(&self, token: usize, out: &mut [f32]) {
        let d = self.dim;
        match self.matrix(self.embedding, 0) {
            Matrix::F32(w) => out.copy_from_slice(&w[token * d..][..d]),
            Matrix::Q8(q) => {
                let gs = q.group_size;
                q8::dequantize(out, &q.values[token * d..][..d], &q.scales[token * d / gs..][..d / gs], gs)
            }
        }
    }
    /// The attention RMSNorm weights of `layer`.
    pub fn rms_att(&self, layer: usize) -> &[f32] {
        self.floats(self.rms_att, layer)
    }
    /// The FFN RMSNorm weights of `layer`.
    pub fn rms_ffn(&self, layer: usize) -> &[f32] {
        self.floats(self.rms_ffn, layer)
    }
    /// The final RMSNorm weights.
    pub fn rms_final(&self) -> &[f32] {
        self.floats(self.rms_final, 0)
    }
    /// `dim x dim`.
    pub fn wq(&self, layer: usize) -> Matrix<'_> {
        self.matrix(self.wq, layer)
    }
    /// `kv_dim x dim`.
    pub fn wk(&self, layer: usize) -> Matrix<'_> {
        self.matrix(self.wk, layer)
    }
    /// `kv_dim x dim`.
    pub fn wv(&self, layer: usize) -> Matrix<'_> {
        self.matrix(self.wv, layer)
    }
    /// `dim x dim`.
    pub fn wo(&self, layer: usize) -> Matrix<'_> {
        self.matrix(self.wo, layer)
    }
    /// The FFN gate, `hidden_dim x dim`.
    pub fn w1(&self, layer: usize) -> Matrix<'_> {
        self.matrix(self.w1, layer)
    }
    /// The FFN down projection, `dim x hidden_dim`.
    pub fn w2(&self, layer: usize) -> Matrix<'_> {
        self.matrix(self.w2, layer)
    }
    /// The FFN up projection, `hidden_dim x dim`.
    pub fn w3(&self, layer: usize) -> Matrix<'_> {
        self.matrix(self.w3, layer)
    }
    /// The classifier, `vocab_size x dim` (the embedding itself when shared).
    pub fn classifier(&self) -> Matrix<'_> {
        self.matrix(self.classifier, 0)
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

/// Reads the header at the start of a checkpoint (`bytes` may be only its first 256 bytes: the
/// weights are not looked at), so what loading it takes can be known before it is read.
pub fn parse_header(bytes: &[u8]) -> Result<Config, Error> {
    let len = bytes.len();
    if len < LEGACY_HEADER_BYTES {
        return Err(bad(format!("{len} bytes is too short for a llama2.c header (28 bytes)")));
    }
    let magic = u32::from_le_bytes(bytes[0..4].try_into().expect("4 bytes"));
    if magic == MAGIC {
        if len < VERSIONED_HEADER_BYTES {
            return Err(bad(format!("{len} bytes is too short for an \"ak42\" header (256 bytes)")));
        }
        let version = i32_at(bytes, 4);
        let format = match version {
            1 => Format::V1,
            2 => {
                let group_size = i32_at(bytes, 37);
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
        Config::from_header(header7(bytes, 8), shared, format)
    } else {
        let mut h = header7(bytes, 0);
        let shared = h[5] > 0;
        h[5] = h[5].checked_abs().unwrap_or(0);
        Config::from_header(h, shared, Format::Legacy)
    }
}

/// Checks that a checkpoint of `len` bytes is exactly as long as its header says.
pub fn check_len(config: &Config, len: u64) -> Result<(), Error> {
    let expected = expected_len(config)?;
    if u128::from(len) == expected {
        return Ok(());
    }
    let fmt = match config.format {
        Format::Legacy => "legacy",
        Format::V1 => "version-1",
        Format::V2 { .. } => "version-2 (Q8_0)",
    };
    let what = if u128::from(len) < expected { "truncated?" } else { "extra bytes at the end" };
    Err(bad(format!(
        "{len} bytes, but a {fmt} checkpoint of this shape ({}) is {expected} bytes: {what}",
        config.describe()
    )))
}

/// Reads a checkpoint. The bytes are kept (and used in place) for the f32 formats.
pub fn parse(bytes: Vec<u8>) -> Result<(Config, Weights), Error> {
    let config = parse_header(&bytes)?;
    check_len(&config, bytes.len() as u64)?;
    let weights = match config.format {
        Format::Legacy => {
            legacy_layout(&config, LEGACY_HEADER_BYTES / 4).with(Bytes::new(bytes), Vec::new(), 1, &config)
        }
        Format::V1 => v1_layout(&config, VERSIONED_HEADER_BYTES / 4).with(Bytes::new(bytes), Vec::new(), 1, &config),
        Format::V2 { group_size } => q8_layout(bytes, &config, group_size)?,
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
    let embedding = at.take(d * c.vocab_size, 1);
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
    let classifier = classifier(c, embedding, || at.take(c.vocab_size * c.dim, 1));
    Layout { embedding, rms_att, rms_ffn, rms_final, wq, wk, wv, wo, w1, w2, w3, classifier }
}

/// The tensors of a version-1 checkpoint from `start`.
fn v1_layout(c: &Config, start: usize) -> Layout {
    let (d, h, l, kv) = (c.dim, c.hidden_dim, c.n_layers, c.kv_dim());
    let mut at = Cursor(start);
    let rms_att = at.take(d, l);
    let rms_ffn = at.take(d, l);
    let rms_final = at.take(d, 1);
    let embedding = at.take(d * c.vocab_size, 1);
    let wq = at.take(d * d, l);
    let wk = at.take(kv * d, l);
    let wv = at.take(kv * d, l);
    let wo = at.take(d * d, l);
    let w1 = at.take(h * d, l);
    let w2 = at.take(d * h, l);
    let w3 = at.take(h * d, l);
    let classifier = classifier(c, embedding, || at.take(c.vocab_size * c.dim, 1));
    Layout { embedding, rms_att, rms_ffn, rms_final, wq, wk, wv, wo, w1, w2, w3, classifier }
}

fn classifier(c: &Config, embedding: Tensor, separate: impl FnOnce() -> Tensor) -> Tensor {
    if c.shared_classifier {
        embedding
    } else {
        separate()
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
    fn with(self, bytes: Bytes, dequantized: Vec<f32>, group_size: usize, c: &Config) -> Weights {
        let Layout { embedding, rms_att, rms_ffn, rms_final, wq, wk, wv, wo, w1, w2, w3, classifier } = self;
        let dim = c.dim;
        Weights {
            bytes,
            dequantized,
            group_size,
            dim,
            embedding,
            rms_att,
            rms_ffn,
            rms_final,
            wq,
            wk,
            wv,
            wo,
            w1,
            w2,
            w3,
            classifier,
        }
    }
}

/// Whether Q8_0 matrices in groups of `group_size` stay int8 in memory: their scales must be 4-byte
/// aligned to be read in place, so other group sizes are dequantized when loaded.
fn stays_int8(group_size: usize) -> bool {
    group_size.is_multiple_of(4)
}

/// `(weights per item, items)` of each matrix of a checkpoint, in file order (the classifier has
/// no item when it is shared). In `u128`, as a header may describe more than the address space.
fn matrices(c: &Config) -> [(u128, u128); 9] {
    let [d, h, l, kv, v] = [c.dim, c.hidden_dim, c.n_layers, c.kv_dim(), c.vocab_size].map(|x| x as u128);
    let separate = u128::from(!c.shared_classifier);
    [
        (v * d, 1),
        (d * d, l),
        (kv * d, l),
        (kv * d, l),
        (d * d, l),
        (h * d, l),
        (d * h, l),
        (h * d, l),
        (v * d, separate),
    ]
}

/// How many `f32`s the matrices of a version-2 checkpoint with this config take dequantized (0
/// when they stay int8, and for the f32 formats).
fn dequantized_floats(c: &Config) -> u128 {
    match c.format {
        Format::V2 { group_size } if !stays_int8(group_size) => matrices(c).iter().map(|&(n, count)| n * count).sum(),
        _ => 0,
    }
}

/// The bytes the weights of a checkpoint with this config take once loaded ([`Weights::memory_bytes`]):
/// the checkpoint itself, and any matrices dequantized.
pub fn weights_bytes(c: &Config) -> Result<u64, Error> {
    let bytes = expected_len(c)? + 4 * dequantized_floats(c);
    u64::try_from(bytes).map_err(|_| bad(format!("{bytes} bytes of weights ({})", c.describe())))
}

/// The tensors of a version-2 (Q8_0) checkpoint, kept quantized in its bytes (a row need not be a
/// whole number of groups: see q8.rs). With a group size that is not a multiple of 4 the scales
/// would not be 4-byte aligned, and the matrices are dequantized to `f32` instead.
fn q8_layout(mut bytes: Vec<u8>, c: &Config, group_size: usize) -> Result<Weights, Error> {
    let (d, l) = (c.dim, c.n_layers);
    let gs = group_size;
    let mut norms = Cursor(VERSIONED_HEADER_BYTES / 4);
    let (rms_att, rms_ffn, rms_final) = (norms.take(d, l), norms.take(d, l), norms.take(d, 1));
    let mut at = norms.0 * 4; // bytes
    let int8 = stays_int8(gs);
    // In the address space: the checkpoint's length matched them, and it is in memory.
    let matrices = matrices(c).map(|(n, count)| (n as usize, count as usize));
    // What is dequantized, counted first so its buffer is allocated once.
    let owned = usize::try_from(dequantized_floats(c))
        .map_err(|_| Error::Memory("the dequantized weights do not fit the address space".to_string()))?;
    let mut dequantized: Vec<f32> = Vec::new();
    dequantized.try_reserve_exact(owned).map_err(|_| {
        Error::Memory(format!("no room for the {} MiB of dequantized weights", owned * 4 / (1024 * 1024)))
    })?;
    let mut tensors = Vec::with_capacity(matrices.len());
    for (n, count) in matrices {
        let stride = n + 4 * (n / gs);
        if int8 {
            // -128 (which llama2.c's export never writes) is read as -127, so |w| fits the 7 bits
            // the relaxed dot product's second operand may use on every engine (see q8.rs).
            for item in 0..count {
                for b in &mut bytes[at + item * stride..][..n] {
                    if *b == 0x80 {
                        *b = 0x81;
                    }
                }
            }
            tensors.push(Tensor { kind: Kind::Q8, at, len: n, stride });
        } else {
            let start = dequantized.len();
            for item in 0..count {
                let from = at + item * stride;
                let values: Vec<i8> = bytes[from..from + n].iter().map(|&b| b as i8).collect();
                let scales: Vec<f32> = (0..n / gs).map(|g| f32_at(&bytes, from + n + 4 * g)).collect();
                let end = dequantized.len();
                dequantized.resize(end + n, 0.0);
                q8::dequantize(&mut dequantized[end..], &values, &scales, gs);
            }
            tensors.push(Tensor { kind: Kind::Dequantized, at: start, len: n, stride: n });
        }
        at += count * stride;
    }
    debug_assert_eq!(at, bytes.len());
    let [embedding, wq, wk, wv, wo, w1, w2, w3] = std::array::from_fn(|i| tensors[i]);
    let classifier = classifier(c, embedding, || tensors[8]);
    let layout = Layout { embedding, rms_att, rms_ffn, rms_final, wq, wk, wv, wo, w1, w2, w3, classifier };
    Ok(layout.with(Bytes::new(bytes), dequantized, gs, c))
}
