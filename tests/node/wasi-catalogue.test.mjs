// The planner (Rust, polyfill-wasi/src/lib.rs) and the polyfill (JS) must name the same interfaces:
// the planner routes a component's WASI imports to the polyfill by these names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { interfaces, createWasi } from '../../polyfill-wasi/js/index.js';
import { createHttp } from '../../polyfill-wasi/js/http.js';

test('the Rust catalogue and the JS polyfill list the same interfaces', async () => {
  const source = await readFile(new URL('../../polyfill-wasi/src/lib.rs', import.meta.url), 'utf8');
  const block = /pub const INTERFACES: &\[&str\] = &\[([\s\S]*?)\];/.exec(source);
  assert.ok(block, 'INTERFACES not found in polyfill-wasi/src/lib.rs');
  const rust = [...block[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...rust].sort(), [...interfaces].sort());
  assert.deepEqual(Object.keys(createWasi({}, { http: createHttp }).imports).sort(), [...interfaces].sort());
});
