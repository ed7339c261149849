/**
 * Turns whatever the user hands `load` into the component's bytes: bytes, an ArrayBuffer, a typed
 * array view, a Blob, a `Response`, a URL or a URL string (and, in Node, a file path or file: URL).
 */

import { TerrariumError } from './errors.js';
import { isNode, readFileBytes } from './engine.js';

/** @returns {Promise<Uint8Array>} */
export async function sourceBytes(source, { fetch: fetchImpl = globalThis.fetch } = {}) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof Response !== 'undefined' && source instanceof Response) return responseBytes(source, source.url);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof source === 'string' || source instanceof URL) {
    const url = resolveUrl(source);
    if (isNode && (url === null || url.protocol === 'file:')) return fileBytes(url ?? source);
    return responseBytes(await fetchImpl(url), url.href);
  }
  if (source && typeof source.then === 'function') return sourceBytes(await source, { fetch: fetchImpl });
  throw new TypeError('load: expected bytes, an ArrayBuffer, a Blob, a Response, a URL or a URL string');
}

/** A URL for `source`, relative to the page in a browser; `null` for a plain path in Node. */
function resolveUrl(source) {
  if (source instanceof URL) return source;
  const base = globalThis.location?.href;
  try {
    return base ? new URL(source, base) : new URL(source);
  } catch {
    if (isNode) return null;
    throw new TypeError(`load: \`${source}\` is not a valid URL`);
  }
}

/** A file in Node, with a missing or unreadable file reported as a `load` error. */
async function fileBytes(path) {
  try {
    return await readFileBytes(path);
  } catch (error) {
    const where = path instanceof URL ? path.pathname : path;
    throw new TerrariumError('load', `cannot read \`${where}\`: ${error.code ?? error.message}`, { context: String(where), cause: error });
  }
}

async function responseBytes(response, url) {
  if (!response.ok) {
    throw new TerrariumError('load', `cannot load \`${url}\`: http status ${response.status}`, { context: url });
  }
  return new Uint8Array(await response.arrayBuffer());
}
