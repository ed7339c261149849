// Helpers shared by the demo pages (the playground and the Llama demo): building elements, the
// header's feature badges, sizes. No framework, no inline scripts (the pages also run under a
// strict CSP).

export const $ = (id) => document.getElementById(id);

/** Builds an element: `h('li', {class: 'x', dataset: {a: 1}}, 'text', child)`. Text stays text. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = value;
    else if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key in element && typeof value !== 'string') element[key] = value;
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const FEATURE_LABELS = {
  simd: ['SIMD', '128-bit SIMD'],
  relaxedSimd: ['Relaxed SIMD', 'relaxed SIMD instructions'],
  gc: ['GC', 'WasmGC types'],
  jsStringBuiltins: ['JS strings', 'JS string builtins (wasm:js-string)'],
  jspi: ['JSPI', 'JS promise integration'],
  threads: ['Threads', 'shared memory (needs cross-origin isolation)'],
  workerBlocking: ['Worker blocking', 'blocking host calls through a worker (SharedArrayBuffer + Atomics.wait)'],
};

/** Fills `list` with one badge per entry of Terrarium's `features`. */
export function renderFeatures(list, features) {
  list.replaceChildren(
    ...Object.entries(features).map(([name, on]) => {
      const [label, title] = FEATURE_LABELS[name] ?? [name, name];
      return h('li', {
        class: `feature ${on ? 'on' : 'off'}`,
        dataset: { feature: name, testid: `feature-${name}`, supported: String(on) },
        title: `${title}: ${on ? 'supported' : 'not supported'} in this browser`,
      }, h('span', { class: 'dot', 'aria-hidden': 'true' }), label, h('span', { class: 'visually-hidden', text: on ? ' (yes)' : ' (no)' }));
    }),
  );
}

/** `1.2 KiB`, `3.40 MiB`, `4.00 GiB`. */
export function shortBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(bytes < 100 * 1024 * 1024 ? 2 : 1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** `1.2 KiB (1,234 bytes)`. */
export function formatBytes(bytes) {
  return `${shortBytes(bytes)} (${bytes.toLocaleString('en')} bytes)`;
}

export function formatMs(ms) {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Lets the page paint before a long synchronous step. */
export const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/**
 * Reads a Blob (a File) into bytes in chunks, calling `onProgress(done, total)` as it goes, so a
 * page can show a progress bar while a large file is read.
 */
export async function readWithProgress(blob, onProgress) {
  const total = blob.size;
  const bytes = new Uint8Array(total);
  let done = 0;
  onProgress?.(0, total);
  const reader = blob.stream().getReader();
  for (;;) {
    const { value, done: finished } = await reader.read();
    if (finished) break;
    bytes.set(value, done);
    done += value.length;
    onProgress?.(done, total);
  }
  return bytes;
}

/** Fetches a URL into bytes, calling `onProgress(done, total)` (total 0 when unknown). */
export async function fetchWithProgress(url, onProgress) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const chunks = [];
  let done = 0;
  onProgress?.(0, total);
  const reader = response.body.getReader();
  for (;;) {
    const { value, done: finished } = await reader.read();
    if (finished) break;
    chunks.push(value);
    done += value.length;
    onProgress?.(done, total);
  }
  const bytes = new Uint8Array(done);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
