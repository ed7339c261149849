/**
 * The reply channel from the page to a guest's worker while the worker is blocked in a call.
 *
 * The worker posts its request (a postMessage: the page's thread is free), then waits with
 * Atomics.wait on `control[STATE]`; the page does what was asked (awaiting it if it has to wait:
 * a fetch, a timer, a ReadableStream), writes the encoded answer into `data` (a growable
 * SharedArrayBuffer), and wakes the worker with Atomics.notify.
 */

const STATE = 0;
const LENGTH = 1;
/** Bits the page sets for the worker to see without asking: stdout / stderr were closed. */
const FLAGS = 2;

const IDLE = 0;
const WAITING = 1;
const ANSWERED = 2;

const INITIAL = 64 * 1024;
const MAX = 256 * 1024 * 1024;

export const STDOUT_CLOSED = 1;
export const STDERR_CLOSED = 2;

/** Made by the page, sent to the worker; both sides wrap the same buffers. */
export function createChannelBuffers() {
  return {
    control: new SharedArrayBuffer(16),
    data: new SharedArrayBuffer(INITIAL, { maxByteLength: MAX }),
  };
}

/** The page's side: answers the request the worker is waiting on. */
export class ChannelHost {
  constructor({ control, data }) {
    this.control = new Int32Array(control);
    this.data = data;
  }

  answer(bytes) {
    if (bytes.length > this.data.byteLength) {
      if (bytes.length > MAX) throw new RangeError(`terrarium: a ${bytes.length}-byte answer does not fit the worker channel`);
      let size = this.data.byteLength;
      while (size < bytes.length) size *= 2;
      this.data.grow(Math.min(size, MAX));
    }
    new Uint8Array(this.data, 0, bytes.length).set(bytes);
    Atomics.store(this.control, LENGTH, bytes.length);
    Atomics.store(this.control, STATE, ANSWERED);
    Atomics.notify(this.control, STATE);
  }

  setFlag(bit) {
    Atomics.or(this.control, FLAGS, bit);
  }
}

/** The worker's side: one request at a time, blocking until the page answers. */
export class ChannelGuest {
  constructor({ control, data }) {
    this.control = new Int32Array(control);
    this.data = data;
    this.scratch = new Int32Array(new SharedArrayBuffer(4));
  }

  /** Posts a request with `post()` and blocks until the answer is there; returns its bytes. */
  request(post) {
    Atomics.store(this.control, STATE, WAITING);
    post();
    while (Atomics.load(this.control, STATE) === WAITING) Atomics.wait(this.control, STATE, WAITING);
    const length = Atomics.load(this.control, LENGTH);
    const bytes = new Uint8Array(this.data, 0, length).slice();
    Atomics.store(this.control, STATE, IDLE);
    return bytes;
  }

  /** Sleeps this thread for `ms` milliseconds (a timer's wait). */
  sleep(ms) {
    Atomics.wait(this.scratch, 0, 0, ms);
  }

  flag(bit) {
    return (Atomics.load(this.control, FLAGS) & bit) !== 0;
  }
}
