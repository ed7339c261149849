// Core modules, components and instances as values (host-core's fixture
// `module-component-items.wat`, built into dist/components/fixtures/): a component exporting a
// core module and a component that the root instantiates, an instance nested in an exported
// instance, and a core module exported to JS as its WebAssembly.Module.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../js/index.js';
import { guestBytes } from './support.mjs';

test('a core module and a component made by one component run in another, under nested instances', async () => {
  const component = await load(await guestBytes('fixtures/module-component-items'));
  assert.deepEqual(
    component.exports.map(({ name, kind }) => [name, kind]),
    [['example:items/math', 'instance'], ['double-module', 'module']],
  );
  const { exports } = await component.instantiate({});
  assert.equal(exports.math.add(2, 40), 42);
  assert.equal(exports['example:items/math'].inner.double(21), 42);
  assert.throws(() => exports.math.inner.double(-1), RangeError);
});

test('an exported core module is the WebAssembly.Module the component holds', async () => {
  const { exports } = await (await load(await guestBytes('fixtures/module-component-items'))).instantiate({});
  assert.ok(exports.doubleModule instanceof WebAssembly.Module);
  assert.equal(exports.math.inner.doubleModule, exports.doubleModule);
  const instance = await WebAssembly.instantiate(exports.doubleModule);
  assert.equal(instance.exports.double(8), 16);
});

/** A core module exporting `add: (i32, i32) -> i32`. */
const adderModule = () =>
  new WebAssembly.Module(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type: (i32, i32) -> i32
    0x03, 0x02, 0x01, 0x00, // one function of that type
    0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, // export "add"
    0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // local.get 0, local.get 1, i32.add
  ]));

const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

test('a world-level resource type import is the host class; a core-module import a WebAssembly.Module', async () => {
  const component = await load(await guestBytes('fixtures/type-and-module-imports'));
  assert.deepEqual(
    component.imports.map(({ name, kind, jsName }) => [name, kind, jsName]),
    [['counter', 'resource', 'Counter'], ['adder', 'module', 'adder']],
  );
  const dropped = [];
  class Counter {
    constructor(start) {
      this.n = start;
    }
    bump() {
      return ++this.n;
    }
    [dispose]() {
      dropped.push(this.n);
    }
  }
  const { exports } = await component.instantiate({ Counter, adder: adderModule() });
  assert.equal(exports.run(5, 100), 107);
  assert.deepEqual(dropped, [7], 'the guest dropped its own counter');
  // Also under their WIT names.
  const again = await component.instantiate({ counter: Counter, adder: adderModule() });
  assert.equal(again.exports.run(0, 1), 3);
});

test('a missing or wrong core-module import is a link error before any guest code runs', async () => {
  const component = await load(await guestBytes('fixtures/type-and-module-imports'));
  class Counter {}
  await assert.rejects(component.instantiate({ Counter }), (e) => e.kind === 'link' && /adder/.test(e.message));
  await assert.rejects(
    component.instantiate({ Counter, adder: { add: (a, b) => a + b } }),
    (e) => e.kind === 'link' && /WebAssembly\.Module/.test(e.message),
  );
});

test('declarations: a resource type import is its class, a core-module import a WebAssembly.Module', async () => {
  const text = await (await load(await guestBytes('fixtures/type-and-module-imports'))).types();
  assert.ok(text.includes('export interface Imports {\n  Counter: new (start: number) => Counter;\n  adder: WebAssembly.Module;\n}'), text);
  assert.ok(text.includes('export interface Counter {\n  /** `bump: func() -> u32` */\n  bump(): number;\n}'), text);
});
