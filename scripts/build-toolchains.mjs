#!/usr/bin/env node
// Builds the toolchain guests in tests/toolchains/ into dist/components/, to check that components
// made by other toolchains than rustc load and run in Terrarium (tests/node/toolchains.test.mjs,
// playwright-tests/toolchains.spec.mjs). All three implement the same world, tests/toolchains/wit/:
//
//   toolchain-js.wasm      tests/toolchains/js/guest.js    ComponentizeJS (the npm devDependency, its JS API)
//   toolchain-python.wasm  tests/toolchains/python/app.py  componentize-py (pip, installed by setup.sh)
//   toolchain-c.wasm       tests/toolchains/c/guest.c      wit-bindgen c + clang/wasi-libc + wasm-tools component new
//
// and two more, of other worlds, by componentize-py: `toolchain-python-http.wasm`, from
// tests/toolchains/python-http/, a wasi:http/incoming-handler@0.2 for serve()
// (tests/node/serve.test.mjs), and `toolchain-python-async.wasm`, from tests/toolchains/python-async/,
// component-model async exports and imports, a stream and a future (tests/node/python-async.test.mjs,
// and the async differential against jco, tests/differential/async-corpus.mjs).
//
// A guest is rebuilt only when its output is older than one of its sources (its folder, the WIT,
// this script) or the recorded tool versions changed; outputs are written to a temporary file
// and renamed, so an interrupted build never leaves a truncated component behind.
//
// The C guest needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 and
// `wit-bindgen` (crates.io wit-bindgen-cli); when one is missing it is skipped with a message
// (the tests then skip it too) unless TERRARIUM_REQUIRE_TOOLCHAINS=1, which makes that an error.
//
// Usage: node scripts/build-toolchains.mjs [--force] [js|python|c|python-http|python-async ...]   (works from any cwd)

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'tests', 'toolchains');
const WIT = path.join(SRC, 'wit');
const OUT = path.join(ROOT, 'dist', 'components');
const WORK = path.join(ROOT, 'target', 'toolchains');
const WORLD = 'guest';
// The preview1 -> WASI 0.2 adapter (wasmtime's wasi_snapshot_preview1.reactor.wasm), as shipped in
// the jco npm package the project already depends on, so nothing is downloaded.
const ADAPTER = path.join(ROOT, 'node_modules', '@bytecodealliance', 'jco', 'lib', 'wasi_snapshot_preview1.reactor.wasm');

const args = process.argv.slice(2);
const force = args.includes('--force');
const wanted = args.filter((a) => !a.startsWith('--'));
const requireAll = process.env.TERRARIUM_REQUIRE_TOOLCHAINS === '1';

// cargo-installed tools (wasm-tools, wit-bindgen) from a bare npm shell.
const cargoBin = path.join(process.env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'bin');
if (!(process.env.PATH || '').split(path.delimiter).includes(cargoBin)) {
  process.env.PATH = `${cargoBin}${path.delimiter}${process.env.PATH || ''}`;
}

const rel = (p) => path.relative(ROOT, p) || '.';
const log = (msg) => console.log(`build-toolchains: ${msg}`);

class Skip extends Error {}

function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (!e.startsWith('.') && e !== '__pycache__') visit(path.join(p, e));
    } else {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  paths.forEach(visit);
  return newest;
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

/** First line of `cmd args`, or null if it cannot be run. */
function version(cmd, argv = ['--version']) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return (r.stdout || r.stderr).trim().split('\n')[0];
}

/** Runs a command without blocking the event loop; rejects with its output on failure. */
function run(cmd, argv, opts = {}) {
  log(`$ ${[cmd, ...argv.map((a) => a.split(ROOT + path.sep).join(''))].join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${cmd} exited with ${code ?? signal}\n${output}`));
    });
  });
}

/** Writes `bytes` (or moves the file `from`) to `to` through a temporary name. */
function publish(to, { bytes, from }) {
  const tmp = `${to}.tmp-${process.pid}`;
  if (bytes) fs.writeFileSync(tmp, bytes);
  else fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, to);
}

function componentizePyVersion() {
  const v = version('componentize-py');
  if (!v) throw new Error('componentize-py not found: run `npm run setup` (pip install componentize-py)');
  return v;
}

/**
 * Builds tests/toolchains/<name>/app.py with componentize-py for `world`, from the WIT `wit` or else
 * the folder's own wit/ (with `deps` copied in as wit/deps). componentize-py runs the app in CPython
 * (compiled to wasm) to snapshot it, and that writes __pycache__ next to the sources: it builds
 * from a copy under target/.
 */
async function componentizePy(name, out, { wit, world, deps }) {
  const app = path.join(WORK, name);
  fs.rmSync(app, { recursive: true, force: true });
  fs.mkdirSync(app, { recursive: true });
  fs.copyFileSync(path.join(SRC, name, 'app.py'), path.join(app, 'app.py'));
  if (!wit) {
    fs.cpSync(path.join(SRC, name, 'wit'), path.join(app, 'wit'), { recursive: true });
    if (deps) fs.cpSync(deps, path.join(app, 'wit', 'deps'), { recursive: true });
  }
  const tmp = `${out}.tmp-${process.pid}`;
  await run('componentize-py', ['-q', '-d', wit ?? path.join(app, 'wit'), '-w', world, 'componentize', '-p', app, 'app', '-o', tmp]);
  fs.renameSync(tmp, out);
}

// --- the guests -------------------------------------------------------------------------------

const guests = [
  {
    name: 'js',
    out: 'toolchain-js.wasm',
    sources: [path.join(SRC, 'js')],
    versions: () => {
      const pkg = path.join(ROOT, 'node_modules', '@bytecodealliance', 'componentize-js', 'package.json');
      if (!fs.existsSync(pkg)) throw new Error('node_modules/@bytecodealliance/componentize-js missing: run `npm run setup`');
      return { componentizeJs: JSON.parse(fs.readFileSync(pkg, 'utf8')).version };
    },
    async build(out) {
      // componentize-js reads the WIT through its splicer, a component run on jco's
      // preview2-shim. The shim the project has (0.26, hoisted from jco) gives a guest no
      // filesystem unless told to, so componentize-js fails with "reading file …/wit: No such file
      // or directory". Grant it the host root, as older shims did by default.
      const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem');
      _setPreopens({ '/': '/' });
      const { componentize } = await import('@bytecodealliance/componentize-js');
      log('componentize-js tests/toolchains/js/guest.js (disableFeatures: http, fetch-event)');
      const { component } = await componentize({
        sourcePath: path.join(SRC, 'js', 'guest.js'),
        witPath: WIT,
        worldName: WORLD,
        // Kept: stdio (console.*), random (crypto, Math.random), clocks (Date, timers), as a
        // normal user gets them. Disabled: `http` (fetch()) makes the component import
        // wasi:http/types and wasi:http/outgoing-handler, which Terrarium does not provide yet,
        // so it could not be instantiated at all; `fetch-event` only serves worlds exporting
        // wasi:http/incoming-handler, which this one does not (it changes nothing here).
        disableFeatures: ['http', 'fetch-event'],
      });
      publish(out, { bytes: component });
    },
  },
  {
    name: 'python',
    out: 'toolchain-python.wasm',
    sources: [path.join(SRC, 'python')],
    versions: () => ({ componentizePy: componentizePyVersion() }),
    build: (out) => componentizePy('python', out, { wit: WIT, world: WORLD }),
  },
  {
    name: 'python-http',
    out: 'toolchain-python-http.wasm',
    sources: [path.join(SRC, 'python-http')],
    versions: () => ({ componentizePy: componentizePyVersion(), wasiWit: wasiWitDeps() }),
    // The world includes WASI 0.2's wasi:http, whose WIT goes beside it as wit/deps.
    build: (out) => componentizePy('python-http', out, { world: 'handler', deps: wasiWitDeps() }),
  },
  {
    name: 'python-async',
    out: 'toolchain-python-async.wasm',
    sources: [path.join(SRC, 'python-async')],
    versions: () => ({ componentizePy: componentizePyVersion() }),
    build: (out) => componentizePy('python-async', out, { world: 'guest' }),
  },
  {
    name: 'c',
    out: 'toolchain-c.wasm',
    sources: [path.join(SRC, 'c')],
    versions: () => {
      const missing = [];
      const clang = version('clang');
      if (!clang) missing.push('clang (Debian: clang)');
      if (!version('wasm-ld')) missing.push('wasm-ld (Debian: lld)');
      if (!fs.existsSync('/usr/include/wasm32-wasi/stdio.h') && !fs.existsSync('/usr/share/wasi-sysroot/include/stdio.h')) {
        missing.push('wasi-libc (Debian: wasi-libc)');
      }
      const wb = version('wit-bindgen');
      if (!wb) missing.push('wit-bindgen (cargo install wit-bindgen-cli)');
      const wt = version('wasm-tools');
      if (!wt) missing.push('wasm-tools (cargo install wasm-tools)');
      if (!fs.existsSync(ADAPTER)) missing.push(`the preview1 adapter ${rel(ADAPTER)} (npm devDependency @bytecodealliance/jco)`);
      if (missing.length) throw new Skip(`missing ${missing.join(', ')}`);
      return { clang, witBindgen: wb, wasmTools: wt, adapter: fs.statSync(ADAPTER).size };
    },
    async build(out) {
      const work = path.join(WORK, 'c');
      const gen = path.join(work, 'bindings');
      fs.rmSync(work, { recursive: true, force: true });
      fs.mkdirSync(gen, { recursive: true });
      // 1. C bindings for the world: guest.h, guest.c and the component type as an object file.
      await run('wit-bindgen', ['c', WIT, '--world', WORLD, '--out-dir', gen]);
      // 2. A wasm32-wasi reactor (a library: no main) against Debian's wasi-libc.
      const core = path.join(work, 'guest.core.wasm');
      await run('clang', [
        '--target=wasm32-wasi',
        '-mexec-model=reactor',
        '-O2',
        '-Wall',
        '-Werror',
        // wit-bindgen's generated C has unused static helpers in places.
        '-Wno-unused-function',
        '-I',
        gen,
        path.join(SRC, 'c', 'guest.c'),
        path.join(gen, `${WORLD}.c`),
        path.join(gen, `${WORLD}_component_type.o`),
        '-o',
        core,
      ]);
      // 3. The core module imports wasi_snapshot_preview1 (wasi-libc is preview1): wrap it into
      //    a component with the reactor adapter that jco ships, which maps it onto WASI 0.2.
      const tmp = `${out}.tmp-${process.pid}`;
      await run('wasm-tools', ['component', 'new', core, '--adapt', `wasi_snapshot_preview1=${ADAPTER}`, '-o', tmp]);
      await run('wasm-tools', ['validate', '--features', 'all', tmp]);
      fs.renameSync(tmp, out);
    },
  },
];

/**
 * The WASI 0.2 WIT packages (one file each) of the `wasip2` crate the Rust guests build with
 * (tests/guests), so the Python handler's wasi:http is the one they use; found by cargo.
 */
function wasiWitDeps() {
  const r = spawnSync('cargo', ['metadata', '--offline', '--format-version', '1', '--manifest-path', path.join(ROOT, 'tests', 'guests', 'Cargo.toml')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.error || r.status !== 0) throw new Error(`cargo metadata (tests/guests): ${r.error?.message ?? r.stderr}`);
  const crate = JSON.parse(r.stdout).packages.find((p) => p.name === 'wasip2');
  if (crate === undefined) throw new Error('tests/guests does not depend on the wasip2 crate');
  return path.join(path.dirname(crate.manifest_path), 'wit', 'deps');
}

for (const w of wanted) {
  if (!guests.some((g) => g.name === w)) {
    console.error(`build-toolchains: unknown guest ${w} (have: ${guests.map((g) => g.name).join(', ')})`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------

const started = Date.now();
fs.mkdirSync(OUT, { recursive: true });
fs.mkdirSync(path.join(WORK, 'stamps'), { recursive: true });
const scriptMtime = mtime(fileURLToPath(import.meta.url));

async function buildOne(g) {
  const out = path.join(OUT, g.out);
  const stampPath = path.join(WORK, 'stamps', `${g.name}.json`);
  let versions;
  try {
    versions = g.versions();
  } catch (e) {
    if (e instanceof Skip && !requireAll) {
      log(`${g.name.padEnd(6)} skipped: ${e.message}`);
      return { name: g.name, status: 'skipped' };
    }
    throw e;
  }
  const stamp = JSON.stringify({ out: g.out, versions });
  const newest = Math.max(newestMtime([...g.sources, WIT]), scriptMtime);
  const built = mtime(out);
  let fresh = !force && built > 0 && built >= newest;
  if (fresh) {
    try {
      fresh = fs.readFileSync(stampPath, 'utf8') === stamp;
    } catch {
      fresh = false;
    }
  }
  if (fresh) {
    log(`${g.name.padEnd(6)} up to date (${rel(out)})`);
    return { name: g.name, status: 'fresh' };
  }
  fs.rmSync(stampPath, { force: true });
  const t = Date.now();
  await g.build(out);
  fs.writeFileSync(stampPath, stamp);
  const seconds = ((Date.now() - t) / 1000).toFixed(1);
  log(`${g.name.padEnd(6)} built ${rel(out)} (${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MiB) in ${seconds}s`);
  return { name: g.name, status: 'built' };
}

// All three at once: Python and C are child processes, the JS one splices in this process and
// then runs wizer as a child. Cold, on two cores, that is about 30 s (JS and Python ~25 s each,
// C under a second); warm, a second (tool version probes).
const selected = wanted.length ? guests.filter((g) => wanted.includes(g.name)) : guests;
const results = await Promise.allSettled(selected.map(buildOne));
const failed = results.filter((r) => r.status === 'rejected');
for (const r of failed) console.error(`build-toolchains: ${r.reason?.stack || r.reason}`);
const summary = results.map((r, i) => `${selected[i].name} ${r.status === 'fulfilled' ? r.value.status : 'FAILED'}`).join(', ');
log(`done in ${((Date.now() - started) / 1000).toFixed(1)}s (${summary})`);
process.exit(failed.length ? 1 : 0);
