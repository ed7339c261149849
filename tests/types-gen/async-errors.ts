// Deliberate mistakes against the asynchronous declarations (`--blocking worker` and `jspi`):
// tests/node/types-gen.test.mjs expects tsc to refuse exactly the lines marked `// error`.
import type * as R from './generated/resources-worker.js';
import type * as T from './generated/types-worker.js';
import type * as TJ from './generated/types-jspi.js';

export async function mistakes(resources: R.Exports, types: T.Exports): Promise<void> {
  const { api } = resources;
  const counter: R.Counter = new api.Counter(1); // error: new gives a promise of the counter
  const value: number = counter.get(); // error: a method gives a promise
  const sum: number = api.Counter.sum(counter, counter); // error: a static gives a promise
  const live = api.live() + 1; // error: a promise is no number
  for (const c of api.Counter.many(2)) void c; // error: a promise of a list is no list
  (await new api.Counter(1)).get().toFixed(); // error: the value is the awaited one
  await new api.Counter('1'); // error: an s32 is a number
  const version: string = types.version(); // error: a world-level function gives a promise
  const jcoStyle: typeof import('./generated/types-worker.js').version = () => 'v'; // error: so does jco's
  const worker: T.Imports = {
    'example:types/host-values': { makePoint: async (x: number, y: number) => ({ x, y, label: '' }), failWith: (c: number) => c },
    getSeed: async () => 42, // error: a u64 is a bigint, in a promise too
  };
  // Under JSPI a host function returns its value.
  const jspi: TJ.Imports = {
    'example:types/host-values': {
      makePoint: async (x: number, y: number) => ({ x, y, label: '' }), // error: not a promise
      failWith: (c: number) => c,
    },
    getSeed: () => 42n,
  };
  void [counter, value, sum, live, version, jcoStyle, worker, jspi];
}
