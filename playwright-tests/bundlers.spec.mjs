// The package installed by name into fresh apps (the tarball `npm pack` makes), built by real
// bundlers with their own APIs and no Terrarium-specific configuration but the plugin esbuild and
// Rollup need for `new URL(…, import.meta.url)`: Vite (dev server, and build + preview), esbuild,
// Rollup and webpack 5; and with no bundler at all, a page's <script type="module"> and a module
// Web Worker. Each app loads a component, calls it in the page and in Terrarium's guest worker,
// prints its WIT and makes a filesystem: every file the package fetches at run time. Then a
// component imported as a module (`?component`) through the Vite, Rollup and esbuild plugins, and
// `terrarium transpile`'s output in a page with no bundler.

import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPONENT_OPTIONS, ISOLATION, buildApp, filesIn, installApp, serveDir } from '../tests/bundlers/apps.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const EXPECTED = { add: 5, workerAdd: 42, wit: true, file: 'from the page' };

let dir;
test.beforeAll(() => {
  dir = installApp();
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Opens `url` and returns what the app printed (#out, as JSON) once it has finished. Navigation
 * does not wait for the page's load event (its module awaits the app's work): if the app never
 * finishes, the failure says at which step it stopped and what the page reported.
 */
async function appResult(page, url) {
  const errors = [];
  const reported = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && reported.push(message.text()));
  page.on('requestfailed', (request) => reported.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on('worker', (worker) => worker.on('close', () => reported.push(`worker ${worker.url()} closed`)));
  await page.goto(url, { waitUntil: 'commit' });
  const out = page.locator('#out');
  try {
    await expect(out).not.toHaveText('loading', { timeout: 60_000 });
  } catch (error) {
    const at = await out.getAttribute('data-step').catch(() => null);
    throw new Error(`the app did not finish (at step ${at}); page errors ${JSON.stringify(errors)}, reported ${JSON.stringify(reported)}`, { cause: error });
  }
  expect(errors).toEqual([]);
  return JSON.parse(await out.textContent());
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
    const server = bundler === 'vite' ? await vitePreview(dir, out) : await serveDir(out);
    try {
      expect(await appResult(page, server.url)).toEqual(EXPECTED);
    } finally {
      await server.close();
    }
  });
}

test('vite dev server: the app runs unbuilt, with no configuration', async ({ page }) => {
  test.setTimeout(180_000);
  const vite = await viteDevServer(dir, { server: { watch: null } });
  try {
    expect(await appResult(page, vite.url)).toEqual(EXPECTED);
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

// ---- A component imported as a module (`./calc.wasm?component`) through Terrarium's plugins.

const COMPONENT_EXPECTED = { names: ['api', 'example:bench/api@0.1.0'], add: 5, echo: 'héllo', logged: ['from the guest'], workerAdd: 42 };

test.describe('ahead-of-time output', () => {
  let aotDir;
  test.beforeAll(() => {
    aotDir = installApp('aot-app');
  });
  test.afterAll(() => rmSync(aotDir, { recursive: true, force: true }));

  for (const bundler of ['esbuild', 'rollup', 'vite']) {
    test(`${bundler} plugin: a ?component import is the component's exports, with no planner in the app`, async ({ page }) => {
      test.setTimeout(180_000);
      const out = await buildApp(aotDir, bundler, { plugin: true });
      const files = filesIn(out);
      // The component's three core modules are emitted (once: both modules of the app hold the same
      // component, and bundlers name files by content); the planner's wasm is not, nor its code.
      expect(files.filter((f) => /calc\.core\d?-[\w-]+\.wasm$/.test(f))).toHaveLength(3);
      for (const script of files.filter((f) => f.endsWith('.js') && !/terrarium-worker/.test(f))) {
        expect(readFileSync(path.join(out, script), 'utf8'), script).not.toMatch(/terrarium_bg|["']node:/);
      }
      const server = bundler === 'vite' ? await vitePreview(aotDir, out) : await serveDir(out);
      try {
        expect(await appResult(page, server.url)).toEqual(COMPONENT_EXPECTED);
      } finally {
        await server.close();
      }
    });
  }

  test('vite plugin on the dev server: the component module runs, and a rebuilt .wasm reloads the page', async ({ page }) => {
    test.setTimeout(180_000);
    const { terrarium } = await import(path.join(aotDir, 'node_modules/terrarium-wasm/js/bundlers/vite.js'));
    const vite = await viteDevServer(aotDir, { plugins: [terrarium(COMPONENT_OPTIONS)] });
    try {
      expect(await appResult(page, vite.url)).toEqual(COMPONENT_EXPECTED);
      // Another component in calc.wasm's place: the page reloads by itself and shows its exports.
      copyFileSync(path.join(ROOT, 'dist/components/hello.wasm'), path.join(aotDir, 'calc.wasm'));
      await expect(page.locator('#out')).toHaveText(JSON.stringify({ names: ['run', 'wasi:cli/run@0.2.0'], workerAdd: 42 }), { timeout: 60_000 });
    } finally {
      await vite.close();
      copyFileSync(path.join(ROOT, 'dist/components/bench.wasm'), path.join(aotDir, 'calc.wasm'));
    }
  });

  test('no bundler: `terrarium transpile` output and an import map; the page fetches only the runtime it uses', async ({ page }) => {
    const cli = path.join(aotDir, 'node_modules/terrarium-wasm/js/cli.js');
    execFileSync(process.execPath, [cli, 'transpile', path.join(aotDir, 'calc.wasm'), '-o', path.join(aotDir, 'aot')]);
    const server = await serveDir(aotDir);
    const fetched = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    try {
      expect(await appResult(page, `${server.url}plain.html`)).toEqual({ add: 5, logged: ['from the guest'] });
    } finally {
      await server.close();
    }
    expect(fetched).toContain('/aot/calc.core.wasm');
    expect(fetched).toContain('/node_modules/terrarium-wasm/js/aot.js');
    // No planner, validator or engine wasm; the component imports no WASI, so none of the polyfill
    // but the check of `options.wasi`.
    const unwanted = fetched.filter((p) => /\/dist\/|\/js\/(load|engine|component|types\/)|polyfill-wasi\/js\/(?!options\.js$)/.test(p));
    expect(unwanted).toEqual([]);
  });
});

/** Vite's dev server for the app in `root`, cross-origin isolated; `config` adds to its configuration. */
async function viteDevServer(root, { server = {}, ...config } = {}) {
  const { createServer } = await import('vite');
  const vite = await createServer({
    root, logLevel: 'silent', configFile: false, ...config,
    server: { host: '127.0.0.1', port: 0, headers: ISOLATION, ...server },
  });
  await vite.listen();
  return { url: vite.resolvedUrls.local[0], close: () => vite.close() };
}

async function vitePreview(root, outDir) {
  const { preview } = await import('vite');
  const vite = await preview({ root, logLevel: 'silent', configFile: false, build: { outDir }, preview: { host: '127.0.0.1', port: 0, headers: ISOLATION } });
  return { url: vite.resolvedUrls.local[0], close: () => vite.close() };
}
