// Loading components in Node: every kind of source, bad input refused with kind and offset.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { load, TerrariumError } from '../../js/index.js';
import { engine } from '../../js/engine.js';
import { coreModuleRanges } from '../../js/core-sections.js';
import { componentsDir, fixture, fixturesDir, guestBytes, watBytes } from './support.mjs';

const noHost = { 'example:bench/host': { log() {} } };

test('loads from bytes, an ArrayBuffer, a view, a Blob, a Response and a file path', async () => {
  const bytes = await guestBytes('bench');
  const sources = [
    bytes,
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    new Blob([bytes]),
    new Response(bytes),
    `${componentsDir}bench.wasm`,
    new URL(`file://${componentsDir}bench.wasm`),
  ];
  for (const source of sources) {
    const component = await load(source);
    const instance = await component.instantiate(noHost);
    assert.equal(instance.exports.api.add(2, 3), 5, `source ${Object.prototype.toString.call(source)}`);
  }
});

test('lists imports and exports', async () => {
  const component = await load(await guestBytes('bench'));
  assert.deepEqual(component.imports, [
    {
      name: 'example:bench/host@0.1.0',
      kind: 'instance',
      versionless: 'example:bench/host',
      members: [{ name: 'log', jsName: 'log', kind: 'func' }],
      functions: ['log'],
      providedByWasi: false,
    },
  ]);
  assert.deepEqual(component.exports, [
    {
      name: 'example:bench/api@0.1.0',
      jsName: 'api',
      kind: 'instance',
      versionless: 'example:bench/api',
      functions: ['noop', 'add', 'call-host', 'echo-string', 'sum-bytes', 'sum-floats', 'string-length'],
      members: [
        { name: 'noop', jsName: 'noop', kind: 'func' },
        { name: 'add', jsName: 'add', kind: 'func' },
        { name: 'call-host', jsName: 'callHost', kind: 'func' },
        { name: 'echo-string', jsName: 'echoString', kind: 'func' },
        { name: 'sum-bytes', jsName: 'sumBytes', kind: 'func' },
        { name: 'sum-floats', jsName: 'sumFloats', kind: 'func' },
        { name: 'string-length', jsName: 'stringLength', kind: 'func' },
      ],
    },
  ]);
});

test("instance members: each function's JS name, kind and resource, where an instance has it", async () => {
  const component = await load(await guestBytes('resources'));
  const host = component.imports.find((i) => i.name === 'example:resources/host@0.1.0');
  const api = component.exports.find((e) => e.name === 'example:resources/api@0.1.0');
  assert.equal(host.versionless, 'example:resources/host');
  assert.equal(api.versionless, 'example:resources/api');
  assert.deepEqual(host.members.map((m) => m.name), host.functions, 'one member per function called');
  assert.deepEqual(api.members.map((m) => m.name), api.functions, 'one member per function exported');

  const blob = { name: 'blob', jsName: 'Blob' };
  const counter = { name: 'counter', jsName: 'Counter' };
  const member = (list, name) => list.find((m) => m.name === name);
  assert.deepEqual(member(host.members, '[constructor]blob'), { name: '[constructor]blob', jsName: 'Blob', kind: 'constructor', resource: blob });
  assert.deepEqual(member(host.members, '[method]blob.write'), { name: '[method]blob.write', jsName: 'write', kind: 'method', resource: blob });
  assert.deepEqual(member(host.members, '[static]blob.concat'), { name: '[static]blob.concat', jsName: 'concat', kind: 'static', resource: blob });
  assert.deepEqual(member(host.members, 'consume-two'), { name: 'consume-two', jsName: 'consumeTwo', kind: 'func' });
  assert.deepEqual(api.members.slice(0, 5), [
    { name: '[constructor]counter', jsName: 'Counter', kind: 'constructor', resource: counter },
    { name: '[method]counter.get', jsName: 'get', kind: 'method', resource: counter },
    { name: '[method]counter.add', jsName: 'add', kind: 'method', resource: counter },
    { name: '[method]counter.label', jsName: 'label', kind: 'method', resource: counter },
    { name: '[method]counter.set-label', jsName: 'setLabel', kind: 'method', resource: counter },
  ]);
  assert.deepEqual(member(api.members, '[static]counter.sum'), { name: '[static]counter.sum', jsName: 'sum', kind: 'static', resource: counter });
  assert.deepEqual(member(api.members, 'blob-roundtrip'), { name: 'blob-roundtrip', jsName: 'blobRoundtrip', kind: 'func' });

  // A host made from the import's members links, and each export member is where it says.
  const provided = {};
  for (const m of host.members) {
    if (m.kind === 'func') {
      provided[m.jsName] = () => 0;
      continue;
    }
    const Class = (provided[m.resource.jsName] ??= class {});
    if (m.kind === 'method') Class.prototype[m.jsName] = () => 0;
    if (m.kind === 'static') Class[m.jsName] = () => new Class();
  }
  const { exports } = await component.instantiate({ [host.versionless]: provided });
  const object = exports[api.jsName];
  for (const m of api.members) {
    const owner = m.kind === 'func' ? object : m.kind === 'method' ? object[m.resource.jsName].prototype : object[m.resource.jsName];
    const found = m.kind === 'constructor' ? owner : owner[m.jsName];
    assert.equal(typeof found, 'function', `${m.name} as ${m.jsName}`);
  }
  assert.equal(new object.Counter(4).get(), 4);
});

test('jsNames: the JS spelling of record fields, flags, parameters and freestanding functions', async () => {
  // variant-layout: `record point {x, y-pos, label}`, `flags perms {read, write, exec-all}`,
  // exported `f(p, pt)` and `g(a, b, c)`.
  const layout = await load(await guestBytes('fixtures/variant-layout'));
  assert.deepEqual(
    [...layout.jsNames].sort(),
    [
      ['a', 'a'], ['b', 'b'], ['c', 'c'], ['exec-all', 'execAll'], ['f', 'f'], ['g', 'g'], ['label', 'label'],
      ['p', 'p'], ['pt', 'pt'], ['read', 'read'], ['write', 'write'], ['x', 'x'], ['y-pos', 'yPos'],
    ],
  );
  // Imported functions too (world-level and of an instance); resource functions are members only.
  const types = (await load(await guestBytes('types'))).jsNames;
  assert.equal(types.get('get-seed'), 'getSeed');
  assert.equal(types.get('make-point'), 'makePoint');
  assert.equal(types.get('echo-many-flags'), 'echoManyFlags');
  const resources = (await load(await guestBytes('resources'))).jsNames;
  assert.equal(resources.get('blob-roundtrip'), 'blobRoundtrip');
  assert.equal(resources.get('consume-two'), 'consumeTwo');
  assert.ok(![...resources.keys()].some((name) => name.startsWith('[')), 'no resource functions');
});

test('prints the world as WIT', async () => {
  const component = await load(await guestBytes('bench'));
  const wit = await component.wit();
  // A component binary keeps its interfaces but not its world's name: wasm-tools prints the same.
  assert.match(wit, /world root \{/);
  assert.match(wit, /import example:bench\/host@0\.1\.0;/);
  assert.match(wit, /export example:bench\/api@0\.1\.0;/);
  assert.match(wit, /package example:bench@0\.1\.0 \{/);
  assert.match(wit, /add: func\(a: u32, b: u32\) -> u32;/);
});

async function refusal(bytes, options) {
  const error = await load(bytes, options).then(
    () => assert.fail('expected a refusal'),
    (e) => e,
  );
  assert.ok(error instanceof TerrariumError, `not a TerrariumError: ${error}`);
  return error;
}

test('refuses garbage, truncation, core modules and invalid components, with offsets', async () => {
  const garbage = await refusal(new TextEncoder().encode('definitely not wasm'));
  assert.equal(garbage.kind, 'malformed');
  assert.equal(garbage.offset, 0);
  assert.match(garbage.message, /magic header/);

  const bench = await guestBytes('bench');
  const truncated = await refusal(bench.subarray(0, 100));
  assert.equal(truncated.kind, 'malformed');
  assert.ok(truncated.offset <= 100, `offset ${truncated.offset}`);

  const core = await refusal(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  assert.equal(core.kind, 'not-a-component');
  assert.equal(core.offset, 4);

  const empty = await refusal(new Uint8Array());
  assert.equal(empty.kind, 'malformed');
});

test('a `borrow` parameter of an async export or of an async call between components loads (the task is its borrow scope)', async () => {
  const loads = async (text) => (await load(watBytes({ text }))).imports.length;
  assert.equal(
    await loads(`(component (type $r' (resource (rep i32))) (export $r "r" (type $r'))
      (core module $m (func (export "f") (param i32) (result i32) unreachable) (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
      (core instance $m (instantiate $m))
      (import "host" (instance $host (export "r" (type (sub resource)))))
      (alias export $host "r" (type $hr))
      (func (export "f") async (param "x" (borrow $hr)) (canon lift (core func $m "f") async (callback (core func $m "cb")))))`),
    1,
  );
  assert.equal(
    await loads(`(component (type $r' (resource (rep i32))) (export $r "r" (type $r'))
      (component $callee
        (import "r" (type $r (sub resource)))
        (core module $m (func (export "f") (param i32) (result i32) unreachable) (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
        (core instance $m (instantiate $m))
        (func (export "f") async (param "x" (borrow $r)) (canon lift (core func $m "f") async (callback (core func $m "cb")))))
      (instance $callee (instantiate $callee (with "r" (type $r))))
      (alias export $callee "f" (func $f))
      (core func $f (canon lower (func $f)))
      (core module $use (import "" "f" (func (param i32))))
      (core instance (instantiate $use (with "" (instance (export "f" (func $f)))))))`),
    0,
  );
});

test('what the async runtime runs loads: async lowers of host functions, async lifts, their built-ins', async () => {
  const lowered = await load(watBytes({ file: `${fixturesDir}async-lower.wat` }));
  assert.deepEqual(lowered.imports.map((i) => i.functions), [['ping', 'fetch', 'count']]);
  // Callback-lifted, stackful (it runs under JSPI only) and lifted without `async`.
  const lifted = await load(watBytes({ file: `${fixturesDir}async-lift.wat` }));
  assert.deepEqual(lifted.exports.map((e) => e.name), ['greet', 'spin', 'measure', 'tick']);
  // The `error-context` built-ins, and the type.
  await load(watBytes({ file: `${fixturesDir}async-error-context.wat` }));
  // Async calls between the components of a composition.
  await load(watBytes({ file: `${fixturesDir}async-compose.wat` }));
  // What wit-bindgen's Rust async support emits (tests/guests/async-calls).
  const built = await load(await guestBytes('async-calls'));
  assert.ok(built.exports.some((e) => e.name === 'example:async-calls/api@0.1.0'));
  // Every `stream.*` and `future.*` built-in, with and without an element type.
  const { bytes } = await fixture('async-streams');
  assert.ok(await load(bytes));
  // Every async type: `stream`, `future` and `error-context`.
  assert.ok(await load((await fixture('async-types')).bytes));
});

test('a cooperative-thread built-in is refused by name, an invalid async built-in as invalid, each at its offset', async () => {
  const thread = await refusal(watBytes({ file: `${fixturesDir}async-thread-new-indirect.wat` }));
  assert.equal(thread.kind, 'unsupported');
  assert.equal(thread.message, '`thread.new-indirect` (component-model threads) is not supported (at offset 0x4b)');
  assert.equal(thread.offset, 0x4b);
  const invalid = await refusal(watBytes({ file: `${fixturesDir}async-stream-read-of-future.wat` }));
  assert.equal(invalid.kind, 'invalid');
  assert.equal(invalid.message, '`stream.read` requires a stream type (at offset 0x10)');
  assert.equal(invalid.offset, 0x10);
});

test('a broken function body is refused by the compiler with an offset into the component', async () => {
  const bench = await guestBytes('bench');
  const { modules } = await planOf(bench);
  // Turn the `end` opcode closing the main module's last function body into an invalid opcode.
  const corrupt = bench.slice();
  const main = modules.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
  const code = codeSection(bench.subarray(main.start, main.end));
  assert.equal(bench[main.start + code.end - 1], 0x0b);
  corrupt[main.start + code.end - 1] = 0xff;
  // host-core leaves bodies to the compiler, and its reading of them for engine features fails
  // here too: the compiler's message stands.
  const error = await refusal(corrupt);
  assert.equal(error.kind, 'invalid');
  assert.match(error.message, new RegExp(`^invalid core module ${modules.indexOf(main)}: `));
  assert.ok(error.cause instanceof WebAssembly.CompileError, `cause: ${error.cause}`);
  assert.ok(error.offset >= main.start && error.offset <= main.end, `offset ${error.offset} outside the module`);
});

test('the trusted build plans without validating', async () => {
  const component = await load(await guestBytes('bench'), { validate: false });
  const instance = await component.instantiate(noHost);
  assert.equal(instance.exports.api.add(40, 2), 42);
});

/** The byte range of a core module's code section (id 10), from its section headers. */
function codeSection(module) {
  const leb = (at) => {
    let value = 0, shift = 0, byte;
    do {
      byte = module[at++];
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return [value, at];
  };
  for (let at = 8; at < module.length; ) {
    const id = module[at];
    const [size, start] = leb(at + 1);
    if (id === 10) return { start, end: start + size };
    at = start + size;
  }
  throw new Error('no code section');
}

async function planOf(bytes) {
  const { engine } = await import('../../js/engine.js');
  return JSON.parse((await engine('full')).plan(bytes, true));
}

test('a missing file or a failed fetch is a load error naming it', async () => {
  const missing = await load('/definitely/not/here.wasm').then(() => assert.fail('loaded'), (e) => e);
  assert.ok(missing instanceof TerrariumError);
  assert.equal(missing.kind, 'load');
  assert.match(missing.message, /not\/here\.wasm/);
  const notFound = await load(new Response('nope', { status: 404 })).then(() => assert.fail('loaded'), (e) => e);
  assert.equal(notFound.kind, 'load');
  assert.match(notFound.message, /404/);
});

test('the core modules load() compiles early, found without the engine, are those the plan lists', async () => {
  const planner = await engine('full');
  const files = readdirSync(componentsDir).filter((f) => f.endsWith('.wasm'));
  assert.ok(files.length > 20, files.join(' '));
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(`${componentsDir}${file}`));
    // The plan as host-core makes it, nothing compiled (Node lacks some of the features these use).
    const plan = JSON.parse(planner.plan(bytes, true));
    const planned = plan.modules.filter((m) => m.import === undefined).map(({ start, end }) => ({ start, end }));
    assert.deepEqual(coreModuleRanges(bytes), planned, file);
  }
  // Bytes it cannot walk give what it found so far, and load() still says what is wrong.
  const bench = await guestBytes('bench');
  for (const cut of [9, 20, 70, bench.length - 3]) assert.doesNotThrow(() => coreModuleRanges(bench.subarray(0, cut)));
  await assert.rejects(load(bench.subarray(0, 70)), (e) => e instanceof TerrariumError && e.kind === 'malformed');
});
