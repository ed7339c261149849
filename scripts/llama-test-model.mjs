#!/usr/bin/env node
// Llama checkpoints of a real model's shape with random weights, for tests and the bench: no
// download, the same bytes from the same seed. A checkpoint is llama2.c's "ak42" version 1 (f32,
// classifier shared with the embedding); its Q8_0 export comes from demo-site/llama-q8.js; the
// tokenizer is a llama2.c one of the vocabulary's size (<unk>, BOS, EOS, the 256 byte pieces,
// then made-up lowercase words that merge). The embedding rows of BOS and EOS (also their
// classifier rows) are zero, so greedy decoding never ends a text by itself: it runs to max-tokens
// or a full context.
//
//   node scripts/llama-test-model.mjs [DIR]   writes the stories15M-shaped model into DIR
//                                             (default target/test-models) unless it is there
//
// As a module: `testModel(dir)` does the same and returns the three paths; `randomCheckpoint`,
// `randomTokenizer` make bytes of any shape; `expectedFootprint` is the memory such a model needs.

import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantizeCheckpoint } from '../demo-site/llama-q8.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** llama2.c's stories15M: dim 288, 6 layers, 6 heads, hidden 768, vocabulary 32000, context 256. */
export const STORIES15M_SHAPE = Object.freeze({ dim: 288, hiddenDim: 768, nLayers: 6, nHeads: 6, nKvHeads: 6, vocabSize: 32000, seqLen: 256 });

/** Bumped when the bytes written change, so a cached file from before is not reused. */
const GENERATION = 1;

/** A generator of floats uniform in [-1, 1): xorshift32 from `seed`. */
function uniform(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 31 - 1;
  };
}

/** A version-1 checkpoint of `shape` with random weights from `seed` (see the top of this file). */
export function randomCheckpoint(shape, seed = 7) {
  const { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen } = shape;
  const kvDim = (nKvHeads * dim) / nHeads;
  // Version 1's order: the norms, then the embedding and each layer's matrices.
  const tensors = [
    ['norm', nLayers * dim * 2 + dim],
    ['embedding', vocabSize * dim],
    ['matrix', nLayers * (2 * dim * dim + 2 * kvDim * dim + 3 * hiddenDim * dim)],
  ];
  const floats = tensors.reduce((n, [, count]) => n + count, 0);
  const bytes = new Uint8Array(256 + 4 * floats);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x616b3432, true); // "ak42"
  view.setInt32(4, 1, true);
  [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen].forEach((x, i) => view.setInt32(8 + 4 * i, x, true));
  bytes[36] = 1; // the classifier is the embedding
  const weights = new Float32Array(bytes.buffer, 256);
  const random = uniform(seed);
  let at = 0;
  for (const [kind, count] of tensors) {
    const block = weights.subarray(at, at + count);
    if (kind === 'norm') block.fill(1);
    else {
      const scale = kind === 'embedding' ? 1 : 1 / Math.sqrt(dim);
      for (let i = 0; i < count; i++) block[i] = random() * scale;
      if (kind === 'embedding') block.fill(0, 1 * dim, 3 * dim); // BOS and EOS
    }
    at += count;
  }
  return bytes;
}

/** A llama2.c tokenizer of `vocabSize` pieces (see the top of this file). */
export function randomTokenizer(vocabSize) {
  const encoder = new TextEncoder();
  const pieces = ['<unk>', '\n<s>\n', '\n</s>\n'];
  for (let b = 0; b < 256 && pieces.length < vocabSize; b++) pieces.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  // Then ' a' … ' z', 'a' … 'z', and longer words: the id written in base 26, with and without a leading space.
  for (let n = 0; pieces.length < vocabSize; n++) {
    let word = '';
    for (let k = n; ; k = Math.floor(k / 26) - 1) {
      word = String.fromCharCode(97 + (k % 26)) + word;
      if (k < 26) break;
    }
    pieces.push(` ${word}`);
    if (pieces.length < vocabSize) pieces.push(word);
  }
  const encoded = pieces.map((p) => encoder.encode(p));
  const out = new Uint8Array(4 + encoded.reduce((n, p) => n + 8 + p.length, 0));
  const view = new DataView(out.buffer);
  view.setInt32(0, Math.max(...encoded.map((p) => p.length)), true);
  let at = 4;
  encoded.forEach((piece, id) => {
    // Longer pieces score higher, so merges build words; byte pieces and the specials score 0.
    view.setFloat32(at, id < 259 ? 0 : -1 / piece.length, true);
    view.setInt32(at + 4, piece.length, true);
    out.set(piece, at + 8);
    at += 8 + piece.length;
  });
  return out;
}

/**
 * What loading a model of `shape` whose weights take `weights` bytes needs, written out from the
 * model's code (models/llama/src: transformer.rs' State, q8.rs, sampler.rs) for the tests to hold
 * the demo's report to: the KV cache holds a key and a value of kv_dim floats per layer and
 * position; the activations are x, xb, xb2, q (dim each), hb, hb2 (hidden_dim each), the attention
 * scores (seq_len) and the logits (vocab_size) as f32s, RoPE's cos and sin for head_size / 2
 * frequencies, the quantized input of int8 products (an i8 and an f32 per element of the longer of
 * dim and hidden_dim) and top-p's (probability, id) pairs over the vocabulary.
 */
export function expectedFootprint({ dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen }, weights) {
  const headSize = dim / nHeads;
  const kvCache = 2 * nLayers * seqLen * nKvHeads * headSize * 4;
  const activations = 4 * (4 * dim + 2 * hiddenDim + seqLen + vocabSize) + 8 * (headSize / 2) + 5 * Math.max(dim, hiddenDim) + 8 * vocabSize;
  return { weights, kvCache, activations, total: weights + kvCache + activations };
}

/** Writes what `make()` returns to `path` through a temporary file, so a reader never sees half of it. */
function writeOnce(path, make) {
  if (existsSync(path)) return;
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, make());
  renameSync(partial, path);
}

/**
 * The stories15M-shaped test model in `dir` (target/test-models by default), written unless it is
 * there: `{ f32, q8, tokenizer }` paths.
 */
export function testModel(dir = join(ROOT, 'target', 'test-models')) {
  mkdirSync(dir, { recursive: true });
  const name = `stories15M-shape-g${GENERATION}`;
  const paths = { f32: join(dir, `${name}.bin`), q8: join(dir, `${name}-q8.bin`), tokenizer: join(dir, `tok${STORIES15M_SHAPE.vocabSize}-g${GENERATION}.bin`) };
  let f32 = null;
  const checkpoint = () => (f32 ??= randomCheckpoint(STORIES15M_SHAPE));
  writeOnce(paths.f32, checkpoint);
  writeOnce(paths.q8, () => quantizeCheckpoint(checkpoint()).checkpoint);
  writeOnce(paths.tokenizer, () => randomTokenizer(STORIES15M_SHAPE.vocabSize));
  return paths;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const paths = testModel(process.argv[2]);
  for (const path of Object.values(paths)) console.log(path);
}
