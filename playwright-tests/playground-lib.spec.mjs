// The playground's two helper modules, run directly in Node (no browser needed): the value syntax
// (demo-site/values.js) and the small WIT reader (demo-site/wit.js) that builds the call forms.

import { test, expect } from '@playwright/test';
import { parseValue, formatValue } from '../demo-site/values.js';
import {
  parseWit, findInterface, findWorldFunc, resolve, typeName, zeroValue as zeroValueOf, coerce as coerceTo, isBuildable,
} from '../demo-site/wit.js';

test('parseValue: JSON plus BigInt, NaN, ±Infinity, -0, unquoted keys, single quotes', () => {
  expect(parseValue('{a: 1, "b-c": [1n, -2n, 0x10n], d: \'it\\\'s\', e: null, f: true,}')).toEqual({
    a: 1, 'b-c': [1n, -2n, 16n], d: "it's", e: null, f: true,
  });
  expect(Object.is(parseValue('-0'), -0)).toBe(true);
  expect(parseValue('NaN')).toBeNaN();
  expect(parseValue('-Infinity')).toBe(-Infinity);
  expect(parseValue('undefined')).toBeUndefined();
  expect(parseValue('"\\u{1F389} \\ud83c\\udf89"')).toBe('🎉 🎉');
  expect(parseValue('18446744073709551615')).toBe(18446744073709551615n);
  expect(parseValue('9007199254740991')).toBe(9007199254740991);
  expect(parseValue('1.5e3')).toBe(1500);
  for (const bad of ['', '[1,', '{a 1}', 'nope', '1.5n', '"open', '1 2']) {
    expect(() => parseValue(bad), bad).toThrow(SyntaxError);
  }
});

test('formatValue: BigInt as 123n, typed arrays as arrays, undefined as null, long values cut', () => {
  expect(formatValue(5)).toBe('5');
  expect(formatValue(-0)).toBe('-0');
  expect(formatValue(2n ** 64n - 1n)).toBe('18446744073709551615n');
  expect(formatValue(new Uint16Array([1, 65535]))).toBe('[1, 65535]');
  expect(formatValue({ x: 1, label: 'p', n: undefined })).toBe('{ x: 1, label: "p", n: null }');
  expect(formatValue({ 'blue-ish': true })).toBe('{ "blue-ish": true }');
  expect(formatValue(undefined)).toBe('null');
  expect(formatValue('x'.repeat(10_000))).toMatch(/more characters \(10000 in all\)/);
  const long = formatValue({ a: 'a'.repeat(40), b: 'b'.repeat(40) });
  expect(long.split('\n')).toHaveLength(4);
  // What formatValue prints, parseValue reads back.
  const value = { a: [1, -0, 2n ** 63n], b: { tag: 'some', val: 'é🎉' }, c: [] };
  expect(parseValue(formatValue(value))).toEqual(value);
});

const WIT = `
package root:component;

world root {
  import example:demo/host@0.1.0;
  import get-seed: func() -> u64;
  @since(version = 0.2.0)
  export example:demo/api@0.1.0;
  export version: func() -> string;
}

package example:demo@0.1.0 {
  interface host {
    record point { x: s32, y: s32, label-text: string }
    log: func(msg: string);
    make: func(x: s32) -> result<point, string>;
  }
  interface api {
    use host.{point as pt};
    type counter = u64;
    enum color { red, blue-ish }
    flags perms { read, write-all }
    variant shape { circle(f32), none }
    resource blob {
      constructor(init: list<u8>);
      size: func() -> u32;
      merge: static func(a: own<blob>, b: borrow<blob>) -> blob;
    }
    /// docs are skipped
    count: func(c: counter, p: pt, o: option<option<pt>>, f: perms, s: shape) -> tuple<u8, counter>;
    take: func(b: borrow<blob>);
    old: func() -> (a: u32, b: string);
  }
}
`;

test('parseWit: worlds, interfaces, uses, aliases, resources, attributes', () => {
  const wit = parseWit(WIT);
  expect(wit.worlds.map((w) => w.name)).toEqual(['root']);
  expect(wit.worlds[0].imports.map((i) => i.name)).toEqual(['example:demo/host@0.1.0', 'get-seed']);
  expect(wit.worlds[0].exports.map((i) => i.name)).toEqual(['example:demo/api@0.1.0', 'version']);
  expect(typeName(findWorldFunc(wit, 'imports', 'get-seed').result)).toBe('u64');
  expect(findWorldFunc(wit, 'exports', 'version').params).toEqual([]);

  const api = findInterface(wit, { name: 'example:demo/api@0.1.0', versionless: 'example:demo/api' });
  expect(api.versionless).toBe('example:demo/api');
  // Another version of the interface than the WIT's is found by its name without version.
  expect(findInterface(wit, { name: 'example:demo/api@0.1.1', versionless: 'example:demo/api' })).toBe(api);
  expect(findInterface(wit, { name: 'example:demo/nope@0.1.0', versionless: 'example:demo/nope' })).toBeUndefined();
  const count = api.funcs.get('count');
  expect(count.params.map((p) => `${p.name}: ${typeName(p.type)}`)).toEqual([
    'c: counter', 'p: pt', 'o: option<option<pt>>', 'f: perms', 's: shape',
  ]);
  expect(typeName(count.result)).toBe('tuple<u8, counter>');
  expect(resolve(count.params[0].type)).toEqual({ kind: 'prim', name: 'u64' });
  expect(resolve(count.params[1].type).kind).toBe('record');
  expect(resolve(count.params[1].type).fields.map((f) => f.name)).toEqual(['x', 'y', 'label-text']);
  expect(typeName(api.funcs.get('old').result)).toBe('tuple<u32, string>');
  const blob = resolve({ kind: 'ref', name: 'blob', scope: api });
  expect(blob.methods.map((m) => `${m.kind} ${m.name}`)).toEqual([
    'constructor constructor', 'method size', 'static merge',
  ]);
  // A resource's functions, under the names the component gives them.
  expect(['[constructor]blob', '[method]blob.size', '[static]blob.merge'].map((name) => api.funcs.get(name))).toEqual(blob.methods);
  expect(isBuildable(count.params[1].type)).toBe(true);
  expect(isBuildable(api.funcs.get('take').params[0].type)).toBe(false);
});

/** What `component.jsNames` holds for a component of this WIT: the fields' and flags' JS spellings. */
const JS_NAMES = new Map([['x', 'x'], ['y', 'y'], ['label-text', 'labelText'], ['read', 'read'], ['write-all', 'writeAll']]);

test('zeroValue and coerce follow jco conventions, spelling fields and flags as the component does', () => {
  const wit = parseWit(WIT);
  const api = findInterface(wit, { name: 'example:demo/api@0.1.0', versionless: 'example:demo/api' });
  const host = findInterface(wit, { name: 'example:demo/host@0.1.0', versionless: 'example:demo/host' });
  const zeroValue = (type, topLevelResult) => zeroValueOf(type, JS_NAMES, topLevelResult);
  const coerce = (value, type) => coerceTo(value, type, JS_NAMES);
  const [c, p, o, f, s] = api.funcs.get('count').params.map((param) => param.type);
  expect(zeroValue(c)).toBe(0n);
  expect(zeroValue(p)).toEqual({ x: 0, y: 0, labelText: '' });
  expect(zeroValue(o)).toBeUndefined();
  expect(zeroValue(f)).toEqual({ read: false, writeAll: false });
  expect(zeroValue(s)).toEqual({ tag: 'circle', val: 0 });
  expect(zeroValue(host.funcs.get('make').result, true)).toEqual({ x: 0, y: 0, labelText: '' });
  expect(zeroValue(host.funcs.get('make').result)).toEqual({ tag: 'ok', val: { x: 0, y: 0, labelText: '' } });

  expect(coerce(5, c)).toBe(5n);
  expect(coerce('12345678901234567890', c)).toBe(12345678901234567890n);
  expect(coerce({ x: 1n, y: 2, 'label-text': 'a' }, p)).toEqual({ x: 1, y: 2, labelText: 'a' });
  expect(coerce(null, o)).toBeUndefined();
  expect(coerce({ tag: 'some', val: { x: 1, y: 2, labelText: '' } }, o)).toEqual({ tag: 'some', val: { x: 1, y: 2, labelText: '' } });
  expect(coerce(['write-all'], f)).toEqual({ read: false, writeAll: true });
  expect(coerce({ 'write-all': true, read: false }, f)).toEqual({ writeAll: true, read: false });
  expect(coerce([7, 9], api.funcs.get('count').result)).toEqual([7, 9n]);
  // Spellings are the component's, never made here.
  expect(() => zeroValueOf(p, new Map())).toThrow('the component gives no JS name for `x`');
});
