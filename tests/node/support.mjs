/** Shared by the Node tests: where the built guest components are, and reading them. */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const componentsDir = fileURLToPath(new URL('../../dist/components/', import.meta.url));

/** The bytes of the guest component `name`, built by `node scripts/build-guests.mjs`. */
export async function guestBytes(name) {
  return new Uint8Array(await readFile(`${componentsDir}${name}.wasm`));
}

/** Collects the bytes a guest writes to a stream, as text. */
export function collector() {
  const chunks = [];
  const sink = (bytes) => chunks.push(bytes.slice());
  sink.text = () => Buffer.concat(chunks).toString('utf8');
  return sink;
}
