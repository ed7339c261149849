// Helpers for the Llama demo's browser tests (not a spec): the golden text check, and a synthetic
// llama2.c checkpoint big enough that a generation lasts long enough to be stopped.

import { fileURLToPath } from 'node:url';

/** The stories260K model, beside the repository (never copied into it). */
export const MODEL_DIR = fileURLToPath(new URL('../../shared/models/stories260K/', import.meta.url));

/** From the model's README: what greedy decoding from BOS begins with. */
export const GOLDEN =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. ' +
  'One day, she saw a big, red ball.';
export const FIRST_SENTENCE = 'Once upon a time, there was a little girl named Lily.';

/**
 * Checks that `tokens` ({id, piece}) spell GOLDEN piece by piece (the last may run past it), as
 * tests/node/llama.test.mjs does; returns how many tokens that took, or throws naming the first
 * token that differs.
 */
export function goldenPrefixTokens(tokens) {
  let at = 0;
  for (const [i, { id, piece }] of tokens.entries()) {
    const rest = GOLDEN.slice(at);
    const ok = piece.length >= rest.length ? piece.startsWith(rest) : rest.startsWith(piece);
    if (!ok) throw new Error(`token ${i} (${id}) is ${JSON.stringify(piece)}, the golden text goes on ${JSON.stringify(rest)}`);
    if (piece.length >= rest.length) return i + 1;
    at += piece.length;
  }
  throw new Error(`the generation ended after ${JSON.stringify(GOLDEN.slice(0, at))}`);
}

/**
 * A legacy-format llama2.c checkpoint with random weights (a fixed seed) and the given shape. The
 * embedding rows of BOS (1) and EOS (2), which are also the classifier's, are zero, so greedy
 * decoding never ends the text by itself: it runs until max-tokens or a full context.
 */
export function syntheticCheckpoint({ dim = 256, hiddenDim = 688, nLayers = 6, nHeads = 8, nKvHeads = 4, vocabSize = 512, seqLen = 4096, seed = 7 } = {}) {
  const headSize = dim / nHeads;
  const kvDim = nKvHeads * headSize;
  const counts = {
    embedding: vocabSize * dim,
    rmsAtt: nLayers * dim,
    wq: nLayers * dim * dim,
    wk: nLayers * kvDim * dim,
    wv: nLayers * kvDim * dim,
    wo: nLayers * dim * dim,
    rmsFfn: nLayers * dim,
    w1: nLayers * hiddenDim * dim,
    w2: nLayers * dim * hiddenDim,
    w3: nLayers * hiddenDim * dim,
    rmsFinal: dim,
    rope: seqLen * headSize,
  };
  const floats = Object.values(counts).reduce((a, b) => a + b, 0);
  const buffer = new ArrayBuffer(28 + floats * 4);
  new Int32Array(buffer, 0, 7).set([dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen]);
  const weights = new Float32Array(buffer, 28);
  let state = seed >>> 0 || 1;
  const random = () => {
    // xorshift32, uniform in [-1, 1)
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 31) - 1;
  };
  let at = 0;
  for (const [name, count] of Object.entries(counts)) {
    const block = weights.subarray(at, at + count);
    if (name.startsWith('rms')) block.fill(1);
    else if (name !== 'rope') {
      const scale = name === 'embedding' ? 1 : 1 / Math.sqrt(dim);
      for (let i = 0; i < count; i++) block[i] = random() * scale;
    }
    at += count;
  }
  weights.fill(0, 1 * dim, 3 * dim); // BOS and EOS embedding rows
  return new Uint8Array(buffer);
}
