// A user's own bigger model, loaded as the Llama demo's worker loads it (demo-site/llama-loader.js)
// into the model component (dist/components/llama.wasm): a checkpoint of llama2.c's stories15M
// shape with random weights, written by scripts/llama-test-model.mjs into target/test-models/ (f32,
// and its Q8_0 export). Before a byte past the header is read the loader reports the memory the
// model needs, which must be the formula below; then progress in order; then the model generates.
// A model whose footprint the engine cannot give is refused before reading, and a truncated file
// is refused from its header.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openAsBlob, statSync } from 'node:fs';
import { basename } from 'node:path';
import { load, ComponentError } from '../../js/index.js';
import { loadModel, MemoryLimitError, RESERVE_BYTES, WASM32_BYTES } from '../../demo-site/llama-loader.js';
import { STORIES15M_SHAPE, expectedFootprint, testModel } from '../../scripts/llama-test-model.mjs';
import { guestBytes } from './support.mjs';

const paths = testModel();
const { exports: { llama } } = await (await load(await guestBytes('llama'))).instantiate();

/** A file as a page's file picker gives it: a Blob with a name, read from disk as it is read. */
const file = async (path) => new File([await openAsBlob(path)], basename(path));

async function loadWithEvents(path, weights) {
  const events = [];
  const model = await loadModel(llama, { checkpoint: await file(path), tokenizer: await file(paths.tokenizer), weights, onProgress: (e) => events.push(e) });
  return { model, events };
}

for (const [what, path, weights] of [
  ['f32', paths.f32, 'f32'],
  ['f32 quantized to Q8_0 when loaded (8-bit weights)', paths.f32, 'q8'],
  ['its Q8_0 export', paths.q8, 'f32'],
]) {
  test(`stories15M shape, ${what}: the footprint first (the formula), progress in order, then tokens`, async () => {
    const { model, events } = await loadWithEvents(path, weights);
    const q8 = path === paths.q8 || weights === 'q8';
    const [first, ...rest] = events;
    assert.equal(first.type, 'footprint');
    assert.deepEqual({ ...first.config, formatVersion: undefined, groupSize: undefined, sharedClassifier: undefined },
      { ...STORIES15M_SHAPE, formatVersion: undefined, groupSize: undefined, sharedClassifier: undefined });
    assert.equal(first.config.formatVersion, q8 ? 2 : 1);
    assert.equal(first.config.groupSize, q8 ? 32 : 0, 'llama2.c\'s group size for dim 288');
    // The weights are the checkpoint as loaded: the f32 file, or the Q8_0 file the export writes.
    assert.deepEqual(first.footprint, expectedFootprint(STORIES15M_SHAPE, statSync(q8 ? paths.q8 : paths.f32).size));
    assert.equal(first.footprint.kvCache, 3_538_944);
    assert.equal(first.limit, WASM32_BYTES);
    assert.equal(Number(model.weightsBytes()), first.footprint.weights, 'the footprint said what loading took');

    const reads = rest.filter((e) => e.type === 'read');
    const total = statSync(path).size + statSync(paths.tokenizer).size;
    assert.ok(reads.length > 2, `${reads.length} read events: the files are read in chunks`);
    assert.deepEqual(reads.map((e) => e.total), reads.map(() => total));
    assert.equal(reads[0].done, 0);
    for (let i = 1; i < reads.length; i++) assert.ok(reads[i].done >= reads[i - 1].done, `read ${i} goes forward`);
    assert.equal(reads.at(-1).done, total);
    assert.deepEqual(new Set(reads.map((e) => e.file)), new Set([basename(path), basename(paths.tokenizer)]));
    const order = rest.map((e) => e.type).filter((type, i, all) => type !== all[i - 1]);
    assert.deepEqual(order, weights === 'q8' ? ['read', 'quantize', 'load'] : ['read', 'load']);

    const generation = model.generate('Once upon a time', { temperature: 0, topP: 0, seed: 0n, maxTokens: 8 });
    const tokens = [];
    for (let t; (t = generation.nextToken()) !== undefined; ) tokens.push(t);
    assert.equal(tokens.length, 8);
    assert.equal(generation.stopReason(), 'max-tokens');
    assert.ok(tokens.every((t) => t.id > 2 && t.id < 32000));
  });
}

test('a model the engine cannot give memory to is refused from its header, before its weights are read', async () => {
  // The same file with a context of 2^20 positions: the KV cache alone is 13.5 GiB (version 1 has no RoPE tables, so the length still matches).
  const original = await file(paths.f32);
  const header = new Uint8Array(await original.slice(0, 256).arrayBuffer());
  new DataView(header.buffer).setInt32(8 + 6 * 4, 2 ** 20, true);
  const huge = new File([header, original.slice(256)], 'stories15M-long-context.bin');
  const events = [];
  await assert.rejects(
    loadModel(llama, { checkpoint: huge, tokenizer: await file(paths.tokenizer), onProgress: (e) => events.push(e) }),
    (error) => {
      assert.ok(error instanceof MemoryLimitError, String(error));
      assert.match(error.message, /^stories15M-long-context\.bin needs 13\.\d\d GiB: weights 57\.95 MiB \+ KV cache 13\.50 GiB \+ activations .*; a wasm32 instance addresses 4 GiB at most$/);
      assert.equal(error.needed, expectedFootprint({ ...STORIES15M_SHAPE, seqLen: 2 ** 20 }, original.size).total);
      return true;
    },
  );
  assert.deepEqual(events.map((e) => e.type), ['footprint']);
  assert.ok(events[0].footprint.total + RESERVE_BYTES > WASM32_BYTES);

  // A truncated file: refused from its header and length, nothing read either.
  events.length = 0;
  const truncated = new File([original.slice(0, original.size - 4)], 'cut.bin');
  await assert.rejects(loadModel(llama, { checkpoint: truncated, tokenizer: await file(paths.tokenizer), onProgress: (e) => events.push(e) }),
    (error) => error instanceof ComponentError && /^checkpoint: 60767100 bytes, but a version-1 checkpoint of this shape .* truncated\?$/.test(error.message));
  assert.deepEqual(events, []);
});
