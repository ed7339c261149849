#!/usr/bin/env node
// Terrarium vs jco, same guest (dist/components/bench.wasm), same Chromium, one run.
//
//   node bench/run.mjs          (`npm run bench` builds first, then runs this)
//
// Also: calls from one component to another in a composed component (dist/components/fused.wasm,
// and fused-utf16.wasm for Terrarium), beside jco running the same composition.
//
// Steps: transpile the guest with jco into bench/out/jco/; bundle jco's browser transpiler into
// bench/out/jco-inpage/ (for jco's in-page path); measure the host code each side ships; serve
// everything from one cross-origin-isolated origin (bench/server.mjs); then, in Chromium, cold page
// loads (a fresh browser context each), warm re-loads, and per-call costs, for Terrarium (the
// shipped bundle dist/terrarium.js; cold loads also from the unbundled source), jco ahead of time,
// jco in the page (transpile at run time), and a raw core-wasm baseline. Then the model component
// (models/llama): tokens per second for stories260K and for a checkpoint of stories15M's shape with
// random weights (scripts/llama-test-model.mjs, cached in target/test-models/) in Chromium,
// relaxed SIMD, SIMD and scalar builds, each with f32 and with 8-bit (Q8_0) weights, beside the
// same Rust code built natively with `-C target-cpu=native` and its own AVX2/FMA kernels
// (models/llama/examples/tokens-per-second.rs) with the same weights. Prints tables, writes
// bench/results.json.
//
// Environment knobs: BENCH_COLD (cold page loads per side, default 7), BENCH_WARM (warm
// load+instantiate repetitions, default 15), BENCH_LLAMA_RUNS (timed generations per build,
// default 5; 0 skips the Llama rows), CHROMIUM (browser path, default /usr/bin/chromium).
// Exit status: 0 when every side ran and checked out, 1 when a side failed (named on stderr),
// 2 when the bench could not start at all.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ROOT, startBenchServer } from './server.mjs';
import { measureServe } from './serve.mjs';
import { measureP3Streams, measureBetweenComponents } from './p3-streams.mjs';

const COMPONENT = path.join(ROOT, 'dist/components/bench.wasm');
const RESOURCE_COMPONENT = path.join(ROOT, 'dist/components/bench-resource.wasm');
/** The async rows' guests (dist/components/<name>.wasm), for both sides, and the rows (bench/page.mjs `async`). */
const ASYNC_GUESTS = ['async-calls', 'async-streams'];
const ASYNC_ROWS = ['asyncAdd', 'syncAdd', 'fanOut', 'streamU8', 'streamU8Byob', 'futureU32'];
const JCO_OUT = path.join(ROOT, 'bench/out/jco');
const JCO_INPAGE_OUT = path.join(ROOT, 'bench/out/jco-inpage');
const TRANSPILER_WASM = ['js-component-bindgen-component.core.wasm', 'js-component-bindgen-component.core2.wasm'];
const RESULTS = path.join(ROOT, 'bench/results.json');
const COLD_RUNS = positiveInt(process.env.BENCH_COLD, 7);
const WARM_RUNS = positiveInt(process.env.BENCH_WARM, 15);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 90_000;
const JCO_ASYNC_STEP_TIMEOUT_MS = 15_000;
/** A Llama step: the 15M-shaped model's scalar builds make ~1,800 tokens in one, minutes on a busy machine. */
const LLAMA_STEP_TIMEOUT_MS = 600_000;
const LLAMA_RUNS = process.env.BENCH_LLAMA_RUNS === '0' ? 0 : positiveInt(process.env.BENCH_LLAMA_RUNS, 5);
const MODEL_DIR = path.resolve(ROOT, '../shared/models/stories260K');
/** The model component's builds, each measured with f32 and with 8-bit (Q8_0) weights. */
const LLAMA_BUILDS = [
  { kernel: 'relaxed-simd', file: 'llama-relaxed.wasm', what: 'relaxed SIMD kernels' },
  { kernel: 'simd', file: 'llama.wasm', what: 'SIMD128 kernels' },
  { kernel: 'scalar', file: 'llama-scalar.wasm', what: 'scalar kernels' },
];
const LLAMA_WEIGHTS = ['f32', 'q8'];
const { testModel } = await import('../scripts/llama-test-model.mjs');
/**
 * The models measured: files on disk (for the native build), URLs on the bench server (for the
 * page), and the text greedy decoding must begin with, where known. The 15M-shaped one is written
 * here when target/test-models/ does not have it yet.
 */
const LLAMA_MODELS = [
  {
    key: '260K', name: 'stories260K', golden: 'Once upon a time, there was a little girl named Lily.',
    f32: path.join(MODEL_DIR, 'stories260K.bin'), tokenizer: path.join(MODEL_DIR, 'tok512.bin'),
    url: { checkpoint: '/models/stories260K/stories260K.bin', tokenizer: '/models/stories260K/tok512.bin' },
  },
  (() => {
    const files = testModel();
    const served = (file) => `/test-models/${path.basename(file)}`;
    return {
      key: '15M', name: 'stories15M shape (random weights)', golden: null, ...files,
      url: { checkpoint: served(files.f32), tokenizer: served(files.tokenizer) },
    };
  })(),
];
const LLAMA_COMPONENTS = LLAMA_BUILDS.map((b) => path.join(ROOT, 'dist/components', b.file));

/**
 * The sides measured in the browser (see page.mjs): `terrarium-trusted` is `load(url, {validate:
 * false})`, `terrarium-src` imports the unbundled source (cold loads only), `jco-inpage` runs jco's
 * transpiler in the page.
 */
const SIDES = ['terrarium', 'terrarium-trusted', 'terrarium-src', 'jco', 'jco-inpage', 'raw'];
const COLD_ONLY = new Set(['terrarium-src']);

const started = Date.now();
const log = (msg) => console.log(`bench [${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}`);

/** side -> first error message; a failed side is skipped from then on. */
const failures = new Map();
const fail = (side, error) => {
  const message = String(error?.message ?? error).split('\n').slice(0, 6).join('\n');
  if (!failures.has(side)) failures.set(side, message);
  log(`${side} FAILED: ${message}`);
};
const alive = (side) => !failures.has(side) && !(side === 'raw' && failures.has('jco-transpile'));
const SETUP_STEPS = new Set(['jco-transpile', 'jco-inpage-bundle', 'jco-fused-transpile']);

function positiveInt(text, fallback) {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---- 0. preconditions -----------------------------------------------------------------------

for (const needed of [COMPONENT, path.join(ROOT, 'dist/terrarium.js'), ...['full', 'trusted', 'wit'].map((v) => path.join(ROOT, `dist/wasm/${v}/terrarium_bg.wasm`))]) {
  if (!fs.existsSync(needed)) {
    console.error(`bench: missing ${path.relative(ROOT, needed)}; run \`npm run build\` (or \`npm run bench\`) first`);
    process.exit(2);
  }
}

// ---- 1. jco transpile -----------------------------------------------------------------------

const jcoVersion = packageVersion('@bytecodealliance/jco');
log(`transpiling dist/components/bench.wasm with jco ${jcoVersion} -> ${path.relative(ROOT, JCO_OUT)}/`);
fs.rmSync(JCO_OUT, { recursive: true, force: true });
try {
  const jcoBin = path.join(packageDir('@bytecodealliance/jco'), 'dist/jco.js');
  const args = [jcoBin, 'transpile', COMPONENT, '-o', JCO_OUT, '--instantiation', 'async', '--no-typescript', '--quiet',
    // Never inline core wasm as base64: emit it as files, as a page would serve it.
    '--base64-cutoff', '0'];
  const t0 = performance.now();
  await promisify(execFile)(process.execPath, args, { cwd: ROOT });
  log(`jco transpile took ${(performance.now() - t0).toFixed(0)} ms`);
  for (const file of ['bench.js', 'bench.core.wasm']) {
    if (!fs.existsSync(path.join(JCO_OUT, file))) throw new Error(`jco emitted no ${file}`);
  }
  // The resource row's guest, served at /jco/resource/.
  await promisify(execFile)(process.execPath, [...args.slice(0, 2), RESOURCE_COMPONENT, '-o', path.join(JCO_OUT, 'resource'), ...args.slice(5)], { cwd: ROOT });
  // The async rows' guests, served at /jco/async-calls/ and /jco/async-streams/, and the WASI 0.2
  // shim their glue imports (jco's preview2-shim, browser build), bundled as /jco/wasi-shim.js.
  for (const name of ASYNC_GUESTS) {
    const component = path.join(ROOT, `dist/components/${name}.wasm`);
    await promisify(execFile)(process.execPath, [...args.slice(0, 2), component, '-o', path.join(JCO_OUT, name), ...args.slice(5)], { cwd: ROOT });
  }
  const esbuild = await import('esbuild');
  await esbuild.build({
    stdin: {
      contents: "export * as cli from '@bytecodealliance/preview2-shim/cli'; export * as io from '@bytecodealliance/preview2-shim/io';",
      resolveDir: ROOT, loader: 'js', sourcefile: 'wasi-shim-entry.js',
    },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: path.join(JCO_OUT, 'wasi-shim.js'), logLevel: 'error',
  });
} catch (error) {
  fail('jco-transpile', error.stderr || error);
  failures.set('jco', `transpile failed: ${failures.get('jco-transpile')}`);
}

// ---- 1a. jco transpile of the composition whose calls cross components ----------------------
//
// dist/components/fused.wasm (tests/guests/wat/fused.wat): its `relay*` exports call from one
// component to another. Written beside bench.js; the crossing rows have no jco column without it.

const CROSSING = path.join(ROOT, 'dist/components/fused.wasm');
try {
  const jcoBin = path.join(packageDir('@bytecodealliance/jco'), 'dist/jco.js');
  await promisify(execFile)(process.execPath, [jcoBin, 'transpile', CROSSING, '-o', JCO_OUT, '--instantiation', 'async',
    '--no-typescript', '--quiet', '--base64-cutoff', '0'], { cwd: ROOT });
  if (!fs.existsSync(path.join(JCO_OUT, 'fused.js'))) throw new Error('jco emitted no fused.js');
} catch (error) {
  fail('jco-fused-transpile', error.stderr || error);
}

// ---- 1b. jco's transpiler, for the page ------------------------------------------------------
//
// jco's package has a browser entry (`exports['.'].browser` = dist/browser.js: `transpile` =
// `generate` from @bytecodealliance/jco-transpile's vendored js-component-bindgen component, which
// imports @bytecodealliance/preview2-shim for its own WASI needs and fetches its two core wasm
// modules next to itself). A page would ship it bundled: esbuild, browser conditions (so the shim
// resolves to its browser build), minified; the core wasm copied beside the bundle.

log(`bundling jco's browser transpiler -> ${path.relative(ROOT, JCO_INPAGE_OUT)}/`);
fs.rmSync(JCO_INPAGE_OUT, { recursive: true, force: true });
try {
  const esbuild = await import('esbuild');
  await esbuild.build({
    stdin: { contents: "export { transpile } from '@bytecodealliance/jco';", resolveDir: ROOT, loader: 'js', sourcefile: 'jco-inpage-entry.js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // The vendored component reads its wasm with node:fs only when it runs under Node.
    external: ['node:*'],
    outfile: path.join(JCO_INPAGE_OUT, 'jco-transpile.js'),
    logLevel: 'error',
  });
  const vendor = path.join(packageDir('@bytecodealliance/jco-transpile'), 'vendor');
  for (const file of TRANSPILER_WASM) fs.copyFileSync(path.join(vendor, file), path.join(JCO_INPAGE_OUT, file));
} catch (error) {
  fail('jco-inpage-bundle', error);
  failures.set('jco-inpage', `bundling jco's transpiler failed: ${failures.get('jco-inpage-bundle')}`);
}

// ---- 1c. Terrarium ahead of time ------------------------------------------------------------
//
// `terrarium transpile` of the same component, and the JS a page loads before its first call once
// a bundler has built it (esbuild, minified, split: the worker's side is a lazy chunk). jco's
// output goes through the same bundler, so the two glues compare like for like.

const AOT_OUT = path.join(ROOT, 'bench/out/terrarium-aot');
log(`transpiling dist/components/bench.wasm with terrarium transpile -> ${path.relative(ROOT, AOT_OUT)}/`);
fs.rmSync(AOT_OUT, { recursive: true, force: true });

/** The gzip size of the JS a page loads before its first call: `entry` bundled and minified, lazy chunks left out. */
async function initialGlue(entry) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry], bundle: true, splitting: true, format: 'esm', platform: 'browser', minify: true,
    write: false, metafile: true, logLevel: 'error', outdir: path.join(path.dirname(entry), 'bundled'),
    // The core wasm and the guest worker are fetched, not bundled; jco's Node-only path is never taken in a page.
    external: ['*.wasm', '*/terrarium-worker.js', 'node:*'],
  });
  const [entryOut, meta] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint);
  const initial = new Set([entryOut, ...meta.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path)].map((p) => path.resolve(ROOT, p)));
  const files = result.outputFiles.filter((f) => initial.has(f.path));
  return { raw: files.reduce((n, f) => n + f.contents.length, 0), gzip: files.reduce((n, f) => n + zlib.gzipSync(f.contents, { level: 9 }).length, 0) };
}

const glue = { terrarium: { raw: NaN, gzip: NaN }, jco: { raw: NaN, gzip: NaN } };
try {
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'js/cli.js'), 'transpile', COMPONENT, '-o', AOT_OUT, '--map', 'example:bench/host=./host.js'], { cwd: ROOT });
  fs.writeFileSync(path.join(AOT_OUT, 'host.js'), 'export const log = () => {};\n');
  glue.terrarium = await initialGlue(path.join(AOT_OUT, 'bench.js'));
  if (!failures.has('jco-transpile')) glue.jco = await initialGlue(path.join(JCO_OUT, 'bench.js'));
  log(`ahead-of-time glue before the first call, minified: terrarium ${kib(glue.terrarium.gzip)} gzip, jco ${kib(glue.jco.gzip)} gzip`);
} catch (error) {
  fail('terrarium-transpile', error.stderr || error);
}

// ---- 2. host code sizes ---------------------------------------------------------------------

function walk(dir, keep) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, keep);
    return keep(entry.name) ? [full] : [];
  }).sort();
}

function sizeOf(files) {
  let raw = 0;
  let gzip = 0;
  const detail = files.map((file) => {
    const bytes = fs.readFileSync(file);
    const gz = zlib.gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzip += gz;
    return { file: path.relative(ROOT, file), raw: bytes.length, gzip: gz };
  });
  return { raw, gzip, files: detail };
}

// What a page downloads before its first call: the bundle, then the variant it loads lazily on the
// first load() (wasm-bindgen glue + wasm). The `wit` variant is only fetched for WIT printing.
const terrariumBundle = path.join(ROOT, 'dist/terrarium.js');
const variantFiles = (variant) => ['terrarium.js', 'terrarium_bg.wasm'].map((f) => path.join(ROOT, `dist/wasm/${variant}/${f}`));
const NO_SIZE = { raw: NaN, gzip: NaN, files: [] };
const sizes = {
  terrariumFull: sizeOf([terrariumBundle, ...variantFiles('full')]),
  terrariumTrusted: sizeOf([terrariumBundle, ...variantFiles('trusted')]),
  terrariumWit: sizeOf(variantFiles('wit')),
  jco: failures.has('jco') ? NO_SIZE : sizeOf(walk(JCO_OUT, (name) => name.endsWith('.js') || name.endsWith('.wasm'))),
  jcoInpage: failures.has('jco-inpage') ? NO_SIZE : sizeOf(walk(JCO_INPAGE_OUT, (name) => name.endsWith('.js') || name.endsWith('.wasm'))),
  component: sizeOf([COMPONENT]),
};
log(`host code: terrarium ${kib(sizes.terrariumFull.raw)} (${kib(sizes.terrariumFull.gzip)} gzip), jco ${kib(sizes.jco.raw)} (${kib(sizes.jco.gzip)} gzip), ` +
  `jco in-page tooling ${kib(sizes.jcoInpage.raw)} (${kib(sizes.jcoInpage.gzip)} gzip)`);

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** A package's folder (its `exports` may hide package.json from require.resolve). */
function packageDir(name) {
  return path.join(ROOT, 'node_modules', name);
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// ---- 2b. the model natively ------------------------------------------------------------------
//
// The same Rust code (models/llama) built for this machine (`-C target-cpu=native`, the `model`
// profile: opt-level 3, LTO) in its own target dir, measured the way the page measures the
// components: greedy, 256 tokens from BOS, two warm-ups, median of the timed runs, once with the
// f32 checkpoint and once with its Q8_0 export (written by demo-site/llama-q8.js). On an x86_64
// machine with AVX2 and FMA its kernels are its own vectorised ones (models/llama/src/avx2.rs);
// elsewhere the scalar loops (the kernel each row ran is printed).

/** Why the Llama rows are not measured, or null when they are. */
const llamaSkipped = LLAMA_RUNS === 0
  ? 'BENCH_LLAMA_RUNS=0'
  : !fs.existsSync(path.join(MODEL_DIR, 'stories260K.bin'))
    ? `no model at ${path.relative(ROOT, MODEL_DIR)}`
    : LLAMA_COMPONENTS.every((f) => fs.existsSync(f)) ? null : 'dist/components/llama*.wasm not built';
/** Results by `${model}-${kernel}-${weights}` ('15M-simd-q8') and `${model}-native-${weights}`. */
const llama = {};
if (llamaSkipped) {
  log(`Llama rows skipped: ${llamaSkipped}`);
} else {
  log('Llama natively: cargo run --profile model --example tokens-per-second (target-cpu=native)');
  const targetDir = path.join(ROOT, 'target/bench-native');
  const env = { ...process.env, CARGO_TARGET_DIR: targetDir, RUSTFLAGS: '-C target-cpu=native' };
  delete env.CARGO_ENCODED_RUSTFLAGS; // it would win over RUSTFLAGS
  const { quantizeCheckpoint } = await import('../demo-site/llama-q8.js');
  fs.mkdirSync(targetDir, { recursive: true });
  const q8File = path.join(targetDir, 'stories260K-q8.bin');
  fs.writeFileSync(q8File, quantizeCheckpoint(new Uint8Array(fs.readFileSync(LLAMA_MODELS[0].f32))).checkpoint);
  LLAMA_MODELS[0].q8 = q8File;
  for (const model of LLAMA_MODELS) {
    for (const weights of LLAMA_WEIGHTS) {
      const side = `llama-${model.key}-native-${weights}`;
      try {
        const t0 = performance.now();
        const { stdout } = await promisify(execFile)('cargo', ['run', '-q', '-p', 'terrarium-llama', '--profile', 'model',
          '--example', 'tokens-per-second', '--', model[weights], model.tokenizer, String(LLAMA_RUNS)], { cwd: ROOT, env, timeout: 600_000, maxBuffer: 1 << 20 });
        const result = JSON.parse(stdout.trim().split('\n').at(-1));
        llama[`${model.key}-native-${weights}`] = { kernel: result.kernel, weights, weightsBytes: result.weightsBytes, tokens: result.tokens, value: result.median, best: result.best, samples: result.runs };
        log(`Llama ${model.name} natively (${result.kernel} kernels, ${weights}): ${result.median.toFixed(0)} tokens/s median, build + run ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } catch (error) {
        fail(side, error.stderr || error);
      }
    }
  }
}

// ---- 2c. serving HTTP in Node ----------------------------------------------------------------

log('HTTP handler: terrarium serve vs jco serve (bench/serve.mjs)');
const served = await measureServe();
for (const [side, r] of Object.entries(served)) if ('error' in r) fail(`serve-${side}`, r.error);

log('WASI 0.3 streams in Node: a file read and a fetch body (bench/p3-streams.mjs)');
const p3Streams = await measureP3Streams().catch((error) => {
  fail('p3-streams', error.message);
  return {};
});
log('stream<u8> between two components, composed and linked in the page (bench/p3-streams.mjs)');
const betweenStreams = await measureBetweenComponents().catch((error) => {
  fail('streams-between', error.message);
  return {};
});

// ---- 3. the browser -------------------------------------------------------------------------

let chromium;
try {
  ({ chromium } = await import('playwright'));
} catch {
  ({ chromium } = await import('@playwright/test'));
}

const server = await startBenchServer({ port: 0 });
const pageUrl = new URL('bench/page.html', server.url).href;
let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
} catch (error) {
  console.error(`bench: cannot launch Chromium at ${CHROMIUM}: ${error.message}`);
  await server.close();
  process.exit(2);
}
const chromiumVersion = browser.version();
log(`Chromium ${chromiumVersion}, serving ${server.url}`);

/** A fresh browser context (own cache, own renderer) with the bench page loaded; runs `fn(page)`. */
async function inFreshPage(what, fn, timeoutMs = STEP_TIMEOUT_MS) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  try {
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 10_000 });
    return await withTimeout(fn(page), timeoutMs, what);
  } catch (error) {
    const extra = pageErrors.length ? `\n  page said: ${pageErrors.slice(0, 3).join('\n  page said: ')}` : '';
    throw new Error(`${error.message.replace(/^page\.evaluate: /, '')}${extra}`);
  } finally {
    await context.close();
  }
}

/**
 * `inFreshPage`, tried twice: a step that fails once (say, a file caught mid-rebuild) is retried
 * in a new page; the retry is logged and recorded in results.json.
 */
const retries = [];
async function step(side, what, fn, timeoutMs) {
  try {
    return await inFreshPage(`${what} ${side}`, fn, timeoutMs);
  } catch (error) {
    const message = error.message.split('\n')[0];
    log(`${what} ${side} failed (${message}); retrying once`);
    retries.push({ side, step: what, error: message });
    return await inFreshPage(`${what} ${side}`, fn, timeoutMs);
  }
}

const results = { cold: {}, warm: {}, calls: {}, crossing: {} };
for (const side of SIDES) results.cold[side] = [];

try {
  // 3a. cold: one fresh context per load, sides interleaved (rotated) so drift hits them alike.
  for (let round = 0; round < COLD_RUNS; round++) {
    const order = SIDES.map((_, i) => SIDES[(i + round) % SIDES.length]);
    const line = [];
    for (const side of order) {
      if (!alive(side)) continue;
      try {
        const r = await step(side, 'cold', (page) => page.evaluate((s) => window.bench.cold(s), side));
        results.cold[side].push(r);
        line.push(`${side} ${r.ms.toFixed(1)} ms`);
      } catch (error) {
        fail(side, error);
      }
    }
    log(`cold load ${round + 1}/${COLD_RUNS}: ${line.join(', ')}`);
  }

  // 3b. warm: everything imported already; load+instantiate again, and instantiate alone.
  for (const side of SIDES) {
    if (!alive(side) || COLD_ONLY.has(side)) continue;
    try {
      results.warm[side] = await step(side, 'warm', (page) =>
        page.evaluate(([s, n]) => window.bench.warm(s, n), [side, WARM_RUNS]),
      );
      const w = results.warm[side];
      log(`warm ${side}: load+instantiate ${w.load.value.toFixed(2)} ms, instantiate ${w.instantiate.value.toFixed(3)} ms` +
        (w.transpile ? ` (of which transpile ${w.transpile.value.toFixed(2)} ms)` : ''));
    } catch (error) {
      fail(side, error);
    }
  }

  // 3c. calls: one instance per side, in its own fresh page. (jco in-page runs the same generated
  // code as jco ahead of time, same jco and options, so it is not timed again.)
  for (const side of ['terrarium', 'jco', 'raw']) {
    if (!alive(side)) continue;
    try {
      results.calls[side] = await step(side, 'calls', (page) => page.evaluate((s) => window.bench.calls(s), side));
      const c = results.calls[side];
      log(`calls ${side}: noop ${c.noop.value.toFixed(1)} ns, add ${c.add.value.toFixed(1)} ns, callHost ${c.callHost.value.toFixed(1)} ns, ` +
        `echoString(1 MiB) ${c.echoString.value.toFixed(2)} ms, sumBytes(16 MiB) ${c.sumBytes.value.toFixed(2)} ms, ` +
        `sumFloats(4 Mi) ${c.sumFloats.value.toFixed(2)} ms, stringLength(1 MiB) ${c.stringIn.value.toFixed(2)} ms`);
      c.resource = await step(side, 'resource', (page) => page.evaluate((s) => window.bench.resource(s), side));
      log(`resource ${side}: new + add + drop ${c.resource.value.toFixed(0)} ns`);
      if (side !== 'jco') {
        c.jspiAdd = await step(side, 'jspi', (page) => page.evaluate((s) => window.bench.jspiAdd(s), side));
        log(`JSPI ${side}: await add() ${c.jspiAdd.value.toFixed(0)} ns`);
      }
    } catch (error) {
      fail(side, error);
    }
  }

  // 3c'. component-model async, both sides, one row a step: round trips, fan-out, stream<u8>,
  // future<u32>. jco 1.35 runs only part of it: a jco row that fails keeps its error
  // (results.async.jco[row].error); a Terrarium row that fails fails the run.
  results.async = { terrarium: {}, jco: {} };
  for (const side of ['terrarium', 'jco']) {
    for (const row of ASYNC_ROWS) {
      if (!alive(side)) break;
      try {
        // jco's streams never finish (see bench/README.md): its rows get 15 s, not the default 90.
        const timeout = side === 'jco' ? JCO_ASYNC_STEP_TIMEOUT_MS : undefined;
        results.async[side][row] = await step(side, `async ${row}`, (page) => page.evaluate(([s, r]) => window.bench.async(s, r), [side, row]), timeout);
      } catch (error) {
        if (side === 'terrarium') fail(side, error);
        else results.async[side][row] = { error: error.message.split('\n')[0] };
      }
    }
    const r = results.async[side];
    const show = (x, digits, unit) => (x === undefined ? '—' : x.error ? `failed (${x.error})` : `${x.value.toFixed(digits)} ${unit}`);
    log(`async ${side}: async-add ${show(r.asyncAdd, 0, 'ns')} (sync-add ${show(r.syncAdd, 0, 'ns')}), ` +
      `fan-out(1000) ${show(r.fanOut, 2, 'ms')}, stream<u8> ${show(r.streamU8, 0, 'MiB/s')} (BYOB ${show(r.streamU8Byob, 0, 'MiB/s')}), ` +
      `future<u32> ${show(r.futureU32, 1, 'µs')}`);
  }

  // 3c''. calls from one component to another (fused.wasm), each side in its own fresh page.
  for (const side of ['terrarium', 'jco']) {
    if (!alive(side) || (side === 'jco' && failures.has('jco-fused-transpile'))) continue;
    try {
      const c = (results.crossing[side] = await step(side, 'crossing', (page) => page.evaluate((s) => window.bench.crossing(s), side)));
      log(`crossing ${side}: 1 MiB string ${c.string.value.toFixed(3)} ms, 1 MiB list ${c.list.value.toFixed(3)} ms` +
        `${c.utf16 ? `, 2 MiB UTF-16 ${c.utf16.value.toFixed(3)} ms` : ''} (extra per crossing); calls with a small string ${c.small.value.toFixed(0)} ns, with a noop ${c.noop.value.toFixed(0)} ns`);
    } catch (error) {
      fail(side, error);
    }
  }

  // 3c'''. a Service Worker answering the page's /api/ requests with the http-handler component
  // (demo-site/serve.html and serve-sw.js): ms per request, sequential, beside the same page
  // fetching a static file from the server.
  if (alive('terrarium')) {
    try {
      results.serviceWorker = await step('terrarium', 'service worker', async (page) => {
        await page.goto(new URL('demo-site/serve.html', server.url).href);
        await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
        return page.evaluate(async () => {
          const perRequest = async (url, expected, n) => {
            const t0 = performance.now();
            for (let i = 0; i < n; i++) {
              const text = await (await fetch(url, { cache: 'no-store' })).text();
              if (expected !== null && text !== expected) throw new Error(`${url} answered ${JSON.stringify(text.slice(0, 60))}`);
            }
            return (performance.now() - t0) / n;
          };
          const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
          await perRequest('/api/hello?name=bench', 'hello, bench!', 20);
          const sw = [];
          const network = [];
          for (let r = 0; r < 7; r++) {
            sw.push(await perRequest('/api/hello?name=bench', 'hello, bench!', 50));
            network.push(await perRequest('/demo-site/favicon.svg', null, 50));
          }
          return { value: median(sw), samples: sw, network: { value: median(network), samples: network } };
        });
      });
      log(`Service Worker: ${results.serviceWorker.value.toFixed(2)} ms per /api/ request (a static file from the server: ${results.serviceWorker.network.value.toFixed(2)} ms)`);
    } catch (error) {
      fail('terrarium', error);
    }
  }

  // 3d. the model component: tokens per second, each model, build and weights in its own fresh page.
  if (!llamaSkipped) {
    for (const model of LLAMA_MODELS) {
      for (const { kernel, file } of LLAMA_BUILDS) {
        for (const weights of LLAMA_WEIGHTS) {
          const side = `llama-${model.key}-${kernel}-${weights}`;
          try {
            const served = { checkpoint: model.url.checkpoint, tokenizer: model.url.tokenizer, golden: model.golden };
            const result = await step(side, 'llama', (page) => page.evaluate(([f, w, n, m]) => window.bench.llama(f, w, n, m), [file, weights, LLAMA_RUNS, served]), LLAMA_STEP_TIMEOUT_MS);
            llama[`${model.key}-${kernel}-${weights}`] = result;
            log(`Llama ${model.name} in Chromium, ${result.kernel} build, ${weights}: ${result.value.toFixed(0)} tokens/s median (best ${result.best.toFixed(0)})`);
          } catch (error) {
            fail(side, error);
          }
        }
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}

// ---- 4. the table ---------------------------------------------------------------------------

const coldMs = (side) => median(results.cold[side].map((r) => r.ms));
const coldPhase = (side, phase) => median(results.cold[side].map((r) => r.phases[phase]));
const coldFetched = (side) => results.cold[side].at(-1)?.fetched;
const call = (side, key) => results.calls[side]?.[key]?.value;
const crossing = (side, key) => results.crossing[side]?.[key]?.value;
const warm = (side, key) => results.warm[side]?.[key]?.value;
const has = (x) => typeof x === 'number' && Number.isFinite(x);
/** An async row's value on `side`; undefined where the side failed it (its error is in results.json). */
const asyncRow = (side, key) => results.async?.[side]?.[key]?.value;

const cold = (key) => ({ terrarium: coldMs('terrarium'), jco: coldMs('jco'), inpage: coldMs('jco-inpage'), raw: coldMs('raw') })[key];
const rows = [
  { metric: `load+instantiate, cold page (median of ${COLD_RUNS})`, unit: 'ms', terrarium: cold('terrarium'), jco: cold('jco'), inpage: cold('inpage'), raw: cold('raw') },
  ...[['importHost', 'import() of the host JS'], ['load', 'load: fetch + compile (in-page: + transpile)'], ['instantiate', 'instantiate']].map(([phase, what]) => (
    { metric: `  of which ${what}`, unit: 'ms', terrarium: coldPhase('terrarium', phase), jco: coldPhase('jco', phase), inpage: coldPhase('jco-inpage', phase), raw: phase === 'importHost' ? undefined : coldPhase('raw', phase) })),
  { metric: '    in-page: transpile (awaits its wasm)', unit: 'ms', inpage: coldPhase('jco-inpage', 'transpile') },
  { metric: '    in-page: import JS + compile core', unit: 'ms', inpage: coldPhase('jco-inpage', 'importAndCompile') },
  { metric: '  same, Terrarium load(url, {validate: false})', unit: 'ms', terrarium: coldMs('terrarium-trusted') },
  { metric: '  same, Terrarium unbundled source /js/index.js', unit: 'ms', terrarium: coldMs('terrarium-src') },
  { metric: `load+instantiate, warm (median of ${WARM_RUNS})`, unit: 'ms', terrarium: warm('terrarium', 'load'), jco: warm('jco', 'load'), inpage: warm('jco-inpage', 'load'), raw: warm('raw', 'load') },
  { metric: '    in-page: transpile', unit: 'ms', inpage: warm('jco-inpage', 'transpile') },
  { metric: '  same, Terrarium load(url, {validate: false})', unit: 'ms', terrarium: warm('terrarium-trusted', 'load') },
  { metric: `instantiate only, loaded (median of ${WARM_RUNS})`, unit: 'ms', terrarium: warm('terrarium', 'instantiate'), jco: warm('jco', 'instantiate'), inpage: warm('jco-inpage', 'instantiate'), raw: warm('raw', 'instantiate') },
  { metric: 'noop()', unit: 'ns/call', terrarium: call('terrarium', 'noop'), jco: call('jco', 'noop'), raw: call('raw', 'noop') },
  { metric: 'add(u32, u32)', unit: 'ns/call', terrarium: call('terrarium', 'add'), jco: call('jco', 'add'), raw: call('raw', 'add') },
  { metric: "callHost('x') -> host log (no-op)", unit: 'ns/call', terrarium: call('terrarium', 'callHost'), jco: call('jco', 'callHost'), raw: call('raw', 'callHost') },
  { metric: 'echoString, 1 MiB round trip', unit: 'ms', terrarium: call('terrarium', 'echoString'), jco: call('jco', 'echoString'), raw: call('raw', 'echoString') },
  { metric: 'sumBytes, 16 MiB list<u8>', unit: 'ms', terrarium: call('terrarium', 'sumBytes'), jco: call('jco', 'sumBytes'), raw: call('raw', 'sumBytes') },
  { metric: 'sumFloats, 4 Mi list<f32> into the guest', unit: 'ms', terrarium: call('terrarium', 'sumFloats'), jco: call('jco', 'sumFloats'), raw: call('raw', 'sumFloats') },
  { metric: 'stringLength, 1 MiB string into the guest', unit: 'ms', terrarium: call('terrarium', 'stringIn'), jco: call('jco', 'stringIn'), raw: call('raw', 'stringIn') },
  { metric: 'resource new + method + drop', unit: 'ns/call', terrarium: call('terrarium', 'resource'), jco: call('jco', 'resource'), raw: call('raw', 'resource') },
  { metric: "add(u32, u32) awaited, blocking: 'jspi'", unit: 'ns/call', terrarium: call('terrarium', 'jspiAdd'), raw: call('raw', 'jspiAdd') },
  { metric: 'async-add(u32, u32) awaited, async export (async-calls)', unit: 'ns/call', terrarium: asyncRow('terrarium', 'asyncAdd'), jco: asyncRow('jco', 'asyncAdd') },
  { metric: '  same export made sync, sync-add(u32, u32)', unit: 'ns/call', terrarium: asyncRow('terrarium', 'syncAdd'), jco: asyncRow('jco', 'syncAdd') },
  { metric: 'fan-out(1000): 1,000 concurrent subtasks, joined', unit: 'ms', terrarium: asyncRow('terrarium', 'fanOut'), jco: asyncRow('jco', 'fanOut') },
  { metric: 'stream<u8> JS -> guest -> JS, 16 MiB (async-streams)', unit: 'MiB/s', terrarium: asyncRow('terrarium', 'streamU8'), jco: asyncRow('jco', 'streamU8') },
  { metric: '  same, read with a BYOB reader into one reused buffer', unit: 'MiB/s', terrarium: asyncRow('terrarium', 'streamU8Byob'), jco: asyncRow('jco', 'streamU8Byob') },
  { metric: 'future<u32> resolved by the host, per async call', unit: 'µs/call', terrarium: asyncRow('terrarium', 'futureU32'), jco: asyncRow('jco', 'futureU32') },
  { metric: '1 MiB UTF-8 string across components, extra per crossing (raw: memcpy)', unit: 'ms', terrarium: crossing('terrarium', 'string'), jco: crossing('jco', 'string'), raw: crossing('terrarium', 'memcpy1') },
  { metric: '2 MiB UTF-16 string, utf16 to utf16 component, extra per crossing (raw: memcpy)', unit: 'ms', terrarium: crossing('terrarium', 'utf16'), raw: crossing('terrarium', 'memcpy2') },
  { metric: '1 MiB list<u8> across components, extra per crossing (raw: memcpy)', unit: 'ms', terrarium: crossing('terrarium', 'list'), jco: crossing('jco', 'list'), raw: crossing('terrarium', 'memcpy1') },
  { metric: 'call with a 5-byte string across components, there and back', unit: 'ns/call', terrarium: crossing('terrarium', 'small'), jco: crossing('jco', 'small') },
  { metric: 'call with a noop() across components', unit: 'ns/call', terrarium: crossing('terrarium', 'noop'), jco: crossing('jco', 'noop') },
  { metric: 'GET through a Service Worker, http-handler (raw: a static file from the server)', unit: 'ms', terrarium: results.serviceWorker?.value, raw: results.serviceWorker?.network.value },
  { metric: 'host code before 1st call, raw', unit: 'KiB', terrarium: sizes.terrariumFull.raw / 1024, jco: sizes.jco.raw / 1024, inpage: sizes.jcoInpage.raw / 1024 },
  { metric: 'host code before 1st call, gzip -9', unit: 'KiB', terrarium: sizes.terrariumFull.gzip / 1024, jco: sizes.jco.gzip / 1024, inpage: sizes.jcoInpage.gzip / 1024 },
  { metric: 'ahead-of-time glue before 1st call, minified, raw', unit: 'KiB', terrarium: glue.terrarium.raw / 1024, jco: glue.jco.raw / 1024 },
  { metric: 'ahead-of-time glue before 1st call, minified, gzip -9', unit: 'KiB', terrarium: glue.terrarium.gzip / 1024, jco: glue.jco.gzip / 1024 },
  { metric: '  Terrarium trusted variant, raw', unit: 'KiB', terrarium: sizes.terrariumTrusted.raw / 1024 },
  { metric: '  Terrarium trusted variant, gzip -9', unit: 'KiB', terrarium: sizes.terrariumTrusted.gzip / 1024 },
  { metric: '  + WIT printer, lazy (wit variant), raw', unit: 'KiB', terrarium: sizes.terrariumWit.raw / 1024 },
  { metric: '  + WIT printer, lazy (wit variant), gzip -9', unit: 'KiB', terrarium: sizes.terrariumWit.gzip / 1024 },
  { metric: 'fetched by a cold page (all, incl. guest)', unit: 'KiB', terrarium: coldFetched('terrarium')?.bytes / 1024, jco: coldFetched('jco')?.bytes / 1024, inpage: coldFetched('jco-inpage')?.bytes / 1024, raw: coldFetched('raw')?.bytes / 1024 },
  { metric: '  files fetched', unit: 'files', terrarium: coldFetched('terrarium')?.files, jco: coldFetched('jco')?.files, inpage: coldFetched('jco-inpage')?.files, raw: coldFetched('raw')?.files },
  { metric: '  same, Terrarium unbundled source, files', unit: 'files', terrarium: coldFetched('terrarium-src')?.files },
];
for (const row of rows) {
  row.jcoOverTerrarium = has(row.jco) && has(row.terrarium) && row.terrarium > 0 ? row.jco / row.terrarium : undefined;
  row.inpageOverTerrarium = has(row.inpage) && has(row.terrarium) && row.terrarium > 0 ? row.inpage / row.terrarium : undefined;
  row.terrariumOverRaw = has(row.raw) && has(row.terrarium) && row.raw > 0 ? row.terrarium / row.raw : undefined;
}

const ratio = (a, b) => (has(a) && has(b) && b > 0 ? a / b : undefined);
const ratios = {
  'Terrarium / raw core, add(u32, u32)': ratio(call('terrarium', 'add'), call('raw', 'add')),
  'Terrarium / jco, add(u32, u32)': ratio(call('terrarium', 'add'), call('jco', 'add')),
  'jco / Terrarium, load+instantiate (cold page)': ratio(coldMs('jco'), coldMs('terrarium')),
  'jco / Terrarium, load+instantiate (warm)': ratio(warm('jco', 'load'), warm('terrarium', 'load')),
  'jco in-page / Terrarium, load+instantiate (cold page)': ratio(coldMs('jco-inpage'), coldMs('terrarium')),
  'jco in-page / Terrarium, load+instantiate (warm)': ratio(warm('jco-inpage', 'load'), warm('terrarium', 'load')),
  'jco in-page / Terrarium {validate: false} (cold page)': ratio(coldMs('jco-inpage'), coldMs('terrarium-trusted')),
  'jco in-page / Terrarium {validate: false} (warm)': ratio(warm('jco-inpage', 'load'), warm('terrarium-trusted', 'load')),
  'jco in-page / Terrarium, host code gzip': ratio(sizes.jcoInpage.gzip, sizes.terrariumFull.gzip),
  'Terrarium call with a small string across components / with a noop across': ratio(crossing('terrarium', 'small'), crossing('terrarium', 'noop')),
  ...Object.fromEntries(LLAMA_MODELS.flatMap((model) => LLAMA_BUILDS.flatMap(({ kernel }) => LLAMA_WEIGHTS.map((weights) => [
    `Llama ${model.key} tokens/s, Chromium ${kernel} ${weights} / native ${weights}`,
    ratio(llama[`${model.key}-${kernel}-${weights}`]?.value, llama[`${model.key}-native-${weights}`]?.value)])))),
  ...Object.fromEntries(LLAMA_MODELS.map((model) => [`Llama ${model.key} tokens/s, Chromium simd q8 / native f32`,
    ratio(llama[`${model.key}-simd-q8`]?.value, llama[`${model.key}-native-f32`]?.value)])),
};
/** The product's aim: Terrarium's run-time load at least 10x faster than jco's in-page path. */
const TARGET = 10;

function fmt(value, unit) {
  if (!has(value)) return '—';
  if (unit === 'files') return String(value);
  if (unit === 'KiB') return value.toFixed(1);
  if (unit === 'ns/call') return value < 100 ? value.toFixed(1) : value.toFixed(0);
  return value < 1 ? value.toFixed(3) : value < 100 ? value.toFixed(2) : value.toFixed(1);
}
const fmtRatio = (r) => (has(r) ? `${r.toFixed(2)}×` : '—');

const header = ['metric', 'unit', 'Terrarium', 'jco AOT', 'jco in-page', 'raw core', 'jco/T', 'in-page/T', 'T/raw'];
const body = rows.map((r) => [r.metric, r.unit, fmt(r.terrarium, r.unit), fmt(r.jco, r.unit), fmt(r.inpage, r.unit), fmt(r.raw, r.unit),
  fmtRatio(r.jcoOverTerrarium), fmtRatio(r.inpageOverTerrarium), fmtRatio(r.terrariumOverRaw)]);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
const table = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];

console.log('');
console.log(`Terrarium vs jco ${jcoVersion}: dist/components/bench.wasm (${kib(sizes.component.raw)}), Chromium ${chromiumVersion}`);
console.log('');
for (const l of table) console.log(l);
console.log('');
for (const [what, r] of Object.entries(ratios)) console.log(`${what.padEnd(56)} ${fmtRatio(r)}`);
const targetCold = ratios['jco in-page / Terrarium, load+instantiate (cold page)'];
const targetWarm = ratios['jco in-page / Terrarium, load+instantiate (warm)'];
const verdict = (r) => (has(r) ? (r >= TARGET ? 'met' : 'NOT met') : 'not measured');
const target = { ratio: TARGET, cold: verdict(targetCold), warm: verdict(targetWarm) };
console.log(`target: Terrarium's run-time load >= ${TARGET}x faster than jco in-page: cold ${target.cold}, warm ${target.warm}`);
console.log('');

// The Llama rows: tokens per second, and each against the native build with the same weights.
const WEIGHTS_NAMES = { f32: 'f32', q8: '8-bit Q8_0' };
const nativeResult = (model, weights) => llama[`${model.key}-native-${weights}`];
const llamaRows = LLAMA_MODELS.flatMap((model) => LLAMA_WEIGHTS.flatMap((weights) => [
  ...LLAMA_BUILDS.map(({ kernel, file, what }) => ({ model: model.name, build: `Chromium, Terrarium: ${file} (${what})`, weights, result: llama[`${model.key}-${kernel}-${weights}`] })),
  { model: model.name, build: `native ${process.arch}, target-cpu=native (${nativeResult(model, weights)?.kernel ?? '?'} kernels)`, weights, result: nativeResult(model, weights) },
]));
for (const row of llamaRows) row.overNative = ratio(row.result?.value, nativeResult(LLAMA_MODELS.find((m) => m.name === row.model), row.weights)?.value);
if (llamaSkipped) {
  console.log(`Llama: not measured (${llamaSkipped})`);
} else {
  const llamaHeader = ['greedy, 256 tokens from BOS', 'weights', 'in memory', 'tokens/s', 'best', 'vs native'];
  const llamaBody = llamaRows.flatMap((r, i) => [
    ...(i === 0 || llamaRows[i - 1].model !== r.model ? [[r.model, '', '', '', '', '']] : []),
    [`  ${r.build}`, WEIGHTS_NAMES[r.weights], has(r.result?.weightsBytes) ? `${(r.result.weightsBytes / 1024).toFixed(0)} KiB` : '—',
      has(r.result?.value) ? r.result.value.toFixed(0) : '—', has(r.result?.best) ? r.result.best.toFixed(0) : '—', fmtRatio(r.overNative)],
  ]);
  const lw = llamaHeader.map((h, i) => Math.max(h.length, ...llamaBody.map((cells) => cells[i].length)));
  const lline = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(lw[i]) : c.padStart(lw[i]))).join('  ');
  for (const l of [lline(llamaHeader), lw.map((w) => '-'.repeat(w)).join('  '), ...llamaBody.map(lline)]) console.log(l);
  console.log(`tokens/s: median of ${LLAMA_RUNS} timed generations after 2 warm-ups; in Chromium on the page's thread, nextToken() per token.`);
  console.log('vs native > 1: faster than the native build with the same weights, which runs its own AVX2/FMA kernels where the CPU has them.');
  for (const model of LLAMA_MODELS) {
    console.log(`${model.name}: Chromium SIMD 8-bit / native f32 ${fmtRatio(ratios[`Llama ${model.key} tokens/s, Chromium simd q8 / native f32`])}`);
  }
  const q8Tokens = llama['260K-native-q8']?.tokens;
  console.log(`8-bit: quantized to Q8_0 by demo-site/llama-q8.js (stories260K groups of 64, the 15M shape groups of 32); int8 matmuls${q8Tokens && q8Tokens !== 256 ? `; stories260K's greedy story ends after ${q8Tokens} tokens` : ''}.`);
}
console.log('');
const rps = (side) => served[side]?.requestsPerSecond;
console.log(`HTTP handler (dist/components/http-handler.wasm, GET /hello), Node ${process.version}, requests/s:`);
console.log(`  terrarium serve, an instance per request       ${fmt(rps('terrarium'), 'req/s')}`);
console.log(`  jco serve --isolate-requests instance          ${fmt(rps('jco-isolated'), 'req/s')}   (T / jco ${fmtRatio(ratio(rps('terrarium'), rps('jco-isolated')))})`);
console.log(`  jco serve, one instance for every request      ${fmt(rps('jco'), 'req/s')}`);
console.log(`  terrarium serve, the 0.3 handler (http-handler-p3.wasm) ${fmt(rps('terrarium-p3'), 'req/s')}`);
console.log('');
console.log(`WASI 0.3 streams through the wasi-p3 guest, Node ${process.version}, 32 MiB each, MiB/s:`);
console.log(`  a file read with read-via-stream (in-memory Filesystem)   ${fmt(p3Streams.fileRead, 'MiB/s')}`);
console.log(`  a fetch body read as a response's stream (local server)   ${fmt(p3Streams.fetchBody, 'MiB/s')}`);
console.log(`stream<u8> between two components (stream-relay writes, async-streams reads), 32 MiB, MiB/s:`);
console.log(`  composed by wac                                           ${fmt(betweenStreams.composed, 'MiB/s')}`);
console.log(`  linked in the page                                        ${fmt(betweenStreams.linked, 'MiB/s')}`);
console.log('');
for (const note of [
  'Cold: a fresh browser context per page load, timed from import() of the host code to a ready instance',
  '  (raw core: fetch + compile + instantiate of the guest\'s main core module, glue already in the page).',
  'Warm: the same page again, host code already imported. ns/call: median of 7 calibrated batches',
  '  (up to 1e6 calls each); echoString/sumBytes: median of 31/15 runs. x/T > 1: x is slower/bigger.',
  'Terrarium = import(\'/dist/terrarium.js\') (the shipped bundle), then load(url) + instantiate.',
  'jco AOT = transpiled at build time by the CLI; jco in-page = jco\'s browser transpile() run in the page on',
  '  the fetched component bytes, generated JS imported from a blob: URL, its core wasm compiled, instantiate;',
  '  its host JS = jco\'s browser entry + preview2-shim browser build, esbuild-bundled and minified.',
  '  Its calls run the same generated code as jco AOT (same jco, same options), so they are not re-timed.',
  'Host code before the 1st call: Terrarium = dist/terrarium.js + dist/wasm/<variant>/terrarium{.js,_bg.wasm};',
  `  jco AOT = the JS and core wasm jco ${jcoVersion} emits (--instantiation async), which include the guest;`,
  '  jco in-page = the transpiler bundle + its two core wasm modules (the guest not included).',
  'Raw core: jco\'s bench.core.wasm called straight from JS, hand glue for strings and lists.',
  'Across components: dist/components/fused{,-utf16}.wasm (tests/guests/wat/fused*.wat); sendRaw*(ptr, n) sends n units',
  '  of the caller\'s memory to the callee and back: (time with n - time with 0) / 2 per crossing, beside one memcpy',
  '  of as many bytes (Uint8Array.set). The calls: host -> caller -> callee and back, whole. jco refuses utf16.',
]) console.log(note);

const json = {
  date: new Date().toISOString(),
  environment: { chromium: chromiumVersion, node: process.version, jco: jcoVersion, platform: `${process.platform}-${process.arch}` },
  config: { coldRuns: COLD_RUNS, warmRuns: WARM_RUNS, llamaRuns: LLAMA_RUNS },
  rows,
  llama: { models: LLAMA_MODELS.map((m) => m.name), tokens: 256, skipped: llamaSkipped, rows: llamaRows },
  serve: served,
  p3Streams,
  ratios,
  target,
  sizes,
  samples: results,
  failures: Object.fromEntries(failures),
  retries,
  durationSeconds: (Date.now() - started) / 1000,
};
fs.writeFileSync(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
log(`wrote ${path.relative(ROOT, RESULTS)}`);

const failedMain = [...failures.keys()].filter((side) => !SETUP_STEPS.has(side));
if (failedMain.length) {
  const names = { terrarium: 'Terrarium', 'terrarium-trusted': 'Terrarium (validate: false)', 'terrarium-src': 'Terrarium (unbundled source)',
    jco: 'jco', 'jco-inpage': 'jco in-page (transpile in the browser)', raw: 'raw core baseline',
    'serve-terrarium': 'terrarium serve', 'serve-jco': 'jco serve', 'serve-jco-isolated': 'jco serve --isolate-requests instance',
    'serve-terrarium-p3': 'terrarium serve (0.3 handler)', 'p3-streams': 'WASI 0.3 streams in Node',
    ...Object.fromEntries(LLAMA_MODELS.flatMap((model) => LLAMA_WEIGHTS.flatMap((weights) => [[`llama-${model.key}-native-${weights}`, `Llama ${model.name} natively (cargo, ${weights})`],
      ...LLAMA_BUILDS.map(({ kernel, file }) => [`llama-${model.key}-${kernel}-${weights}`, `Llama ${model.name} in Chromium (${file}, ${weights})`])]))) };
  console.error(`bench: FAILED to run: ${failedMain.map((s) => `${names[s] ?? s} (${failures.get(s).split('\n')[0]})`).join('; ')}`);
  process.exit(1);
}
log('done');
