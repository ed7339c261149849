// wasi:http over fetch in Chromium: the wasi-http guest (tests/guests/wasi-http) against a local
// server this spec starts (tests/node/http-server.mjs: another port, so cross-origin, with CORS
// and CORP headers), through JSPI and through a worker, with what a browser cannot do checked as
// the guest sees it (see polyfill-wasi/BROWSER-LIMITS.md).

import { test, expect } from '@playwright/test';
import { refusedUrl, startHttpServer } from '../tests/node/http-server.mjs';

let server;
let refused;
test.beforeAll(async () => {
  server = await startHttpServer();
  refused = await refusedUrl();
});
test.afterAll(() => server.close());

test.beforeEach(async ({ page }) => {
  await page.goto('/demo-site/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
});

const ALL = ['get', 'post', 'headers', 'status', 'not-found', 'refused', 'timeout', 'stream', 'big', 'trailers', 'errors', 'poll'];

/** The guest's environment in a browser: what differs from Node is said here. */
const browserEnv = () => ({ BROWSER: '1', BODY_MODE: 'length', REFUSED_URL: refused, REFUSED_CODE: 'DestinationUnavailable' });

async function runHttpGuest(page, groups, options = {}) {
  return page.evaluate(
    async ({ base, groups, options }) => {
      const stdout = window.harness.collector();
      const stderr = window.harness.collector();
      if (options.countFetches) {
        const seen = [];
        options.fetch = (url, init = {}) => {
          seen.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
          return fetch(url, init);
        };
        window.seenFetches = seen;
        delete options.countFetches;
      }
      const outcome = await window.harness.failure(() =>
        window.terrarium.run('/components/wasi-http.wasm', { args: ['wasi-http', base, ...groups], stdout, stderr, ...options }),
      );
      const text = stdout.text();
      return {
        outcome,
        text,
        stderr: stderr.text(),
        failures: text.split('\n').filter((l) => l.startsWith('FAIL')),
        passed: text.split('\n').filter((l) => l.startsWith('ok ')).length,
        fetches: window.seenFetches ?? null,
      };
    },
    { base: server.base, groups, options },
  );
}

for (const blocking of ['jspi', 'worker']) {
  test(`blocking: '${blocking}': every check of the wasi-http guest`, async ({ page }) => {
    const result = await runHttpGuest(page, ALL, { blocking, env: browserEnv() });
    expect(result.failures, result.text + result.stderr).toEqual([]);
    expect(result.outcome).toEqual({ returned: '{"exitCode":0}' });
    expect(result.passed).toBe(77);
    // What a browser does differently, as the guest saw it.
    for (const line of [
      'request body mode: length',
      'ok POST /echo: the request body went out length',
      'ok a refused connection fails with DestinationUnavailable',
      'ok fields: cookie is forbidden in a browser',
      'ok fields: sec-fetch-mode is forbidden in a browser',
      'ok response headers: set-cookie is never seen in a browser',
      'ok a redirect is followed in a browser',
      'ok incoming trailers are never seen (fetch has none)',
      'ok outgoing trailers: finish fails with internal-error',
      'ok connect-timeout: connection-timeout',
    ]) {
      expect(result.text).toContain(`${line}\n`);
    }
  });
}

test('run() picks JSPI for an HTTP client, and the page’s own fetch is used', async ({ page }) => {
  // run()'s `fetch` also fetches the component itself.
  const result = await runHttpGuest(page, ['get', 'not-found'], { env: browserEnv(), countFetches: true });
  expect(result.failures, result.text).toEqual([]);
  expect(result.outcome).toEqual({ returned: '{"exitCode":0}' });
  expect(result.fetches).toEqual(['GET /components/wasi-http.wasm', 'GET /hello', 'GET /missing']);
  const viaWorker = await runHttpGuest(page, ['get'], { blocking: 'worker', env: browserEnv(), countFetches: true });
  expect(viaWorker.failures, viaWorker.text).toEqual([]);
  expect(viaWorker.outcome).toEqual({ returned: '{"exitCode":0}' });
  expect(viaWorker.fetches).toEqual(['GET /components/wasi-http.wasm', 'GET /hello']);
});

test("a request body streamed over HTTP/1.1 (forced with http: { requestBodies: 'stream' }) is refused by Chromium: destination-unavailable", async ({ page }) => {
  const result = await runHttpGuest(page, ['post'], { blocking: 'jspi', http: { requestBodies: 'stream' }, env: browserEnv() });
  expect(result.text).toContain('FAIL POST /echo: ErrorCode::DestinationUnavailable\n');
});

test("blocking: 'none': the first wait for a response traps", async ({ page }) => {
  const result = await runHttpGuest(page, ['get'], { blocking: 'none', env: browserEnv() });
  expect(result.outcome.kind).toBe('trap');
  expect(result.outcome.message).toContain(
    `\`wasi:io/poll#[method]pollable.block\` would have to wait for the response to GET ${server.base}/hello; waiting needs JSPI or a worker`,
  );
});
