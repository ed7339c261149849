// Loading a user's llama2.c checkpoint into the model component, in the Llama demo's worker and in
// the tests: first what it will take, from its header alone (the component's `inspect`: weights,
// the KV cache of the whole context, activations), and a clean refusal when the instance's memory
// cannot hold that; only then the files are read, in chunks (so progress shows and nothing runs
// long between events), quantized to Q8_0 when 8-bit weights are asked for and the checkpoint is
// f32, and handed to `Model.load` (one copy into the instance's memory, which the progress cannot
// see into). Nothing is half-loaded: a refusal comes before a byte is read past the header.
//
//   await loadModel(llama, { checkpoint, tokenizer, weights, onProgress })  -> the model
//     checkpoint, tokenizer: Blobs (Files); weights: 'f32' | 'q8'
//     onProgress(event), in this order:
//       { type: 'footprint', config, footprint: { weights, kvCache, activations, total }, limit }
//       { type: 'read', file: checkpoint.name | tokenizer.name, done, total }   (done counts both files; total is their sum)
//       { type: 'quantize' }   (8-bit weights from an f32 checkpoint only)
//       { type: 'load' }       (Model.load: the copy into the instance, and parsing)
//   Throws a MemoryLimitError (before reading) when the footprint does not fit; Model.load's and
//   inspect's errors (ComponentError, "checkpoint: …") as they are.

import { defaultGroupSize, quantizeCheckpoint } from './llama-q8.js';
import { readWithProgress, shortBytes } from './ui.js';

/** The most a wasm32 memory can hold: 65536 pages of 64 KiB. */
export const WASM32_BYTES = 2 ** 32;
/**
 * Kept free for what the footprint does not count: the component's code, stack and allocator, and
 * the tokenizer (a few MiB for a 32000-token vocabulary).
 */
export const RESERVE_BYTES = 64 * 2 ** 20;
const PAGE = 65536;
/** llama2.c headers are at most this long; the weights follow. */
const HEADER_BYTES = 256;

/** A model too big for the memory the engine can give; nothing was loaded. */
export class MemoryLimitError extends RangeError {
  constructor(message, { needed, limit }) {
    super(message);
    this.name = 'MemoryLimitError';
    this.needed = needed;
    this.limit = limit;
  }
}

/**
 * Whether this engine gives a WebAssembly.Memory of `bytes`: beyond wasm32's 4 GiB never; below,
 * a throwaway memory is grown to that size (the browser may refuse sooner, on a small device).
 */
export function engineGives(bytes) {
  const pages = Math.ceil(bytes / PAGE);
  if (pages > WASM32_BYTES / PAGE) return { ok: false, limit: WASM32_BYTES, why: 'a wasm32 instance addresses 4 GiB at most' };
  try {
    new WebAssembly.Memory({ initial: 0, maximum: pages }).grow(pages);
    return { ok: true, limit: WASM32_BYTES };
  } catch (error) {
    return { ok: false, limit: WASM32_BYTES, why: `this browser would not grow a WebAssembly.Memory to ${shortBytes(pages * PAGE)} (${error.message})` };
  }
}

/** The footprint's parts (u64s from the component) as numbers, with their total. */
function sizes(f) {
  const [weights, kvCache, activations] = [f.weights, f.kvCache, f.activations].map(Number);
  return { weights, kvCache, activations, total: weights + kvCache + activations };
}

/** One line: `59.65 MiB: weights 57.95 MiB + KV cache 1.69 MiB + activations 420.0 KiB`. */
export function describeFootprint(f) {
  return `${shortBytes(f.total)}: weights ${shortBytes(f.weights)} + KV cache ${shortBytes(f.kvCache)} + activations ${shortBytes(f.activations)}`;
}

/** See the top of this file. */
export async function loadModel(llama, { checkpoint, tokenizer, weights = 'f32', onProgress = () => {} }) {
  const header = new Uint8Array(await checkpoint.slice(0, HEADER_BYTES).arrayBuffer());
  const size = BigInt(checkpoint.size);
  let inspected = llama.inspect(header, size, undefined);
  const quantize = weights === 'q8' && inspected.config.formatVersion < 2;
  const groupSize = quantize ? defaultGroupSize(inspected.config) : undefined;
  if (quantize) inspected = llama.inspect(header, size, groupSize);
  const footprint = sizes(inspected);
  const gives = engineGives(footprint.total + RESERVE_BYTES);
  onProgress({ type: 'footprint', config: inspected.config, footprint, limit: gives.limit });
  if (!gives.ok) {
    throw new MemoryLimitError(`${checkpoint.name ?? 'this checkpoint'} needs ${describeFootprint(footprint)}, with ${shortBytes(RESERVE_BYTES)} kept for the component itself; ${gives.why}`, { needed: footprint.total, limit: gives.limit });
  }

  const total = checkpoint.size + tokenizer.size;
  const read = (blob, before) => readWithProgress(blob, (done) => onProgress({ type: 'read', file: blob.name, done: before + done, total }));
  let bytes = await read(checkpoint, 0);
  const tokenizerBytes = await read(tokenizer, checkpoint.size);
  if (quantize) {
    onProgress({ type: 'quantize' });
    bytes = quantizeCheckpoint(bytes, { groupSize }).checkpoint;
  }
  onProgress({ type: 'load' });
  return llama.Model.load(bytes, tokenizerBytes);
}
