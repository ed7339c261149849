// TypeScript declarations written from the plan (`component.types()`, `terrarium types`): their text
// for the guests, synchronous and for `blocking: 'jspi'` / `'worker'`, and `tsc` over code written
// against them (tests/types-gen/), which must compile and run when it is right (the asynchronous
// form under a worker, so what it calls a promise is checked to be one) and must be refused, line by
// line, when it is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load } from '../../js/index.js';
import { declarations } from '../../js/types/index.js';
import { componentsDir, guestBytes } from './support.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folder = fileURLToPath(new URL('../types-gen/', import.meta.url));
const generated = `${folder}generated/`;
const tsc = `${root}node_modules/typescript/bin/tsc`;

const components = {};
const text = {};
for (const name of ['bench', 'types', 'trap', 'resources', 'async-streams']) {
  components[name] = await load(await guestBytes(name));
  text[name] = await components[name].types({ name: `${name}.wasm` });
}
/** The asynchronous forms, by guest: for instances made with `blocking: 'worker'` and `'jspi'`. */
const worker = {};
const jspi = {};
for (const name of ['bench', 'types', 'resources']) {
  worker[name] = await components[name].types({ name: `${name}.wasm`, blocking: 'worker' });
  jspi[name] = await components[name].types({ name: `${name}.wasm`, blocking: 'jspi' });
}

/** The lines of `block` (`export interface Api {` … `}`, or `} & …` for a type) in `source`, trimmed. */
function block(source, opening) {
  const lines = source.split('\n');
  const start = lines.indexOf(opening);
  assert.ok(start >= 0, `no line \`${opening}\``);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('}'));
  return lines.slice(start + 1, end).map((l) => l.trim()).filter((l) => !l.startsWith('/**'));
}

function includesLines(source, expected) {
  const lines = new Set(source.split('\n'));
  for (const line of expected) assert.ok(lines.has(line), `missing line:\n${line}\nin:\n${source}`);
}

test('bench: the exported interface, Exports under both names, the jco-style const, and Imports', () => {
  const d = text.bench;
  assert.match(d, /^\/\/ TypeScript declarations for bench\.wasm, written by Terrarium/);
  assert.deepEqual(block(d, 'export interface Api {'), [
    'noop(): void;',
    'add(a: number, b: number): number;',
    'callHost(msg: string): void;',
    'echoString(s: string): string;',
    'sumBytes(data: Uint8Array): bigint;',
    'sumFloats(data: Float32Array): number;',
    'stringLength(s: string): number;',
  ]);
  includesLines(d, ['  /** `add: func(a: u32, b: u32) -> u32` */', '  /** `sum-bytes: func(data: list<u8>) -> u64` */']);
  assert.deepEqual(block(d, 'export interface Exports {'), ['api: Api;', "'example:bench/api@0.1.0': Api;"]);
  includesLines(d, ['export declare const api: Api;']);
  assert.deepEqual(block(d, 'export interface Host {'), ['log(msg: string): void;']);
  // Either spelling of the interface's name, as the runtime takes either.
  includesLines(d, ["export type Imports = ({ 'example:bench/host': Host } | { 'example:bench/host@0.1.0': Host });"]);
  assert.doesNotMatch(d, /^\/\/ Types/m, 'bench uses no named types');
});

test('types: every value convention, as jco writes it', () => {
  const d = text.types;
  assert.deepEqual(block(d, 'export interface Point {'), ['x: number;', 'y: number;', 'label: string;']);
  includesLines(d, [
    '/** WIT variant `shape` */',
    'export type Shape =',
    "  | { tag: 'circle'; val: number }",
    "  | { tag: 'rectangle'; val: Point }",
    "  | { tag: 'none' };",
    "export type Color = 'red' | 'green' | 'blue-ish';",
    "export type ErrorCode = 'not-found' | 'denied' | 'too-big';",
    "  | { tag: 'big'; val: bigint }",
  ]);
  assert.deepEqual(block(d, 'export interface Permissions {'), ['read?: boolean;', 'write?: boolean;', 'exec?: boolean;']);
  assert.equal(block(d, 'export interface ManyFlags {').length, 20);
  const mixed = block(d, 'export interface Mixed {');
  assert.equal(mixed.length, 15);
  for (const line of ['b: bigint;', 'g: boolean;', 'h: string;', 'j: bigint;', 'm: Uint8Array;', 'n?: number | undefined;']) {
    assert.ok(mixed.includes(line), line);
  }
  const rt = block(d, 'export interface Roundtrip {');
  for (const line of [
    'echoBool(v: boolean): boolean;',
    'echoS8(v: number): number;',
    'echoU32(v: number): number;',
    'echoS64(v: bigint): bigint;',
    'echoU64(v: bigint): bigint;',
    'echoF32(v: number): number;',
    'echoChar(v: string): string;',
    'echoBytes(v: Uint8Array): Uint8Array;',
    'echoListU32(v: Uint32Array): Uint32Array;',
    'echoListF64(v: Float64Array): Float64Array;',
    'echoListString(v: Array<string>): Array<string>;',
    'echoListListU16(v: Array<Uint16Array>): Array<Uint16Array>;',
    'echoPoint(v: Point): Point;',
    'echoTuple4(v: [number, bigint, string, number]): [number, bigint, string, number];',
    'echoShape(v: Shape): Shape;',
    'echoColor(v: Color): Color;',
    'echoOptionU32(v: number | undefined): number | undefined;',
    "echoOptionOptionString(v: { tag: 'some'; val: string } | { tag: 'none' } | undefined): { tag: 'some'; val: string } | { tag: 'none' } | undefined;",
    'echoOptionPoint(v: Point | undefined): Point | undefined;',
    // a result parameter is tagged; a result return value is the ok value (err throws)
    "echoResult(v: { tag: 'ok'; val: number } | { tag: 'err'; val: string }): number;",
    "echoUnitResult(v: { tag: 'ok'; val?: undefined } | { tag: 'err'; val?: undefined }): void;",
    "echoResultEnum(v: { tag: 'ok'; val: string } | { tag: 'err'; val: ErrorCode }): string;",
    'echoPermissions(v: Permissions): Permissions;',
    'echoPoints(v: Array<Point>): Array<Point>;',
    'callFailWith(code: number): number;',
  ]) {
    assert.ok(rt.includes(line), `Roundtrip lacks ${line}`);
  }
  assert.equal(rt.length, 38);
  includesLines(d, ['  /** `echo-result-enum: func(v: result<string, error-code>) -> result<string, error-code>` */']);
  assert.deepEqual(block(d, 'export interface Exports {'), [
    'roundtrip: Roundtrip;',
    "'example:types/roundtrip@0.1.0': Roundtrip;",
    'version(): string;',
  ]);
  includesLines(d, ['export declare const roundtrip: Roundtrip;', 'export declare function version(): string;']);
  assert.deepEqual(block(d, 'export interface HostValues {'), ['failWith(code: number): number;', 'makePoint(x: number, y: number): Point;']);
  const imports = block(d, 'export type Imports = {');
  assert.deepEqual(imports.slice(0, 1), ['getSeed(): bigint;']);
  includesLines(d, ["} & ({ 'example:types/host-values': HostValues } | { 'example:types/host-values@0.1.0': HostValues });"]);
  // WASI is served by the polyfill: optional, and partial overrides, under either name
  assert.ok(imports.includes("'wasi:cli/stdout'?: Partial<WasiCliStdout>;"));
  assert.ok(imports.includes("'wasi:cli/stdout@0.2.6'?: Partial<WasiCliStdout>;"));
  assert.ok(imports.slice(1).every((l) => /^'wasi:[^']+'\?: Partial<Wasi\w+>;$/.test(l)), imports.join('\n'));
  // host resources: the methods the guest calls on the host's objects, and the class it needs
  assert.deepEqual(block(d, 'export interface OutputStream {'), [
    'subscribe(): Pollable;',
    'checkWrite(): bigint;',
    'write(contents: Uint8Array): void;',
    'blockingFlush(): void;',
  ]);
  includesLines(d, [
    "  | { tag: 'last-operation-failed'; val: Error }",
    'export interface Error {}',
    '  OutputStream: abstract new (...args: any[]) => OutputStream;',
    '  InputStream?: abstract new (...args: any[]) => InputStream;',
  ]);
});

test('trap: only WASI imports, all optional', () => {
  const d = text.trap;
  assert.deepEqual(block(d, 'export interface Api {'), ['ok(): number;', 'boom(): void;', 'quit(code: number): void;']);
  const imports = block(d, 'export interface Imports {');
  assert.ok(imports.length > 0 && imports.every((l) => l.includes("?: Partial<")), imports.join('\n'));
});

test('resources: a guest resource as a class, a host resource as an interface and its class type', () => {
  const d = text.resources;
  const counter = block(d, 'export declare class Counter {');
  for (const line of [
    'constructor(start: number);',
    'get(): number;',
    'duplicate(): Counter;',
    'absorb(other: Counter): number;',
    'static sum(a: Counter, b: Counter): number;',
    'static many(n: number): Array<Counter>;',
    '[Symbol.dispose](): void;',
  ]) {
    assert.ok(counter.includes(line), `Counter lacks ${line}`);
  }
  assert.ok(block(d, 'export interface Api {').includes('Counter: typeof Counter;'));
  assert.deepEqual(block(d, 'export interface Labelled {'), ['name: string;', 'item: Counter;']);
  const blob = block(d, 'export interface Blob {');
  assert.ok(blob.includes('read(): Uint8Array;') && blob.includes('size(): number;'), blob.join('\n'));
  assert.ok(
    block(d, 'export interface Host {').includes('Blob: (new (init: Uint8Array) => Blob) & { concat(a: Blob, b: Blob): Blob };'),
  );
  includesLines(d, ["} & ({ 'example:resources/host': Host } | { 'example:resources/host@0.1.0': Host });"]);
  // It declares the lib its `[Symbol.dispose]` needs, so it compiles with the default libs.
  assert.match(d, /^\/\/\/ <reference lib="esnext\.disposable" \/>\n/);
});

/** A plan written by hand: name clashes, reserved words, structural types, world-level resources. */
const synthetic = {
  types: [
    { kind: 'u32' }, // 0
    { kind: 'string' }, // 1
    { kind: 'record', name: 'point', jsName: 'Point', fields: [{ name: 'x', jsName: 'x', type: 0 }] }, // 2
    { kind: 'record', name: 'point', jsName: 'Point', fields: [{ name: 'y-pos', jsName: 'yPos', type: 1 }] }, // 3: another `point`
    { kind: 'option', type: 0 }, // 4
    { kind: 'option', type: 4 }, // 5
    { kind: 'option', type: 5 }, // 6
    { kind: 'result', ok: null, err: 1 }, // 7
    { kind: 'own', resource: 0 }, // 8
    { kind: 'borrow', resource: 0 }, // 9
    { kind: 'enum', names: ['a', 'b-c'] }, // 10: no name, written inline
    { kind: 'variant', name: 'array', jsName: 'Array', cases: [{ name: 'one', type: 0 }] }, // 11: would shadow Array
    { kind: 'list', element: 11 }, // 12
    { kind: 'own', resource: 1 }, // 13
    { kind: 'borrow', resource: 1 }, // 14
    { kind: 'record', fields: [{ name: 'in', jsName: 'in', type: 4 }, { name: 'odd name', jsName: 'odd name', type: 10 }] }, // 15
    { kind: 'flags', names: ['x-y'], jsNames: ['xY'] }, // 16
    { kind: 'list', element: 0 }, // 17: a plain list of u32 is a typed array
    { kind: 'list', element: 1 }, // 18
  ],
  resources: [
    { name: 'thing', jsName: 'Thing', import: null, dtor: null },
    { name: 'handle', jsName: 'Handle', import: 0, dtor: null },
    { name: 'unused', jsName: 'Unused', import: 0, dtor: null },
  ],
  imports: [
    {
      name: 'example:x/host@1.0.0', versionless: 'example:x/host', jsName: '', typeName: 'Host', qualifiedTypeName: 'ExampleXHost',
      wasi: null, kind: 'instance', functions: [], resources: [1, 2],
    },
    { name: 'now', versionless: 'now', jsName: 'now', wasi: null, kind: 'func', functions: ['now'], resources: [] },
  ],
  steps: [
    lower(0, '[constructor]handle', 'constructor', 1, 'Handle', [['size', 0]], 13),
    lower(0, '[method]handle.len', 'method', 1, 'len', [['self', 14]], 0),
    lower(0, '[static]handle.open', 'static', 1, 'open', [['path', 1]], 13),
    lower(0, '[method]handle.len', 'method', 1, 'len', [['self', 14]], 0), // lowered twice: declared once
    lower(1, 'now', 'freestanding', null, 'now', [], 0),
    { op: 'lower', callee: { kind: 'lifted', coreFunc: 0, options: {} }, sig: sig('inner', [], null) },
  ],
  exports: [
    func('[constructor]thing', 'Thing', [['in', 0]], 8),
    func('[method]thing.get', 'get', [['self', 9], ['default', 6]], 6),
    func('[static]thing.make', 'make', [], 7),
    func('default', 'default', [['a', 2], ['b', 3], ['c', 15], ['d', 16]], 12),
    func('lists', 'lists', [['a', 17], ['b', 18]], 10),
    {
      kind: 'instance',
      name: 'example:x/api@1.0.0',
      versionless: 'example:x/api',
      jsName: 'api',
      typeName: 'Api',
      qualifiedTypeName: 'ExampleXApi',
      exports: [func('f', 'f', [['h', 14], ['g', 13]], 7)],
    },
  ],
};

/** `params`: `[name, type]`, or `[name, type, jsName]` where host-core's jsName differs from the name. */
function sig(name, params, result) {
  return { name, params: params.map(([n, type, jsName = n]) => ({ name: n, jsName, type })), result };
}
function lower(imp, name, kind, resource, jsName, params, result) {
  return { op: 'lower', callee: { import: imp, name, kind, resource, jsName }, sig: sig(name, params, result) };
}
/** An exported function; a `[constructor]`/`[method]`/`[static]` one is a member of guest resource 0 (`thing`). */
function func(name, jsName, params, result) {
  const m = /^\[(constructor|method|static)\]/.exec(name);
  const member = m === null ? null : { kind: m[1], resource: 0 };
  return { kind: 'func', name, jsName, coreFunc: 0, sig: sig(name, params, result), options: {}, member };
}

test('a hand-written plan: names made unique, reserved words escaped, structural types inline', () => {
  const d = declarations(synthetic, { name: 'synthetic' });
  assert.deepEqual(block(d, 'export interface Point {'), ['x: number;']);
  assert.deepEqual(block(d, 'export interface Point2 {'), ['yPos: string;']);
  includesLines(d, ['export type Array2 =', "  | { tag: 'one'; val: number };"]);
  assert.deepEqual(block(d, 'export declare class Thing {'), [
    'constructor(in_: number);',
    "get(default_: { tag: 'some'; val: { tag: 'some'; val: number } | { tag: 'none' } } | { tag: 'none' } | undefined): { tag: 'some'; val: { tag: 'some'; val: number } | { tag: 'none' } } | { tag: 'none' } | undefined;",
    'static make(): void;',
    '[Symbol.dispose](): void;',
  ]);
  includesLines(d, [
    '  /** `get: func(default: option<option<option<u32>>>) -> option<option<option<u32>>>` */',
    '  /** `make: static func() -> result<_, string>` */',
    "  default(a: Point, b: Point2, c: { in?: number | undefined; 'odd name': 'a' | 'b-c' }, d: { xY?: boolean }): Array<Array2>;",
    "  lists(a: Uint32Array, b: Array<string>): 'a' | 'b-c';",
    "  /** `default: func(a: point, b: point, c: record { in: option<u32>, odd name: enum { a, b-c } }, d: flags { x-y }) -> list<array>` */",
  ]);
  assert.deepEqual(block(d, 'export interface Exports {'), [
    'api: Api;',
    "'example:x/api@1.0.0': Api;",
    "default(a: Point, b: Point2, c: { in?: number | undefined; 'odd name': 'a' | 'b-c' }, d: { xY?: boolean }): Array<Array2>;",
    "lists(a: Uint32Array, b: Array<string>): 'a' | 'b-c';",
    'Thing: typeof Thing;',
  ]);
  // `default` is no identifier for a declared function; `lists` is
  assert.doesNotMatch(d, /export declare function default/);
  includesLines(d, ["export declare function lists(a: Uint32Array, b: Array<string>): 'a' | 'b-c';"]);
  assert.deepEqual(block(d, 'export interface Api {'), ['f(h: Handle, g: Handle): void;']);
  assert.deepEqual(block(d, 'export interface Handle {'), ['len(): number;']);
  includesLines(d, ['export interface Unused {}']);
  assert.deepEqual(block(d, 'export interface Host {'), [
    'Handle: (new (size: number) => Handle) & { open(path: string): Handle };',
    'Unused?: abstract new (...args: any[]) => Unused;',
  ]);
  assert.deepEqual(block(d, 'export type Imports = {'), ['now(): number;']);
  includesLines(d, ["} & ({ 'example:x/host': Host } | { 'example:x/host@1.0.0': Host });"]);
});

const workerHeader = [
  '// TypeScript declarations for bench.wasm, written by Terrarium from the component, in the',
  "// asynchronous form, for an instance made with `{ blocking: 'worker' }`: every export call returns a",
  "// promise, a guest resource's constructor, methods, statics and `[Symbol.dispose]()` too.",
  "// `Exports` is `instance.exports` (`component.instantiate<Exports>(imports, { blocking: 'worker' })`);",
  "// `Imports` is what `instantiate` needs. Values follow jco's conventions; a `result` return value",
  '// is its ok value and an err rejects (`ComponentError` with `.payload` from an export).',
  '// A host function may return a promise: the worker waits for it.',
  '',
].join('\n');

test("async: blocking 'none' is the synchronous form; anything but 'none', 'jspi' and 'worker' is refused", async () => {
  assert.equal(await components.bench.types({ name: 'bench.wasm', blocking: 'none' }), text.bench);
  const refused = (e) => e instanceof TypeError && e.message === `blocking must be one of 'none', 'jspi', 'worker', not "auto"`;
  await assert.rejects(components.bench.types({ blocking: 'auto' }), refused);
  assert.throws(() => declarations(synthetic, { blocking: 'auto' }), refused);
});

test('async bench: every export returns a promise; under a worker a host function may too; the header says which', () => {
  const d = worker.bench;
  assert.ok(d.startsWith(workerHeader), d);
  assert.deepEqual(block(d, 'export interface Api {'), [
    'noop(): Promise<void>;',
    'add(a: number, b: number): Promise<number>;',
    'callHost(msg: string): Promise<void>;',
    'echoString(s: string): Promise<string>;',
    'sumBytes(data: Uint8Array): Promise<bigint>;',
    'sumFloats(data: Float32Array): Promise<number>;',
    'stringLength(s: string): Promise<number>;',
  ]);
  assert.deepEqual(block(d, 'export interface Exports {'), ['api: Api;', "'example:bench/api@0.1.0': Api;"]);
  includesLines(d, ['export declare const api: Api;']);
  assert.deepEqual(block(d, 'export interface Host {'), ['log(msg: string): void | Promise<void>;']);
  assert.doesNotMatch(d, /reference lib/, 'no resource class: no disposable lib');
  // JSPI: the same exports; host functions return values (only WASI's waits suspend the guest).
  const expected = d
    .replaceAll("{ blocking: 'worker' }", "{ blocking: 'jspi' }")
    .replace('// A host function may return a promise: the worker waits for it.', '// A host function returns its value, not a promise.')
    .replace('log(msg: string): void | Promise<void>;', 'log(msg: string): void;');
  assert.equal(jspi.bench, expected);
});

test('async types: interface members, the world-level function and its jco-style declaration return promises', () => {
  const d = worker.types;
  const rt = block(d, 'export interface Roundtrip {');
  assert.equal(rt.length, 38);
  assert.ok(rt.every((line) => /\): Promise<.+>;$/.test(line)), rt.join('\n'));
  for (const line of [
    'echoU64(v: bigint): Promise<bigint>;',
    'echoPoint(v: Point): Promise<Point>;',
    'echoOptionU32(v: number | undefined): Promise<number | undefined>;',
    "echoResult(v: { tag: 'ok'; val: number } | { tag: 'err'; val: string }): Promise<number>;",
    "echoUnitResult(v: { tag: 'ok'; val?: undefined } | { tag: 'err'; val?: undefined }): Promise<void>;",
    'echoListString(v: Array<string>): Promise<Array<string>>;',
  ]) {
    assert.ok(rt.includes(line), `Roundtrip lacks ${line}`);
  }
  assert.deepEqual(block(d, 'export interface Exports {'), [
    'roundtrip: Roundtrip;',
    "'example:types/roundtrip@0.1.0': Roundtrip;",
    'version(): Promise<string>;',
  ]);
  includesLines(d, ['export declare const roundtrip: Roundtrip;', 'export declare function version(): Promise<string>;']);
  // Values are the same in either form.
  assert.deepEqual(block(d, 'export interface Point {'), ['x: number;', 'y: number;', 'label: string;']);
  // What the host provides, WASI included: a value, or under a worker a promise of it.
  assert.deepEqual(block(d, 'export interface HostValues {'), [
    'failWith(code: number): number | Promise<number>;',
    'makePoint(x: number, y: number): Point | Promise<Point>;',
  ]);
  assert.deepEqual(block(d, 'export type Imports = {').slice(0, 1), ['getSeed(): bigint | Promise<bigint>;']);
  includesLines(d, ['  subscribe(): Pollable | Promise<Pollable>;', '  getStdout(): OutputStream | Promise<OutputStream>;']);
  assert.deepEqual(block(jspi.types, 'export interface Roundtrip {'), rt);
  assert.deepEqual(block(jspi.types, 'export interface HostValues {'), ['failWith(code: number): number;', 'makePoint(x: number, y: number): Point;']);
  includesLines(jspi.types, ['  subscribe(): Pollable;', '  getStdout(): OutputStream;']);
});

test('async resources: the object is an interface and its class a const whose new gives a promise; dispose gives one too', () => {
  const d = worker.resources;
  assert.deepEqual(block(d, 'export interface Counter {'), [
    'get(): Promise<number>;',
    'add(by: number): Promise<number>;',
    'label(): Promise<string>;',
    'setLabel(label: string): Promise<void>;',
    'duplicate(): Promise<Counter>;',
    'absorb(other: Counter): Promise<number>;',
    'swallow(other: Counter): Promise<number>;',
    '[Symbol.dispose](): Promise<void> | undefined;',
  ]);
  assert.deepEqual(block(d, 'export declare const Counter: {'), [
    'new (start: number): Promise<Counter>;',
    'sum(a: Counter, b: Counter): Promise<number>;',
    'doubled(c: Counter): Promise<Counter>;',
    'many(n: number): Promise<Array<Counter>>;',
    'readonly prototype: Counter;',
  ]);
  includesLines(d, [
    '/** The class of `Counter`: `await new Counter(…)`. */',
    '  /** `constructor(start: s32)` */',
    '  /** `many: static func(n: u32) -> list<counter>` */',
  ]);
  assert.doesNotMatch(d, /declare class/);
  const api = block(d, 'export interface Api {');
  assert.ok(api.includes('Counter: typeof Counter;') && api.includes('unwrap(l: Labelled): Promise<Counter>;'), api.join('\n'));
  assert.deepEqual(block(d, 'export interface Labelled {'), ['name: string;', 'item: Counter;']);
  assert.deepEqual(block(d, 'export interface Blob {'), [
    'size(): number | Promise<number>;',
    'read(): Uint8Array | Promise<Uint8Array>;',
    'write(bytes: Uint8Array): void | Promise<void>;',
  ]);
  assert.ok(
    block(d, 'export interface Host {').includes('Blob: (new (init: Uint8Array) => Blob) & { concat(a: Blob, b: Blob): Blob | Promise<Blob> };'),
  );
  assert.match(d, /^\/\/\/ <reference lib="esnext\.disposable" \/>\n/);
  assert.deepEqual(block(jspi.resources, 'export interface Counter {'), block(d, 'export interface Counter {'));
  assert.deepEqual(block(jspi.resources, 'export declare const Counter: {'), block(d, 'export declare const Counter: {'));
  assert.deepEqual(block(jspi.resources, 'export interface Blob {'), ['size(): number;', 'read(): Uint8Array;', 'write(bytes: Uint8Array): void;']);
});

/** `synthetic` whose guest resource has no constructor. */
const noConstructor = { ...synthetic, exports: synthetic.exports.filter((e) => e.name !== '[constructor]thing') };

test('async, a hand-written plan: a guest resource without a constructor stays a class; host statics and world-level imports', () => {
  const d = declarations(synthetic, { name: 'synthetic', blocking: 'worker' });
  assert.deepEqual(block(d, 'export declare const Thing: {'), [
    'new (in_: number): Promise<Thing>;',
    'make(): Promise<void>;',
    'readonly prototype: Thing;',
  ]);
  includesLines(d, ["export declare function lists(a: Uint32Array, b: Array<string>): Promise<'a' | 'b-c'>;"]);
  assert.deepEqual(block(d, 'export interface Host {'), [
    'Handle: (new (size: number) => Handle) & { open(path: string): Handle | Promise<Handle> };',
    'Unused?: abstract new (...args: any[]) => Unused;',
  ]);
  assert.deepEqual(block(d, 'export type Imports = {'), ['now(): number | Promise<number>;']);
  const option = "{ tag: 'some'; val: { tag: 'some'; val: number } | { tag: 'none' } } | { tag: 'none' } | undefined";
  assert.deepEqual(block(declarations(noConstructor, { blocking: 'jspi' }), 'export declare class Thing {'), [
    'private constructor();',
    `get(default_: ${option}): Promise<${option}>;`,
    'static make(): Promise<void>;',
    '[Symbol.dispose](): Promise<void> | undefined;',
  ]);
});

test('terrarium types: stdout, -o, and usage errors', async () => {
  const cli = (...args) => spawnSync(process.execPath, [`${root}js/cli.js`, ...args], { cwd: root, encoding: 'utf8' });
  const printed = cli('types', `${componentsDir}bench.wasm`);
  assert.equal(printed.status, 0, printed.stderr);
  assert.equal(printed.stdout, text.bench);
  await mkdir(generated, { recursive: true });
  const out = `${generated}cli-bench.d.ts`;
  const written = cli('types', `${componentsDir}bench.wasm`, '-o', out);
  assert.equal(written.status, 0, written.stderr);
  assert.equal(written.stdout, '');
  assert.equal(await readFile(out, 'utf8'), text.bench);
  const wrong = cli('types', `${componentsDir}bench.wasm`, '--nope');
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /terrarium types <component\.wasm> \[-o out\.d\.ts\] \[--blocking jspi\|worker\|none\]/);
  // --blocking, before or after -o
  const asynchronous = cli('types', `${componentsDir}bench.wasm`, '--blocking', 'worker');
  assert.equal(asynchronous.status, 0, asynchronous.stderr);
  assert.equal(asynchronous.stdout, worker.bench);
  assert.equal(cli('types', `${componentsDir}bench.wasm`, '--blocking', 'none').stdout, text.bench);
  const both = cli('types', `${componentsDir}resources.wasm`, '-o', out, '--blocking', 'jspi');
  assert.equal(both.status, 0, both.stderr);
  assert.equal(await readFile(out, 'utf8'), jspi.resources);
  for (const misused of [['--blocking', 'auto'], ['--blocking'], ['--blocking', 'jspi', '--blocking', 'worker']]) {
    const r = cli('types', `${componentsDir}bench.wasm`, ...misused);
    assert.equal(r.status, 2, misused.join(' '));
    assert.match(r.stderr, /^usage:/);
  }
});

test('the bundle fetches the declaration writer on first use', async () => {
  const terrarium = await import('terrarium-wasm');
  for (const name of ['bench', 'types']) {
    const component = await terrarium.load(await guestBytes(name));
    assert.equal(await component.types({ name: `${name}.wasm` }), text[name]);
  }
});

function runTsc(project) {
  return spawnSync(process.execPath, [tsc, '-p', `${folder}${project}`, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
}

test('tsc: code written against the declarations compiles and runs; mistakes are refused line by line', async () => {
  await rm(generated, { recursive: true, force: true });
  await mkdir(generated, { recursive: true });
  for (const [name, source] of Object.entries(text)) await writeFile(`${generated}${name}.d.ts`, source);
  for (const [name, source] of Object.entries(worker)) await writeFile(`${generated}${name}-worker.d.ts`, source);
  for (const [name, source] of Object.entries(jspi)) await writeFile(`${generated}${name}-jspi.d.ts`, source);
  await writeFile(`${generated}synthetic.d.ts`, declarations(synthetic, { name: 'synthetic' }));
  await writeFile(`${generated}synthetic-worker.d.ts`, declarations(synthetic, { name: 'synthetic', blocking: 'worker' }));
  await writeFile(`${generated}no-constructor-jspi.d.ts`, declarations(noConstructor, { name: 'no-constructor', blocking: 'jspi' }));

  // usage.ts, async.ts and every generated file (tsconfig.json includes generated/*.d.ts) type-check
  const good = runTsc('tsconfig.json');
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.equal(good.stdout, '');

  // … and do what the declarations promise when run
  const outDir = `${generated}out`;
  const emitted = spawnSync(process.execPath, [tsc, '-p', `${folder}tsconfig.json`, '--noEmit', 'false', '--outDir', outDir], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(emitted.status, 0, emitted.stdout + emitted.stderr);
  const usage = await import(pathToFileURL(`${outDir}/usage.js`).href);
  const process_ = process.cwd();
  process.chdir(root); // usage.ts loads components by paths relative to the repository
  try {
    const result = await usage.typesGuest();
    assert.equal(result.color, 'blue-ish');
    assert.equal(result.maybe, 7);
    assert.deepEqual(result.twice, { tag: 'some', val: 'x' });
    assert.equal(result.mixedN, undefined);
    assert.deepEqual(result.errors, [undefined, 'too-big', 'code 3']);
    assert.equal(result.wide, 42n);
    assert.deepEqual(result.flags, [true, false, true, true]);
    assert.equal(result.same, true);
    assert.equal(await usage.benchGuest(), 5 + 6 + 1 + 2 + 2);

    // async.ts, with `blocking: 'worker'`: what the declarations type as a promise is one.
    const asynchronous = await import(pathToFileURL(`${outDir}/async.js`).href);
    const resources = await asynchronous.resourcesGuest();
    resources.instance[Symbol.dispose]();
    assert.deepEqual(resources.kinds, { constructor: true, method: true, static: true, function: true, dispose: true });
    // add, sum, live, the counter back from `maybe`, the wrapped one, the async `peek` (30) + `consume` (3)
    assert.deepEqual(resources.values, [5, 10, 1, 7, 4, 33]);
    assert.deepEqual(resources.labels, ['m0', 'm1', 'm2']);
    assert.equal(resources.droppedAgain, undefined);
    assert.equal(resources.log[0], "drop c2'", 'the async host `log`, from the destructor');
    const types = await asynchronous.typesGuest();
    types.instance[Symbol.dispose]();
    assert.equal(types.isPromise, true);
    assert.equal(typeof types.version, 'string');
    assert.deepEqual(types.point, { x: 3, y: 4, label: 'made later' });
    assert.equal(types.seed, 42n);
    assert.equal(types.err, 'code 3');
    const streams = await asynchronous.streamsGuest();
    streams.instance[Symbol.dispose]();
    assert.deepEqual(streams, { text: 'ABC', sum: { x: 1, y: 2 }, greeting: 'hello, ts', doubled: 8, instance: streams.instance });
  } finally {
    process.chdir(process_);
  }

  // errors.ts and async-errors.ts: refused, with an error on exactly the lines marked `// error`
  const bad = runTsc('tsconfig.errors.json');
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  for (const [file, least] of [['errors.ts', 20], ['async-errors.ts', 10]]) {
    const source = await readFile(`${folder}${file}`, 'utf8');
    const marked = source
      .split('\n')
      .map((line, i) => (/\/\/ error:/.test(line) ? i + 1 : 0))
      .filter((n) => n > 0);
    assert.ok(marked.length >= least, file);
    const at = new RegExp(`(?:^|/)${file.replace('.', '\\.')}\\((\\d+),\\d+\\): error TS\\d+`, 'gm');
    const reported = [...bad.stdout.matchAll(at)].map((m) => Number(m[1]));
    assert.deepEqual([...new Set(reported)].sort((a, b) => a - b), marked, `${file}:\n${bad.stdout}`);
  }
  assert.doesNotMatch(bad.stdout, /generated\//, 'the declarations themselves compile');
});
