// The Llama demo page: picks the model, the kernels (relaxed SIMD, SIMD or scalar: the fastest this
// browser runs by default) and the weights (f32, or 8-bit: the checkpoint quantized to Q8_0 in the
// worker by llama-q8.js, which the component keeps int8), and hands the model's files to a module
// worker (llama-worker.js) that hosts the model component with Terrarium: it reports the memory the
// model needs from the checkpoint's header (refusing one that does not fit), then reads the files in
// chunks with progress (llama-loader.js), so the page's thread never holds or copies the weights;
// and reveals the tokens it posts back at a readable pace while the model runs at full speed (the
// tokens per second shown are the model's, timed in the worker). The page never runs the model
// itself, so it stays responsive; Stop freezes the text, asks the worker to stop pulling tokens,
// and ends the worker if it does not answer in time.

import { features } from '/dist/terrarium.js';
import { $, h, renderFeatures, shortBytes, formatMs, fetchWithProgress } from './ui.js';
import { describeFootprint } from './llama-loader.js';

const DEFAULT_MODEL = {
  name: 'stories260K',
  checkpoint: '/models/stories260K/stories260K.bin',
  tokenizer: '/models/stories260K/tok512.bin',
};
const WORKER_URL = '/demo-site/llama-worker.js';
/** How long Stop waits for the worker to confirm before ending it. */
const STOP_GRACE_MS = 1500;
/** Tokens a second the story is revealed at: stories260K makes thousands, faster than anyone reads or can press Stop. */
const REVEAL_PER_SECOND = 30;

const STOP_REASONS = {
  'end-of-text': 'end of text',
  'max-tokens': 'max tokens',
  'context-full': 'context full',
  stopped: 'stopped',
};

/** The component builds, fastest first: the file, the name shown, and whether this browser runs it. */
const KERNELS = {
  'relaxed-simd': { file: 'llama-relaxed.wasm', name: 'Relaxed SIMD', available: features.relaxedSimd, missing: 'This browser has no wasm relaxed SIMD' },
  simd: { file: 'llama.wasm', name: 'SIMD', available: features.simd, missing: 'This browser has no wasm SIMD' },
  scalar: { file: 'llama-scalar.wasm', name: 'scalar', available: true },
};

/* ---------------------------------------------------------------- state */

const settings = {
  kernel: Object.keys(KERNELS).find((k) => KERNELS[k].available),
  /** 'f32', or 'q8': an f32 checkpoint is quantized to Q8_0 before it is loaded. */
  weights: 'f32',
  source: 'default',
};
/** The last run of each kernels and weights pair: `${kernel} ${format}` → { kernel, format, weights, bytes, rate }. */
const speeds = new Map();
/** The user's own files, once picked or dropped. */
const own = { checkpoint: null, tokenizer: null };

/** The worker and what it holds: `{ worker, kernel, source, ready, config, label }`. */
let host = null;
/** Bumped by every `prepare()`, so a slower earlier one gives up. */
let preparing = 0;
let runId = 0;
/**
 * The generation shown: `{ id, tokens: [{id, piece}], shown, credit, state, done, … }`: `tokens` are
 * all the worker sent, the first `shown` of them are on the page; `done` is the worker's `done`
 * message once it came (the display may still be revealing).
 */
let run = null;
/** The last byte progress shown: `{ label, done, total }` (for tests: reading is often too quick to see). */
let lastProgress = null;
/** What the worker's loader reported while loading the model shown, in order (for tests). */
let loadEvents = [];

function setState(state) {
  document.body.dataset.state = state;
  const busy = state === 'loading' || state === 'generating' || state === 'stopping';
  $('generate').disabled = busy || !host?.ready;
  $('stop').disabled = state !== 'generating';
  for (const input of document.querySelectorAll('input[name="kernel"], input[name="model"], input[name="weights"]')) {
    input.disabled = state === 'generating' || state === 'stopping' || (input.name === 'kernel' && !KERNELS[input.value].available);
  }
}

function setRunState(state, text = state) {
  const chip = $('run-state');
  chip.dataset.state = state;
  chip.textContent = text;
}

/* ---------------------------------------------------------------- progress */

function showProgress(label, done, total) {
  if (total > 0) lastProgress = { label, done, total };
  const box = $('progress');
  box.hidden = false;
  $('progress-label').textContent = label;
  const bar = $('progress-bar');
  if (total > 0) {
    const fraction = Math.min(1, done / total);
    bar.classList.remove('indeterminate');
    bar.style.width = `${(fraction * 100).toFixed(1)}%`;
    $('progress-value').textContent = `${shortBytes(done)} of ${shortBytes(total)} · ${Math.floor(fraction * 100)}%`;
    box.dataset.fraction = fraction.toFixed(3);
  } else {
    bar.classList.add('indeterminate');
    bar.style.width = '';
    $('progress-value').textContent = done > 0 ? shortBytes(done) : '';
  }
}

const hideProgress = () => {
  $('progress').hidden = true;
};

function modelStatus(content, kind = 'info') {
  const status = $('model-status');
  status.className = `model-status ${kind}`;
  status.dataset.kind = kind;
  status.replaceChildren(...[content].flat().filter(Boolean));
}

/* ---------------------------------------------------------------- the worker */

/** Reads the chosen model's bytes, starts a worker with them and waits until it has loaded. */
async function prepare() {
  const mine = ++preparing;
  // A generation still running in the worker about to be ended is over.
  if (run && (run.state === 'generating' || run.state === 'stopping')) {
    finishRun({ reason: 'stopped', tokens: run.tokens.length, elapsedMs: run.elapsedMs || 1, computeMs: 0, firstTokenMs: null, promptTokens: run.promptTokens ?? 0 });
  }
  host?.worker.terminate();
  host = null;
  $('model-shape').textContent = '—';
  $('weights-memory').textContent = '—';
  $('memory-needed').textContent = '—';
  delete $('memory-needed').dataset.bytes;
  setState('loading');
  const { kernel, source } = settings;
  if (source === 'files' && !(own.checkpoint && own.tokenizer)) {
    hideProgress();
    modelStatus(`Pick ${own.checkpoint ? 'a tokenizer' : own.tokenizer ? 'a checkpoint' : 'a checkpoint and a tokenizer'} (or drop both) to load your model.`, 'info');
    setState('idle');
    return;
  }

  let checkpoint;
  let tokenizer;
  const label = source === 'default' ? DEFAULT_MODEL.name : own.checkpoint.name;
  if (source === 'default') {
    try {
      modelStatus(`Downloading ${DEFAULT_MODEL.name}…`);
      const parts = [0, 0];
      const totals = [0, 0];
      const progress = (i) => (done, total) => {
        parts[i] = done;
        totals[i] = total;
        if (mine === preparing) showProgress(`Downloading ${DEFAULT_MODEL.name}`, parts[0] + parts[1], totals[0] && totals[1] ? totals[0] + totals[1] : 0);
      };
      const [c, t] = await Promise.all([
        fetchWithProgress(DEFAULT_MODEL.checkpoint, progress(0)),
        fetchWithProgress(DEFAULT_MODEL.tokenizer, progress(1)),
      ]);
      [checkpoint, tokenizer] = [new File([c], `${DEFAULT_MODEL.name}.bin`), new File([t], DEFAULT_MODEL.tokenizer.split('/').at(-1))];
    } catch (error) {
      if (mine !== preparing) return;
      hideProgress();
      modelStatus([h('strong', { text: `Could not read the model: ` }), String(error?.message ?? error),
        h('span', { class: 'muted', text: ' (the server serves it from ../shared/models/ beside the repository)' })], 'error');
      setState('error');
      return;
    }
    if (mine !== preparing) return;
  } else {
    // The worker reads them (in chunks, with progress) once it knows the model fits.
    [checkpoint, tokenizer] = [own.checkpoint, own.tokenizer];
  }

  loadEvents = [];
  showProgress(`Reading the header of ${checkpoint.name} in the worker`, 0, 0);
  modelStatus(`Starting the worker: Terrarium loads ${KERNELS[kernel].file}, which reads the checkpoint's header…`);
  const worker = new Worker(WORKER_URL, { type: 'module' });
  host = { worker, kernel, source, label, ready: false, config: null, bytes: checkpoint.size, format: null, weights: null, weightsBytes: null };
  const mineHost = host;
  worker.addEventListener('message', (event) => onWorkerMessage(mineHost, event.data));
  worker.addEventListener('error', (event) => {
    if (host !== mineHost) return;
    event.preventDefault?.();
    hideProgress();
    modelStatus([h('strong', { text: 'The worker failed: ' }), event.message || 'it could not start'], 'error');
    failRun(event.message || 'the worker failed');
    setState('error');
  });
  worker.postMessage({ type: 'init', kernel, weights: settings.weights, checkpoint, tokenizer });
}

/** Shows what the worker's loader reports (demo-site/llama-loader.js): the footprint, then progress. */
function onLoadProgress(event) {
  loadEvents.push(event.type === 'footprint' ? { type: event.type, total: event.footprint.total } : { ...event });
  const quantizing = settings.weights === 'q8' ? ', quantized to 8-bit (Q8_0)' : '';
  switch (event.type) {
    case 'footprint': {
      const needed = $('memory-needed');
      needed.textContent = `${describeFootprint(event.footprint)} · of ${shortBytes(event.limit)}`;
      needed.dataset.bytes = String(event.footprint.total);
      needed.dataset.weights = String(event.footprint.weights);
      needed.dataset.kvCache = String(event.footprint.kvCache);
      needed.dataset.activations = String(event.footprint.activations);
      modelStatus(`${host.label} needs ${shortBytes(event.footprint.total)}; reading it in the worker…`);
      break;
    }
    case 'read':
      showProgress(`Reading ${event.file}`, event.done, event.total);
      break;
    case 'quantize':
      showProgress(`Quantizing ${host.label} to 8-bit (Q8_0)`, 0, 0);
      break;
    case 'load':
      showProgress(`Loading ${host.label}${quantizing} into ${KERNELS[host.kernel].file}`, 0, 0);
      break;
  }
}

function onWorkerMessage(from, message) {
  if (from !== host) return; // a worker already replaced
  switch (message.type) {
    case 'progress':
      onLoadProgress(message.event);
      break;
    case 'ready': {
      host.ready = true;
      host.config = message.config;
      hideProgress();
      const c = message.config;
      const kernelName = KERNELS[message.kernel].name;
      host.format = c.formatVersion === 2 ? 'q8' : 'f32';
      host.weights = host.format === 'q8' ? `8-bit Q8_0/${c.groupSize}` : 'f32';
      host.weightsBytes = message.weightsBytes;
      $('weights-memory').textContent = `${shortBytes(message.weightsBytes)} · ${host.weights}`;
      $('weights-memory').dataset.bytes = String(message.weightsBytes);
      document.body.dataset.weights = host.format;
      modelStatus([
        h('span', { class: 'ok-dot', 'aria-hidden': 'true' }),
        h('strong', { text: host.label }),
        ` ready · ${shortBytes(host.bytes)} · loaded in ${formatMs(message.componentMs + message.modelMs)}`,
        h('span', { class: 'muted', text: ` (component ${formatMs(message.componentMs)}, model ${formatMs(message.modelMs)})` }),
      ], 'ready');
      $('model-shape').textContent =
        `dim ${c.dim} · ${c.nLayers} layers · ${c.nHeads} heads (${c.nKvHeads} kv) · vocab ${c.vocabSize.toLocaleString('en')} · context ${c.seqLen}` +
        (c.formatVersion ? ` · v${c.formatVersion}${c.groupSize ? ` Q8_0/${c.groupSize}` : ''}` : '');
      showKernel(message.kernel);
      const max = $('max-tokens');
      max.max = String(c.seqLen);
      if (Number(max.value) > c.seqLen) max.value = String(c.seqLen);
      document.body.dataset.kernel = message.kernel;
      document.body.dataset.model = host.label;
      setState('ready');
      $('generate').title = `Generate with ${kernelName} kernels`;
      break;
    }
    case 'started':
      if (run?.id === message.id) run.promptTokens = message.promptTokens;
      break;
    case 'token':
      if (run?.id !== message.id) return;
      run.tokens.push({ id: message.tokenId, piece: message.piece });
      run.elapsedMs = message.elapsedMs;
      scheduleReveal();
      break;
    case 'done':
      if (run?.id !== message.id) return;
      run.done = { ...message, shownWhenDone: run.shown };
      // Stop pressed before the worker saw it: the text was frozen, so it is stopped all the same.
      if (run.state === 'stopping') finishRun({ ...message, reason: 'stopped' });
      else if (run.shown === run.tokens.length) finishRun(message);
      else setRunState('revealing', 'showing…');
      break;
    case 'error':
      if (message.phase === 'init') {
        hideProgress();
        modelStatus([h('strong', { text: 'The model did not load: ' }), h('span', { dataset: { testid: 'model-error' }, text: message.message })], 'error');
        host.ready = false;
        setState('error');
      } else {
        failRun(message.message);
        setState('ready');
      }
      break;
  }
}

function showKernel(kernel) {
  const chip = $('kernel-ran');
  chip.textContent = `${KERNELS[kernel].name} · ${KERNELS[kernel].file}`;
  chip.dataset.kernel = kernel;
  chip.className = `chip ${kernel === 'scalar' ? 'plain' : 'on'}`;
}

/** Keeps the speed of a finished run beside the others of this visit. */
function recordSpeed({ kernel, format, weights, weightsBytes: bytes }, rate) {
  speeds.set(`${kernel} ${format}`, { kernel, format, weights, bytes, rate });
  const rows = [...speeds.values()].map((s) =>
    h('tr', { dataset: { testid: `speed-${s.kernel}-${s.format}` } }, [
      h('td', { text: KERNELS[s.kernel].name }),
      h('td', { text: s.weights }),
      h('td', { text: shortBytes(s.bytes) }),
      h('td', { text: s.rate >= 100 ? Math.round(s.rate).toLocaleString('en') : s.rate.toFixed(1) }),
    ]));
  $('speeds-body').replaceChildren(...rows);
  document.querySelector('[data-testid="speeds"]').hidden = false;
}

/* ---------------------------------------------------------------- generating */

function readOptions() {
  const number = (id, what, check) => {
    const text = $(id).value.trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value) || !check(value)) throw new RangeError(what);
    return value;
  };
  const temperature = number('temperature', 'Temperature must be a number ≥ 0.', (v) => v >= 0);
  const topP = number('top-p', 'Top-p must be between 0 and 1.', (v) => v >= 0 && v <= 1);
  const maxTokens = number('max-tokens', 'Max tokens must be a whole number ≥ 1.', (v) => Number.isInteger(v) && v >= 1 && v <= 0xffffffff);
  const seedText = $('seed').value.trim();
  if (!/^\d+$/.test(seedText) || BigInt(seedText) >= 2n ** 64n) throw new RangeError('The seed must be a whole number from 0 to 2⁶⁴−1.');
  return { temperature, topP, maxTokens, seed: seedText };
}

function generate() {
  if (!host?.ready) return;
  $('form-error').textContent = '';
  let options;
  try {
    options = readOptions();
  } catch (error) {
    $('form-error').textContent = error.message;
    return;
  }
  const prompt = $('prompt').value;
  const id = ++runId;
  const text = h('span', { class: 'generated', dataset: { testid: 'generated' } });
  run = { id, prompt, options, tokens: [], shown: 0, credit: 1, lastFrame: null, done: null, text, elapsedMs: 0, state: 'generating', kernel: host.kernel, format: host.format, weights: host.weights, weightsBytes: host.weightsBytes, stopTimer: null };
  $('output').replaceChildren(
    ...[prompt ? h('span', { class: 'prompt-text', title: 'your prompt', text: prompt }) : null, text, h('span', { class: 'caret', 'aria-hidden': 'true' })].filter(Boolean),
  );
  $('output').classList.add('live');
  for (const id of ['tokens-per-second', 'token-count', 'first-token', 'stop-reason']) $(id).textContent = '—';
  $('tokens-per-second').dataset.value = '';
  setRunState('generating', 'generating…');
  setState('generating');
  host.worker.postMessage({ type: 'generate', id, prompt, options });
}

let revealQueued = false;
function scheduleReveal() {
  if (revealQueued) return;
  revealQueued = true;
  requestAnimationFrame((now) => {
    revealQueued = false;
    reveal(now);
  });
}

/** Moves the tokens due by now at REVEAL_PER_SECOND into the page (one DOM change a frame). */
function reveal(now) {
  if (!run || run.state !== 'generating') return;
  // At most 100 ms a frame: a hidden tab's paused frames do not dump the backlog at once.
  run.credit += (Math.min(100, now - (run.lastFrame ?? now)) * REVEAL_PER_SECOND) / 1000;
  run.lastFrame = now;
  const take = Math.min(run.tokens.length - run.shown, Math.floor(run.credit));
  if (take > 0) {
    run.text.append(run.tokens.slice(run.shown, run.shown + take).map((t) => t.piece).join(''));
    run.shown += take;
    run.credit -= take;
    const output = $('output');
    if (output.scrollHeight - output.scrollTop - output.clientHeight < 80) output.scrollTop = output.scrollHeight;
  }
  // Waiting on a slower model saves up no burst.
  if (run.shown === run.tokens.length) run.credit = Math.min(run.credit, 1);
  $('token-count').textContent = run.shown.toLocaleString('en');
  if (run.tokens.length > 0 && run.elapsedMs > 0) showRate(run.tokens.length, run.elapsedMs);
  if (run.shown < run.tokens.length) scheduleReveal();
  else if (run.done) finishRun(run.done);
}

function showRate(tokens, ms) {
  const rate = (tokens * 1000) / ms;
  const cell = $('tokens-per-second');
  cell.textContent = rate >= 100 ? Math.round(rate).toLocaleString('en') : rate.toFixed(1);
  cell.dataset.value = String(rate);
}

/** Ends the run shown; `message` is the worker's `done` (or one made up for a worker ended early). */
function finishRun(message) {
  clearTimeout(run.stopTimer);
  run.state = message.reason === 'stopped' ? 'stopped' : 'done';
  run.reason = message.reason;
  run.promptTokens = message.promptTokens;
  $('output').classList.remove('live');
  $('token-count').textContent = run.shown.toLocaleString('en');
  $('token-count').title = run.shown < message.tokens ? `${run.shown} shown of the ${message.tokens} the model made` : '';
  if (message.tokens > 0) {
    showRate(message.tokens, message.elapsedMs);
    recordSpeed(run, (message.tokens * 1000) / message.elapsedMs);
  }
  $('first-token').textContent = message.firstTokenMs == null ? '—' : formatMs(message.firstTokenMs);
  $('first-token').title = `the prompt was ${message.promptTokens} token${message.promptTokens === 1 ? '' : 's'} (BOS included)`;
  $('stop-reason').textContent = STOP_REASONS[message.reason] ?? message.reason;
  $('stop-reason').dataset.reason = message.reason;
  $('tokens-per-second').title = `the model's speed: ${message.tokens} tokens in ${formatMs(message.elapsedMs)} (${formatMs(message.computeMs)} in next-token)`;
  showKernel(run.kernel);
  if (run.shown === 0) run.text.append(h('span', { class: 'story-hint', text: '(no tokens)' }));
  setRunState(run.state, run.state === 'stopped' ? 'stopped' : 'done');
  setState('ready');
}

function failRun(message) {
  if (!run || (run.state !== 'generating' && run.state !== 'stopping')) {
    if (message) $('form-error').textContent = message;
    return;
  }
  clearTimeout(run.stopTimer);
  run.state = 'error';
  $('output').classList.remove('live');
  $('form-error').textContent = message;
  setRunState('error', 'failed');
}

function stop() {
  if (!run || run.state !== 'generating') return;
  // The model already finished: only the display was still going.
  if (run.done) {
    finishRun({ ...run.done, reason: 'stopped' });
    return;
  }
  run.state = 'stopping';
  setRunState('stopping', 'stopping…');
  setState('stopping');
  host.worker.postMessage({ type: 'stop', id: run.id });
  // A worker busy in one long next-token() (a big model) cannot read the message: end it.
  const stopping = run;
  stopping.stopTimer = setTimeout(() => {
    if (run !== stopping || stopping.state !== 'stopping') return;
    finishRun({ reason: 'stopped', tokens: stopping.tokens.length, elapsedMs: stopping.elapsedMs || 1, computeMs: 0, firstTokenMs: null, promptTokens: stopping.promptTokens ?? 0 });
    prepare(); // a fresh worker, the model loaded again
  }, STOP_GRACE_MS);
}

/* ---------------------------------------------------------------- your own files */

function setOwnFile(which, file) {
  own[which] = file;
  $(`${which}-name`).textContent = file ? `${file.name} · ${shortBytes(file.size)}` : 'no file';
  $(`${which}-name`).classList.toggle('chosen', !!file);
}

/** Sorts dropped or picked files into checkpoint and tokenizer: by name, else the smaller is the tokenizer. */
function takeFiles(list) {
  const files = [...list].filter((f) => f.size > 0);
  if (files.length === 0) return;
  if (files.length === 1) {
    const [file] = files;
    setOwnFile(/tok/i.test(file.name) ? 'tokenizer' : 'checkpoint', file);
  } else {
    const named = files.find((f) => /tok/i.test(f.name));
    const tokenizer = named ?? [...files].sort((a, b) => a.size - b.size)[0];
    const checkpoint = files.find((f) => f !== tokenizer);
    setOwnFile('tokenizer', tokenizer);
    setOwnFile('checkpoint', checkpoint);
  }
  chooseSource('files');
}

function chooseSource(source) {
  settings.source = source;
  document.querySelector(`input[name="model"][value="${source}"]`).checked = true;
  $('own-files').hidden = source !== 'files';
  prepare();
}

/* ---------------------------------------------------------------- wiring */

function wire() {
  for (const input of document.querySelectorAll('input[name="kernel"]')) {
    input.checked = input.value === settings.kernel;
    if (!KERNELS[input.value].available) input.closest('label').title = KERNELS[input.value].missing;
    input.addEventListener('change', () => {
      settings.kernel = input.value;
      prepare();
    });
  }
  for (const input of document.querySelectorAll('input[name="weights"]')) {
    input.addEventListener('change', () => {
      settings.weights = input.value;
      prepare();
    });
  }
  for (const input of document.querySelectorAll('input[name="model"]')) {
    input.addEventListener('change', () => chooseSource(input.value));
  }
  for (const which of ['checkpoint', 'tokenizer']) {
    const input = $(`${which}-input`);
    input.addEventListener('change', () => {
      const [file] = input.files;
      input.value = '';
      if (!file) return;
      setOwnFile(which, file);
      chooseSource('files');
    });
  }
  const zone = $('model-drop');
  const over = (on) => (event) => {
    event.preventDefault();
    zone.classList.toggle('dragging', on);
  };
  zone.addEventListener('dragenter', over(true));
  zone.addEventListener('dragover', over(true));
  zone.addEventListener('dragleave', over(false));
  // Dropped anywhere on the page: taken as model files (and the browser does not navigate away).
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    if (document.body.dataset.state === 'generating') return;
    takeFiles(event.dataTransfer?.files ?? []);
  });

  $('generate-form').addEventListener('submit', (event) => {
    event.preventDefault();
    generate();
  });
  $('prompt').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      generate();
    }
  });
  $('stop').addEventListener('click', stop);
  $('reseed').addEventListener('click', () => {
    $('seed').value = String(crypto.getRandomValues(new Uint32Array(1))[0]);
  });

  const jspi = $('jspi');
  jspi.textContent = features.jspi ? 'available' : 'not in this browser';
  jspi.className = `chip ${features.jspi ? 'on' : 'off'}`;
  jspi.dataset.available = String(features.jspi);
  jspi.title = features.jspi
    ? 'JS promise integration is available in this browser. The demo does not need it: the worker pulls tokens with synchronous next-token() calls.'
    : 'No JS promise integration in this browser. The demo does not need it: the worker pulls tokens with synchronous next-token() calls.';
}

renderFeatures($('features'), features);
wire();
setRunState('idle');
prepare();

// For tests and the curious: what the page has seen.
window.llamaDemo = {
  get state() {
    return document.body.dataset.state;
  },
  get run() {
    return run && {
      id: run.id, state: run.state, reason: run.reason, kernel: run.kernel, promptTokens: run.promptTokens,
      tokens: run.tokens.map((t) => ({ ...t })), shown: run.shown, done: run.done && { ...run.done },
    };
  },
  get lastProgress() {
    return lastProgress;
  },
  get loadEvents() {
    return loadEvents.map((e) => ({ ...e }));
  },
  get host() {
    return host && { kernel: host.kernel, source: host.source, label: host.label, ready: host.ready, config: host.config, format: host.format, weights: host.weights, weightsBytes: host.weightsBytes };
  },
  get speeds() {
    return [...speeds.values()].map((s) => ({ ...s }));
  },
  features,
};
