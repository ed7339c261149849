/**
 * Turns whatever the user hands `load` into the component's bytes: bytes, an ArrayBuffer, a typed
 * array view, a Blob, a `Response`, a URL or a URL string (and, in Node, a file path or file: URL),
 * or an `oci://` reference to a registry (js/oci/pull.js).
 */

import { onDemand } from './on-demand-loader.js';
import { TerrariumError } from './errors.js';
import { isNode, readFileBytes } from '#platform';
import { isOciReference } from './oci/reference.js';

/**
 * The largest component `load` takes: engines compile at most 1 GiB of wasm in one module, and the
 * planner reads the whole component into its own 32-bit memory, which a bigger one would exhaust.
 */
export const MAX_COMPONENT_BYTES = 2 ** 30;

/**
 * The component's bytes, as a copy where the caller still holds them (bytes, a buffer, a view), so
 * that changing them after `load` changes nothing the component reads later (`wit()`, the plan).
 * @returns {Promise<Uint8Array>}
 */
export async function sourceBytes(source, { fetch: fetchImpl = globalThis.fetch } = {}) {
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && source instanceof SharedArrayBuffer)) {
    return ownCopy(new Uint8Array(source));
  }
  if (ArrayBuffer.isView(source)) return ownCopy(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
  if (typeof Response !== 'undefined' && source instanceof Response) return responseBytes(source, source.url);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    checkSize(source.size);
    return new Uint8Array(await source.arrayBuffer());
  }
  if (isOciReference(source)) {
    // Registries are fetched on first use only: a page that never names one never downloads the code.
    const { ociBytes } = await onDemand();
    return checkedBytes(await ociBytes(source, { fetch: fetchImpl }));
  }
  if (typeof source === 'string' || source instanceof URL) {
    const url = resolveUrl(source);
    if (isNode && (url === null || url.protocol === 'file:')) return fileBytes(url ?? source);
    return responseBytes(await fetchImpl(url), url.href);
  }
  if (source && typeof source.then === 'function') return sourceBytes(await source, { fetch: fetchImpl });
  throw new TypeError('load: expected bytes, an ArrayBuffer, a Blob, a Response, a URL, a URL string or an oci:// reference');
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
  let bytes;
  try {
    bytes = await readFileBytes(path);
  } catch (error) {
    const where = path instanceof URL ? path.pathname : path;
    throw new TerrariumError('load', `cannot read \`${where}\`: ${error.code ?? error.message}`, { context: String(where), cause: error });
  }
  return checkedBytes(bytes);
}

async function responseBytes(response, url) {
  if (!response.ok) {
    throw new TerrariumError('load', `cannot load \`${url}\`: http status ${response.status}`, { context: url });
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  checkSize(declared);
  return checkedBytes(new Uint8Array(await response.arrayBuffer()));
}

/** A copy of bytes the caller keeps, after checking their size (a copy of too much would fail anyway). */
function ownCopy(bytes) {
  checkSize(bytes.byteLength);
  return bytes.slice();
}

function checkedBytes(bytes) {
  checkSize(bytes.byteLength);
  return bytes;
}

function checkSize(byteLength) {
  if (byteLength > MAX_COMPONENT_BYTES) {
    throw new TerrariumError(
      'unsupported',
      `the component is ${byteLength} bytes, more than the ${MAX_COMPONENT_BYTES} (1 GiB) a WebAssembly engine compiles`,
    );
  }
}
