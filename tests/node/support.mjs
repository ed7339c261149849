/** Shared by the Node tests: where the built guest components are, and reading them. */

import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
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

export const fixturesDir = fileURLToPath(new URL('../../host-core/tests/fixtures/', import.meta.url));

/** A component's binary from WAT: a file or text, by `wasm-tools parse` (which `npm run setup` installs). */
export function watBytes({ file, text }) {
  const r = spawnSync('wasm-tools', ['parse', file ?? '-'], { input: text, maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`wasm-tools parse: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

/** host-core's fixture `name`: its component, from NAME.wat, and its blessed plan, NAME.plan.json. */
export async function fixture(name) {
  return {
    bytes: watBytes({ file: `${fixturesDir}${name}.wat` }),
    plan: JSON.parse(await readFile(`${fixturesDir}${name}.plan.json`, 'utf8')),
  };
}

/** Whether `p` has settled, after every pending microtask and a macrotask turn (no wall clock). */
export async function settled(p) {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setTimeout(r, 0));
  return done;
}
