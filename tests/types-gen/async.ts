// Compiled by tests/node/types-gen.test.mjs against the asynchronous declarations that `terrarium
// types --blocking worker` writes into ./generated/, then run with `blocking: 'worker'`: awaited
// calls type-check, and what the declarations type as a promise is one at run time. Streams and
// futures (`streamsGuest`) run without a worker.
import { load, ComponentError } from 'terrarium-wasm';
import type * as R from './generated/resources-worker.js';
import type * as T from './generated/types-worker.js';
import type * as S from './generated/async-streams.js';

export async function resourcesGuest() {
  const log: string[] = [];
  class HostBlob {
    data: number[];
    constructor(init: Uint8Array) {
      this.data = [...init];
    }
    write(bytes: Uint8Array) {
      this.data.push(...bytes);
    }
    read() {
      return new Uint8Array(this.data);
    }
    size() {
      return this.data.length;
    }
    static concat(a: HostBlob, b: HostBlob) {
      return new HostBlob(new Uint8Array([...a.data, ...b.data]));
    }
  }
  // Under a worker a host function may return a promise: the guest waits for it.
  const host: R.Host = {
    log: async (msg) => void log.push(msg),
    Blob: HostBlob,
    consume: (b) => b.size(),
    consumeTwo: async (a, b) => (await a.size()) + (await b.size()),
    borrowThenOwn: async (a, b) => (await a.size()) + (await b.size()),
    peek: async (b) => (await b.size()) * 10,
  };
  const component = await load('dist/components/resources.wasm');
  const instance = await component.instantiate<R.Exports>({ 'example:resources/host': host }, { blocking: 'worker' });
  const { api } = instance.exports;

  const made: Promise<R.Counter> = new api.Counter(2);
  const counter: R.Counter = await made;
  const added: Promise<number> = counter.add(3);
  const sum: Promise<number> = api.Counter.sum(counter, counter);
  const live: Promise<number> = api.live();
  const duplicate: R.Counter = await counter.duplicate();
  const dropped: Promise<void> | undefined = duplicate[Symbol.dispose]();
  // Each member kind, as the declarations type it: a promise.
  const promised = { constructor: made, method: added, static: sum, function: live, dispose: dropped };
  const kinds = Object.fromEntries(Object.entries(promised).map(([kind, value]) => [kind, value instanceof Promise]));
  await dropped;
  const droppedAgain = duplicate[Symbol.dispose]();

  // `instanceof` narrows to the object, not to the promise `new` returns.
  const back: unknown = await api.maybe(await new api.Counter(7));
  const narrowed: number = back instanceof api.Counter ? await back.get() : -1;
  const many: R.Counter[] = await api.Counter.many(3);
  const labels: string[] = await Promise.all(many.map((c) => c.label()));
  const labelled: R.Labelled = await api.wrap('w', await new api.Counter(4));
  const lent: number = await api.blobLend(new Uint8Array([1, 2, 3])); // the async peek, then consume

  return {
    kinds,
    values: [await added, await sum, await live, narrowed, await labelled.item.get(), lent],
    labels,
    droppedAgain,
    log,
    instance,
  };
}

export async function typesGuest() {
  const imports: T.Imports = {
    'example:types/host-values': {
      makePoint: async (x, y) => ({ x, y, label: 'made later' }),
      failWith(code) {
        if (code !== 0) throw new ComponentError(`code ${code}`);
        return code;
      },
    },
    getSeed: async () => 42n,
  };
  const component = await load('dist/components/types.wasm');
  const instance = await component.instantiate<T.Exports>(imports, { blocking: 'worker' });
  const { roundtrip: rt } = instance.exports;
  const version: Promise<string> = instance.exports.version();
  // jco's module shape says the same.
  const jcoStyle: typeof import('./generated/types-worker.js').version = instance.exports.version;
  const point: T.Point = await rt.callMakePoint(3, 4);
  const seed: bigint = await rt.callGetSeed();
  // A `result` err rejects with ComponentError.
  const err: unknown = await rt.callFailWith(3).then(
    () => 'no error',
    (e: unknown) => (e instanceof ComponentError ? e.payload : e),
  );
  return {
    isPromise: version instanceof Promise,
    version: await jcoStyle(),
    point,
    seed,
    err,
    instance,
  };
}

/** `stream<T>` and `future<T>` (declarations of `terrarium types`, sync form): what JS passes and receives. */
export async function streamsGuest() {
  const component = await load('dist/components/async-streams.wasm');
  // A host function may answer a `stream<u32>` with an array.
  const host: S.Host = { written: () => {}, numbers: (n) => [n] };
  const instance = await component.instantiate<S.Exports>({ 'example:async-streams/host': host });
  const { api } = instance.exports;
  const upper: ReadableStream<Uint8Array> = await api.upper([new TextEncoder().encode('ab'), 99]);
  let text = '';
  for await (const chunk of upper as unknown as AsyncIterable<Uint8Array>) text += new TextDecoder().decode(chunk);
  async function* points(): AsyncIterable<S.Point> {
    yield { x: 1, y: 2 };
  }
  const sum: S.Point = await api.sumPoints(points());
  const greeting: string = await api.greetLater('ts');
  const doubled: number = await api.doubleFuture(Promise.resolve(4));
  return { text, sum, greeting, doubled, instance };
}
