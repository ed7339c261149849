// The package installed by name into fresh apps (the tarball `npm pack` makes), built by real
// bundlers with their own APIs and no Terrarium-specific configuration but the plugin esbuild and
// Rollup need for `new URL(…, import.meta.url)`: Vite (dev server, and build + preview), esbuild,
// Rollup and webpack 5; and with no bundler at all, a page's <script type="module"> and a module
// Web Worker. Each app loads a component, calls it in the page and in Terrarium's guest worker,
// prints its WIT and makes a filesystem: every file the package fetches at run time.

import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ISOLATION, buildApp, filesIn, installApp, serveDir } from '../tests/bundlers/apps.mjs';

const EXPECTED = { add: 5, workerAdd: 42, wit: true, file: 'from the page' };

let dir;
test.beforeAll(() => {
  dir = installApp();
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opens `url` and returns what the app printed (#out, as JSON) once it has finished. */
async function appResult(page, url) {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await expect(page.locator('#out')).not.toHaveText('loading', { timeout: 60_000 });
  expect(errors).toEqual([]);
  return JSON.parse(await page.locator('#out').textContent());
}

for (const bundler of ['esbuild', 'rollup', 'webpack', 'vite']) {
  test(`${bundler}: the built app loads, calls, uses the worker, prints WIT and makes a filesystem`, async ({ page }) => {
    test.setTimeout(180_000);
    const out = await buildApp(dir, bundler);
    const scripts = filesIn(out).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(readFileSync(path.join(out, script), 'utf8'), script).not.toMatch(/["']node:/);
    // Every engine variant's wasm was emitted with the app (the worker is checked by calling it).
    const variants = readdirSync(path.join(dir, 'node_modules', 'terrarium-wasm', 'dist', 'wasm'));
    expect(variants.length).toBeGreaterThanOrEqual(4);
    expect(filesIn(out).filter((f) => f.endsWith('.wasm') && f !== 'bench.wasm')).toHaveLength(variants.length);
    let server;
    if (bundler === 'vite') {
      const { preview } = await import('vite');
      const vite = await preview({ root: dir, logLevel: 'silent', build: { outDir: out }, preview: { host: '127.0.0.1', port: 0, headers: ISOLATION } });
      server = { url: vite.resolvedUrls.local[0], close: () => vite.close() };
    } else {
      server = await serveDir(out);
    }
    try {
      expect(await appResult(page, server.url)).toEqual(EXPECTED);
    } finally {
      await server.close();
    }
  });
}

test('vite dev server: the app runs unbuilt, with no configuration', async ({ page }) => {
  test.setTimeout(180_000);
  const { createServer } = await import('vite');
  const vite = await createServer({
    root: dir, logLevel: 'silent', configFile: false,
    server: { host: '127.0.0.1', port: 0, headers: ISOLATION, watch: null },
  });
  await vite.listen();
  try {
    expect(await appResult(page, vite.resolvedUrls.local[0])).toEqual(EXPECTED);
  } finally {
    await vite.close();
  }
});

test('no bundler: a <script type="module"> and a module Web Worker import the installed bundle by URL', async ({ page }) => {
  const server = await serveDir(dir);
  try {
    expect(await appResult(page, `${server.url}plain.html`)).toEqual({ workerAdd: 42, moduleWorker: 42 });
  } finally {
    await server.close();
  }
});
