// The package as published: in Node, `import 'terrarium-wasm'` resolves to the source in js/ (the
// `node` export condition); for the web, to the minified bundle, which holds no `node:` import.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { inspect } from 'node:util';
import { collector, guestBytes } from './support.mjs';

test('in Node the package name resolves to the source, which loads and runs components', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'browser', 'node', 'default']);
  assert.equal(pkg.exports['.'].browser, './dist/terrarium.js');
  assert.equal(pkg.exports['.'].default, './dist/terrarium.js');
  assert.equal(import.meta.resolve('terrarium-wasm'), new URL('../../js/index.js', import.meta.url).href);
  const terrarium = await import('terrarium-wasm');
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
  // Node prints errors by their class's name.
  assert.match(inspect(new terrarium.ComponentError('x')), /^ComponentError: x/);
});

test('the web bundle and its worker and chunks import nothing from node:, and keep their class names', async () => {
  const dist = new URL('../../dist/', import.meta.url);
  const files = (await readdir(dist)).filter((f) => /^terrarium.*\.js$/.test(f));
  assert.ok(files.includes('terrarium.js') && files.includes('terrarium-worker.js'), files.join());
  for (const file of files) {
    const text = await readFile(new URL(file, dist), 'utf8');
    assert.doesNotMatch(text, /["']node:/, file);
  }
  const bundled = await import(new URL('terrarium.js', dist).href);
  for (const name of ['TerrariumError', 'ComponentError', 'FilesystemError', 'Component']) assert.equal(bundled[name].name, name);
  assert.match(inspect(new bundled.ComponentError('x')), /^ComponentError: x/);
  // Every engine file is named by a static path the bundler can follow (in the bundle or a chunk of it).
  const texts = await Promise.all(files.filter((f) => f !== 'terrarium-worker.js').map((f) => readFile(new URL(f, dist), 'utf8')));
  for (const variant of ['full', 'trusted', 'wit', 'wasi', 'features']) {
    assert.ok(texts.some((text) => text.includes(`"../dist/wasm/${variant}/terrarium_bg.wasm"`)), variant);
  }
});

test('the Service Worker bundle stands alone: no import() but component.types() generator, no chunks', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.exports['./service-worker'].default, './dist/terrarium-service-worker.js');
  const text = await readFile(new URL('../../dist/terrarium-service-worker.js', import.meta.url), 'utf8');
  assert.deepEqual(text.match(/\bimport\([^)]*\)/g), ['import("./types/index.js")']);
  assert.doesNotMatch(text, /terrarium-chunk-/);
  const bundled = await import(new URL('../../dist/terrarium-service-worker.js', import.meta.url).href);
  assert.equal(typeof bundled.serve, 'function');
});

test('the package starts its own worker and loads wasi:http on demand', async () => {
  const terrarium = await import('terrarium-wasm');
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
