/**
 * The worker Terrarium starts for an instance made with `blocking: 'worker'` (a Web Worker in a
 * page, a worker_threads Worker in Node). Bundled as dist/terrarium-worker.js, next to
 * dist/terrarium.js, so `new URL('./terrarium-worker.js', import.meta.url)` finds it from both
 * js/ and the bundle.
 */

import { serveGuest } from './worker/guest.js';

const inNode = globalThis.process?.versions?.node !== undefined && typeof WorkerGlobalScope === 'undefined';

if (inNode) {
  const { parentPort } = await import('node:worker_threads');
  serveGuest({
    post: (message, transfer) => parentPort.postMessage(message, transfer),
    listen: (handler) => parentPort.on('message', handler),
  });
} else {
  serveGuest({
    post: (message, transfer) => self.postMessage(message, transfer),
    listen: (handler) => self.addEventListener('message', (event) => handler(event.data)),
  });
}
