// The Llama demo's inference worker (a module Web Worker): Terrarium hosts the model component
// here, off the page's thread, so the page stays responsive while tokens are computed.
//
// Messages from the page:
//   { type: 'init', kernel: 'relaxed-simd' | 'simd' | 'scalar', weights: 'f32' | 'q8', checkpoint, tokenizer }
//       (Files) loads /components/llama-relaxed.wasm, llama.wasm or llama-scalar.wasm, then the
//       model with llama-loader.js: its footprint from the header (refused when too big), the
//       files read in chunks, an f32 checkpoint quantized to Q8_0 for 'q8', `Model.load`
//   { type: 'generate', id, prompt, options: { temperature, topP, seed, maxTokens } }
//       pulls `next-token()` until the generation ends or is stopped, posting each token
//   { type: 'stop', id }   stops pulling (the generation is dropped)
// Messages to the page:
//   { type: 'progress', event }   the loader's events: 'footprint', 'read', 'quantize', 'load'
//   { type: 'ready', kernel, config, weightsBytes, componentMs, modelMs }   (modelMs: reading, quantizing, loading)
//   { type: 'started', id, promptTokens }
//   { type: 'token', id, tokenId, piece, n, elapsedMs }
//   { type: 'done', id, reason, tokens, elapsedMs, computeMs, firstTokenMs, promptTokens }
//       reason: 'end-of-text' | 'max-tokens' | 'context-full' | 'stopped'
//   { type: 'error', phase: 'init' | 'generate', id?, kind, message }

import { load, ComponentError, TerrariumError } from '/dist/terrarium.js';
import { loadModel } from './llama-loader.js';

const COMPONENTS = {
  'relaxed-simd': '/components/llama-relaxed.wasm',
  simd: '/components/llama.wasm',
  scalar: '/components/llama-scalar.wasm',
};

/** The `terrarium:llama/llama` exports, and the loaded model. */
let llama = null;
let model = null;
/** The generation being pulled: `{ id, stopped }`. */
let current = null;

const post = (message) => self.postMessage(message);

function describe(error) {
  if (error instanceof ComponentError) return { kind: 'model', message: error.message };
  if (error instanceof TerrariumError) return { kind: error.kind, message: error.message };
  return { kind: error?.name ?? 'error', message: String(error?.message ?? error) };
}

// Between tokens the loop gives the worker's event loop a turn (so a `stop` message is seen)
// without setTimeout's 4 ms clamp: a message to itself through a MessageChannel.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToEvents = () =>
  new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });

/** How long the loop may pull tokens before it yields, in ms. */
const SLICE_MS = 8;

async function init({ kernel, weights, checkpoint, tokenizer }) {
  try {
    const started = performance.now();
    const component = await load(COMPONENTS[kernel] ?? COMPONENTS.simd);
    const instance = await component.instantiate();
    llama = instance.exports.llama;
    const loaded = performance.now();
    model = await loadModel(llama, { checkpoint, tokenizer, weights, onProgress: (event) => post({ type: 'progress', event }) });
    post({
      type: 'ready',
      kernel: llama.kernel(),
      config: model.config(),
      weightsBytes: Number(model.weightsBytes()),
      componentMs: loaded - started,
      modelMs: performance.now() - loaded,
    });
  } catch (error) {
    post({ type: 'error', phase: 'init', ...describe(error) });
  }
}

async function generate({ id, prompt, options }) {
  if (current) current.stopped = true;
  const run = { id, stopped: false };
  current = run;
  let generation;
  try {
    generation = model.generate(prompt, {
      temperature: options.temperature,
      topP: options.topP,
      seed: BigInt(options.seed),
      maxTokens: options.maxTokens,
    });
  } catch (error) {
    post({ type: 'error', phase: 'generate', id, ...describe(error) });
    return;
  }
  const promptTokens = generation.promptTokens();
  post({ type: 'started', id, promptTokens });
  const started = performance.now();
  let slice = started;
  let computeMs = 0;
  let firstTokenMs = null;
  let n = 0;
  let reason;
  try {
    for (;;) {
      if (run.stopped) {
        reason = 'stopped';
        break;
      }
      const before = performance.now();
      const token = generation.nextToken();
      const after = performance.now();
      computeMs += after - before;
      if (token === undefined) {
        reason = generation.stopReason();
        break;
      }
      n++;
      firstTokenMs ??= after - started;
      post({ type: 'token', id, tokenId: token.id, piece: token.piece, n, elapsedMs: after - started });
      if (after - slice >= SLICE_MS) {
        await yieldToEvents();
        slice = performance.now();
      }
    }
  } catch (error) {
    post({ type: 'error', phase: 'generate', id, ...describe(error) });
    return;
  } finally {
    generation[Symbol.dispose ?? Symbol.for('nodejs.dispose')]?.();
    if (current === run) current = null;
  }
  post({ type: 'done', id, reason, tokens: n, elapsedMs: performance.now() - started, computeMs, firstTokenMs, promptTokens });
}

self.addEventListener('message', ({ data }) => {
  if (data.type === 'init') init(data);
  else if (data.type === 'generate') generate(data);
  else if (data.type === 'stop' && current && (data.id === undefined || data.id === current.id)) current.stopped = true;
});
