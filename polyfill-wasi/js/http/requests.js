// wasi:http outgoing requests, their options and bodies.

import { GuestTrap } from '../../../js/errors.js';
import { OutputStream, WRITE_BUDGET, closedError, dispose } from '../io.js';
import { errorCode, internal, ioError } from './errors.js';
import { Fields, TOKEN, latin1 } from './fields.js';

const METHODS = ['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch'];

/** The WIT `method` of an HTTP method's name (`'GET'` → `{ tag: 'get' }`), the inverse of `methodName`. */
export function methodOf(name) {
  const tag = name.toLowerCase();
  return METHODS.includes(tag) && name === name.toUpperCase() ? { tag } : { tag: 'other', val: name };
}

export function methodName(method) {
  if (method?.tag === 'other') return String(method.val);
  if (!METHODS.includes(method?.tag)) throw new TypeError(`wasi:http: not a method: ${JSON.stringify(method)}`);
  return method.tag.toUpperCase();
}

export function schemeName(scheme) {
  if (scheme === undefined || scheme === null) return 'https';
  if (scheme.tag === 'HTTP') return 'http';
  if (scheme.tag === 'HTTPS') return 'https';
  return String(scheme.val).toLowerCase();
}

export class OutgoingRequest {
  #headers;
  #method = { tag: 'get' };
  #path = undefined;
  #scheme = undefined;
  #authority = undefined;
  #body = null;
  #bodyTaken = false;

  constructor(headers) {
    // The request owns its headers from now on; the guest sees them through `headers()` only.
    this.#headers = Fields.entriesOf(headers);
  }

  body() {
    if (this.#bodyTaken) throw undefined;
    this.#bodyTaken = true;
    this.#body = new OutgoingBody(this.#headers);
    return this.#body;
  }

  method() {
    return this.#method;
  }

  setMethod(method) {
    if (method?.tag === 'other' && !TOKEN.test(String(method.val))) throw undefined;
    this.#method = method;
  }

  pathWithQuery() {
    return this.#path;
  }

  setPathWithQuery(path) {
    if (path !== undefined && path !== null && /[\s\u0000-\u001f\u007f]/.test(path)) throw undefined;
    this.#path = path ?? undefined;
  }

  scheme() {
    return this.#scheme;
  }

  setScheme(scheme) {
    if (scheme?.tag === 'other' && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(String(scheme.val))) throw undefined;
    this.#scheme = scheme ?? undefined;
  }

  authority() {
    return this.#authority;
  }

  setAuthority(authority) {
    if (authority !== undefined && authority !== null && /[\s/?#@\\]/.test(authority)) throw undefined;
    this.#authority = authority ?? undefined;
  }

  headers() {
    return Fields.of(this.#headers, true);
  }

  /** Host-only: what `handle` sends. */
  static parts(request) {
    return {
      method: request.#method,
      path: request.#path,
      scheme: request.#scheme,
      authority: request.#authority,
      headers: request.#headers,
      body: request.#body,
    };
  }
}

export class RequestOptions {
  #connect = undefined;
  #firstByte = undefined;
  #betweenBytes = undefined;

  connectTimeout() {
    return this.#connect;
  }
  setConnectTimeout(d) {
    this.#connect = d ?? undefined;
  }
  firstByteTimeout() {
    return this.#firstByte;
  }
  setFirstByteTimeout(d) {
    this.#firstByte = d ?? undefined;
  }
  betweenBytesTimeout() {
    return this.#betweenBytes;
  }
  setBetweenBytesTimeout(d) {
    this.#betweenBytes = d ?? undefined;
  }
}

/** The most of a body kept queued for its reader (fetch, or a Response's) before check-write says 0. */
const BODY_QUEUE_LIMIT = 1024 * 1024;

/**
 * The sink behind an outgoing body's output stream (a request's, or a served response's).
 * Streaming: writes queue up and a ReadableStream (the fetch body, or the Response's) takes them
 * one chunk per pull; `drained` holds once the queue is empty. Buffering: writes are kept and sent
 * whole when the body is finished.
 */
class BodySink {
  closed = false;
  waiter = null;
  #queue = [];
  #queued = 0;
  #total = 0;
  #finished = false;
  #failed = null;
  #started = false;
  stream = null;
  #controller = null;
  #kind;

  /** @param {'request'|'response'} kind */
  constructor(kind) {
    this.#kind = kind;
  }

  get budget() {
    return this.#started ? Math.max(0, Math.min(WRITE_BUDGET, BODY_QUEUE_LIMIT - this.#queued)) : WRITE_BUDGET;
  }

  get total() {
    return this.#total;
  }

  /** Switches to streaming, with `waiter` for the guest's waits; returns the ReadableStream for fetch. */
  startStreaming(waiter) {
    this.waiter = waiter;
    const sink = this;
    const pending = () => !sink.#started || sink.#queued === 0 || sink.closed;
    this.drained = {
      what: `the ${this.#kind} body to be sent`,
      ready: pending,
      whenReady: () => sink.#changed(),
    };
    this.writable = {
      what: `room in the ${this.#kind} body`,
      ready: () => sink.budget > 0 || sink.closed,
      whenReady: () => sink.#changed(),
    };
    this.stream = new ReadableStream(
      {
        start(controller) {
          sink.#controller = controller;
        },
        pull() {
          sink.#started = true;
          if (sink.#give()) return undefined;
          sink.#notify();
          // Nothing to give yet: the pull stays pending until a write (or the end) gives something.
          return new Promise((resolve) => {
            sink.#pullWaiter = resolve;
          });
        },
        cancel() {
          sink.closed = true;
          sink.#notify();
        },
      },
      { highWaterMark: 0 },
    );
    return this.stream;
  }

  #pullWaiter = null;

  /** Hands the next chunk (or the end) to the fetch body; false when there is nothing to give. */
  #give() {
    if (this.#queue.length > 0) {
      const chunk = this.#queue.shift();
      this.#queued -= chunk.length;
      this.#controller.enqueue(chunk);
      this.#notify();
      return true;
    }
    if (this.#finished) {
      this.#controller.close();
      return true;
    }
    return false;
  }

  /** A write or the end happened: a pending pull gets it. */
  #feed() {
    if (this.#pullWaiter !== null && this.#give()) {
      const resolve = this.#pullWaiter;
      this.#pullWaiter = null;
      resolve();
    }
  }

  #listeners = [];
  #changed() {
    return new Promise((resolve) => this.#listeners.push(resolve));
  }
  #notify() {
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const l of listeners) l();
  }

  write(bytes) {
    if (this.closed) throw closedError();
    const copy = new Uint8Array(bytes);
    this.#total += copy.length;
    if (copy.length === 0) return;
    this.#queue.push(copy);
    this.#queued += copy.length;
    this.#feed();
    this.#notify();
  }

  flush() {}

  /** The whole body, for buffering (the queue is never drained then). */
  takeAll() {
    const out = new Uint8Array(this.#queued);
    let at = 0;
    for (const chunk of this.#queue) {
      out.set(chunk, at);
      at += chunk.length;
    }
    this.#queue = [];
    this.#queued = 0;
    return out;
  }

  finish() {
    this.#finished = true;
    this.#feed();
    this.#notify();
  }

  fail(code) {
    if (this.closed) return;
    this.closed = true;
    this.#failed = code;
    this.#controller?.error(new Error(`${this.#kind} body failed: ${code.tag}${typeof code.val === 'string' ? `: ${code.val}` : ''}`));
    const resolve = this.#pullWaiter;
    this.#pullWaiter = null;
    resolve?.();
    this.#notify();
  }

  failure() {
    return this.#failed === null ? null : { tag: 'last-operation-failed', val: ioError(this.#failed) };
  }
}

/** Why trailers cannot go, by kind of body: neither fetch nor a Response has any. */
const NO_TRAILERS = {
  request: 'trailers cannot be sent: fetch has no request trailers',
  response: 'trailers cannot be sent: a Response has no trailers',
};

export class OutgoingBody {
  #kind;
  #sink;
  #streamTaken = false;
  #stream = null;
  #contentLength;
  /** Set by `handle`: called once the body is finished (`null`) or failed (an error code). */
  onFinish = null;
  #done = false;

  /** @param {'request'|'response'} [kind] whose body it is: a request's (the default) or a served response's */
  constructor(headers, kind = 'request') {
    this.#kind = kind;
    this.#sink = new BodySink(kind);
    const declared = headers.find(([n]) => n === 'content-length');
    this.#contentLength = declared === undefined ? null : Number(latin1(declared[1]));
  }

  write() {
    if (this.#streamTaken) throw undefined;
    this.#streamTaken = true;
    this.#stream = new OutputStream(this.#sink);
    return this.#stream;
  }

  /** Host-only. */
  static sinkOf(body) {
    return body.#sink;
  }

  static finish(body, trailers) {
    if (body.#stream !== null && !OutputStream.isDropped(body.#stream)) {
      throw new GuestTrap('wasi:http: outgoing-body.finish while its output-stream is still alive');
    }
    body.#done = true;
    let failure = null;
    if (trailers !== undefined && trailers !== null) {
      failure = internal(NO_TRAILERS[body.#kind]);
    } else if (body.#contentLength !== null && body.#contentLength !== body.#sink.total) {
      failure = errorCode(`HTTP-${body.#kind}-body-size`, BigInt(body.#sink.total));
    }
    if (failure !== null) {
      body.#sink.fail(failure);
      body.onFinish?.(failure);
      throw failure;
    }
    body.#sink.finish();
    body.onFinish?.(null);
  }

  [dispose]() {
    OutgoingBody.fail(this, internal(`the ${this.#kind} body was dropped without outgoing-body.finish`));
  }

  /** Host-only: ends a body neither finished nor dropped, failing it with the error code `failure`. */
  static fail(body, failure) {
    if (body.#done) return;
    body.#done = true;
    body.#sink.fail(failure);
    body.onFinish?.(failure);
  }

  /** Host-only: whether finish (or a drop) happened. */
  static done(body) {
    return body.#done;
  }
}
