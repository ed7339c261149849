/**
 * The async half of the differential corpus: component-model async guests (async exports, async
 * host imports answered with promises, `stream<T>` and `future<T>` both ways, a trap after an
 * await), each export called in Terrarium and in jco with the same arguments. The shape and the
 * runner are those of ./corpus.mjs, with two additions, since async values are read over time:
 *   - `args` may be a function giving fresh arguments per call (a ReadableStream is read once);
 *   - `view` turns the awaited result into a comparable value: `readStream` reads a stream to its
 *     end, `awaitAgain` awaits once more (jco hands back a future as a thenable of its own, where
 *     Terrarium's promise is already flattened, see known-jco-async-differences.mjs).
 * A case's outcome is the export's result awaited once, then `view`ed.
 *
 * The host's promises settle on their own, in microtasks: no timers, no wall clock. Every expected
 * value holds under any interleaving the spec allows (jco 1.35 picks at random where a host may
 * choose: its `ASYNC_DETERMINISM = 'random'`).
 */
import { TRAP } from './corpus.mjs';

/** Reads a stream JS received (a ReadableStream, or any async iterable) to its end: its items, or, when they are all byte chunks, their bytes as one Uint8Array. */
export async function readStream(stream) {
  const items = [];
  for await (const item of stream) items.push(item);
  if (items.length === 0 || !items.every((i) => i instanceof Uint8Array)) return items;
  const bytes = new Uint8Array(items.reduce((n, i) => n + i.length, 0));
  let at = 0;
  for (const i of items) {
    bytes.set(i, at);
    at += i.length;
  }
  return bytes;
}

/** Awaits a value once more: the value of a future a JS caller holds, whichever way the host handed it over. */
export const awaitAgain = async (v) => await v;

/** A ReadableStream of `items`, the source JS passes to a guest's `stream<T>` parameter. */
const readable = (items) =>
  new ReadableStream({
    start(controller) {
      for (const item of items) controller.enqueue(item);
      controller.close();
    },
  });

const text = (s) => new TextEncoder().encode(s);

export const components = {
  'async-calls': {
    guest: 'async-calls',
    wasi: true,
    imports: () => ({
      interfaces: {
        'example:async-calls/host': {
          sleep: () => Promise.resolve(),
          // Even values answered at once, odd ones with a promise.
          double: (v) => (v % 2 === 0 ? v * 2 : Promise.resolve(v * 2)),
          note() {},
        },
      },
    }),
  },
  'async-streams': {
    guest: 'async-streams',
    wasi: true,
    imports: () => ({
      interfaces: {
        'example:async-streams/host': {
          written() {},
          numbers: (n) => Array.from({ length: n }, (_, i) => i + 1),
        },
      },
    }),
  },
  'python-async': {
    guest: 'toolchain-python-async',
    wasi: true,
    imports: () => ({
      interfaces: {
        'example:python-async/host': { fetchGreeting: (name) => Promise.resolve(`hello, ${name}`) },
      },
    }),
  },
};

/** @type {Array<{id: string, component: string, fn: string, args: any[] | (() => any[]), expect: any, view?: (v: any) => any}>} */
export const cases = [];

/** Adds one case; its id is `component:fn#label`. */
function call(component, fn, label, args, expect, view) {
  const id = `${component}:${fn}#${label}`;
  if (cases.some((c) => c.id === id)) throw new Error(`duplicate differential case id ${id}`);
  cases.push({ id, component, fn, args, expect, ...(view ? { view } : {}) });
}

// async-calls: callback-lifted exports, async host imports (subtasks), a sync export beside them.
call('async-calls', 'api.echo', '"héllo, wörld"', ['héllo, wörld'], 'héllo, wörld');
call('async-calls', 'api.echo', '""', [''], '');
call('async-calls', 'api.pair', 'string and bytes', ['x', new Uint8Array([1, 2, 3])], ['x', new Uint8Array([1, 2, 3]), 6]);
call('async-calls', 'api.slowAdd', 'after a host sleep', [2, 3], 5);
call('async-calls', 'api.fanOut', '50 host calls at once', [50], 2450n);
call('async-calls', 'api.noteAndCount', 'a sync import from async code', ['four'], 4);
call('async-calls', 'api.asyncAdd', '4, 5', [4, 5], 9);
call('async-calls', 'api.syncAdd', 'a sync export', [40, 2], 42);
call('async-calls', 'api.failLater', 'traps after an await', [], TRAP);

// async-streams: streams and futures both ways.
call('async-streams', 'api.upper', 'two chunks', () => [readable([text('hello, '), text('wörld')])], text('HELLO, WöRLD'), readStream);
call('async-streams', 'api.byteCount', 'three chunks', () => [readable([text('abc'), new Uint8Array(1000), text('d')])], 1004n);
call('async-streams', 'api.byteCount', 'empty', () => [readable([])], 0n);
call('async-streams', 'api.words', '3', [3], ['word-0', 'word-1', 'word-2'], readStream);
call('async-streams', 'api.words', '0', [0], [], readStream);
call('async-streams', 'api.words', 'a ReadableStream', [1], true, (s) => s instanceof ReadableStream);
call('async-streams', 'api.tags', '2 records', [2], [{ name: 'tag-0', n: 0 }, { name: 'tag-1', n: 1 }], readStream);
call('async-streams', 'api.sumPoints', 'three records in', () => [readable([{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: -10, y: 0 }])], { x: -6, y: 6 });
call('async-streams', 'api.lengths', 'lists of strings in, u32s out', () => [readable([['a', 'bc'], [], ['déf']])], [3, 0, 4], readStream);
call('async-streams', 'api.concat', 'a stream of streams', () => [readable([readable([text('ab')]), readable([text('c')])])], text('abc'));
call('async-streams', 'api.sumHostNumbers', 'a stream the host returns', [100], 5050n);
call('async-streams', 'api.greetLater', 'awaited once', ['ann'], 'hello, ann');
call('async-streams', 'api.greetLater', 'the future read', ['bob'], 'hello, bob', awaitAgain);
call('async-streams', 'api.doubleFuture', 'a plain value', [21], 42);
call('async-streams', 'api.doubleFuture', 'a promise', () => [Promise.resolve(5)], 10);
call('async-streams', 'api.counters', 'own resources out', [3], [1, 2, 3], async (s) => (await readStream(s)).map((c) => c.value()));
call('async-streams', 'api.boom', 'a sync export traps', [], TRAP);

// python-async: componentize-py's asyncio over the callback ABI.
call('python-async', 'api.greet', '"py"', ['py'], 'hello, py!');
call('python-async', 'api.greetAll', 'three host calls at once', [['a', 'b', 'c']], ['hello, a', 'hello, b', 'hello, c']);
call('python-async', 'api.countBytes', 'two chunks', () => [readable([text('héllo'), new Uint8Array(4096)])], 4102n);
call('python-async', 'api.doubledLater', 'awaited once', [21], 42);
call('python-async', 'api.doubledLater', 'the future read', [4], 8, awaitAgain);
