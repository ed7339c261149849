// Compiled with `tsc --noEmit` by `npm test`: code written against the declarations type-checks.
import { load, run, serve, features, TerrariumError, ComponentError, ErrorContext, type Component } from 'terrarium-wasm';

async function main(): Promise<number> {
  const component: Component = await load('/components/bench.wasm', { validate: false });
  const wit: string = await component.wit();
  const names: string[] = component.imports.map((i) => i.name).concat(component.exports.map((e) => e.jsName));
  // Every JS spelling comes from the descriptions: members of instances, fields and flags.
  const calls: string[] = component.exports.flatMap((e) => (e.members ?? []).map((m) =>
    m.kind === 'func' ? `${e.jsName}.${m.jsName}` : `${e.jsName}.${m.resource?.jsName}${m.kind === 'method' ? '#' : '.'}${m.jsName}`));
  const hostKeys: (string | undefined)[] = component.imports.map((i) => i.versionless ?? i.jsName);
  const field: string | undefined = component.jsNames.get('label-text');
  const instance = await component.instantiate(
    { 'example:bench/host': { log(msg: string) { console.log(msg); } } },
    { wasi: { args: ['bench'], env: { A: '1' }, stdout: 'console', stderr: (bytes: Uint8Array) => bytes.length } },
  );
  const sum: number = instance.exports.api.add(2, 3);
  const bytes = await fetch('/components/hello.wasm');
  const { exitCode } = await run(bytes, { args: ['hello'], env: [['A', '1']], stdin: 'in', imports: {} });
  try {
    instance.exports.api.noop();
  } catch (e) {
    if (e instanceof TerrariumError && e.kind === 'trap') return e.offset ?? -1;
    if (e instanceof ComponentError) return String(e.payload).length;
    // An `error-context` value: an Error carrying the guest's debug message.
    if (e instanceof ErrorContext) return e.debugMessage.length;
  }
  // Waiting guests: JSPI or a worker, exports return promises; deterministic clocks and randomness.
  const waiting = await component.instantiate({}, {
    blocking: features.jspi ? 'jspi' : features.workerBlocking ? 'worker' : 'none',
    wasi: {
      cwd: '/data',
      stdin: new ReadableStream<Uint8Array>(),
      fetch: (input, init) => fetch(input, init),
      http: { requestBodies: 'buffer' },
      clocks: { monotonic: 'virtual', wall: new Date(0) },
      random: { seed: 42n },
    },
  });
  const mode: 'none' | 'jspi' | 'worker' = waiting.blocking;
  const later = await run(component, { blocking: 'auto', clocks: { monotonic: () => 0n, wall: () => ({ seconds: 0n, nanoseconds: 0 }) }, random: { bytes: (n) => new Uint8Array(n) } });
  const handle: (request: Request) => Promise<Response> = await serve(component, {
    maxBody: 1 << 20,
    maxInstances: 8,
    blocking: 'auto',
    wasi: { env: { MODE: 'test' } },
    onError: (error: unknown, request: Request) => console.error(request.url, error),
  });
  const served: Response = await handle(new Request('https://app.test/api/hello'));
  return served.status + sum + exitCode + later.exitCode + mode.length + wit.length + names.length + calls.length + hostKeys.length + (field?.length ?? 0) + (features.jspi ? 1 : 0);
}

void main();
