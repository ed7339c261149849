// Smoke test for scripts/serve.mjs: cross-origin isolation, MIME types, CSP
// pages and no path traversal outside the served folders (the /models/ route included).
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { startServer } from '../scripts/serve.mjs';

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
    '/models/../package.json',
    '/models/..%2fmain%2fpackage.json',
    '/models/%2e%2e/%2e%2e/main/package.json',
    '/models/stories260K/..%2f..%2fmodels/stories260K/tok512.bin',
    '/models/..%5c..%5cmain%5cpackage.json',
    '/models/stories260K/',
  ]) {
    expect(await rawGet(baseURL, p), p).toBe(404);
  }
  expect(await rawGet(baseURL, '/models/stories260K/tok512.bin')).toBe(200);
});

test('/models/ maps to ../shared/models beside the root, and is a 404 when that folder is missing', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'terrarium-serve-'));
  const repo = path.join(root, 'repo');
  mkdirSync(path.join(repo, 'demo-site'), { recursive: true });
  writeFileSync(path.join(repo, 'demo-site', 'index.html'), '<!doctype html><title>x</title>');
  const server = await startServer({ port: 0, root: repo });
  try {
    expect(await rawGet(server.url, '/')).toBe(200);
    expect(await rawGet(server.url, '/models/stories260K/stories260K.bin')).toBe(404);
    mkdirSync(path.join(root, 'shared', 'models', 'tiny'), { recursive: true });
    writeFileSync(path.join(root, 'shared', 'models', 'tiny', 'model.bin'), 'weights');
    writeFileSync(path.join(root, 'secret.txt'), 'not served');
    expect(await rawGet(server.url, '/models/tiny/model.bin')).toBe(200);
    // A symbolic link inside the models folder pointing out of it is refused.
    symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'shared', 'models', 'tiny', 'link.txt'));
    expect(await rawGet(server.url, '/models/tiny/link.txt')).toBe(404);
    expect(await rawGet(server.url, '/models/..%2fsecret.txt')).toBe(404);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
