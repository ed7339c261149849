// wasi:http@0.2 (types, outgoing-handler) over `fetch`.
//
// - A request goes out when the guest calls `outgoing-handler.handle`. Its body is a
//   ReadableStream fed by the guest's writes (`duplex: 'half'`) where the platform can stream a
//   request body: Node always, a browser only over https (a browser streams request bodies over
//   HTTP/2 or 3 only, and http:// is always HTTP/1.1). Elsewhere the body is buffered whole and
//   the request goes out at `outgoing-body.finish`. `http: { requestBodies }` forces either.
// - The response body is read as it arrives, one chunk at a time, when the guest reads or waits.
// - Timeouts (`request-options`) are timers that abort the fetch. fetch does not say when the
//   connection is made, so the connect and first-byte timeouts both bound the time to the response
//   head; each reports its own error code (connection-timeout, connection-read-timeout).
// - fetch exposes no trailers: incoming trailers are always none, and sending trailers fails.
// - Fields refuse the names wasmtime refuses (hop-by-hop headers) and, in a browser, the names
//   fetch would silently drop (the Fetch standard's forbidden request headers): `forbidden`.
//
// See polyfill-wasi/BROWSER-LIMITS.md for each limit and the error a guest gets.

import { isNode } from '#platform';
import { GuestTrap } from '../../js/errors.js';
import {
  BytesSource, InputStream, IoError, OutputStream, Pollable, StreamSource, WRITE_BUDGET, closedError, dispose,
} from './io.js';
import { Waiter } from './wait.js';

/** A browser (page or worker), as opposed to Node: fetch's rules differ. */
const isBrowser = !isNode;

/** Names no fields may hold, after wasmtime (hop-by-hop headers and `host`). */
const HOST_FORBIDDEN = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'transfer-encoding', 'upgrade', 'host', 'http2-settings',
]);
/** The Fetch standard's forbidden request-header names: a browser drops them without a word. */
const BROWSER_FORBIDDEN = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
]);

/** Whether a browser's fetch would drop (or refuse) header `name` (lowercase). */
export function browserForbids(name) {
  return BROWSER_FORBIDDEN.has(name) || name.startsWith('proxy-') || name.startsWith('sec-');
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A header value's bytes are valid: tab, visible ASCII and space, obs-text; nothing else. */
function validValue(bytes) {
  for (const b of bytes) if (!(b === 0x09 || (b >= 0x20 && b !== 0x7f))) return false;
  return true;
}

const latin1 = (bytes) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
};
const fromLatin1 = (s) => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
};

const headerError = (tag) => ({ tag });
const errorCode = (tag, val) => (val === undefined ? { tag } : { tag, val });
const internal = (message) => errorCode('internal-error', message);

/** Turns a duration (u64 ns) into milliseconds for setTimeout. */
const nsToMs = (ns) => Math.max(0, Math.ceil(Number(ns) / 1e6));

/**
 * The spec's `error-code` for a failed fetch (or body read). `why` is the timeout that aborted
 * it, if one did. Node's fetch says why in `cause.code`; a browser never says (a refused
 * connection, a DNS failure, a CORS refusal and a TLS failure all look the same), so there the
 * answer is `destination-unavailable`.
 */
export function fetchErrorCode(error, why, { body = false } = {}) {
  if (why !== null) return errorCode(why);
  const code = error?.cause?.code ?? error?.code;
  const message = error?.cause?.message ?? error?.message ?? String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return errorCode('connection-refused');
    case 'ENOTFOUND':
      return errorCode('DNS-error', { rcode: 'NXDOMAIN', infoCode: undefined });
    case 'EAI_AGAIN':
      return errorCode('DNS-timeout');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return errorCode(body ? 'HTTP-response-incomplete' : 'connection-terminated');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return errorCode('connection-timeout');
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return errorCode('connection-read-timeout');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return errorCode('destination-IP-unroutable');
    case 'UND_ERR_HEADERS_OVERFLOW':
      return errorCode('HTTP-response-header-section-size', undefined);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return errorCode('HTTP-response-incomplete');
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return errorCode('HTTP-request-body-size', undefined);
    case 'UND_ERR_INVALID_ARG':
      return internal(message);
    default:
      break;
  }
  if (typeof code === 'string' && (code.startsWith('CERT_') || code.includes('CERT') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')) {
    return errorCode('TLS-certificate-error');
  }
  if (typeof code === 'string' && (code.startsWith('ERR_SSL') || code === 'EPROTO')) return errorCode('TLS-protocol-error');
  if (/bad port/i.test(message)) return errorCode('HTTP-request-denied');
  if (body) return errorCode('HTTP-response-incomplete');
  if (error instanceof TypeError) return errorCode(isBrowser ? 'destination-unavailable' : 'connection-refused');
  return internal(message);
}

/** The error code behind each IoError an HTTP stream reported (for `http-error-code`). */
const ioErrorCodes = new WeakMap();

function ioError(code, message) {
  const error = new IoError(`wasi:http: ${message ?? code.tag}`);
  ioErrorCodes.set(error, code);
  return error;
}

// ---------------------------------------------------------------------------------------------
// fields

/**
 * wasi:http/types.fields: an ordered list of (lowercase name, value bytes). Immutable fields (a
 * request's or response's headers) refuse changes with `immutable`.
 */
export class Fields {
  #entries;
  #immutable;

  constructor() {
    this.#entries = [];
    this.#immutable = false;
  }

  /** Host-only: fields over `entries`, possibly immutable. */
  static of(entries, immutable) {
    const f = new Fields();
    f.#entries = entries;
    f.#immutable = immutable;
    return f;
  }

  /** Host-only: the entries (shared, not copied). */
  static entriesOf(fields) {
    return fields.#entries;
  }

  static fromList(entries) {
    const f = new Fields();
    for (const [name, value] of entries) f.#add(checkName(name), checkValue(value));
    return f;
  }

  #add(name, value) {
    this.#entries.push([name, new Uint8Array(value)]);
  }

  #mutable() {
    if (this.#immutable) throw headerError('immutable');
  }

  get(name) {
    const key = String(name).toLowerCase();
    return this.#entries.filter(([n]) => n === key).map(([, v]) => new Uint8Array(v));
  }

  has(name) {
    const key = String(name).toLowerCase();
    return this.#entries.some(([n]) => n === key);
  }

  set(name, values) {
    this.#mutable();
    const key = checkName(name);
    const checked = Array.from(values, checkValue);
    const at = this.#entries.findIndex(([n]) => n === key);
    const kept = this.#entries.filter(([n]) => n !== key);
    const added = checked.map((v) => [key, new Uint8Array(v)]);
    kept.splice(at < 0 ? kept.length : at, 0, ...added);
    this.#entries.length = 0;
    this.#entries.push(...kept);
  }

  delete(name) {
    this.#mutable();
    const key = checkName(name);
    const kept = this.#entries.filter(([n]) => n !== key);
    this.#entries.length = 0;
    this.#entries.push(...kept);
  }

  append(name, value) {
    this.#mutable();
    this.#add(checkName(name), checkValue(value));
  }

  entries() {
    return this.#entries.map(([n, v]) => [n, new Uint8Array(v)]);
  }

  /** A mutable copy, even of immutable fields. */
  clone() {
    return Fields.of(this.entries(), false);
  }
}

function checkName(name) {
  const s = String(name);
  if (!TOKEN.test(s)) throw headerError('invalid-syntax');
  const key = s.toLowerCase();
  if (HOST_FORBIDDEN.has(key) || (isBrowser && browserForbids(key))) throw headerError('forbidden');
  return key;
}

function checkValue(value) {
  const bytes = value instanceof Uint8Array ? value : Uint8Array.from(value);
  if (!validValue(bytes)) throw headerError('invalid-syntax');
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// requests

const METHODS = ['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch'];

function methodName(method) {
  if (method?.tag === 'other') return String(method.val);
  if (!METHODS.includes(method?.tag)) throw new TypeError(`wasi:http: not a method: ${JSON.stringify(method)}`);
  return method.tag.toUpperCase();
}

function schemeName(scheme) {
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

/** The largest request body kept queued for fetch before check-write says 0. */
const BODY_QUEUE_LIMIT = 1024 * 1024;

/**
 * The sink behind a request body's output stream. Streaming: writes queue up and a ReadableStream
 * (the fetch body) takes them one chunk per pull; `drained` holds once the queue is empty.
 * Buffering: writes are kept and sent whole when the body is finished.
 */
class RequestBodySink {
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
      what: 'the request body to be sent',
      ready: pending,
      whenReady: () => sink.#changed(),
    };
    this.writable = {
      what: 'room in the request body',
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
    this.#controller?.error(new Error(`request body failed: ${code.tag}`));
    const resolve = this.#pullWaiter;
    this.#pullWaiter = null;
    resolve?.();
    this.#notify();
  }

  failure() {
    return this.#failed === null ? null : { tag: 'last-operation-failed', val: ioError(this.#failed) };
  }
}

export class OutgoingBody {
  #sink = new RequestBodySink();
  #streamTaken = false;
  #stream = null;
  #contentLength;
  /** Set by `handle`: called once the body is finished (`null`) or failed (an error code). */
  onFinish = null;
  #done = false;

  constructor(headers) {
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
      failure = internal('trailers cannot be sent: fetch has no request trailers');
    } else if (body.#contentLength !== null && body.#contentLength !== body.#sink.total) {
      failure = errorCode('HTTP-request-body-size', BigInt(body.#sink.total));
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
    if (this.#done) return;
    this.#done = true;
    const failure = internal('the request body was dropped without outgoing-body.finish');
    this.#sink.fail(failure);
    this.onFinish?.(failure);
  }

  /** Host-only: whether finish (or a drop) happened. */
  static done(body) {
    return body.#done;
  }
}


// ---------------------------------------------------------------------------------------------
// responses

export class FutureIncomingResponse {
  #state = 'pending';
  #value = undefined;
  #promise;
  #waiter;
  #what;

  #abort;

  /**
   * Host-only: `promise` settles with `{ok: IncomingResponse}` or `{err: error-code}`, never
   * rejects; `abort()` gives the request up.
   */
  constructor(promise, waiter, what, abort = () => {}) {
    this.#waiter = waiter;
    this.#what = what;
    this.#abort = abort;
    this.#promise = promise.then((v) => {
      this.#state = 'ready';
      this.#value = v;
    });
  }

  subscribe() {
    return new Pollable(
      { what: this.#what, ready: () => this.#state !== 'pending', whenReady: () => this.#promise },
      this.#waiter,
    );
  }

  get() {
    if (this.#state === 'pending') return undefined;
    if (this.#state === 'taken') return { tag: 'err', val: undefined };
    this.#state = 'taken';
    const v = this.#value;
    return { tag: 'ok', val: 'ok' in v ? { tag: 'ok', val: v.ok } : { tag: 'err', val: v.err } };
  }

  /** Dropped before the response was taken: the request is given up (its body, if any, too). */
  [dispose]() {
    if (this.#state === 'pending') this.#abort();
    else if (this.#state === 'ready' && 'ok' in this.#value) this.#value.ok[dispose]();
    this.#state = 'taken';
  }
}

export class IncomingResponse {
  #status;
  #headers;
  #body;
  #consumed = false;

  /** Host-only. */
  constructor(status, headers, body) {
    this.#status = status;
    this.#headers = headers;
    this.#body = body;
  }

  status() {
    return this.#status;
  }

  headers() {
    return Fields.of(this.#headers, true);
  }

  consume() {
    if (this.#consumed) throw undefined;
    this.#consumed = true;
    return this.#body;
  }

  [dispose]() {
    if (!this.#consumed) this.#body.cancel();
  }
}

export class IncomingBody {
  #source;
  #stream = null;
  #taken = false;
  #cancel;

  /** Host-only: `source` is an InputStream source; `cancel()` stops the download. */
  constructor(source, cancel) {
    this.#source = source;
    this.#cancel = cancel;
  }

  stream() {
    if (this.#taken) throw undefined;
    this.#taken = true;
    this.#stream = new InputStream({
      read: (n) => this.#source.read(n),
      condition: this.#source.condition,
      waiter: this.#source.waiter,
    });
    return this.#stream;
  }

  /** Host-only. */
  cancel() {
    this.#cancel();
  }

  static finish(body) {
    if (body.#stream !== null && !InputStream.isDropped(body.#stream)) {
      throw new GuestTrap('wasi:http: incoming-body.finish while its input-stream is still alive');
    }
    // fetch exposes no trailers: the future is ready at once, with none, or with the body's error.
    const failure = body.#source.failureCode?.() ?? null;
    body.#cancel();
    return new FutureTrailers(failure);
  }

  [dispose]() {
    this.#cancel();
  }
}

export class FutureTrailers {
  #failure;
  #taken = false;

  constructor(failure) {
    this.#failure = failure;
  }

  subscribe() {
    return new Pollable();
  }

  get() {
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: this.#failure === null ? { tag: 'ok', val: undefined } : { tag: 'err', val: this.#failure } };
  }
}

/** Server-side resources: a page never receives requests, so these exist only to link. */
export class IncomingRequest {
  method() {
    return { tag: 'get' };
  }
  pathWithQuery() {
    return undefined;
  }
  scheme() {
    return undefined;
  }
  authority() {
    return undefined;
  }
  headers() {
    return Fields.of([], true);
  }
  consume() {
    throw undefined;
  }
}

export class ResponseOutparam {
  sendInformational() {
    throw internal('a page does not serve HTTP');
  }
  static set() {
    throw new GuestTrap('wasi:http: response-outparam.set: a page does not serve HTTP');
  }
}

export class OutgoingResponse {
  #status = 200;
  #headers;
  #bodyTaken = false;

  constructor(headers) {
    this.#headers = Fields.entriesOf(headers);
  }
  statusCode() {
    return this.#status;
  }
  setStatusCode(status) {
    if (status < 100 || status > 999) throw undefined;
    this.#status = status;
  }
  headers() {
    return Fields.of(this.#headers, true);
  }
  body() {
    if (this.#bodyTaken) throw undefined;
    this.#bodyTaken = true;
    return new OutgoingBody(this.#headers);
  }
}

// ---------------------------------------------------------------------------------------------
// the outgoing handler

/**
 * Builds the wasi:http interfaces for one instance; a `WasiPackage` (compose.js) as it is.
 * @param {{fetch?: typeof fetch, http?: {requestBodies?: 'auto'|'stream'|'buffer'}}} [options]
 * @param {Waiter} [waiter]
 */
export function createHttp(options = {}, waiter = new Waiter('none')) {
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  const requestBodies = options.http?.requestBodies ?? 'auto';
  if (!['auto', 'stream', 'buffer'].includes(requestBodies)) {
    throw new TypeError("createWasi: http.requestBodies must be 'auto', 'stream' or 'buffer'");
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TypeError('createWasi: fetch must be a function');
  /** Every request in flight, aborted when the instance ends. */
  const live = new Set();

  function handle(request, requestOptions) {
    const parts = OutgoingRequest.parts(request);
    const method = methodName(parts.method);
    if (['CONNECT', 'TRACE', 'TRACK'].includes(method.toUpperCase())) throw errorCode('HTTP-request-method-invalid');
    if (!TOKEN.test(method)) throw errorCode('HTTP-request-method-invalid');
    if (parts.authority === undefined) throw errorCode('HTTP-request-URI-invalid');
    const scheme = schemeName(parts.scheme);
    let url;
    try {
      url = new URL(`${scheme}://${parts.authority}${parts.path ?? '/'}`);
    } catch {
      throw errorCode('HTTP-request-URI-invalid');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errorCode('HTTP-request-URI-invalid');
    if (typeof fetchFn !== 'function') throw internal('no fetch in this environment');

    const headers = parts.headers.map(([n, v]) => [n, latin1(v)]);
    const timeouts = {
      connect: requestOptions?.connectTimeout(),
      firstByte: requestOptions?.firstByteTimeout(),
      betweenBytes: requestOptions?.betweenBytesTimeout(),
    };
    const controller = new AbortController();
    const entry = { controller };
    live.add(entry);
    const what = `the response to ${method} ${url.href}`;

    const body = parts.body;
    const hasBody = body !== null && !['GET', 'HEAD'].includes(method);
    const stream =
      hasBody &&
      (requestBodies === 'stream' || (requestBodies === 'auto' && canStreamRequests() && (!isBrowser || url.protocol === 'https:')));

    let resolveBodyReady;
    const bodyReady = new Promise((resolve) => (resolveBodyReady = resolve));
    if (body !== null) {
      const sink = OutgoingBody.sinkOf(body);
      if (OutgoingBody.done(body)) resolveBodyReady(null);
      else body.onFinish = (failure) => resolveBodyReady(failure);
      if (stream) {
        sink.startStreaming(waiter);
        // A failed body fails the request (the stream errors); a finished one just closes.
        body.onFinish = (failure) => {
          if (failure !== null) controller.abort(failure);
        };
      }
    }

    const send = async () => {
      let init = { method, headers, signal: controller.signal, redirect: isBrowser ? 'follow' : 'manual' };
      if (body !== null) {
        const sink = OutgoingBody.sinkOf(body);
        if (stream) {
          init = { ...init, body: sink.stream, duplex: 'half' };
        } else {
          const failure = await bodyReady;
          if (failure !== null) return { err: failure };
          const bytes = sink.takeAll();
          if (hasBody) init = { ...init, body: bytes };
          else if (bytes.length > 0) return { err: internal(`fetch cannot send a body with ${method}`) };
        }
      }
      let why = null;
      const timers = [];
      const arm = (ns, code) => {
        if (ns === undefined) return;
        timers.push(
          setTimeout(() => {
            why ??= code;
            controller.abort(new Error(code));
          }, nsToMs(ns)),
        );
      };
      arm(timeouts.connect, 'connection-timeout');
      arm(timeouts.firstByte, 'connection-read-timeout');
      let response;
      try {
        response = await fetchFn(url.href, init);
      } catch (error) {
        const reason = controller.signal.aborted ? controller.signal.reason : null;
        if (reason !== null && typeof reason === 'object' && typeof reason.tag === 'string') return { err: reason };
        return { err: fetchErrorCode(error, why) };
      } finally {
        for (const t of timers) clearTimeout(t);
      }
      const responseHeaders = [];
      for (const [name, value] of response.headers) {
        if (name === 'set-cookie' && typeof response.headers.getSetCookie === 'function') continue;
        responseHeaders.push([name, fromLatin1(value)]);
      }
      if (typeof response.headers.getSetCookie === 'function') {
        for (const value of response.headers.getSetCookie()) responseHeaders.push(['set-cookie', fromLatin1(value)]);
      }
      const source = responseSource(response, waiter, timeouts.betweenBytes, controller, what);
      const incomingBody = new IncomingBody(source, () => {
        source.close();
        live.delete(entry);
      });
      return { ok: new IncomingResponse(response.status, responseHeaders, incomingBody) };
    };
    const abort = () => {
      controller.abort(new Error('the guest dropped the future-incoming-response'));
      live.delete(entry);
    };
    return new FutureIncomingResponse(send().catch((error) => ({ err: internal(String(error?.message ?? error)) })), waiter, what, abort);
  }

  return {
    interfaces: {
      'wasi:http/types': {
        Fields,
        IncomingRequest,
        OutgoingRequest,
        RequestOptions,
        ResponseOutparam,
        IncomingResponse,
        IncomingBody,
        FutureTrailers,
        OutgoingResponse,
        OutgoingBody,
        FutureIncomingResponse,
        httpErrorCode: (err) => ioErrorCodes.get(err),
      },
      'wasi:http/outgoing-handler': { handle },
    },
    end() {
      for (const { controller } of live) controller.abort(new Error('the instance ended'));
      live.clear();
    },
  };
}

/** The source of a response body: read as it arrives, failing with an error code. */
function responseSource(response, waiter, betweenBytes, controller, what) {
  if (response.body === null) {
    const empty = new BytesSource(new Uint8Array(0));
    return { read: (n) => empty.read(n), close() {}, failureCode: () => null };
  }
  let why = null;
  let failure = null;
  const pullTimeout =
    betweenBytes === undefined
      ? undefined
      : (pull) => {
          let timer;
          const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => {
              why = 'connection-read-timeout';
              controller.abort(new Error(why));
              reject(new Error(why));
            }, nsToMs(betweenBytes));
          });
          return Promise.race([pull, timeout]).finally(() => clearTimeout(timer));
        };
  const source = new StreamSource(response.body, waiter, {
    what: `the body of ${what.replace(/^the response to /, '')}`,
    mapError: (error) => {
      failure = fetchErrorCode(error, why, { body: true });
      return ioError(failure, error?.message);
    },
    pullTimeout,
  });
  source.failureCode = () => failure;
  return source;
}

let streamsRequests = null;

/** Whether this platform's fetch takes a ReadableStream as a request body (`duplex: 'half'`). */
export function canStreamRequests() {
  if (streamsRequests === null) {
    try {
      let duplexAccessed = false;
      const hasContentType = new Request('http://localhost/', {
        body: new ReadableStream(),
        method: 'POST',
        get duplex() {
          duplexAccessed = true;
          return 'half';
        },
      }).headers.has('Content-Type');
      streamsRequests = duplexAccessed && !hasContentType;
    } catch {
      streamsRequests = false;
    }
  }
  return streamsRequests;
}
