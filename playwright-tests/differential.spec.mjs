// Differential tests against jco in Chromium: the corpora of tests/differential/ (the same cases as
// tests/node/differential.test.mjs and differential-async.test.mjs) run in a page, Terrarium from the served source (/js/index.js)
// and through its ahead-of-time output, and jco's transpiled output, from /dist/differential/. Before the first test, prepare() builds
// the .wat components, transpiles every component with jco and bundles the page's runner (with the
// preview2-shim's browser build) into dist/differential/page.js: node_modules is not served.

import { test, expect } from '@playwright/test';
import { prepare } from '../tests/differential/prepare.mjs';
import { components, cases, refusals } from '../tests/differential/corpus.mjs';
import * as asyncCorpus from '../tests/differential/async-corpus.mjs';

// One worker for the file: prepare() runs once, and the pages run one after another.
test.describe.configure({ mode: 'serial' });

/** @type {Awaited<ReturnType<typeof prepare>>} */
let manifest;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  manifest = await prepare({ page: true });
});

/**
 * Opens the harness page and runs `kind` ('cases' or 'refusals') of `corpus` ('sync' or 'async')
 * for the components in the page, Terrarium `via` load() or its ahead-of-time output.
 */
async function runInPage(page, kind, only, via, corpus = 'sync') {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/demo-site/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  const results = await page.evaluate(
    async ({ manifest, kind, only, via, corpus }) => {
      const { run } = await import('/dist/differential/page.js');
      return run({ terrariumUrl: '/js/index.js', manifest, components: only, kind, via, corpus });
    },
    { manifest, kind, only, via, corpus },
  );
  expect(errors).toEqual([]);
  return results;
}

const tally = (results) => ['pass', 'known', 'fail'].map((s) => results.filter((r) => r.status === s).length);

// The async corpus needs JSPI on jco's side (Chromium has it): here its values are compared.
const corpora = { sync: { components, cases }, async: asyncCorpus };
for (const [corpus, { components, cases }] of Object.entries(corpora)) {
  for (const via of ['load', 'transpile']) for (const name of Object.keys(components)) {
    test(`${corpus === 'async' ? 'async ' : ''}differential in Chromium via ${via}: ${name}`, async ({ page }) => {
      test.setTimeout(90_000);
      const results = await runInPage(page, 'cases', [name], via, corpus);
      const [pass, known, fail] = tally(results);
      console.log(`differential ${name} via ${via} (Chromium, jco ${manifest.jcoVersion}): ${pass} agree, ${known} known jco differences, ${fail} failed`);
      test.info().annotations.push({ type: 'differential', description: `${pass} agree, ${known} known, ${fail} failed` });
      expect(results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.problems.join('; ')}`)).toEqual([]);
      expect(results.length).toBe(cases.filter((c) => c.component === name).length);
    });
  }
}

for (const via of ['load', 'transpile']) test(`invalid values are refused in Chromium via ${via}, naming the function and parameter path`, async ({ page }) => {
  test.setTimeout(90_000);
  const results = await runInPage(page, 'refusals', undefined, via);
  console.log(`refusals via ${via} (Chromium): ${results.filter((r) => r.status === 'pass').length} refused as expected, ${results.filter((r) => r.status === 'fail').length} failed`);
  expect(results.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.problems.join('; ')}`)).toEqual([]);
  expect(results.length).toBe(refusals.length);
});
