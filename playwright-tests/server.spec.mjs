// Smoke test for scripts/serve.mjs: cross-origin isolation, MIME types, CSP
// pages and no path traversal outside the served folders.
import http from 'node:http';
import { test, expect } from '@playwright/test';

/** Raw GET with the path sent exactly as written (no URL normalisation). */
function rawGet(baseURL, rawPath) {
  const { hostname, port } = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/ is served cross-origin isolated', async ({ page }) => {
  const response = await page.goto('/');
  expect(response.status()).toBe(200);
  const headers = response.headers();
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
  expect(headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(headers['content-type']).toMatch(/^text\/html/);
  expect(headers['cache-control']).toBe('no-cache');
  await expect(page.locator('h1')).toContainText('Terrarium');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
});

test('/csp/ pages carry the strict CSP', async ({ request }) => {
  const response = await request.get('/csp/index.html');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-security-policy']).toBe(
    "script-src 'self' 'wasm-unsafe-eval'",
  );
  const plain = await request.get('/demo-site/index.html');
  expect(plain.status()).toBe(200);
  expect(plain.headers()['content-security-policy']).toBeUndefined();
});

test('nothing outside the served folders is reachable', async ({ baseURL }) => {
  for (const p of [
    '/package.json',
    '/scripts/serve.mjs',
    '/Cargo.toml',
    '/js/../package.json',
    '/js/%2e%2e/package.json',
    '/demo-site/..%2f..%2fetc/passwd',
    '/dist/%2e%2e/%2e%2e/etc/passwd',
    '/components/..%2f..%2fCargo.toml',
    '/csp/..%2fscripts/serve.mjs',
    '/js/..%5cpackage.json',
    '/polyfill-wasi/src/lib.rs',
  ]) {
    expect(await rawGet(baseURL, p), p).toBe(404);
  }
});
