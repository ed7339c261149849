/**
 * Promises and streams crossing between the page and a guest's worker (`blocking: 'worker'`): a
 * `future<T>` is a Promise on either side, a `stream<T>` a ReadableStream (or, from JS, an async
 * iterable). The side that has one keeps it (`send`: an id for the codec); the other side gets a
 * stand-in (`receive`) that asks for it through `request`, a call the owner answers later (`serve`):
 * a promise's stand-in asks once for its value; a stream's asks for one chunk per pull, only while
 * its own reader waits (`highWaterMark: 0`), so a slow reader on one side stalls the writer on the
 * other, and its `cancel()` cancels the owner's stream.
 */
import { isThenable } from '../runtime/async/lower-async.js';

/** A ReadableStream, or any async iterable: what JS may pass as a `stream<T>`. */
const isStream = (v) => typeof v?.getReader === 'function' || typeof v?.[Symbol.asyncIterator] === 'function';

export class Relay {
  /** @param {(msg: {op: string, id: number}) => Promise<any>} request asks the other side's `serve` */
  constructor(request) {
    this.request = request;
    /** id → the promise, or the stream's `{next, cancel, bytes}`, the other side holds a stand-in of */
    this.owned = new Map();
    this.nextId = 1;
  }

  /** Whether `v` crosses as a stand-in: `'promise'`, `'stream'`, or null for neither. */
  static kindOf(v) {
    if (isThenable(v)) return 'promise';
    return isStream(v) ? 'stream' : null;
  }

  /** Keeps `v` (of `kind`) for the other side's stand-in: its id, and for a stream whether it is one of bytes. */
  send(v, kind) {
    const id = this.nextId++;
    if (kind === 'promise') {
      this.owned.set(id, v);
      return { id, bytes: false };
    }
    const source = readerOf(v);
    this.owned.set(id, source);
    return { id, bytes: source.bytes };
  }

  /** The stand-in for the other side's promise or stream `id`. */
  receive(kind, id, bytes) {
    if (kind === 'promise') {
      const p = this.request({ op: 'await', id });
      // A future nobody awaits must not report an unhandled rejection when its instance dies.
      p.catch(() => {});
      return p;
    }
    const request = this.request;
    return new ReadableStream(
      {
        type: bytes ? 'bytes' : undefined,
        async pull(controller) {
          const { done, value } = await request({ op: 'pull', id });
          if (!done) {
            controller.enqueue(value);
            return;
          }
          controller.close();
          // A BYOB read waiting when the stream ends completes done, with its view handed back.
          controller.byobRequest?.respond(0);
        },
        cancel(reason) {
          return request({ op: 'cancel', id, reason: reason instanceof Error ? reason : undefined }).catch(() => {});
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Answers a stand-in's request (`await`, `pull`, `cancel`) from what this side owns. */
  async serve({ op, id, reason }) {
    const owned = this.owned.get(id);
    if (owned === undefined) throw new Error(`terrarium: no promise or stream ${id} on this side (it was settled or ended)`);
    if (op === 'await') {
      this.owned.delete(id);
      return owned;
    }
    if (op === 'cancel') {
      this.owned.delete(id);
      return owned.cancel(reason);
    }
    let chunk;
    try {
      chunk = await owned.next();
    } catch (e) {
      this.owned.delete(id);
      throw e;
    }
    if (chunk.done) this.owned.delete(id);
    return { done: chunk.done, value: chunk.done ? undefined : chunk.value };
  }
}

/** A stream JS passes, read one chunk at a time: `{next, cancel, bytes}`. */
function readerOf(v) {
  if (typeof v.getReader !== 'function') {
    const it = v[Symbol.asyncIterator]();
    return { next: () => it.next(), cancel: async () => it.return?.(), bytes: false };
  }
  // A byte stream (a guest's stream<u8>) lends a BYOB reader; its stand-in is a byte stream too.
  let bytes = true;
  try {
    v.getReader({ mode: 'byob' }).releaseLock();
  } catch {
    bytes = false;
  }
  const reader = v.getReader();
  return { next: () => reader.read(), cancel: (reason) => reader.cancel(reason), bytes };
}
