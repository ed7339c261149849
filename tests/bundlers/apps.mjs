/**
 * The package as a user gets it, in apps built by real bundlers: `npm pack`'s tarball unpacked into
 * a fresh app's node_modules (nothing else of the repository is reachable from there), the app in
 * ./app built by each bundler with its own JS API, and a static server for the output with the
 * headers a worker needs (cross-origin isolation). Used by playwright-tests/bundlers.spec.mjs.
 */

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APPS = path.join(ROOT, 'tests', 'bundlers');

export const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * A fresh folder holding an app (`app`: Terrarium's API; `aot-app`: a component imported as a
 * module through the plugins, and `terrarium transpile` output in aot-async/), the bench component
 * (as bench.wasm and calc.wasm) and the packed package; returns its path.
 */
export function installApp(app = 'app') {
  const dir = mkdtempSync(path.join(tmpdir(), 'terrarium-app-'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }).trim();
  const installed = path.join(dir, 'node_modules', 'terrarium-wasm');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', path.join(dir, packed), '-C', installed, '--strip-components=1']);
  cpSync(path.join(APPS, app), dir, { recursive: true });
  for (const name of ['bench.wasm', 'calc.wasm']) cpSync(path.join(ROOT, 'dist', 'components', 'bench.wasm'), path.join(dir, name));
  if (app === 'aot-app') {
    const cli = path.join(installed, 'js', 'cli.js');
    execFileSync(process.execPath, [cli, 'transpile', path.join(dir, 'calc.wasm'), '-o', path.join(dir, 'aot-async'), '--instantiation', 'async']);
  }
  return dir;
}

/** The options of the aot-app's plugin: its component's one import comes from ./bench-host.js. */
export const COMPONENT_OPTIONS = { map: { 'example:bench/host': './bench-host.js' } };

/**
 * Builds `dir`'s app with `bundler` into `dir/out-<bundler>`, with the page and bench.wasm beside
 * it; `plugin`: the app needs Terrarium's plugin for `?component` imports (with COMPONENT_OPTIONS).
 */
export async function buildApp(dir, bundler, { plugin = false } = {}) {
  const out = path.join(dir, `out-${bundler}`);
  const packageFile = (file) => path.join(dir, 'node_modules', 'terrarium-wasm', file);
  const options = plugin ? COMPONENT_OPTIONS : undefined;
  if (bundler === 'vite') {
    const { build } = await import('vite');
    const plugins = plugin ? [(await import(packageFile('js/bundlers/vite.js'))).terrarium(options)] : [];
    await build({ root: dir, logLevel: 'silent', configFile: false, plugins, build: { outDir: out, emptyOutDir: true } });
  } else if (bundler === 'esbuild') {
    const esbuild = await import('esbuild');
    const { terrarium } = await import(packageFile('js/bundlers/esbuild.js'));
    await esbuild.build({
      absWorkingDir: dir, entryPoints: [path.join(dir, 'main.js')], bundle: true, format: 'esm', platform: 'browser',
      splitting: true, outdir: out, logLevel: 'silent', plugins: [terrarium(options)],
    });
  } else if (bundler === 'rollup') {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const { terrarium } = await import(packageFile('js/bundlers/rollup.js'));
    const bundle = await rollup({ input: path.join(dir, 'main.js'), plugins: [nodeResolve({ browser: true, rootDir: dir }), terrarium(options)] });
    await bundle.write({ dir: out, format: 'es' });
    await bundle.close();
  } else if (bundler === 'webpack') {
    const { default: webpack } = await import('webpack');
    const compiler = webpack({
      mode: 'production', context: dir, entry: './main.js', output: { path: out, filename: 'main.js', clean: true },
      resolve: { modules: [path.join(dir, 'node_modules')] }, performance: { hints: false },
    });
    const stats = await new Promise((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
    await new Promise((resolve) => compiler.close(resolve));
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  } else {
    throw new Error(`unknown bundler ${bundler}`);
  }
  // Vite writes the page itself (it rewrote the script tag); the others need it beside the bundle.
  if (bundler !== 'vite') cpSync(path.join(dir, 'index.html'), path.join(out, 'index.html'));
  cpSync(path.join(dir, 'bench.wasm'), path.join(out, 'bench.wasm'));
  return out;
}

/** The files of `dir`, recursively, relative to it. */
export const filesIn = (dir) => readdirSync(dir, { recursive: true }).map(String);

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** Serves `dir` on 127.0.0.1, cross-origin isolated; resolves to `{ url, close }`. */
export function serveDir(dir) {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    let body;
    try {
      if (path.relative(dir, file).startsWith('..')) throw new Error('outside');
      body = readFileSync(file);
    } catch {
      res.writeHead(404, ISOLATION);
      return res.end('not found');
    }
    res.writeHead(200, { ...ISOLATION, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}
