/**
 * The cases of the async corpus (./async-corpus.mjs) where jco 1.35 gives another outcome than the
 * expected one, with what jco does and why the expected outcome is Terrarium's; kept true the same
 * way as ./known-jco-differences.mjs (a listed case that starts agreeing, or an id that names no
 * case, fails the run). These are differences of JS conventions, where neither the canonical ABI
 * nor a finished JS API says which is right (JS-Reference.md has no streams or futures yet): what
 * the guest computes agrees in both.
 */
export const knownJcoAsyncDifferences = [
  {
    cases: ['async-streams:api.greetLater#awaited once', 'python-async:api.doubledLater#awaited once'],
    jco: 'an export returning future<T> resolves to a `FutureValue`, a thenable whose `then` it hides while ' +
      'the export\'s promise resolves, so one await gives the future and a second its value (the ' +
      '"the future read" cases agree)',
    reason: 'README "stream<T> and future<T>": a future JS receives is a Promise of its value, and an ' +
      'async export returning one resolves to the value, as JS flattens a promise of a promise. jco ' +
      'keeps the layer so that future<future<T>> stays two; Terrarium follows the language.',
  },
  {
    cases: ['async-streams:api.doubleFuture#a plain value'],
    jco: 'throws Error "unrecognized future object (not Promise/Thenable)" for the argument 21',
    reason: 'README "stream<T> and future<T>": JS passes a future as a Promise, a thenable or a plain ' +
      'value, as `await` and `Promise.resolve` take any of them (a value is a future already written).',
  },
  {
    cases: ['async-streams:api.words#a ReadableStream'],
    jco: 'a stream JS receives is a `Stream` of its own (async-iterable, with `read(count)`), not a ' +
      'ReadableStream: no getReader(), pipeTo() or BYOB reads (`for await` reads both alike)',
    reason: 'README "stream<T> and future<T>": a stream JS receives is a ReadableStream, the web\'s ' +
      'own type, so it pipes into fetch bodies, TransformStreams and the other web APIs that take one.',
  },
  {
    cases: ['async-streams:api.lengths#lists of strings in, u32s out'],
    jco: 'its stream object yields each u32 of a stream<u32> as a one-element Uint32Array (3 as ' +
      'Uint32Array[3]); strings and records come as themselves',
    reason: 'README "stream<T> and future<T>": a stream JS receives yields one lifted value a chunk ' +
      '(a number for u32), as a stream of strings or records does in both hosts; only stream<u8> ' +
      'comes in byte chunks (Uint8Array), which the reader of a byte stream expects.',
  },
];
