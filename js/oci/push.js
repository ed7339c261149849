/**
 * `terrarium push`: a component's bytes and an `oci://HOST/REPO:TAG` in, the digest of the
 * manifest it wrote out. Uploads the config blob and the wasm layer (each skipped when the
 * registry has it already), then puts the manifest under the tag, in the layout `wkg` publishes.
 */

import { TerrariumError } from '../errors.js';
import { sha256Digest } from './digest.js';
import { MANIFEST_MEDIA_TYPE, wasmConfig, wasmManifest } from './layout.js';
import { parseReference } from './reference.js';
import { registrySession } from './registry.js';

/**
 * @param {Uint8Array} bytes the component
 * @param {import('../component.js').Component} component the same, loaded (its imports and exports go in the config)
 * @param {string} target
 * @param {{fetch?: typeof fetch}} [options]
 * @returns {Promise<string>} the manifest's digest
 */
export async function pushComponent(bytes, component, target, { fetch: fetchImpl } = {}) {
  const reference = parseReference(target, { requireTag: true });
  const session = registrySession(reference, fetchImpl);
  const layer = { digest: await sha256Digest(bytes), size: bytes.byteLength };
  const configBytes = new TextEncoder().encode(JSON.stringify(wasmConfig(layer.digest, component)));
  const config = { digest: await sha256Digest(configBytes), size: configBytes.byteLength };
  await uploadBlob(reference, session, configBytes, config.digest);
  await uploadBlob(reference, session, bytes, layer.digest);
  const manifestBytes = new TextEncoder().encode(JSON.stringify(wasmManifest(config, layer)));
  await session.request(
    `manifests/${reference.tag}`,
    { method: 'PUT', headers: { 'content-type': MANIFEST_MEDIA_TYPE }, body: manifestBytes },
    { what: 'putting the manifest' },
  );
  return sha256Digest(manifestBytes);
}

/** A blob the registry lacks, in two requests: open an upload session, then put it whole. */
async function uploadBlob(reference, session, bytes, digest) {
  const head = await session.request(`blobs/${digest}`, { method: 'HEAD' }, { what: `checking blob ${digest}`, allow: [404] });
  if (head.ok) return;
  const started = await session.request('blobs/uploads/', { method: 'POST' }, { what: `starting the upload of ${digest}` });
  const location = started.headers.get('location');
  if (!location) {
    throw new TerrariumError('load', `\`${reference.text}\`: the registry gave no upload location for ${digest}`, {
      context: reference.text,
    });
  }
  const url = new URL(location, reference.base);
  url.searchParams.set('digest', digest);
  await session.request(
    url.href,
    { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes },
    { what: `uploading ${digest}` },
  );
}
