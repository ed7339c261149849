// Q8_0 export of a llama2.c checkpoint, in the page or in Node: reads an f32 checkpoint (the legacy
// header or "ak42" version 1) and writes llama2.c's version 2, each matrix's int8 values followed
// by one f32 scale per group (`w = q * scale`, the scale being the group's largest magnitude over
// 127), the norms kept f32. The format is models/llama/src/checkpoint.rs's; this is what the Llama
// demo's "8-bit" weights and the tests run, made from stories260K on the spot (no quantized file
// is downloaded or kept).
//
//   quantizeCheckpoint(bytes, { groupSize, twin })
//     -> { checkpoint, groupSize, twin }   checkpoint: Uint8Array (version 2); twin (when asked):
//        the same weights dequantized, as a version-1 Uint8Array, to compare f32 and int8 products
//        on identical weights
//
// The group size defaults to llama2.c's export.py choice: 64, halved until it divides `dim`.

const MAGIC = 0x616b3432;
const HEADER = 256;

/** The header and the f32 tensors of a legacy or version-1 checkpoint, as views into `bytes`. */
export function readF32Checkpoint(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 28) throw new RangeError(`checkpoint: ${bytes.byteLength} bytes is too short for a llama2.c header`);
  const int = (at) => view.getInt32(at, true);
  const versioned = view.getUint32(0, true) === MAGIC;
  if (versioned && int(4) !== 1) throw new RangeError(`checkpoint: "ak42" version ${int(4)}; only f32 checkpoints (legacy, version 1) are quantized`);
  const h = versioned ? 8 : 0;
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocab, seqLen] = Array.from({ length: 7 }, (_, i) => int(h + 4 * i));
  const config = { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize: Math.abs(vocab), seqLen, shared: versioned ? bytes[36] === 1 : vocab > 0 };
  const kvDim = (nKvHeads * dim) / nHeads;
  const [d, hd, l, v] = [dim, hiddenDim, nLayers, config.vocabSize];
  let at = versioned ? HEADER : 28;
  const floats = (n) => {
    if (at + 4 * n > bytes.byteLength) throw new RangeError(`checkpoint: ${bytes.byteLength} bytes is too short for a model of dim ${dim}: truncated?`);
    // A copy when the bytes are not 4-byte aligned.
    const out = (bytes.byteOffset + at) % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset + at, n) : new Float32Array(bytes.slice(at, at + 4 * n).buffer);
    at += 4 * n;
    return out;
  };
  const layers = (n) => Array.from({ length: l }, () => floats(n));
  const t = {};
  if (versioned) {
    Object.assign(t, { rmsAtt: layers(d), rmsFfn: layers(d), rmsFinal: floats(d), embedding: floats(v * d) });
    Object.assign(t, { wq: layers(d * d), wk: layers(kvDim * d), wv: layers(kvDim * d), wo: layers(d * d) });
    Object.assign(t, { w1: layers(hd * d), w2: layers(d * hd), w3: layers(hd * d) });
  } else {
    Object.assign(t, { embedding: floats(v * d), rmsAtt: layers(d) });
    Object.assign(t, { wq: layers(d * d), wk: layers(kvDim * d), wv: layers(kvDim * d), wo: layers(d * d), rmsFfn: layers(d) });
    Object.assign(t, { w1: layers(hd * d), w2: layers(d * hd), w3: layers(hd * d), rmsFinal: floats(d) });
    floats((seqLen * dim) / nHeads); // the RoPE tables, unused
  }
  t.classifier = config.shared ? null : floats(v * d);
  if (at !== bytes.byteLength) throw new RangeError(`checkpoint: ${bytes.byteLength} bytes, but a model of this shape is ${at} bytes`);
  return { config, tensors: t };
}

/** llama2.c export.py's group size: 64, halved until it divides `dim`. */
export function defaultGroupSize(config) {
  let groupSize = 64;
  while (config.dim % groupSize !== 0) groupSize /= 2;
  return groupSize;
}

/** Writes a version-1 or -2 header for `config` into the first 256 bytes of `view`. */
function writeHeader(view, config, version, groupSize) {
  const { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen, shared } = config;
  view.setUint32(0, MAGIC, true);
  view.setInt32(4, version, true);
  [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen].forEach((x, i) => view.setInt32(8 + 4 * i, x, true));
  view.setUint8(36, shared ? 1 : 0);
  if (version === 2) view.setInt32(37, groupSize, true);
}

/** Quantizes an f32 checkpoint (bytes) to Q8_0; see the top of this file. */
export function quantizeCheckpoint(bytes, { groupSize, twin = false } = {}) {
  const { config, tensors: t } = readF32Checkpoint(bytes);
  const gs = groupSize ?? defaultGroupSize(config);
  const norms = [...t.rmsAtt, ...t.rmsFfn, t.rmsFinal];
  const matrices = [t.embedding, ...t.wq, ...t.wk, ...t.wv, ...t.wo, ...t.w1, ...t.w2, ...t.w3, ...(t.classifier ? [t.classifier] : [])];
  for (const m of matrices) {
    if (!Number.isInteger(gs) || gs <= 0 || m.length % gs !== 0) throw new RangeError(`a ${m.length}-weight matrix does not split into groups of ${gs}`);
  }
  const normFloats = norms.reduce((n, x) => n + x.length, 0);
  const weights = matrices.reduce((n, m) => n + m.length, 0);
  const out = new Uint8Array(HEADER + 4 * normFloats + weights + 4 * (weights / gs));
  const outView = new DataView(out.buffer);
  const f32 = twin ? new Uint8Array(HEADER + 4 * (normFloats + weights)) : null;
  const twinFloats = f32 && new Float32Array(f32.buffer, HEADER);
  writeHeader(outView, config, 2, gs);
  if (f32) writeHeader(new DataView(f32.buffer), config, 1, 0);
  let at = HEADER;
  let twinAt = 0;
  for (const norm of norms) {
    for (const x of norm) {
      outView.setFloat32(at, x, true);
      at += 4;
    }
    twinFloats?.set(norm, twinAt);
    twinAt += norm.length;
  }
  for (const m of matrices) {
    const values = new Int8Array(out.buffer, at, m.length);
    let scaleAt = at + m.length;
    for (let g = 0; g < m.length; g += gs) {
      let max = 0;
      for (let i = g; i < g + gs; i++) max = Math.max(max, Math.abs(m[i]));
      const scale = Math.fround(max / 127);
      for (let i = g; i < g + gs; i++) {
        const q = scale > 0 ? Math.max(-127, Math.min(127, Math.round(m[i] / scale))) : 0;
        values[i] = q;
        if (twinFloats) twinFloats[twinAt + i] = q * scale;
      }
      outView.setFloat32(scaleAt, scale, true);
      scaleAt += 4;
    }
    at = scaleAt;
    twinAt += m.length;
  }
  return { checkpoint: out, groupSize: gs, twin: f32 };
}
