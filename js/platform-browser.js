/**
 * What Terrarium does in a browser (a page or a worker), picked by package.json's `#platform`
 * import wherever the `node` condition is not set, so bundles for the web carry no `node:` import.
 * See platform-node.js for its twin.
 *
 * The worker's URL is written out where the Worker is made (`new Worker(new URL(…, import.meta.url))`):
 * that is the form Vite and webpack follow to emit the worker's file next to the bundle. It names
 * the bundled worker, dist/terrarium-worker.js, from js/ and from dist/ alike: a file that stands
 * alone, so a bundler that only copies it (esbuild, Rollup) or a page without one can start it.
 */

export const isNode = false;

/** A page has no host folders to mount (see platform-node.js). */
export const hostDirectories = null;

/**
 * No cache of registry content of our own in a browser: blobs are fetched by digest, so they never
 * change, and the browser's HTTP cache keeps them as long as the registry lets it.
 */
export const blobCache = null;

/** @returns {Promise<Uint8Array>} */
export async function readFileBytes(path) {
  throw new TypeError(`cannot read the file \`${path}\`: a browser has no file system; pass a URL, bytes or a Response`);
}

/**
 * Starts the guest worker, with one interface in both worlds: `post`, `listen`, `onError`,
 * `terminate`, `ref`, `unref`. `listen` and `onError` set the one handler (a reused worker's new
 * instance takes them over).
 */
export function startGuestWorker() {
  const worker = new Worker(new URL('../dist/terrarium-worker.js', import.meta.url), { type: 'module', name: 'terrarium guest' });
  let onMessage = () => {};
  let onError = () => {};
  worker.addEventListener('message', (event) => onMessage(event.data));
  worker.addEventListener('error', (event) => onError(new Error(event.message || 'the worker failed to start')));
  worker.addEventListener('messageerror', () => onError(new Error('a message to the worker could not be read')));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (handler) => (onMessage = handler),
    onError: (handler) => (onError = handler),
    terminate: () => worker.terminate(),
    ref() {},
    unref() {},
  };
}

/** Inside the guest worker: the channel to the thread that started it. */
export function parentChannel() {
  return {
    post: (message, transfer) => self.postMessage(message, transfer),
    listen: (handler) => self.addEventListener('message', (event) => handler(event.data)),
  };
}

/** A page may block a worker with Atomics.wait only when it is cross-origin isolated. */
export const canStartBlockingWorker = () => typeof Worker === 'function' && globalThis.crossOriginIsolated === true;
