// Core modules that need an engine feature, in Chromium, which has them all: WasmGC, exceptions in
// both forms, tail calls, multi-memory and memory64 each load and run, validated or trusted; the
// code's features are read only for a module the compiler refused.
// The page is demo-site/test-harness.html, which exposes `/js/index.js` as `window.terrarium`.

import { test, expect } from '@playwright/test';
import { openHarness } from './support.mjs';
import { featureGuests } from '../tests/node/feature-guests.mjs';

test.beforeEach(({ page }) => openHarness(page));

test('every engine feature is probed as present', async ({ page }) => {
  const probes = featureGuests.map(({ probe }) => probe);
  const features = await page.evaluate(() => ({ ...window.terrarium.features }));
  for (const probe of probes) expect(features[probe], probe).toBe(true);
});

for (const guest of featureGuests) {
  test(`${guest.name} loads and runs`, async ({ page }) => {
    const results = await page.evaluate(async (name) => {
      const { load } = window.terrarium;
      const out = [];
      for (const validate of [true, false]) {
        const { exports } = await (await load(`/components/fixtures/${name}.wasm`, { validate })).instantiate({});
        out.push(exports.compute());
      }
      return out;
    }, guest.name);
    expect(results).toEqual([guest.result, guest.result]);
  });
}

/** A component of one core module whose function returns an i64 for an i32: it plans, and the compiler refuses it. */
const mistypedComponent = [
  ...[0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00],
  ...[0x01, 27],
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f],
  ...[0x03, 0x02, 0x01, 0x00],
  ...[0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b],
];

test("the code's features are read (by a wasm of their own) only when the compiler refused a module", async ({ page }) => {
  const fetched = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith('/wasm/features/terrarium_bg.wasm')) fetched.push(path);
  });
  await page.evaluate(async (names) => {
    for (const name of names) await window.terrarium.load(`/components/fixtures/${name}.wasm`);
  }, featureGuests.map(({ name }) => name));
  expect(fetched).toEqual([]);

  const error = await page.evaluate(async (bytes) => {
    const e = await window.terrarium.load(new Uint8Array(bytes)).then(() => null, (e) => e);
    return { kind: e.kind, message: e.message, offset: e.offset, cause: e.cause?.name };
  }, mistypedComponent);
  expect(fetched).toHaveLength(1);
  expect(error.kind).toBe('invalid');
  expect(error.message).toMatch(/^invalid core module 0: /);
  expect(error.cause).toBe('CompileError');
  // In the module, which spans bytes 10 to 37.
  expect(error.offset).toBeGreaterThanOrEqual(10);
  expect(error.offset).toBeLessThan(37);
});
