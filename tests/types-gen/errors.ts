// Deliberate mistakes: tests/node/types-gen.test.mjs compiles this file against the generated
// declarations and expects tsc to refuse exactly the lines marked `// error`, and no others.
import { load } from 'terrarium-wasm';
import type * as T from './generated/types.js';
import type * as B from './generated/bench.js';

export async function mistakes(rt: T.Roundtrip, exports: T.Exports, bench: B.Exports): Promise<void> {
  rt.echoU64(1); // error: a u64 is a bigint
  const n: number = rt.echoS64(1n); // error: an s64 comes back as a bigint
  rt.echoU8('1'); // error: a u8 is a number
  rt.echoColor('purple'); // error: not a case of the enum
  rt.echoShape({ tag: 'circle' }); // error: the case has a payload
  rt.echoShape({ tag: 'square', val: 1 }); // error: no such case
  rt.echoPoint({ x: 1, y: 2 }); // error: a record field is missing
  rt.echoBytes('bytes'); // error: list<u8> is a Uint8Array
  rt.echoTuple3([1, 'two']); // error: a tuple of three
  rt.echoOptionOptionString('x'); // error: a nested option is tagged
  const tagged: { tag: 'ok'; val: number } = rt.echoResult({ tag: 'ok', val: 1 }); // error: the ok value is returned
  rt.echoResult(1); // error: a result parameter is { tag, val }
  rt.echoPermissions({ read: 1 }); // error: flags are booleans
  rt.echoMixed({ a: 1 }); // error: fields are missing
  exports.roundtrip.noSuchFunction(); // error: no such export
  const v: number = exports.version(); // error: version returns a string
  bench.api.add(1, 2, 3); // error: too many arguments
  bench.api.add('1', 2); // error: a u32 is a number
  const imports: B.Imports = {}; // error: example:bench/host is needed
  const wrongHost: T.Imports = {
    'example:types/host-values': { makePoint: (x: number, y: number) => ({ x, y }), failWith: (c: number) => c }, // error: label missing
    getSeed: () => 42, // error: a u64 is a bigint
  };
  const component = await load('dist/components/types.wasm');
  const instance = await component.instantiate<T.Exports>(wrongHost);
  instance.exports.roundtrip.echoBool('yes'); // error: a bool is a boolean
  void [n, tagged, v, imports];
}
