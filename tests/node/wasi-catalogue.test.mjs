// The catalogue (polyfill-wasi/js/catalogue.js) is the one list of what the WASI polyfill serves:
// createWasi() implements exactly its interfaces, and a component's imports are routed by it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interfaces, createWasi } from '../../polyfill-wasi/js/index.js';
import { wasiInterface, workerInterfaces } from '../../polyfill-wasi/js/catalogue.js';
import { createHttp } from '../../polyfill-wasi/js/http.js';
import { load } from '../../js/index.js';
import { componentsDir } from './support.mjs';

test('createWasi() implements exactly the catalogue\'s interfaces', () => {
  assert.deepEqual(Object.keys(createWasi({}, { http: createHttp }).imports).sort(), [...interfaces].sort());
  for (const name of workerInterfaces({})) assert.ok(interfaces.includes(name), name);
});

test('every 0.2.x and 0.3.x version of an interface is served, pre-releases included; nothing else', () => {
  assert.equal(wasiInterface('wasi:cli/stdout@0.2.0'), 'wasi:cli/stdout');
  assert.equal(wasiInterface('wasi:cli/stdout@0.2.6'), 'wasi:cli/stdout');
  assert.equal(wasiInterface('wasi:io/streams@0.2.0-rc-2023-11-10'), 'wasi:io/streams');
  assert.equal(wasiInterface('wasi:http/outgoing-handler@0.2.4'), 'wasi:http/outgoing-handler');
  // 0.3 by the name and `@0.3`: the same name serves a different interface there.
  assert.equal(wasiInterface('wasi:cli/stdout@0.3.0'), 'wasi:cli/stdout@0.3');
  assert.equal(wasiInterface('wasi:clocks/monotonic-clock@0.3.2'), 'wasi:clocks/monotonic-clock@0.3');
  assert.equal(wasiInterface('wasi:filesystem/types@0.3.0-rc-2025-09-16'), 'wasi:filesystem/types@0.3');
  for (const name of ['wasi:io/streams@0.3.0', 'wasi:clocks/wall-clock@0.3.0', 'wasi:cli/stdout@0.4.0', 'wasi:cli/stdout@0.30.0']) {
    assert.equal(wasiInterface(name), null, name);
  }
  for (const name of ['wasi:http/incoming-handler@0.2.4', 'wasi:cli/stdout@0.20.1', 'wasi:cli/stdout', 'wasi:config/store@0.2.0-draft', 'example:x/wasi:cli@0.2.0']) {
    assert.equal(wasiInterface(name), null, name);
  }
});

test('a loaded component\'s WASI imports are routed to the polyfill, others to the host', async () => {
  const hello = await load(`${componentsDir}hello.wasm`);
  assert.ok(hello.imports.length > 0);
  for (const imp of hello.imports) assert.equal(imp.providedByWasi, true, imp.name);
  const bench = await load(`${componentsDir}bench.wasm`);
  assert.deepEqual(bench.imports.map((i) => [i.name, i.providedByWasi]), [['example:bench/host@0.1.0', false]]);
});
