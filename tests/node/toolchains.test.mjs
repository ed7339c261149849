// Components made by other toolchains than rustc: the same world (tests/toolchains/wit) built by
// ComponentizeJS, componentize-py and C (wit-bindgen + clang/wasi-libc + the preview1 adapter), by
// scripts/build-toolchains.mjs. Each is loaded, instantiated with its host import and called with
// real values; tests/toolchains/exercise.mjs has the cases, shared with the Chromium test.
//
// Stubs: an interface a guest imports that Terrarium's WASI polyfill does not serve (only
// wasi:filesystem/types and wasi:filesystem/preopens may be, until the polyfill has them: the
// toolchains' libc/adapters import them) is given a stub whose every function throws, but for
// get-directories, which answers "none"; these guests never call the others, which is checked.
// Once the polyfill serves wasi:filesystem, no stub is made and MAY_BE_STUBBED can go.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import v8 from 'node:v8';
import { load } from '../../js/index.js';
import { GUESTS, KNOWN_ISSUES, exercise } from '../toolchains/exercise.mjs';
import { componentsDir, guestBytes } from './support.mjs';

// componentize-py links CPython as position-independent shared libraries, whose GOT globals are
// initialised with extended constant expressions (`global.get $__memory_base; i32.const; i32.add`).
// Chromium and Node >= 22 compile those; Node 20's V8 (11.3) only behind a flag. It is a flag of
// the engine, not of Terrarium: set it for this process (each test file runs in its own).
// A module with one global initialised by `i32.const 1; i32.const 2; i32.add`:
const EXTENDED_CONST_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x06, 0x09, 0x01, 0x7f, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b,
]);
const extendedConstNative = WebAssembly.validate(EXTENDED_CONST_MODULE);
if (!extendedConstNative) v8.setFlagsFromString('--experimental-wasm-extended-const');
const extendedConst = WebAssembly.validate(EXTENDED_CONST_MODULE);

// Interfaces the guests may import that the polyfill does not serve yet, and so get stubs.
const MAY_BE_STUBBED = new Set(['wasi:filesystem/types', 'wasi:filesystem/preopens']);
const versionless = (name) => name.replace(/@[^@]*$/, '');

for (const guest of GUESTS) {
  test(`${guest.toolchain}: loads, instantiates and every export returns what the WIT says`, async (t) => {
    // `npm test` builds every toolchain guest (TERRARIUM_REQUIRE_TOOLCHAINS=1): a missing one is a failure.
    assert.ok(existsSync(`${componentsDir}${guest.file}`), `dist/components/${guest.file} was not built (see scripts/build-toolchains.mjs)`);
    if (guest.name === 'python') assert.ok(extendedConst, 'this engine cannot compile extended constant expressions, even with the flag');
    if (guest.name === 'python' && !extendedConstNative) {
      t.diagnostic(`Node ${process.version}: --experimental-wasm-extended-const set for componentize-py's CPython`);
    }
    const report = await exercise({ load }, await guestBytes(guest.file.replace(/\.wasm$/, '')), guest.toolchain);
    t.diagnostic(`loaded in ${report.loadMs} ms`);
    t.diagnostic(`imports: ${report.imports.map((i) => `${i.name}${i.stubbed ? ' (stub)' : ''}`).join(', ')}`);

    for (const r of report.results) {
      const known = KNOWN_ISSUES[guest.name]?.[r.name];
      await t.test(`${r.group}: ${r.name}`, () => {
        if (known) {
          t.diagnostic(`known issue in "${r.name}": ${known}; got ${JSON.stringify(r.actual)}`);
          assert.notDeepEqual(r.actual, r.expected, `"${r.name}" now works: take it off KNOWN_ISSUES.${guest.name} (${known})`);
        } else {
          assert.deepEqual(r.actual, r.expected);
        }
      });
    }

    await t.test('exports the api interface with every function of the world', () => {
      const api = report.exports.find((e) => e.name === 'example:toolchains/api@0.1.0');
      assert.equal(api?.jsName, 'api');
      assert.deepEqual(new Set(api.functions), new Set([
        'toolchain', 'greet', 'sum', 'shout-reversed', 'translate', 'area', 'parse-u32', 'split-labelled',
        'first-longer', 'print', 'now-ms', 'random-bytes',
      ]));
    });

    await t.test('every WASI import is served by the polyfill, but for stubbed ones never called', () => {
      assert.ok(report.imports.some((i) => i.name === 'example:toolchains/host@0.1.0' && !i.providedByWasi));
      for (const i of report.imports) {
        if (!i.name.startsWith('wasi:')) continue;
        assert.ok(i.providedByWasi || MAY_BE_STUBBED.has(versionless(i.name)), `${i.name} is neither served nor expected to be stubbed`);
      }
      assert.deepEqual(report.stubCalls, [], 'a stub was called');
      assert.deepEqual(report.loggedLeft, [], 'host log calls no case took');
    });
  });
}
