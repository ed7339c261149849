// Ahead-of-time output (`terrarium transpile`, js/transpile/): the files it writes, the module
// instantiating at import and the `instantiate()` form, imports from mapped modules, only the WASI
// packages a component imports, `--no-wasi`, and an invalid component writing nothing. The
// differential suite (differential.test.mjs) runs every value case through this output too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createFilesystem, load, TerrariumError } from '../../js/index.js';
import { transpile } from '../../js/transpile/index.js';
import { instantiateTranspiled } from '../../js/aot.js';
import { componentInternals } from '../../js/component.js';
import { planResources } from '../../js/runtime/resources.js';
import * as kinds from '../../js/abi/kinds.js';
import { createWasi } from '../../polyfill-wasi/js/index.js';
import { collector, componentsDir, guestBytes } from './support.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}js/cli.js`;
// Inside the package, so the output's `terrarium-wasm/…` imports resolve to this checkout.
const out = `${root}dist/transpile-tests/`;
await rm(out, { recursive: true, force: true });

function terrarium(...args) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

/** Transpiles the guest `name` with the CLI into out/<dir>/ and imports its entry. */
async function transpiled(name, dir, ...options) {
  const r = terrarium('transpile', `${componentsDir}${name}.wasm`, '-o', `${out}${dir}`, ...options);
  assert.equal(r.status, 0, r.stderr);
  return import(pathToFileURL(`${out}${dir}/${name}.js`).href);
}

/** The specifiers a module's static imports name. */
const importsOf = (source) => [...source.matchAll(/^import .* from (['"])(.+)\1;$/gm)].map((m) => m[2]);

test('the files: one .wasm per core module, holding its bytes as they are in the component, and the entry', async () => {
  const files = await transpile(`${componentsDir}bench.wasm`);
  assert.deepEqual([...files.keys()], ['bench.core.wasm', 'bench.core2.wasm', 'bench.core3.wasm', 'bench.js']);
  const component = await guestBytes('bench');
  for (const name of ['bench.core.wasm', 'bench.core2.wasm', 'bench.core3.wasm']) {
    const bytes = files.get(name);
    assert.ok(WebAssembly.validate(bytes), `${name} is not a valid core module`);
    const at = Buffer.from(component).indexOf(Buffer.from(bytes));
    assert.ok(at > 0, `${name} is not a slice of the component`);
  }
  assert.match(files.get('bench.js'), /^\/\/ Written by `terrarium transpile` from bench\.wasm/);
});

test('a module instantiating at import: its exports by short and full name, its import from the mapped module', async () => {
  await mkdir(`${out}hosts`, { recursive: true });
  await writeFile(`${out}hosts/bench-host.js`, 'export const logged = [];\nexport const log = (msg) => logged.push(msg);\n');
  const bench = await transpiled('bench', 'bench', '--map', 'example:bench/host=../hosts/bench-host.js');
  const host = await import(pathToFileURL(`${out}hosts/bench-host.js`).href);
  assert.equal(bench.api, bench['example:bench/api@0.1.0']);
  assert.equal(bench.api.add(0xffff_ffff, 2), 1);
  assert.equal(bench.api.echoString('héllo 🌍'), 'héllo 🌍');
  assert.equal(bench.api.sumBytes(new Uint8Array([1, 2, 250])), 253n);
  bench.api.callHost('from the guest');
  assert.deepEqual(host.logged, ['from the guest']);
  // The same component through load(): the same values.
  const live = (await (await load(await guestBytes('bench'))).instantiate({ 'example:bench/host': { log() {} } })).exports;
  assert.equal(live.api.add(0xffff_ffff, 2), bench.api.add(0xffff_ffff, 2));
  assert.equal(live.api.sumBytes(new Uint8Array([1, 2, 250])), bench.api.sumBytes(new Uint8Array([1, 2, 250])));
});

test('--map with a `*`: the rest of the import name takes its place', async () => {
  await mkdir(`${out}hosts/example`, { recursive: true });
  await writeFile(`${out}hosts/example/host.js`, 'export const log = () => {};\n');
  await transpiled('bench', 'bench-star', '--map', 'example:bench/*=../hosts/example/*.js');
  const entry = await readFile(`${out}bench-star/bench.js`, 'utf8');
  assert.ok(importsOf(entry).includes('../hosts/example/host.js'), entry.slice(0, 400));
});

test('an entry imports the runtime and only the parts its component uses: its kinds of types, WASI packages, resources, JSPI where it may be asked for', async () => {
  const bench = (await transpile(`${componentsDir}bench.wasm`)).get('bench.js');
  assert.deepEqual(importsOf(bench), ['terrarium-wasm/aot', 'terrarium-wasm/aot/kinds', 'example:bench/host']);
  assert.match(bench, /^import \{ kindF32, kindList, kindString, kindU32, kindU64, kindU8, kindUtf8 \} from 'terrarium-wasm\/aot\/kinds';$/m);
  const hello = (await transpile(`${componentsDir}hello.wasm`, { instantiation: 'async' })).get('hello.js');
  assert.deepEqual(importsOf(hello), [
    'terrarium-wasm/aot',
    'terrarium-wasm/aot/kinds',
    'terrarium-wasm/aot/resources',
    'terrarium-wasm/aot/options',
    'terrarium-wasm/aot/jspi',
    ...['compose', 'cli', 'clocks', 'filesystem', 'io', 'random'].map((p) => `terrarium-wasm/wasi/${p}.js`),
  ]);
  const http = (await transpile(`${componentsDir}wasi-http.wasm`, { instantiation: 'async' })).get('wasi-http.js');
  assert.ok(importsOf(http).includes('terrarium-wasm/wasi/http.js'));
  assert.ok(!importsOf(hello).includes('terrarium-wasm/wasi/http.js'));
});

test('the kinds module exports each kind\'s code under the name entries import it by', () => {
  for (const [kind, codec] of Object.entries(kinds.ALL_KINDS)) assert.equal(kinds[kinds.kindExport(kind)], codec, kind);
});

test('a plan handed no code for one of its kinds of types or strings is refused, naming the kind', async () => {
  const { plan } = componentInternals(await load(await guestBytes('bench')));
  const files = await transpile(`${componentsDir}bench.wasm`);
  const modules = [...files].filter(([name]) => name.endsWith('.wasm')).map(([, bytes]) => WebAssembly.compile(bytes));
  for (const kind of ['string', 'utf8']) {
    const { [kind]: left, ...others } = kinds.ALL_KINDS;
    assert.ok(left);
    await assert.rejects(
      instantiateTranspiled(plan, modules, { 'example:bench/host': { log() {} } }, {}, { kinds: others, wasi: null, resources: null }),
      (e) => e instanceof TerrariumError && e.kind === 'invalid' && e.message.endsWith(`this runtime was given no code for \`${kind}\``),
    );
  }
});

test('a composed component: the entry imports the copies between its components, and its calls cross as with load()', async () => {
  const entry = (await transpile(`${componentsDir}fused.wasm`)).get('fused.js');
  assert.ok(importsOf(entry).includes('terrarium-wasm/aot/fused'), importsOf(entry).join(' '));
  const aot = await transpiled('fused', 'fused');
  const live = (await (await load(await guestBytes('fused'))).instantiate({})).exports;
  for (const names of [['héllo', '𝄞', ''], []]) assert.deepEqual(aot.relayNames(names), live.relayNames(names));
  assert.equal(aot.relayUtf8Utf8('a string across'), 'a string across');
  assert.deepEqual([...aot.relayBytes(new Uint8Array([1, 2, 3]))], [1, 2, 3]);
});

test('instantiated at import without WASI, a component with resources runs on the executor\'s extended side, as with load()', async () => {
  const dir = `${out}handle-table-at-import/`;
  assert.equal(terrarium('transpile', `${componentsDir}handle-table.wasm`, '-o', dir, '--map', 'example:table/host=./host.js').status, 0);
  await writeFile(
    `${dir}host.js`,
    `export const disposed = [];
export class Blob {
  constructor(name) { this.name = name; }
  [Symbol.dispose ?? Symbol.for('nodejs.dispose')]() { disposed.push(this.name); }
}
`,
  );
  const entry = await readFile(`${dir}handle-table.js`, 'utf8');
  assert.ok(importsOf(entry).includes('terrarium-wasm/aot/extended'), importsOf(entry).join(' '));
  const host = await import(pathToFileURL(`${dir}host.js`).href);
  const aot = await import(pathToFileURL(`${dir}handle-table.js`).href);
  const disposedLive = [];
  class LiveBlob extends host.Blob {
    [Symbol.dispose ?? Symbol.for('nodejs.dispose')]() {
      disposedLive.push(this.name);
    }
  }
  const live = (await (await load(await guestBytes('handle-table'))).instantiate({ 'example:table/host': { Blob: LiveBlob } })).exports;
  const run = (api, Blob) => [
    api.new1(1),
    api.borrowBlob(new Blob('lent')),
    api.new2(2),
    api.ownBlob(new Blob('kept')),
    api.new1(3),
    api.dropBlob(3),
    api.new2(4),
    api.rep1(1),
    api.rep2(2),
    api.rep2(3),
    api.rep1(4),
  ];
  assert.deepEqual(run(aot, host.Blob), run(live, LiveBlob));
  assert.deepEqual(host.disposed, ['kept']);
  assert.deepEqual(disposedLive, ['kept']);
  assert.throws(() => aot.rep2(aot.new1(7)), (e) => e instanceof TerrariumError && e.kind === 'trap' && /it holds a `r1`, not a `r2`/.test(e.message));
});

/** The source files of the code a page loads at once for a transpiled entry (esbuild, lazy chunks left out). */
async function filesLoadedAtOnce(entry) {
  const esbuild = await import('esbuild');
  const { metafile } = await esbuild.build({
    entryPoints: [entry], bundle: true, splitting: true, format: 'esm', platform: 'browser', write: false,
    metafile: true, logLevel: 'error', outdir: `${out}bundled`, external: ['*.wasm', 'node:*'],
  });
  const [, output] = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint);
  const chunks = [output, ...output.imports.filter((i) => i.kind === 'import-statement').map((i) => metafile.outputs[i.path])];
  return new Set(chunks.flatMap((o) => Object.keys(o.inputs)));
}

test('a page loads no WASI, no resource, async, JSPI or cross-component runtime, no code of kinds of types for a component without them, and what it uses otherwise', async () => {
  await transpiled('bench', 'bench-alone', '--map', 'example:bench/host=./host.js', '--instantiation', 'async');
  const bench = await filesLoadedAtOnce(`${out}bench-alone/bench.js`);
  // Of the polyfill, only the check of `options.wasi`, which instantiate() takes from every caller.
  assert.deepEqual([...bench].filter((f) => f.startsWith('polyfill-wasi/')), ['polyfill-wasi/js/options.js']);
  assert.ok(bench.has('js/runtime/call-stack.js') && !bench.has('js/runtime/resources.js') && !bench.has('js/runtime/handles.js'), [...bench].join(' '));
  // Nor anything of component-model async: the transpiler saw the component use none.
  assert.deepEqual([...bench].filter((f) => f.startsWith('js/runtime/async/')), []);
  // Nor the copies between components: it is one component.
  assert.ok(!bench.has('js/runtime/fused-call.js') && !bench.has('js/abi/fuse.js'), [...bench].join(' '));
  // Instantiated at import, it never runs under JSPI; its core modules need no feature to probe; its
  // types have no variant, fixed-length list or map, whose code stays out.
  assert.equal(terrarium('transpile', `${componentsDir}bench.wasm`, '-o', `${out}bench-at-import`, '--map', 'example:bench/host=./host.js').status, 0);
  await writeFile(`${out}bench-at-import/host.js`, 'export const log = () => {};\n');
  const atImport = await filesLoadedAtOnce(`${out}bench-at-import/bench.js`);
  // Nor, with no options and no WASI, the choice of a way of waiting, the WASI composition, the
  // check of a caller's arguments, or the executor's side beyond its core.
  for (const file of ['js/runtime/jspi.js', 'js/features.js', 'js/abi/variants.js', 'js/abi/fixed-lists.js', 'js/abi/maps.js',
    'js/blocking.js', 'js/instantiate-component.js', 'js/arguments.js', 'js/runtime/extended.js']) {
    assert.ok(!atImport.has(file), `${file} is in ${[...atImport].join(' ')}`);
  }
  assert.ok(bench.has('js/runtime/jspi.js'), [...bench].join(' '));
  await transpiled('hello', 'hello-once', '--instantiation', 'async');
  const hello = await filesLoadedAtOnce(`${out}hello-once/hello.js`);
  for (const file of ['polyfill-wasi/js/catalogue.js', 'polyfill-wasi/js/compose.js', 'polyfill-wasi/js/wait.js', 'polyfill-wasi/js/cli.js', 'js/runtime/resources.js']) {
    assert.ok(hello.has(file), `${file} is missing from ${[...hello].join(' ')}`);
  }
  assert.ok(!hello.has('polyfill-wasi/js/http.js'), [...hello].join(' '));
});

test('--instantiation async: instantiate() with WASI options runs a command, as load() does', async () => {
  const { instantiate } = await transpiled('hello', 'hello', '--instantiation', 'async');
  const outputs = [];
  for (const make of [async (o) => instantiate(undefined, {}, o), async (o) => (await (await load(`${componentsDir}hello.wasm`)).instantiate({}, o)).exports]) {
    const stdout = collector();
    const exports = await make({ wasi: { args: ['hello', 'one', 'two'], stdout, stderr: () => {} } });
    exports.run.run();
    outputs.push(stdout.text());
  }
  assert.match(outputs[0], /hello from wasi\narg: hello\narg: one\narg: two\n/);
  assert.equal(outputs[0], outputs[1]);
});

test('instantiate(getCoreModule): asked for each core file by name, and given modules are used', async () => {
  const { instantiate } = await transpiled('bench', 'bench-async', '--instantiation', 'async');
  const asked = [];
  const exports = await instantiate(
    async (file) => {
      asked.push(file);
      return WebAssembly.compile(await readFile(`${out}bench-async/${file}`));
    },
    { 'example:bench/host': { log() {} } },
  );
  assert.deepEqual(asked, ['bench.core.wasm', 'bench.core2.wasm', 'bench.core3.wasm']);
  assert.equal(exports.api.add(20, 22), 42);
  await assert.rejects(
    instantiate(() => 'not a module', { 'example:bench/host': { log() {} } }),
    (e) => e instanceof TypeError && /core module 0: expected a WebAssembly\.Module/.test(e.message),
  );
});

/** The host of the resources guest: a `Blob` resource and functions taking it. */
class Blob {
  constructor(init) {
    this.bytes = [...init];
  }
  size() {
    return this.bytes.length;
  }
  write(bytes) {
    this.bytes.push(...bytes);
  }
  read() {
    return new Uint8Array(this.bytes);
  }
  static concat(a, b) {
    return new Blob([...a.bytes, ...b.bytes]);
  }
}
const resourcesHost = {
  'example:resources/host': { log() {}, Blob, consume: () => 0, consumeTwo: () => 0, borrowThenOwn: () => 0, peek: (b) => b.size() },
};

test('guest resources through the output: classes, methods, statics and dispose', async () => {
  const { instantiate } = await transpiled('resources', 'resources', '--instantiation', 'async');
  const exports = await instantiate(null, resourcesHost);
  const { Counter } = exports.api;
  const counter = new Counter(5);
  assert.equal(counter.add(2), 7);
  assert.equal(Counter.sum(counter, counter), 14);
  const before = exports.api.live();
  counter[Symbol.dispose]();
  assert.equal(exports.api.live(), before - 1);
});

test('a plan with resources handed no resource runtime is refused before any guest code runs', async () => {
  const { plan } = componentInternals(await load(await guestBytes('resources')));
  const files = await transpile(`${componentsDir}resources.wasm`);
  const modules = [...files].filter(([name]) => name.endsWith('.wasm')).map(([, bytes]) => WebAssembly.compile(bytes));
  await assert.rejects(
    instantiateTranspiled(plan, modules, { ...createWasi().imports, ...resourcesHost }, {}, { kinds: kinds.ALL_KINDS, wasi: null, resources: null }),
    (e) => e instanceof TerrariumError && e.kind === 'invalid' && /has resources/.test(e.message),
  );
});

test('--no-wasi: WASI imports are the host\'s; without them instantiate() is a link error naming one', async () => {
  const { instantiate } = await transpiled('hello', 'hello-no-wasi', '--instantiation', 'async', '--no-wasi');
  const entry = await readFile(`${out}hello-no-wasi/hello.js`, 'utf8');
  assert.deepEqual(importsOf(entry), ['terrarium-wasm/aot', 'terrarium-wasm/aot/kinds', 'terrarium-wasm/aot/resources', 'terrarium-wasm/aot/options', 'terrarium-wasm/aot/jspi']);
  await assert.rejects(instantiate(null, {}), (e) => e instanceof TerrariumError && e.kind === 'link' && /missing import `wasi:/.test(e.message));
  const stdout = collector();
  const exports = await instantiate(null, createWasi({ args: ['hello'], stdout, stderr: () => {} }).imports);
  exports.run.run();
  assert.match(stdout.text(), /^hello from wasi\n/);
  // In a worker too: the page's own WASI serves the guest there, the worker makes none of its own.
  const inWorker = collector();
  const worker = await instantiate(null, createWasi({ args: ['hello'], stdout: inWorker, stderr: () => {} }).imports, { blocking: 'worker' });
  await worker.run.run();
  assert.match(inWorker.text(), /^hello from wasi\n/);
});

test('a component without WASI runs in a worker from its output, its host imports served by the page', async () => {
  const { instantiate } = await transpiled('bench', 'bench-worker', '--instantiation', 'async');
  const logged = [];
  const exports = await instantiate(null, { 'example:bench/host': { log: (m) => logged.push(m) } }, { blocking: 'worker' });
  assert.equal(await exports.api.add(0xffff_ffff, 2), 1);
  assert.equal(await exports.api.sumBytes(new Uint8Array([1, 2, 250])), 253n);
  await exports.api.callHost('from the worker');
  assert.deepEqual(logged, ['from the worker']);
});

test('an invalid component: the same typed error and offset as load(), and nothing written', async () => {
  const bytes = await guestBytes('bench');
  const broken = bytes.slice(0, 300);
  const file = `${out}broken.wasm`;
  await mkdir(out, { recursive: true });
  await writeFile(file, broken);
  const loaded = await load(broken).then(() => null, (e) => e);
  assert.ok(loaded instanceof TerrariumError, String(loaded));
  await assert.rejects(transpile(file), (e) => e instanceof TerrariumError && e.kind === loaded.kind && e.message === loaded.message && e.offset === loaded.offset);
  const r = terrarium('transpile', file, '-o', `${out}broken-out`);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `terrarium: ${loaded.kind}: ${loaded.message}\n`);
  assert.equal(existsSync(`${out}broken-out`), false);
});

test('transpile usage errors name the problem and write nothing', async () => {
  for (const [args, problem] of [
    [[], /the output folder \(-o DIR\) is missing/],
    [['-o', `${out}x`, '--instantiation', 'sync'], /--instantiation sync: not a value it takes/],
    [['-o', `${out}x`, '--frobnicate'], /unknown option --frobnicate/],
    [['-o'], /-o needs a value/],
  ]) {
    const r = terrarium('transpile', `${componentsDir}bench.wasm`, ...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, problem);
  }
  assert.deepEqual((await readdir(out)).includes('x'), false);
});

test('--types: the declarations of each module form compile under strict with the code using them, and refuse misuse', async () => {
  const dir = `${out}typed/`;
  for (const [name, form] of [['bench', []], ['resources', ['--instantiation', 'async']]]) {
    const r = terrarium('transpile', `${componentsDir}${name}.wasm`, '-o', dir, '--types', ...form);
    assert.equal(r.status, 0, r.stderr);
  }
  await writeFile(
    `${dir}usage.ts`,
    [
      "import { api, 'example:bench/api@0.1.0' as full } from './bench.js';",
      "import { instantiate } from './resources.js';",
      'const sum: number = api.add(1, 2) + full.add(3, 4);',
      "const echoed: string = api.echoString('x');",
      'const total: bigint = api.sumBytes(new Uint8Array(2));',
      "const exports = await instantiate(null, { 'example:resources/host': {} as any });",
      'const counter = new exports.api.Counter(1);',
      'const value: number = counter.add(2);',
      'counter[Symbol.dispose]();',
      'export { sum, echoed, total, value };',
      '// @ts-expect-error: add takes numbers',
      "api.add('1', 2);",
      '// @ts-expect-error: the async form exports no `api`',
      "import('./resources.js').then((m) => m.api);",
    ].join('\n'),
  );
  await writeFile(
    `${dir}tsconfig.json`,
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false }, files: ['usage.ts'] }),
  );
  await writeFile(`${dir}package.json`, '{ "type": "module" }\n');
  const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${dir}tsconfig.json`], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});

test('an async component through the output: the entry imports the async runtime, and its exports return promises', async () => {
  const plain = (await transpile(`${componentsDir}bench.wasm`)).get('bench.js');
  assert.ok(!importsOf(plain).includes('terrarium-wasm/aot/async'), 'only a component using async imports it');
  const entry = (await transpile(`${componentsDir}async-calls.wasm`, { instantiation: 'async' })).get('async-calls.js');
  assert.ok(importsOf(entry).includes('terrarium-wasm/aot/async'));
  const { instantiate } = await transpiled('async-calls', 'async-calls', '--instantiation', 'async');
  let wake;
  const exports = await instantiate(undefined, {
    'example:async-calls/host': {
      sleep: () => new Promise((resolve) => (wake = resolve)),
      double: (v) => (v % 2 ? Promise.resolve(v * 2) : v * 2),
      note() {},
    },
  });
  const slow = exports.api.slowAdd(20, 22);
  assert.equal(await exports.api.fanOut(10), 90n);
  wake();
  assert.equal(await slow, 42);
});

test('a plan using component-model async handed no async runtime is refused, naming what is missing', async () => {
  const { plan } = componentInternals(await load(await guestBytes('async-calls')));
  const files = await transpile(`${componentsDir}async-calls.wasm`);
  const modules = [...files].filter(([name]) => name.endsWith('.wasm')).map(([, bytes]) => WebAssembly.compile(bytes));
  await assert.rejects(
    instantiateTranspiled(plan, modules, { ...createWasi().imports, 'example:async-calls/host': { sleep() {}, double() {}, note() {} } }, {}, {
      kinds: kinds.ALL_KINDS,
      wasi: null,
      resources: planResources,
    }),
    (e) => e instanceof TerrariumError && e.kind === 'invalid' && /uses component-model async/.test(e.message),
  );
});

test('a plan calling between its components handed no runtime for those calls is refused, naming what is missing', async () => {
  const { plan } = componentInternals(await load(await guestBytes('fused')));
  const files = await transpile(`${componentsDir}fused.wasm`);
  const modules = [...files].filter(([name]) => name.endsWith('.wasm')).map(([, bytes]) => WebAssembly.compile(bytes));
  await assert.rejects(
    instantiateTranspiled(plan, modules, {}, {}, { kinds: kinds.ALL_KINDS, wasi: null, resources: null }),
    (e) => e instanceof TerrariumError && e.kind === 'invalid' && /calls between its components, and this runtime was given no `inner`/.test(e.message),
  );
});

test('a WASI 0.3 command through the output: its 0.3 imports come from the same packages as 0.2\'s', async () => {
  const { instantiate } = await transpiled('wasi-p3', 'wasi-p3', '--instantiation', 'async');
  const entry = await readFile(`${out}wasi-p3/wasi-p3.js`, 'utf8');
  assert.ok(importsOf(entry).includes('terrarium-wasm/wasi/clocks.js'), entry);
  const stdout = collector();
  const host = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), mark: () => {} };
  const ro = await createFilesystem({ 'hello.txt': 'hello' });
  const exports = await instantiate(undefined, { 'test:wasi-p3/host': host }, {
    wasi: { args: ['wasi-p3', 'one', 'two words'], env: { A: '1', CWD: '/' }, cwd: '/', stdout, preopens: { '/data': await createFilesystem(), '/ro': { dir: ro, readOnly: true } } },
  });
  await exports.run.run();
  assert.deepEqual(stdout.text().split('\n').filter((l) => l.startsWith('FAIL')), []);
  assert.match(stdout.text(), /^0 failed$/m);
});
