// Every component the tests build (Rust guests, compositions, WAT, other toolchains) prints its
// world as WIT, and its TypeScript declarations, without an error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import v8 from 'node:v8';
import { load } from '../../js/index.js';
import { componentsDir, guestBytes } from './support.mjs';

// CPython's modules (toolchain-python) use extended-const, and llama-relaxed.wasm relaxed SIMD,
// which Node 20 compiles only behind flags (wit() and types() run none of their code).
v8.setFlagsFromString('--experimental-wasm-extended-const');
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

const names = readdirSync(componentsDir).filter((f) => f.endsWith('.wasm')).map((f) => f.slice(0, -5)).sort();

test('the test components are there', () => {
  for (const name of ['bench', 'types', 'hello', 'resources', 'greeter', 'may-leave']) assert.ok(names.includes(name), name);
});

/** Valid components that WIT cannot describe, and what wit() says of each. */
const NOT_WIT = {
  // A world exports interfaces and functions; this one exports bare resource types at its root.
  'handle-table': "cannot decode the component's WIT: component export `r1` was not a function or instance",
};

for (const name of names) {
  test(`${name}: wit() and types()`, async () => {
    const component = await load(await guestBytes(name));
    if (name in NOT_WIT) {
      await assert.rejects(component.wit(), { name: 'TerrariumError', message: NOT_WIT[name] });
      assert.match(await component.types({ name }), /export interface Exports/);
      return;
    }
    const wit = await component.wit();
    assert.match(wit, /^package [\w:.@-]+;/m);
    assert.match(wit, /world \w[\w-]* \{/);
    for (const exported of component.exports) {
      assert.ok(wit.includes(`export ${exported.name}`), `${name}: export ${exported.name} missing from\n${wit}`);
    }
    const dts = await component.types({ name });
    assert.match(dts, /export interface Exports/);
  });
}
