// The package entry as published: `import 'terrarium'` resolves to the minified bundle.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { collector, guestBytes } from './support.mjs';

test('the package name resolves to the bundle, which loads and runs components', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.exports['.'].default, './dist/terrarium.js');
  const terrarium = await import('terrarium');
  const component = await terrarium.load(await guestBytes('bench'));
  const { exports } = await component.instantiate({ 'example:bench/host': { log() {} } });
  assert.equal(exports.api.add(20, 22), 42);
  const stdout = collector();
  const { exitCode } = await terrarium.run(await guestBytes('hello'), { args: ['hello', 'bundled'], stdout, stderr: () => {} });
  assert.equal(exitCode, 0);
  assert.match(stdout.text(), /arg: bundled/);
  assert.match(await component.wit(), /export example:bench\/api@0\.1\.0;/);
  const refusal = await terrarium.load(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])).catch((e) => e);
  assert.ok(refusal instanceof terrarium.TerrariumError);
  assert.equal(refusal.kind, 'malformed');
});

test('the bundle starts its own worker (dist/terrarium-worker.js) and loads wasi:http from its chunk', async () => {
  const terrarium = await import('terrarium');
  const { startHttpServer } = await import('./http-server.mjs');
  const stdout = collector();
  assert.deepEqual(await terrarium.run(await guestBytes('wasi-poll'), { blocking: 'worker', stdout }), { exitCode: 0 });
  assert.match(stdout.text(), /14 passed, 0 failed/);
  const server = await startHttpServer();
  try {
    const out = collector();
    const { exitCode } = await terrarium.run(await guestBytes('wasi-http'), { args: ['wasi-http', server.base, 'get'], stdout: out });
    assert.equal(exitCode, 0, out.text());
    assert.match(out.text(), /5 passed, 0 failed/);
  } finally {
    await server.close();
  }
});
