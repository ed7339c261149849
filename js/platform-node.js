/**
 * What Terrarium does differently in Node, picked by the `node` condition of package.json's
 * `#platform` import (so a browser bundle never sees a `node:` import): files are read with
 * node:fs, host folders can be preopens (`{ hostPath }`), registry content is cached in a folder
 * (js/oci/cache-node.js), and the guest worker of `blocking: 'worker'` is a worker_threads Worker.
 *
 * It sits directly in js/, like its browser twin; `./terrarium-worker.js` is the worker's source
 * beside it, which Node runs as it is.
 */

import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Worker, parentPort } from 'node:worker_threads';
import { HostDirectory, HostVfs } from '../polyfill-wasi/js/host-dir.js';

export const isNode = true;

/**
 * Host folders as preopens: `open(hostPath)` checks and mounts one (throwing a WASI error code
 * if it cannot), `session()` serves one guest instance's calls on them.
 */
export const hostDirectories = {
  open: (hostPath) => new HostDirectory(fs, hostPath),
  session: () => new HostVfs(fs),
};

export { blobCache } from './oci/cache-node.js';

/** @param {URL|string} path @returns {Promise<Uint8Array>} */
export async function readFileBytes(path) {
  return new Uint8Array(await readFile(path));
}

/** Starts the guest worker, with one interface in both worlds (see platform-browser.js). */
export function startGuestWorker() {
  const worker = new Worker(new URL('./terrarium-worker.js', import.meta.url));
  let onMessage = () => {};
  let onError = () => {};
  worker.on('message', (message) => onMessage(message));
  worker.on('error', (error) => onError(error));
  worker.on('exit', (code) => onError(new Error(`the worker exited with code ${code}`)));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (handler) => (onMessage = handler),
    onError: (handler) => (onError = handler),
    terminate: () => worker.terminate(),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
  };
}

/** Inside the guest worker: the channel to the thread that started it. */
export function parentChannel() {
  return {
    post: (message, transfer) => parentPort.postMessage(message, transfer),
    listen: (handler) => parentPort.on('message', handler),
  };
}

/** worker_threads can always start a worker that blocks with Atomics.wait. */
export const canStartBlockingWorker = () => true;
