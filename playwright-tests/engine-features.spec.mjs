// Core modules that need an engine feature, in Chromium, which has them all: WasmGC, exceptions in
// both forms, tail calls, multi-memory and memory64 each load and run, validated or trusted.
// The page is demo-site/test-harness.html, which exposes `/js/index.js` as `window.terrarium`.

import { test, expect } from '@playwright/test';
import { featureGuests } from '../tests/node/feature-guests.mjs';

test.beforeEach(async ({ page }) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/demo-site/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  expect(errors).toEqual([]);
});

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
