// Compiled by tests/node/types-gen.test.mjs against the declarations that `terrarium types` writes
// for types.wasm and bench.wasm into ./generated/, then run: host code and calls written the way the
// README says type-check, and do at run time what the declarations say.
import { load, ComponentError, type Instance } from 'terrarium-wasm';
import type * as T from './generated/types.js';
import type * as B from './generated/bench.js';

export async function typesGuest() {
  const component = await load('dist/components/types.wasm');
  const imports: T.Imports = {
    'example:types/host-values': {
      makePoint: (x, y) => ({ x, y, label: 'made by host' }),
      failWith(code) {
        if (code !== 0) throw new ComponentError(`code ${code}`);
        return code;
      },
    },
    getSeed: () => 42n,
    // A WASI interface is optional; an entry overrides the built-in one member by member.
    'wasi:cli/environment': { getEnvironment: () => [['A', '1']] },
  };
  const instance: Instance<T.Exports> = await component.instantiate<T.Exports>(imports);
  const rt: T.Roundtrip = instance.exports.roundtrip;
  const same: T.Roundtrip = instance.exports['example:types/roundtrip@0.1.0'];

  const flag: boolean = rt.echoBool(true);
  const small: number = rt.echoU8(255) + rt.echoS8(-1) + rt.echoU16(1) + rt.echoS16(1) + rt.echoS32(1) + rt.echoU32(1);
  const wide: bigint = rt.echoU64(1n) + rt.echoS64(-1n) + rt.callGetSeed();
  const float: number = rt.echoF32(0.5) + rt.echoF64(0.25);
  const text: string = rt.echoChar('x') + rt.echoString('hi') + instance.exports.version();
  const bytes: Uint8Array = rt.echoBytes(new Uint8Array([1, 2]));
  const u32s: Uint32Array = rt.echoListU32(new Uint32Array([1]));
  const f64s: Float64Array = rt.echoListF64(new Float64Array([1]));
  const strings: string[] = rt.echoListString(['a', 'b']);
  const nested: Uint16Array[] = rt.echoListListU16([new Uint16Array([1])]);

  const point: T.Point = rt.echoPoint({ x: 1, y: 2, label: 'p' });
  const points: T.Point[] = rt.echoPoints([point, rt.callMakePoint(3, 4)]);
  const mixed: T.Mixed = rt.echoMixed({
    a: 1, b: 2n, c: 3, d: 4.5, e: -5, f: 6.25, g: true, h: 'h', i: 'i', j: -7n, k: 8, l: -9,
    m: new Uint8Array([10]), o: 11.5, // `n`, an option, may be left out
  });
  const sum: number = rt.sumMany(1, -1, 2, -2, 3, -3, 4n, -4n, 0.5, 0.25, 1, -1, 2, -2, 3, -3, 4n, 0.5);
  const t4: [number, bigint, string, number] = rt.echoTuple4([1, 2n, 'three', 4.5]);
  const t3: [number, string, bigint] = rt.echoTuple3([1, 'two', 3n]);

  const shape: T.Shape = rt.echoShape({ tag: 'rectangle', val: point });
  const area: number = shape.tag === 'circle' ? shape.val : shape.tag === 'rectangle' ? shape.val.x * shape.val.y : 0;
  rt.echoShape({ tag: 'none' });
  const color: T.Color = rt.echoColor('blue-ish');
  const payload: T.Payload = rt.echoPayload({ tag: 'big', val: 1n });
  const payloadText: string = payload.tag === 'text' ? payload.val : '';

  const maybe: number | undefined = rt.echoOptionU32(undefined) ?? rt.echoOptionU32(7);
  const maybePoint: T.Point | undefined = rt.echoOptionPoint(point);
  const twice = rt.echoOptionOptionString({ tag: 'some', val: 'x' });
  const inner: string | undefined = twice === undefined ? undefined : twice.tag === 'some' ? twice.val : undefined;
  rt.echoOptionOptionString({ tag: 'none' });
  rt.echoOptionOptionString(undefined);

  // A result returns its ok value; err throws ComponentError.
  const ok: number = rt.echoResult({ tag: 'ok', val: 1 });
  rt.echoUnitResult({ tag: 'ok' });
  const unitErr = payloadOf(() => rt.echoUnitResult({ tag: 'err', val: undefined }));
  const enumErr = payloadOf(() => rt.echoResultEnum({ tag: 'err', val: 'too-big' }));
  const okText: string = rt.echoResultEnum({ tag: 'ok', val: 'fine' });
  const code: number = rt.callFailWith(0);
  const hostErr = payloadOf(() => rt.callFailWith(3));

  const perms: T.Permissions = rt.echoPermissions({ read: true, exec: false });
  const writable: boolean = perms.write ?? false;
  const many: T.ManyFlags = rt.echoManyFlags({ f0: true, f19: true });

  const counts = [small, float, sum, area, ok, code, t4[0], t3[0], mixed.a, bytes.length, u32s.length];
  const more = [f64s.length, strings.length, nested.length, points.length, maybePoint?.x ?? 0];
  return {
    total: counts.concat(more).reduce((a, b) => a + b, 0),
    text: [text, payloadText, inner ?? '', okText].join('|'),
    wide,
    flags: [flag, writable, perms.read, many.f19],
    color,
    maybe,
    twice,
    mixedN: mixed.n,
    errors: [unitErr, enumErr, hostErr],
    same: same === rt,
  };
}

/** The err payload a call throws as ComponentError. */
function payloadOf(call: () => unknown): unknown {
  try {
    call();
  } catch (e) {
    if (e instanceof ComponentError) return e.payload;
    throw e;
  }
  throw new Error('expected the call to throw ComponentError');
}

export async function benchGuest(): Promise<number> {
  const log: string[] = [];
  const host: B.Host = { log: (msg) => void log.push(msg) };
  const imports: B.Imports = { 'example:bench/host': host };
  const component = await load('dist/components/bench.wasm');
  const { exports } = await component.instantiate<B.Exports>(imports);
  exports.api.noop();
  exports.api.callHost('hello');
  const n: number = exports.api.add(2, 3);
  const total: bigint = exports.api.sumBytes(new Uint8Array([1, 2, 3]));
  const echoed: string = exports['example:bench/api@0.1.0'].echoString('x');
  // jco's module shape: what `import { api } from './bench.js'` would give.
  const jcoStyle: typeof import('./generated/bench.js').api = exports.api;
  return n + Number(total) + echoed.length + jcoStyle.add(1, 1) + log.length;
}
