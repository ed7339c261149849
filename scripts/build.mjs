#!/usr/bin/env node
// Builds the package in place, incrementally:
//   dist/wasm/<variant>/terrarium.js + terrarium_bg.wasm   (wasm-bindgen --target web, then wasm-opt -Oz)
//
// Variants of the web crate (terrarium-web):
//   full    --features validate
//   trusted --features planner (no validator)
//   wit     --features wit
//   wasi    --features wasi (the virtual filesystem of wasi:filesystem, no planner)
//   features --features module-features (the engine features of a core module's code, read only
//            after the browser refused to compile it)
//
// The cargo builds run one after the other in one target folder (they share dependencies; in
// folders of their own, two at a time on two cores, a cold build took as long and cost a third more
// CPU); each variant's wasm-bindgen and wasm-opt run while the next variant compiles. A variant
// whose outputs are newer than every Rust input (and whose recorded build settings match) is skipped.
//
// Usage: node scripts/build.mjs [--force] [variant ...]
// The components the tests and the site use are built by `npm run build:guests`.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const VARIANTS = [
  { name: 'full', features: ['validate'] },
  { name: 'trusted', features: ['planner'] },
  { name: 'wit', features: ['wit'] },
  { name: 'wasi', features: ['wasi'] },
  { name: 'features', features: ['module-features'] },
];
const WASM_OPT_FLAGS = [
  '-Oz',
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  // cargo keeps names and target features for wasm-bindgen to read; they are not shipped.
  '--strip-debug',
  '--strip-producers',
  '--strip-target-features',
];
const CRATE_DIRS = ['host-core', 'web', 'polyfill-wasi'];
// Folders inside crate dirs that never feed the Rust build.
const SKIP_DIRS = new Set(['target', 'node_modules', 'js', 'pkg', 'dist']);

const args = process.argv.slice(2);
const force = args.includes('--force');
const wanted = args.filter((a) => !a.startsWith('--'));
for (const w of wanted) {
  if (!VARIANTS.some((v) => v.name === w)) die(`unknown variant ${w} (have: ${VARIANTS.map((v) => v.name).join(', ')})`);
}
const variants = wanted.length ? VARIANTS.filter((v) => wanted.includes(v.name)) : VARIANTS;

// Make cargo-installed tools (wasm-bindgen) visible even from a bare npm shell.
const cargoBin = path.join(process.env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'bin');
if (!(process.env.PATH || '').split(path.delimiter).includes(cargoBin)) {
  process.env.PATH = `${cargoBin}${path.delimiter}${process.env.PATH || ''}`;
}

function die(msg) {
  console.error(`build: ${msg}`);
  process.exit(1);
}

/**
 * Runs a command beside the others building at the same time; its output is printed only if it
 * fails, so that parallel builds do not interleave.
 */
function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    const output = [];
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', (error) => die(`${cmd}: ${error.message}`));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      process.stderr.write(Buffer.concat(output));
      die(`$ ${[cmd, ...argv].join(' ')} exited with ${code ?? signal}`);
    });
  });
}

function capture(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return r.stdout.trim();
}

/** Newest mtime (ms) of every Rust-build input. */
function newestInput() {
  let newest = 0;
  let newestPath = '';
  const consider = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.mtimeMs > newest) {
      newest = st.mtimeMs;
      newestPath = p;
    }
  };
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile()) {
        consider(p);
      }
    }
  };
  for (const f of ['Cargo.toml', 'Cargo.lock', 'rust-toolchain.toml', '.cargo/config.toml']) consider(f);
  for (const d of CRATE_DIRS) walk(d);
  return { newest, newestPath };
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function wasmOptCommand() {
  // binaryen >= 1xx on npm ships wasm-opt as a node script (JS + wasm).
  const script = path.join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm-opt');
  if (!fs.existsSync(script)) die('node_modules/binaryen missing: run `npm run setup` first');
  return { cmd: process.execPath, pre: [script] };
}

function fmt(n) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

// ---------------------------------------------------------------------------

const start = Date.now();

if (!fs.existsSync(path.join('web', 'Cargo.toml'))) die('web/Cargo.toml not found: the web crate is missing');

const wasmBindgenVersion = capture('wasm-bindgen', ['--version']);
if (!wasmBindgenVersion) die('wasm-bindgen not found: run `npm run setup` first');
const wasmOpt = wasmOptCommand();
const wasmOptVersion = capture(wasmOpt.cmd, [...wasmOpt.pre, '--version']) || 'unknown';

const targetDir = path.resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target');
const { newest: inputsMtime, newestPath } = newestInput();
const buildScriptMtime = mtime(fileURLToPath(import.meta.url));

/** Why variant `v` must be built, or null when its outputs are newer than every input and were built with today's settings. */
function staleness(v) {
  const outputs = [stampPath(v), path.join(outDir(v), 'terrarium_bg.wasm'), path.join(outDir(v), 'terrarium.js')];
  const oldest = Math.min(...outputs.map(mtime));
  if (force) return 'forced';
  if (oldest === 0) return 'not built yet';
  if (oldest < inputsMtime) return `${path.relative(ROOT, newestPath) || newestPath} changed`;
  if (oldest < buildScriptMtime) return 'the build script changed';
  try {
    if (JSON.stringify(JSON.parse(fs.readFileSync(stampPath(v), 'utf8'))) === JSON.stringify(buildInfo(v))) return null;
  } catch {
    // An unreadable stamp: build again.
  }
  return 'its build settings changed';
}

const outDir = (v) => path.join('dist', 'wasm', v.name);
const stampPath = (v) => path.join(outDir(v), 'build-info.json');
const buildInfo = (v) => ({ variant: v.name, features: v.features, wasmBindgen: wasmBindgenVersion, wasmOpt: wasmOptVersion, wasmOptFlags: WASM_OPT_FLAGS });

/** cargo's output for variant `v`, copied aside (the next variant's build overwrites it). */
async function compile(v) {
  const cargoArgs = ['build', '-p', 'terrarium-web', '--release', '--target', 'wasm32-unknown-unknown', '--no-default-features'];
  if (v.features.length) cargoArgs.push('--features', v.features.join(','));
  await run('cargo', cargoArgs);
  const builtWasm = path.join(targetDir, 'wasm32-unknown-unknown', 'release', 'terrarium_web.wasm');
  if (!fs.existsSync(builtWasm)) die(`cargo did not produce ${builtWasm}`);
  const aside = path.join(targetDir, `terrarium_web.${v.name}.wasm`);
  fs.copyFileSync(builtWasm, aside);
  return aside;
}

/** wasm-bindgen and wasm-opt of a variant's wasm into dist/wasm/<name>/. */
async function finish(v, wasm, started) {
  // Drop the stamp first, so an interrupted build is never taken as fresh.
  fs.rmSync(stampPath(v), { force: true });
  fs.mkdirSync(outDir(v), { recursive: true });
  await run('wasm-bindgen', ['--target', 'web', '--out-dir', outDir(v), '--out-name', 'terrarium', wasm]);
  const bg = path.join(outDir(v), 'terrarium_bg.wasm');
  await run(wasmOpt.cmd, [...wasmOpt.pre, ...WASM_OPT_FLAGS, bg, '-o', bg]);
  fs.writeFileSync(stampPath(v), JSON.stringify(buildInfo(v), null, 2) + '\n');
  console.log(`build: ${v.name.padEnd(8)} built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

const finishing = [];
for (const v of variants) {
  const why = staleness(v);
  if (why === null) {
    console.log(`build: ${v.name.padEnd(8)} up to date`);
    continue;
  }
  console.log(`build: ${v.name.padEnd(8)} building (features: ${v.features.join(',') || 'none'}; ${why})`);
  const started = Date.now();
  const wasm = await compile(v);
  finishing.push(finish(v, wasm, started));
}
await Promise.all(finishing);
const built = finishing.length;

// The package's entry: js/ and polyfill-wasi/js/ as one minified module, so a page fetches one
// file instead of a waterfall of ~35. It sits one folder below the root, like js/, so the
// `../dist/wasm/…` paths in js/engine.js resolve the same from both. The TypeScript declaration
// writer (`component.types()`) is its own module, fetched on first use only: `./types/index.js`
// resolves to js/types/ from js/ and to dist/types/ from the bundle.
const esbuild = await import('esbuild');
const bundleOptions = {
  bundle: true,
  format: 'esm',
  // For the web: `#platform` (package.json's `imports`) resolves to js/platform-browser.js, so the
  // bundle has no `node:` import; Node uses the source in js/ (the `node` export condition).
  platform: 'browser',
  target: 'es2022',
  minify: true,
  // Class and function names stay as written: Node prints an error by its constructor's name
  // (`ComponentError`, not `$`), and stacks read without the source map.
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
};
// What only some pages need (wasi:http, the page's side of `blocking: 'worker'`) is imported
// dynamically, so it is split into chunks next to the bundle (dist/terrarium-*.js) that load on
// first use. They sit in dist/ too, so their relative paths resolve like the bundle's.
for (const stale of fs.readdirSync('dist').filter((f) => /^terrarium-chunk-.*\.js(\.map)?$/.test(f))) {
  fs.rmSync(path.join('dist', stale));
}
await esbuild.build({
  ...bundleOptions,
  entryPoints: { terrarium: 'js/index.js' },
  external: ['../dist/wasm/*', './types/index.js'],
  outdir: 'dist',
  splitting: true,
  chunkNames: 'terrarium-chunk-[hash]',
});
await esbuild.build({ ...bundleOptions, entryPoints: ['js/types/index.js'], outfile: 'dist/types/index.js' });
// The worker a `blocking: 'worker'` instance runs in, bundled to stand alone: js/platform-browser.js
// names it as ../dist/terrarium-worker.js, which is this file from js/ and from the bundle in dist/.
await esbuild.build({
  ...bundleOptions,
  entryPoints: ['js/terrarium-worker.js'],
  external: ['../dist/wasm/*'],
  outfile: 'dist/terrarium-worker.js',
});

// For a Service Worker, where `import()` is refused: the package as one file, every module the
// main bundle loads on first use (wasi:http, the engine's glue, …) inlined, the engine's wasm
// still fetched when first needed. Only `component.types()`'s generator stays a dynamic import.
await esbuild.build({
  ...bundleOptions,
  entryPoints: ['js/index.js'],
  external: ['./types/index.js'],
  outfile: 'dist/terrarium-service-worker.js',
});

// Sizes.
const gzipSize = (f) => zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;
const wasmRoot = path.join('dist', 'wasm');
const rows = [];
if (fs.existsSync(wasmRoot)) {
  for (const name of fs.readdirSync(wasmRoot).sort()) {
    const f = path.join(wasmRoot, name, 'terrarium_bg.wasm');
    if (!fs.existsSync(f)) continue;
    const buf = fs.readFileSync(f);
    const gz = zlib.gzipSync(buf, { level: 9 }).length;
    rows.push(`build: ${f.padEnd(36)} ${fmt(buf.length).padStart(11)} raw ${fmt(gz).padStart(11)} gzip`);
  }
}
for (const r of rows) console.log(r);
const bundle = path.join('dist', 'terrarium.js');
/** The bundle and the chunks it imports statically (what loads with it; dynamic imports load later). */
const bundleFiles = [];
for (const queue = [bundle]; queue.length > 0; ) {
  const file = queue.shift();
  if (bundleFiles.includes(file)) continue;
  bundleFiles.push(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const [, chunk] of text.matchAll(/(?:^|[;}])\s*import\s*\{[^}]*\}\s*from\s*"\.\/(terrarium-chunk-[A-Z0-9]+\.js)"/g)) {
    queue.push(path.join('dist', chunk));
  }
}
const bundleRaw = bundleFiles.reduce((sum, f) => sum + fs.statSync(f).size, 0);
const bundleGzip = bundleFiles.reduce((sum, f) => sum + gzipSize(f), 0);
console.log(`build: ${`${bundle} (+${bundleFiles.length - 1} chunks)`.padEnd(36)} ${fmt(bundleRaw).padStart(11)} raw ${fmt(bundleGzip).padStart(11)} gzip`);
for (const chunk of fs.readdirSync('dist').filter((f) => /^terrarium-chunk-.*\.js$/.test(f))) {
  const f = path.join('dist', chunk);
  if (!bundleFiles.includes(f)) console.log(`build: ${f.padEnd(36)} ${fmt(fs.statSync(f).size).padStart(11)} raw ${fmt(gzipSize(f)).padStart(11)} gzip (on first use)`);
}
for (const variant of ['full', 'trusted']) {
  const files = [...bundleFiles, path.join(wasmRoot, variant, 'terrarium.js'), path.join(wasmRoot, variant, 'terrarium_bg.wasm')];
  if (!files.every((f) => fs.existsSync(f))) continue;
  const total = files.reduce((sum, f) => sum + gzipSize(f), 0);
  console.log(`build: before the first call (${variant}): ${fmt(total)} gzip (bundle + ${variant} glue + wasm)`);
}
console.log(`build: done in ${((Date.now() - start) / 1000).toFixed(1)}s (${built} variant(s) rebuilt)`);
