/**
 * WASI 0.3's `stream<T>` and `future<result<_, error-code>>` as the runtime hands them to and
 * takes them from JS (jco's conventions): a stream the host makes is a ReadableStream (Uint8Array
 * chunks for `stream<u8>`), a stream the guest gives is a ReadableStream, an async iterable or an
 * array; a future is a promise of its value. Every WASI 0.3 function that streams pairs its stream
 * with a future of the outcome, made here.
 */

/** The `result<_, error-code>` values a future resolves to. */
export const OK = Object.freeze({ tag: 'ok', val: undefined });
export const err = (code) => ({ tag: 'err', val: code });

/** A stream that has ended already (an empty body, a stream refused up front). */
export const endedStream = () => new ReadableStream({ start: (controller) => controller.close() });

/**
 * A stream the guest reads, and the future of how it ended. `next()` gives the next chunk (or
 * item), a promise of one, or `undefined` at the end; a throw ends the stream and resolves the
 * future to `err(errorOf(thrown))`. `close()` runs once either way, also when the guest drops the
 * stream early (which is no error: the future is `ok`).
 * @template T
 * @param {{next: () => T|undefined|Promise<T|undefined>, close?: () => void, errorOf: (thrown: unknown) => unknown}} source
 * @returns {[ReadableStream<T>, Promise<{tag: 'ok'|'err', val?: unknown}>]}
 */
export function outgoingStream({ next, close = () => {}, errorOf }) {
  let settle;
  const outcome = new Promise((resolve) => (settle = resolve));
  let closed = false;
  const finish = (result) => {
    if (closed) return;
    closed = true;
    close();
    settle(result);
  };
  const stream = new ReadableStream(
    {
      async pull(controller) {
        try {
          const item = await next();
          if (item === undefined) {
            controller.close();
            finish(OK);
          } else {
            controller.enqueue(item);
          }
        } catch (thrown) {
          const code = errorOf(thrown);
          // The error travels in the future; the stream itself just ends.
          controller.close();
          finish(err(code));
        }
      },
      cancel() {
        finish(OK);
      },
    },
    { highWaterMark: 0 },
  );
  return [stream, outcome];
}

/**
 * Reads a stream the guest gave (a ReadableStream, an async iterable or an array) to its end,
 * awaiting `write(chunk)` for each chunk in order. Resolves to `OK`, or to `err(errorOf(thrown))`
 * when `write` throws (the rest of the stream is then cancelled); `end()` runs after the last
 * chunk, before `OK`, and may throw the same way.
 * @param {ReadableStream<any>|AsyncIterable<any>|Iterable<any>} data
 * @param {{write: (chunk: any) => void|Promise<void>, end?: () => void, errorOf: (thrown: unknown) => unknown}} sink
 */
export async function consumeStream(data, { write, end = () => {}, errorOf }) {
  const reader = readerOf(data);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await write(value);
    }
    end();
    return OK;
  } catch (thrown) {
    reader.cancel().catch(() => {});
    return err(errorOf(thrown));
  }
}

/**
 * A reader of a stream the guest gave (a ReadableStream, an async iterable or an array): `read()`
 * resolves to `{done, value}`, `cancel()` tells the writer nothing more is read.
 * @param {ReadableStream<any>|AsyncIterable<any>|Iterable<any>} data
 */
export function readerOf(data) {
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) return data.getReader();
  const iterable = data !== null && typeof data === 'object';
  const iterator = iterable ? (data[Symbol.asyncIterator]?.() ?? data[Symbol.iterator]?.()) : undefined;
  if (iterator === undefined) throw new TypeError('wasi: a stream must be a ReadableStream, an async iterable or an array');
  return {
    read: async () => iterator.next(),
    cancel: async () => {
      await iterator.return?.();
    },
  };
}
