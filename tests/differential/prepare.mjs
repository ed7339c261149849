/**
 * Test-time preparation of the differential corpus (Node only), into dist/differential/ (git-ignored,
 * served by the dev server as /dist/differential/):
 *
 *   components/<name>.wasm     each ./wat/<name>.wat built with `wasm-tools parse`
 *   jco/<name>-<hash>/         `jco transpile <component> --instantiation async` of every component
 *                              of ./corpus.mjs and ./async-corpus.mjs (the guests are read from
 *                              dist/components/, built by `npm run build:guests`); a component jco
 *                              cannot transpile gets TRANSPILE-ERROR.txt
 *   terrarium/<name>/          `terrarium transpile <component> --instantiation async`: the same
 *                              cases run through Terrarium's ahead-of-time output too
 *   page.js                    (with `{ page: true }`) the runner, corpus and preview2-shim bundled
 *                              for the browser by esbuild
 *
 * jco runs as its CLI, one process per component: its transpiler is a wasm component that a panic
 * (as on a latin1+utf16 component) leaves unusable for the rest of the process. Outputs are keyed
 * by a hash of their inputs, so a second run transpiles nothing, and every file or folder appears
 * whole (written aside, then renamed), so concurrent runs do not see each other's halves.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import { components as syncComponents } from './corpus.mjs';
import { components as asyncComponents } from './async-corpus.mjs';
import { transpile } from '../../js/transpile/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = path.join(ROOT, 'dist/differential');
const HERE = path.join(ROOT, 'tests/differential');
const JCO_CLI = path.join(ROOT, 'node_modules/@bytecodealliance/jco/dist/jco.js');
const run = promisify(execFile);
// `terrarium transpile` compiles the core modules, and the Python guest's CPython uses extended-const,
// which Node 20 compiles only behind a flag (see tests/node/toolchains.test.mjs).
v8.setFlagsFromString('--experimental-wasm-extended-const');
/** Every component of both corpora: the sync one and the async one. */
const components = { ...syncComponents, ...asyncComponents };

const jcoVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@bytecodealliance/jco/package.json'), 'utf8')).version;
export const JCO_ARGS = ['--instantiation', 'async', '--no-typescript', '--quiet', '--base64-cutoff', '0'];

/**
 * @typedef {{wasm: string, terrarium: string, jco: string|null, jcoError: string|null}} Prepared
 *   paths relative to the repository root: the component, Terrarium's ahead-of-time entry module,
 *   jco's entry module (or the reason jco could not transpile the component)
 * @returns {Promise<{jcoVersion: string, components: Record<string, Prepared>, page: string|null}>}
 */
export async function prepare({ page = false } = {}) {
  fs.mkdirSync(path.join(OUT, 'components'), { recursive: true });
  fs.mkdirSync(path.join(OUT, 'jco'), { recursive: true });
  const names = Object.keys(components);
  const wasm = {};
  for (const name of names) wasm[name] = await componentFile(name);
  const prepared = {};
  // Two at a time: the machine has two cores and each jco process is single-threaded.
  const queue = [...names];
  await Promise.all([0, 1].map(async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      prepared[name] = { wasm: rel(wasm[name]), terrarium: rel(await aheadOfTime(name, wasm[name])), ...(await transpiled(name, wasm[name])) };
    }
  }));
  const ordered = Object.fromEntries(names.map((n) => [n, prepared[n]]));
  return { jcoVersion, components: ordered, page: page ? rel(await bundlePage()) : null };
}

const rel = (p) => path.relative(ROOT, p).split(path.sep).join('/');

/** The component's binary: a built guest, or the .wat built now. */
async function componentFile(name) {
  const spec = components[name];
  if (spec.guest) {
    const file = path.join(ROOT, 'dist/components', `${spec.guest}.wasm`);
    if (!fs.existsSync(file)) throw new Error(`missing ${rel(file)}: run \`npm run build\` first`);
    return file;
  }
  const out = path.join(OUT, 'components', `${name}.wasm`);
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await run('wasm-tools', ['parse', path.join(HERE, 'wat', spec.wat), '-o', tmp]);
  } catch (e) {
    throw new Error(`wasm-tools parse ${spec.wat} failed: ${e.stderr || e.message}`);
  }
  fs.renameSync(tmp, out);
  return out;
}

/** Terrarium's ahead-of-time output for the component (quick: it is written every run); its entry module. */
async function aheadOfTime(name, wasmFile) {
  const dir = path.join(OUT, 'terrarium', name);
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const files = await transpile(wasmFile, { name, instantiation: 'async' });
  for (const [file, contents] of files) fs.writeFileSync(path.join(tmp, file), contents);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return path.join(dir, `${name}.js`);
}

/** jco's transpiled output for the component, reusing an earlier one for the same bytes. */
async function transpiled(name, wasmFile) {
  const bytes = fs.readFileSync(wasmFile);
  const hash = createHash('sha256').update(bytes).update(`jco ${jcoVersion} ${JCO_ARGS.join(' ')}`).digest('hex').slice(0, 12);
  const dir = path.join(OUT, 'jco', `${name}-${hash}`);
  if (!fs.existsSync(dir)) {
    const tmp = `${dir}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    try {
      await run(process.execPath, [JCO_CLI, 'transpile', wasmFile, '-o', tmp, '--name', name, ...JCO_ARGS], { cwd: ROOT, maxBuffer: 1 << 24 });
    } catch (e) {
      const stderr = String(e.stderr || e.message);
      // Keep the panic message, not jco's JS stack.
      const reason = stderr.split('\n').filter((l) => l.trim() && !/^\s+at /.test(l) && !/^(note|stack backtrace)/.test(l)).slice(0, 4).join('\n');
      fs.writeFileSync(path.join(tmp, 'TRANSPILE-ERROR.txt'), `jco ${jcoVersion} transpile failed:\n${reason}\n`);
    }
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      // Another run got there first with the same inputs.
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(dir)) throw e;
    }
    // Outputs of earlier inputs of this component are stale now.
    for (const old of fs.readdirSync(path.join(OUT, 'jco'))) {
      if (old.startsWith(`${name}-`) && old !== path.basename(dir) && !old.endsWith('.tmp')) {
        fs.rmSync(path.join(OUT, 'jco', old), { recursive: true, force: true });
      }
    }
  }
  const error = path.join(dir, 'TRANSPILE-ERROR.txt');
  if (fs.existsSync(error)) return { jco: null, jcoError: fs.readFileSync(error, 'utf8').trim() };
  return { jco: rel(path.join(dir, `${name}.js`)), jcoError: null };
}

/** tests/differential/page.mjs with the runner, corpus and preview2-shim (browser build), as one module. */
async function bundlePage() {
  const esbuild = await import('esbuild');
  const out = path.join(OUT, 'page.js');
  const result = await esbuild.build({
    entryPoints: [path.join(HERE, 'page.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    // The page imports Terrarium itself (from a URL it is given), never a bundled copy.
    external: ['/js/*', '/dist/*'],
    outfile: out,
  });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.renameSync(tmp, out);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = await prepare({ page: process.argv.includes('--page') });
  console.log(JSON.stringify(manifest, null, 2));
}
