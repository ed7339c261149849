// What a browser cannot do (polyfill-wasi/BROWSER-LIMITS.md), as a guest sees it in Chromium, for
// the limits no other spec covers: sockets, and a server that does not allow CORS. (Blocking
// without JSPI or a worker, the worker without isolation: wasi-blocking.spec.mjs; streamed request
// bodies, failures, trailers, forbidden headers, set-cookie, redirects, timeouts: wasi-http.spec.mjs.)

import http from 'node:http';
import { test, expect } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  await page.goto('/demo-site/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
});

test('sockets: every attempt fails with not-supported (Rust: Unsupported), in JSPI, worker and none', async ({ page }) => {
  const results = await page.evaluate(async () => {
    const out = {};
    for (const blocking of ['jspi', 'worker', 'none']) {
      const stdout = window.harness.collector();
      const { exitCode } = await window.terrarium.run('/components/wasi-sockets.wasm', { blocking, stdout, stderr: () => {} });
      out[blocking] = { exitCode, text: stdout.text() };
    }
    return out;
  });
  for (const result of Object.values(results)) {
    expect(result).toEqual({
      exitCode: 0,
      text: 'tcp connect: failed: Unsupported\ntcp listen: failed: Unsupported\nudp bind: failed: Unsupported\nresolve: failed: Unsupported\n',
    });
  }
});

test('a server that does not allow CORS looks like one that is not there: destination-unavailable', async ({ page }) => {
  // Answers everything with 200, without any CORS header.
  const server = http.createServer((req, res) => res.end('no cors'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  try {
    const result = await page.evaluate(async (url) => {
      const stdout = window.harness.collector();
      const { exitCode } = await window.terrarium.run('/components/wasi-http.wasm', {
        args: ['wasi-http', url, 'refused'],
        env: { REFUSED_URL: url, REFUSED_CODE: 'DestinationUnavailable' },
        stdout,
      });
      return { exitCode, text: stdout.text() };
    }, url);
    expect(result).toEqual({ exitCode: 0, text: 'ok a refused connection fails with DestinationUnavailable\n1 passed, 0 failed\n' });
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
});
