// TypeScript declarations written from the plan (`component.types()`, `terrarium types`): their text
// for the guests, and `tsc` over code written against them (tests/types-gen/), which must compile
// and run when it is right and must be refused, line by line, when it is wrong.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load } from '../../js/index.js';
import { declarations } from '../../js/types/index.js';
import { componentsDir, guestBytes } from './support.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folder = fileURLToPath(new URL('../types-gen/', import.meta.url));
const generated = `${folder}generated/`;
const tsc = `${root}node_modules/typescript/bin/tsc`;
const hasResources = existsSync(`${componentsDir}resources.wasm`);

const text = {};
for (const name of ['bench', 'types', 'trap', ...(hasResources ? ['resources'] : [])]) {
  const component = await load(await guestBytes(name));
  text[name] = await component.types({ name: `${name}.wasm` });
}

/** The lines of `block` (`export interface Api {` … `}`) in `source`, trimmed. */
function block(source, opening) {
  const lines = source.split('\n');
  const start = lines.indexOf(opening);
  assert.ok(start >= 0, `no line \`${opening}\``);
  const end = lines.indexOf('}', start);
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
  ]);
  includesLines(d, ['  /** `add: func(a: u32, b: u32) -> u32` */', '  /** `sum-bytes: func(data: list<u8>) -> u64` */']);
  assert.deepEqual(block(d, 'export interface Exports {'), ['api: Api;', "'example:bench/api@0.1.0': Api;"]);
  includesLines(d, ['export declare const api: Api;']);
  assert.deepEqual(block(d, 'export interface Host {'), ['log(msg: string): void;']);
  assert.deepEqual(block(d, 'export interface Imports {'), ["'example:bench/host': Host;"]);
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
  const imports = block(d, 'export interface Imports {');
  assert.deepEqual(imports.slice(0, 2), ["'example:types/host-values': HostValues;", 'getSeed(): bigint;']);
  // WASI is served by the polyfill: optional, and partial overrides
  assert.ok(imports.includes("'wasi:cli/stdout'?: Partial<WasiCliStdout>;"));
  assert.ok(imports.slice(2).every((l) => /^'wasi:[^']+'\?: Partial<Wasi\w+>;$/.test(l)), imports.join('\n'));
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

test('resources: a guest resource as a class, a host resource as an interface and its class type', { skip: !hasResources && 'dist/components/resources.wasm is not built' }, () => {
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
  assert.ok(block(d, 'export interface Imports {').includes("'example:resources/host': Host;"));
});

/** A plan written by hand: name clashes, reserved words, structural types, world-level resources. */
const synthetic = {
  types: [
    { kind: 'u32' }, // 0
    { kind: 'string' }, // 1
    { kind: 'record', name: 'point', fields: [{ name: 'x', jsName: 'x', type: 0 }] }, // 2
    { kind: 'record', name: 'point', fields: [{ name: 'y-pos', jsName: 'yPos', type: 1 }] }, // 3: another `point`
    { kind: 'option', type: 0 }, // 4
    { kind: 'option', type: 4 }, // 5
    { kind: 'option', type: 5 }, // 6
    { kind: 'result', ok: null, err: 1 }, // 7
    { kind: 'own', resource: 0 }, // 8
    { kind: 'borrow', resource: 0 }, // 9
    { kind: 'enum', names: ['a', 'b-c'] }, // 10: no name, written inline
    { kind: 'variant', name: 'array', cases: [{ name: 'one', type: 0 }] }, // 11: would shadow Array
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
    { name: 'example:x/host@1.0.0', versionless: 'example:x/host', jsName: '', wasi: null, kind: 'instance', functions: [], resources: [1, 2] },
    { name: 'now', versionless: 'now', jsName: 'now', wasi: null, kind: 'func', functions: ['now'], resources: [] },
  ],
  steps: [
    lower(0, '[constructor]handle', 'constructor', 1, 'Handle', [['size', 0]], 13),
    lower(0, '[method]handle.len', 'method', 1, 'len', [['self', 14]], 0),
    lower(0, '[static]handle.open', 'static', 1, 'open', [['path', 1]], 13),
    lower(0, '[method]handle.len', 'method', 1, 'len', [['self', 14]], 0), // lowered twice: declared once
    lower(1, 'now', 'freestanding', null, 'now', [], 0),
    { op: 'lower', callee: { kind: 'lifted', coreFunc: 0, options: {} }, func: sig('inner', [], null) },
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
      jsName: 'api',
      exports: [func('f', 'f', [['h', 14], ['g', 13]], 7)],
    },
  ],
};

function sig(name, params, result) {
  return { name, params: params.map(([n, type]) => ({ name: n, type })), result };
}
function lower(imp, name, kind, resource, jsName, params, result) {
  return { op: 'lower', callee: { import: imp, name, kind, resource, jsName }, func: sig(name, params, result) };
}
function func(name, jsName, params, result) {
  return { kind: 'func', name, jsName, coreFunc: 0, func: sig(name, params, result), options: {} };
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
  assert.deepEqual(block(d, 'export interface Imports {'), ["'example:x/host': Host;", 'now(): number;']);
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
  assert.match(wrong.stderr, /terrarium types <component\.wasm> \[-o out\.d\.ts\]/);
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
  await writeFile(`${generated}synthetic.d.ts`, declarations(synthetic, { name: 'synthetic' }));

  // usage.ts and every generated file (tsconfig.json includes generated/*.d.ts) type-check
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
    assert.equal(await usage.benchGuest(), 5 + 6 + 1 + 2 + 1);
  } finally {
    process.chdir(process_);
  }

  // errors.ts: refused, with an error on exactly the lines marked `// error`
  const bad = runTsc('tsconfig.errors.json');
  assert.equal(bad.status, 1, bad.stdout + bad.stderr);
  const source = await readFile(`${folder}errors.ts`, 'utf8');
  const marked = source
    .split('\n')
    .map((line, i) => (/\/\/ error:/.test(line) ? i + 1 : 0))
    .filter((n) => n > 0);
  assert.ok(marked.length >= 20);
  const reported = [...bad.stdout.matchAll(/errors\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1]));
  assert.deepEqual([...new Set(reported)].sort((a, b) => a - b), marked, bad.stdout);
  assert.doesNotMatch(bad.stdout, /generated\//, 'the declarations themselves compile');
});
