// Helpers for the Llama demo's browser tests (not a spec): the golden text check, and a synthetic
// llama2.c checkpoint big enough that a generation lasts long enough to be stopped.

import { fileURLToPath } from 'node:url';
import { randomCheckpoint } from '../scripts/llama-test-model.mjs';

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
 * A version-1 llama2.c checkpoint with random weights (a fixed seed) and the given shape, from
 * scripts/llama-test-model.mjs: greedy decoding never ends its text by itself (BOS and EOS have
 * zero embeddings), it runs until max-tokens or a full context.
 */
export function syntheticCheckpoint({ dim = 256, hiddenDim = 688, nLayers = 6, nHeads = 8, nKvHeads = 4, vocabSize = 512, seqLen = 4096, seed = 7 } = {}) {
  return randomCheckpoint({ dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen }, seed);
}
