/**
 * `load('oci://…')`: a reference in, the component's bytes out. The manifest (by tag or digest),
 * then its `application/wasm` layer, each checked against its digest. In Node both are kept in a
 * cache keyed by digest, so a reference by digest loads with no registry at all the second time;
 * a tag still asks the registry which manifest it names now, as tags move.
 */

import { TerrariumError } from '../errors.js';
import { blobCache } from '#platform';
import { checkDigest, sha256Digest } from './digest.js';
import { MANIFEST_ACCEPT, wasmLayer } from './layout.js';
import { parseReference } from './reference.js';
import { registrySession } from './registry.js';

/**
 * @param {string|URL} source `oci://HOST[:PORT]/REPO:TAG` or `…/REPO@sha256:…`
 * @param {{fetch?: typeof fetch}} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function ociBytes(source, { fetch: fetchImpl } = {}) {
  const reference = parseReference(source);
  const session = registrySession(reference, fetchImpl);
  const manifest = parseManifest(await manifestBytes(reference, session), reference);
  const layer = wasmLayer(manifest);
  if (!layer) {
    const types = (Array.isArray(manifest.layers) ? manifest.layers : []).map((l) => l?.mediaType).join(', ') || 'none';
    throw new TerrariumError('invalid', `\`${reference.text}\` has no application/wasm layer (its layers: ${types})`, {
      context: reference.text,
    });
  }
  return blob(layer.digest, `the wasm layer of \`${reference.text}\``, () =>
    session.request(`blobs/${layer.digest}`, {}, { what: `fetching the wasm layer ${layer.digest}` }),
  );
}

/** The manifest's bytes: from the cache for a digest, else from the registry. */
async function manifestBytes(reference, session) {
  const fetchManifest = () =>
    session.request(`manifests/${reference.digest ?? reference.tag}`, { headers: { accept: MANIFEST_ACCEPT } }, { what: 'fetching the manifest' });
  if (reference.digest) return blob(reference.digest, `the manifest of \`${reference.text}\``, fetchManifest);
  const bytes = new Uint8Array(await (await fetchManifest()).arrayBuffer());
  // Kept by its digest, so that a later reference by that digest needs no registry.
  await blobCache?.write(await sha256Digest(bytes), bytes);
  return bytes;
}

/**
 * Content-addressed bytes: the cached copy if it still has its digest, else fetched, checked and
 * cached.
 * @param {() => Promise<Response>} fetchBlob
 */
async function blob(digest, what, fetchBlob) {
  const cached = await blobCache?.read(digest);
  if (cached && (await sha256Digest(cached)) === digest) return cached;
  const bytes = new Uint8Array(await (await fetchBlob()).arrayBuffer());
  await checkDigest(bytes, digest, what);
  await blobCache?.write(digest, bytes);
  return bytes;
}

function parseManifest(bytes, reference) {
  try {
    const manifest = JSON.parse(new TextDecoder().decode(bytes));
    if (manifest && typeof manifest === 'object') return manifest;
  } catch {
    // reported below, with the reference
  }
  throw new TerrariumError('invalid', `the manifest of \`${reference.text}\` is not a JSON object`, { context: reference.text });
}
