// The plan executor (js/runtime/): on host-core's fixtures and on components written here in WAT
// (inline, or under wat/), planned by host-core through the public load().
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { load } from '../../js/index.js';
import { componentInternals } from '../../js/component.js';
import { instantiatePlan } from '../../js/runtime/instantiate.js';
import { ALL_KINDS } from '../../js/abi/kinds.js';
import { TerrariumError, ComponentError, WasiExit } from '../../js/errors.js';
import { fixture, guestBytes, watBytes } from './support.mjs';

/** The path of a component's text under tests/node/wat/. */
const watFile = (name) => fileURLToPath(new URL(`./wat/${name}`, import.meta.url));

/**
 * The component of host-core's fixture `name`, whose plan must be the blessed one, with only the
 * runtime's routing of WASI imports added (`wasi`: none of these imports is WASI's).
 */
async function loadFixture(name) {
  const { bytes, plan } = await fixture(name);
  const component = await load(bytes);
  const routed = { ...plan, imports: plan.imports.map((imp) => ({ ...imp, wasi: null })) };
  assert.deepEqual(componentInternals(component).plan, routed, `${name}: host-core's plan is the blessed one`);
  return component;
}

test('a scalar export: values, wrapping, validation, both export names', async () => {
  const inst = await (await loadFixture('scalar-export')).instantiate({}, { name: 'calc' });
  const { api } = inst.exports;
  assert.equal(inst.exports['example:calc/api@0.1.0'], api);
  assert.equal(api.add(1, 2), 3);
  assert.equal(api.add(2 ** 32 - 1, 2), 1);
  assert.equal(api.add(2 ** 31, 0), 2 ** 31);
  assert.throws(() => api.add(1, 'x'), (e) => e instanceof TypeError && /argument `b` of `example:calc\/api#add`/.test(e.message));
  assert.throws(() => api.add(-1, 0), (e) => e instanceof RangeError && /argument `a`/.test(e.message));
  assert.throws(() => api.add(2 ** 32, 0), RangeError);
  assert.equal(api.add(3, 4), 7, 'a rejected argument does not kill the instance');
});

/** Functions that trap, overflow the stack or answer, in an instance export and at the top. */
const trapping = load(watBytes({ text: `(component
  (core module $m
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (func (export "boom") unreachable)
    (func (export "ok") (result i32) i32.const 7)
    (func $recurse (export "recurse") call $recurse)
    (func (export "id64") (param i64) (result i64) local.get 0))
  (core instance $i (instantiate $m))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func $boom (canon lift (core func $i "boom")))
  (func $ok (result u32) (canon lift (core func $i "ok")))
  (func $recurse (canon lift (core func $i "recurse")))
  (func $id64 (param "x" s64) (result s64) (canon lift (core func $i "id64")))
  (instance $api (export "add" (func $add)) (export "boom" (func $boom)) (export "ok" (func $ok))
    (export "recurse" (func $recurse)) (export "id64" (func $id64)))
  (export "example:bench/api@0.1.0" (instance $api))
  (export "world-ok" (func $ok)))` }));

test('64-bit values and a world-level export under its jsName', async () => {
  const { exports } = await (await trapping).instantiate();
  assert.equal(exports.api.id64(-(2n ** 63n)), -(2n ** 63n));
  assert.equal(exports.worldOk(), 7);
});

test('a trap makes the instance dead; other instances are unaffected', async () => {
  const component = await trapping;
  const a = await component.instantiate({}, { name: 'a' });
  const b = await component.instantiate({}, { name: 'b' });
  assert.equal(a.exports.api.ok(), 7);
  assert.throws(
    () => a.exports.api.boom(),
    (e) =>
      e instanceof TerrariumError &&
      e.name === 'TerrariumError' &&
      e.kind === 'trap' &&
      e.context === 'example:bench/api#boom' &&
      e.cause instanceof WebAssembly.RuntimeError &&
      /^trap in `example:bench\/api#boom`: /.test(e.message),
  );
  assert.throws(() => a.exports.api.ok(), (e) => e.kind === 'dead' && /instance `a` is dead/.test(e.message));
  assert.throws(() => a.exports.api.add(1, 2), (e) => e.kind === 'dead');
  assert.equal(b.exports.api.ok(), 7);
  // Stack overflow is a trap too.
  assert.throws(() => b.exports.api.recurse(), (e) => e.kind === 'trap' && e.cause instanceof RangeError);
  assert.throws(() => b.exports.api.ok(), (e) => e.kind === 'dead');
  // Disposal kills an instance as well.
  const c = await component.instantiate({}, { name: 'c' });
  c[Symbol.dispose]();
  assert.throws(() => c.exports.api.ok(), (e) => e.kind === 'dead' && /disposed/.test(e.message));
});

test('a string import and export with memory, realloc and post-return (fixture string-roundtrip)', async () => {
  const logged = [];
  const { exports } = await (await loadFixture('string-roundtrip')).instantiate({ 'example:host/log': { log: (msg) => logged.push(msg) } });
  assert.equal(exports.echo('héllo 😀'), 'héllo 😀');
  assert.equal(exports.echo(''), '');
  assert.deepEqual(logged, ['héllo 😀', '']);
});

test('a host resource: constructor, method on a borrow, drop disposes (fixture host-resource)', async () => {
  let disposed = 0;
  class Counter {
    constructor(start) {
      this.n = start;
    }
    bump() {
      return ++this.n;
    }
    [Symbol.dispose]() {
      disposed++;
    }
  }
  const { exports } = await (await loadFixture('host-resource')).instantiate({ 'example:host/counter@1.0.0': { Counter } });
  assert.equal(exports.twice(5), 7);
  assert.equal(disposed, 1);
});

test('a guest resource made in one component instance and dropped in another (fixture composed-resource)', async () => {
  const { exports } = await (await loadFixture('composed-resource')).instantiate();
  assert.equal(exports.run(3), undefined);
  assert.equal(exports.run(4), undefined, 'the handle went back to the table of the instance that dropped it');
});

// ---------------------------------------------------------------------------------------------

test('a string export: realloc, return area, post-return, memory growth', async () => {
  const component = await load(watBytes({ text: `(component
    (core module $m
      (memory (export "memory") 1)
      (global $next (mut i32) (i32.const 1024))
      (global $posts (mut i32) (i32.const 0))
      ;; A bump allocator that grows memory when it runs out and copies a reallocated block.
      (func (export "realloc") (param $old i32) (param $old-size i32) (param $align i32) (param $size i32) (result i32)
        (local $ptr i32)
        (local.set $ptr (i32.and (i32.sub (i32.add (global.get $next) (local.get $align)) (i32.const 1))
                                 (i32.sub (i32.const 0) (local.get $align))))
        (global.set $next (i32.add (local.get $ptr) (local.get $size)))
        (if (i32.gt_u (global.get $next) (i32.shl (memory.size) (i32.const 16)))
          (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $next) (i32.shl (memory.size) (i32.const 16))) (i32.const 16))
                                            (i32.const 1))))))
        (if (local.get $old)
          (then (memory.copy (local.get $ptr) (local.get $old)
                  (select (local.get $old-size) (local.get $size) (i32.lt_u (local.get $old-size) (local.get $size))))))
        (local.get $ptr))
      ;; echo(ptr, len): the result (ptr, len) in the return area at 8
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 8) (local.get 0))
        (i32.store (i32.const 12) (local.get 1))
        (i32.const 8))
      (func (export "post") (param i32) (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
      (func (export "post-count") (result i32) (global.get $posts)))
    (core instance $i (instantiate $m))
    (alias core export $i "memory" (core memory $mem))
    (alias core export $i "realloc" (core func $realloc))
    (func $echo (param "s" string) (result string)
      (canon lift (core func $i "echo") (memory $mem) (realloc $realloc) (post-return (core func $i "post"))))
    (func $post-count (result u32) (canon lift (core func $i "post-count")))
    (instance $api (export "echo-string" (func $echo)) (export "post-count" (func $post-count)))
    (export "example:bench/api@0.1.0" (instance $api)))` }));
  const { api } = (await component.instantiate()).exports;
  for (const s of ['', 'hello', 'héllo wörld 😀', 'x'.repeat(200_000), '日本語'.repeat(30_000)]) {
    assert.equal(api.echoString(s), s);
  }
  assert.equal(api.postCount(), 5);
  assert.throws(() => api.echoString(42), TypeError);
  assert.equal(api.postCount(), 5);
  assert.equal(api.echoString('still alive'), 'still alive');
});

// ---------------------------------------------------------------------------------------------
// Imports: a host resource, a `result` import, exit, reentrance.

const ioWat = watFile('io.wat');
const io = load(watBytes({ file: ioWat }));
const ioImports = (host) => ({ 'test:io/stdout@0.1.0': host });

function ioHost() {
  const log = [];
  let disposed = 0;
  let created = 0;
  class OutputStream {
    constructor() {
      created++;
    }
    write(s) {
      log.push(s);
    }
    [Symbol.dispose]() {
      disposed++;
    }
  }
  const host = {
    OutputStream,
    getStdout: () => new OutputStream(),
    tryDiv: (a, b) => {
      if (b === 0) throw 'divide by zero'; // a non-Error thrown value is the err payload
      if (b === 1) throw new ComponentError('payload from ComponentError');
      if (b === 13) throw new Error('host bug');
      if (host.reenter) return host.reenter(a, b);
      return Math.floor(a / b);
    },
    exit: (code) => {
      throw new WasiExit(code);
    },
  };
  return { host, log, stats: () => ({ created, disposed }) };
}

test('a lowered import with a host resource and resource.drop', async () => {
  const { host, log, stats } = ioHost();
  const inst = await (await io).instantiate(ioImports(host), { name: 'io' });
  const { app } = inst.exports;
  app.greet('hello');
  app.greet('wörld 😀');
  assert.deepEqual(log, ['hello', 'wörld 😀']);
  assert.deepEqual(stats(), { created: 2, disposed: 2 });
  // A handle the guest never drops is disposed with the instance.
  app.stash('kept');
  assert.deepEqual(stats(), { created: 3, disposed: 2 });
  inst[Symbol.dispose]();
  assert.deepEqual(stats(), { created: 3, disposed: 3 });
});

test('a host resource lent to an export as a borrow is not disposed', async () => {
  const { host, log, stats } = ioHost();
  const { app } = (await (await io).instantiate(ioImports(host))).exports;
  const out = new host.OutputStream();
  app.writeTo(out, 'one');
  app.writeTo(out, 'two');
  assert.deepEqual(log, ['one', 'two']);
  assert.deepEqual(stats(), { created: 1, disposed: 0 });
  assert.throws(() => app.writeTo(null, 'x'), (e) => e instanceof TypeError && /argument `out`/.test(e.message));
  app.greet('alive');
});

test('a bad pointer passed by the guest to a host import traps', async () => {
  const { host } = ioHost();
  const { app } = (await (await io).instantiate(ioImports(host))).exports;
  assert.throws(
    () => app.greetRaw(65530, 100),
    (e) => e.kind === 'trap' && /out-of-bounds/.test(e.message) && /host import `test:io\/stdout@0.1.0#\[method\]output-stream.write`/.test(e.message),
  );
  assert.throws(() => app.greet('x'), (e) => e.kind === 'dead');
});

test('a result-typed import: return is ok, throw is err; export result unwraps or throws ComponentError', async () => {
  const { host } = ioHost();
  const { app } = (await (await io).instantiate(ioImports(host))).exports;
  assert.equal(app.div(7, 2), 3);
  assert.throws(() => app.div(1, 0), (e) => e instanceof ComponentError && e.payload === 'divide by zero');
  assert.throws(() => app.div(1, 1), (e) => e instanceof ComponentError && e.payload === 'payload from ComponentError');
  assert.equal(app.div(9, 3), 3);
  // An Error without payload is not an err value: it propagates and the instance dies.
  assert.throws(() => app.div(1, 13), (e) => e.message === 'host bug');
  assert.throws(() => app.div(4, 4), (e) => e.kind === 'dead');
});

test('an invalid host result is a TypeError naming the import', async () => {
  const { host } = ioHost();
  host.tryDiv = () => -1;
  const { app } = (await (await io).instantiate(ioImports(host))).exports;
  assert.throws(() => app.div(1, 3), (e) => e instanceof RangeError && /from host import `test:io\/stdout@0.1.0#try-div`/.test(e.message));
});

test('exit inside an export becomes kind exit and kills the instance', async () => {
  const { host } = ioHost();
  const { app } = (await (await io).instantiate(ioImports(host))).exports;
  assert.throws(() => app.quit(3), (e) => e instanceof TerrariumError && e.kind === 'exit' && e.exitCode === 3);
  assert.throws(() => app.greet('x'), (e) => e.kind === 'dead');
});

test('reentering an instance from a host import traps', async () => {
  const { host } = ioHost();
  const inst = await (await io).instantiate(ioImports(host));
  host.reenter = (a, b) => inst.exports.app.div(a, b + 10);
  assert.throws(() => inst.exports.app.div(10, 5), (e) => e.kind === 'trap' && /reentrant/.test(e.message));
  assert.throws(() => inst.exports.app.div(10, 5), (e) => e.kind === 'dead');
});

test('a missing import is a link error before any core module runs', async () => {
  const { host } = ioHost();
  // The io component whose first core module's start function traps, were it ever run.
  const text = readFileSync(ioWat, 'utf8').replace('(core module $libc', '(core module $libc (start $trap) (func $trap unreachable)');
  const component = await load(watBytes({ text }));
  const withoutFn = { ...host, getStdout: undefined };
  await assert.rejects(
    () => component.instantiate(ioImports(withoutFn)),
    (e) => e instanceof TerrariumError && e.kind === 'link' && /`test:io\/stdout@0.1.0`/.test(e.message) && /`getStdout`/.test(e.message),
  );
  const withoutClass = { ...host, OutputStream: undefined };
  await assert.rejects(() => component.instantiate(ioImports(withoutClass)), (e) => e.kind === 'link' && /OutputStream/.test(e.message));
  await assert.rejects(() => component.instantiate({}), (e) => e.kind === 'link' && /missing import/.test(e.message));
  // With everything present, the trapping start function is reached.
  await assert.rejects(() => component.instantiate(ioImports(host)), (e) => e.kind === 'trap');
});

// ---------------------------------------------------------------------------------------------

test('a guest-defined resource is a JS class; dispose runs the destructor', async () => {
  const component = await load(watBytes({ file: watFile('guest-resource.wat') }));
  const { api } = (await component.instantiate()).exports;
  const c = new api.Counter(5);
  assert.ok(c instanceof api.Counter);
  assert.equal(api.Counter.name, 'Counter');
  assert.equal(c.get(), 5);
  c[Symbol.dispose]();
  assert.equal(api.dropped(), 5);
  assert.throws(() => c.get(), TypeError, 'a disposed resource cannot be used');
  const d = new api.Counter(9);
  api.consume(d); // moved into the guest, which drops it: the destructor runs there
  assert.equal(api.dropped(), 9);
  assert.throws(() => api.consume(d), TypeError, 'a moved resource cannot be passed again');
  const e = new api.Counter(11);
  assert.equal(api.repOf(e), 11);
  assert.throws(() => api.Counter.prototype.get.call({}), (err) => err instanceof TypeError && /argument `self`/.test(err.message));
  // A wrapper the host forgets is destroyed when collected.
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  (() => new api.Counter(77))();
  for (let i = 0; i < 20 && api.dropped() !== 77; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(api.dropped(), 77);
});

// ---------------------------------------------------------------------------------------------
// End to end with the Rust guest `types` (every value type, both directions); a missing build fails.

const typesWasm = new URL('../../dist/components/types.wasm', import.meta.url);

test('the `types` guest round-trips every value type', async () => {
  const { load } = await import('../../js/index.js');
  const { readFile } = await import('node:fs/promises');
  const component = await load(new Uint8Array(await readFile(typesWasm)));
  const inst = await component.instantiate({
    getSeed: () => 42n,
    'example:types/host-values': {
      makePoint: (x, y) => ({ x, y, label: 'made by host' }),
      failWith: (code) => {
        if (code !== 0) throw `code ${code}`;
        return 0;
      },
    },
  });
  const r = inst.exports.roundtrip;
  const same = (f, v, ...expected) => assert.deepStrictEqual(r[f](v), expected.length ? expected[0] : v, f);
  same('echoBool', true);
  same('echoS8', -128);
  same('echoU8', 255);
  same('echoS16', -32768);
  same('echoU16', 65535);
  same('echoS32', -(2 ** 31));
  same('echoU32', 2 ** 32 - 1);
  same('echoS64', -(2n ** 63n));
  same('echoU64', 2n ** 64n - 1n);
  same('echoF32', -0);
  same('echoF32', NaN);
  same('echoF64', 1e300);
  same('echoChar', '😀');
  for (const s of ['', 'héllo 😀', 'x'.repeat(100_000)]) same('echoString', s);
  same('echoBytes', new Uint8Array([1, 2, 3]));
  same('echoBytes', new Uint8Array(0));
  same('echoListU32', new Uint32Array([1, 2 ** 32 - 1]));
  same('echoListF64', new Float64Array([Math.PI, -0]));
  same('echoListString', ['a', '', 'ü']);
  same('echoListListU16', [new Uint16Array([1]), new Uint16Array(0)], [new Uint16Array([1]), new Uint16Array(0)]);
  same('echoPoint', { x: 1, y: -2, label: 'p' });
  const mixed = { a: 1, b: 2n ** 64n - 1n, c: 3, d: 1.5, e: -5, f: Math.E, g: true, h: 'ß', i: 'str', j: -7n, k: 8, l: -9, m: new Uint8Array([9]), n: 4, o: -0.5 };
  same('echoMixed', mixed);
  same('echoMixed', { ...mixed, n: undefined });
  assert.equal(r.sumMany(1, -1, 2, -2, 3, -3, 4n, -4n, 0.5, 0.25, 5, -5, 6, -6, 7, -7, 8n, 0.125), 8.875);
  same('echoTuple4', [1, 2n, 's', 1.5]);
  same('echoTuple3', [1, 'x', -1n]);
  for (const v of [{ tag: 'circle', val: 1.5 }, { tag: 'rectangle', val: { x: 1, y: 2, label: 'r' } }, { tag: 'none' }]) same('echoShape', v);
  same('echoColor', 'blue-ish');
  same('echoOptionU32', 5);
  same('echoOptionU32', undefined);
  for (const v of [undefined, { tag: 'none' }, { tag: 'some', val: 'x' }]) same('echoOptionOptionString', v);
  same('echoOptionPoint', { x: 0, y: 0, label: '' });
  same('echoResult', { tag: 'ok', val: 3 }, 3);
  assert.throws(() => r.echoResult({ tag: 'err', val: 'bad' }), (e) => e instanceof ComponentError && e.payload === 'bad');
  same('echoUnitResult', { tag: 'ok', val: undefined }, undefined);
  assert.throws(() => r.echoResultEnum({ tag: 'err', val: 'too-big' }), (e) => e.payload === 'too-big');
  same('echoPermissions', { read: true, write: false, exec: true });
  same('echoManyFlags', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, i % 3 === 0])));
  same('echoPoints', [{ x: 1, y: 2, label: 'a' }, { x: 3, y: 4, label: 'b' }]);
  for (const v of [{ tag: 'small', val: 5 }, { tag: 'big', val: 2n ** 64n - 1n }, { tag: 'float', val: -1.25 }, { tag: 'text', val: 'tx' }, { tag: 'empty' }]) {
    same('echoPayload', v);
  }
  assert.equal(r.callGetSeed(), 42n);
  assert.deepEqual(r.callMakePoint(1, 2), { x: 1, y: 2, label: 'made by host' });
  assert.equal(r.callFailWith(0), 0);
  assert.throws(() => r.callFailWith(3), (e) => e instanceof ComponentError && e.payload === 'code 3');
  assert.equal(inst.exports.version(), '0.1.0');
});

test('a plan needing more than the executor\'s core, run without its extended side, is refused naming what it needs', async () => {
  const cases = [
    ['handle-table', /^the plan has resources, and this runtime was given no `extend`/],
    ['fused', /^step \d+ lowers an async function or one of another component, and this runtime was given no `extend`/],
  ];
  for (const [name, message] of cases) {
    const { plan, bytes } = componentInternals(await load(await guestBytes(name)));
    const modules = await Promise.all(plan.modules.map((m) => WebAssembly.compile(bytes.slice(m.start, m.end))));
    await assert.rejects(
      instantiatePlan(plan, modules, () => ({}), { kinds: ALL_KINDS }),
      (e) => e instanceof TerrariumError && e.kind === 'invalid' && message.test(e.message),
      name,
    );
  }
});

test('a plan of another format (ahead-of-time output of another Terrarium) is refused, naming both formats', async () => {
  const { plan } = await fixture('scalar-export');
  for (const version of [undefined, 2, 4]) {
    await assert.rejects(
      instantiatePlan({ ...plan, version }, [], () => undefined, { kinds: ALL_KINDS }),
      (e) => e instanceof TerrariumError && e.kind === 'unsupported' && /plan format (1|2|4): this runtime reads format 3; transpile the component again/.test(e.message),
    );
  }
});
