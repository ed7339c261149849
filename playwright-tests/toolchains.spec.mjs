// Components made by other toolchains than rustc, in Chromium: the ComponentizeJS, componentize-py
// and C builds of tests/toolchains/wit (scripts/build-toolchains.mjs), loaded from
// /components/ in the test harness page and called with the cases of
// tests/toolchains/exercise.mjs, the same as tests/node/toolchains.test.mjs runs in Node.
// Interfaces the polyfill does not serve (wasi:filesystem, until it has it) get stubs there, which
// these guests never call (checked below).

import { test, expect } from '@playwright/test';
import { openHarness } from './support.mjs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GUESTS, KNOWN_ISSUES, exercise } from '../tests/toolchains/exercise.mjs';

const componentsDir = fileURLToPath(new URL('../dist/components/', import.meta.url));
const MAY_BE_STUBBED = new Set(['wasi:filesystem/types', 'wasi:filesystem/preopens']);

test.beforeEach(({ page }) => openHarness(page));

/**
 * Runs `exercise` on the guest in the page itself or in a module Web Worker started from a blob
 * (the worker imports Terrarium from /js/index.js); resolves to its report or `{ error }`.
 */
function runExercise(page, guest, where) {
  // A blob worker has no base URL to resolve paths against: ORIGIN becomes the page's origin.
  const url = `${where === 'page' ? '' : 'ORIGIN'}/components/${guest.file}`;
  const args = [JSON.stringify(url), JSON.stringify(guest.toolchain)].join(', ');
  if (where === 'page') {
    return page.evaluate(`(${exercise})(window.terrarium, ${args}).catch((e) => ({ error: String(e?.message ?? e) }))`);
  }
  const workerSource = [
    `import * as terrarium from ${JSON.stringify('ORIGIN/js/index.js')};`,
    `const exercise = ${exercise};`,
    `exercise(terrarium, ${args}).then((report) => postMessage(report), (e) => postMessage({ error: String(e?.message ?? e) }));`,
  ].join('\n');
  return page.evaluate(
    (source) =>
      new Promise((resolve) => {
        const code = source.replaceAll('ORIGIN', location.origin);
        const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), { type: 'module' });
        worker.addEventListener('error', (event) => resolve({ error: `worker error: ${event.message}` }));
        worker.addEventListener('message', ({ data }) => {
          worker.terminate();
          resolve(data);
        });
      }),
    workerSource,
  );
}

/** Checks an `exercise` report against the expected values and the known issues. */
function check(guest, report) {
  expect(report.error, 'exercise failed').toBeUndefined();
  for (const r of report.results) {
    const known = KNOWN_ISSUES[guest.name]?.[r.name];
    if (known) {
      expect.soft(r.actual, `"${r.name}" now works: take it off KNOWN_ISSUES.${guest.name} (${known})`).not.toEqual(r.expected);
    } else {
      expect.soft(r.actual, `${r.group}: ${r.name}`).toEqual(r.expected);
    }
  }
  const api = report.exports.find((e) => e.name === 'example:toolchains/api@0.1.0');
  expect(api?.jsName).toBe('api');
  expect(api.functions.length).toBe(12);
  for (const i of report.imports) {
    if (!i.name.startsWith('wasi:')) continue;
    const versionless = i.name.replace(/@[^@]*$/, '');
    expect(i.providedByWasi || MAY_BE_STUBBED.has(versionless), `${i.name} is neither served nor expected to be stubbed`).toBe(true);
  }
  expect(report.stubCalls, 'a stub was called').toEqual([]);
  expect(report.loggedLeft, 'host log calls no case took').toEqual([]);
}

// Core modules over 8 MB (StarlingMonkey, CPython) instantiate on the main thread too: Terrarium
// instantiates asynchronously, since Chromium refuses a synchronous `new WebAssembly.Instance` of
// those there. Should a guest ever not, list it here with the reason.
const MAIN_THREAD_TOO_BIG = new Set();

for (const guest of GUESTS) {
  // `npm test` builds every toolchain guest (TERRARIUM_REQUIRE_TOOLCHAINS=1): a missing one is a failure.
  const built = existsSync(`${componentsDir}${guest.file}`);
  const notBuilt = `dist/components/${guest.file} was not built (see scripts/build-toolchains.mjs)`;

  test(`${guest.toolchain}: in a module worker, every export returns what the WIT says`, async ({ page }) => {
    expect(built, notBuilt).toBe(true);
    // The Python guest is 18 MiB of CPython: fetching and compiling it takes a few seconds.
    test.setTimeout(120_000);
    const report = await runExercise(page, guest, 'worker');
    console.log(`${guest.toolchain} (worker): ${report.error ?? `loaded in ${report.loadMs} ms, ${report.results.length} cases`}`);
    check(guest, report);
  });

  test(`${guest.toolchain}: on the main thread, every export returns what the WIT says`, async ({ page }) => {
    expect(built, notBuilt).toBe(true);
    test.setTimeout(120_000);
    const report = await runExercise(page, guest, 'page');
    console.log(`${guest.toolchain} (page): ${report.error ?? `loaded in ${report.loadMs} ms, ${report.results.length} cases`}`);
    if (MAIN_THREAD_TOO_BIG.has(guest.name)) {
      expect(report.error, `${guest.name} now instantiates on the main thread: take it off MAIN_THREAD_TOO_BIG`).toMatch(
        /WebAssembly\.Instance is disallowed on the main thread/,
      );
      return;
    }
    check(guest, report);
  });
}
