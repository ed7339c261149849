/**
 * wasi:http@0.3 (types, client) over `fetch`, with the 0.2 plumbing (../http/): the same fields
 * and their refusals, the same URL and method checks, the same error codes for a failed fetch,
 * the same choice of streaming a request body or buffering it, and the same timeouts.
 *
 * - `client.send` is an async function: the guest's task awaits the response head while the page
 *   goes on. The request body is the guest's `stream<u8>`, streamed to fetch where the platform
 *   can stream a request body (Node; a browser over https), else read whole first. The future of
 *   `request.new` resolves once the body has gone out (or failed).
 * - A response's body is its fetch body as a stream, read as the guest reads; its trailers future
 *   resolves to none once the body ends (fetch exposes no trailers), or to the error that ended it.
 * - Request trailers cannot be sent (fetch has none): a request whose trailers future gives some
 *   fails with `internal-error`. See BROWSER-LIMITS.md (7).
 */

import { ComponentError } from '../../../js/errors.js';
import { concatBytes } from '../io.js';
import { isNode } from '#platform';
import { errorCode, fetchErrorCode, internal } from '../http/errors.js';
import { Fields, TOKEN, latin1 } from '../http/fields.js';
import { nsToMs, requestTarget, responseHeaderEntries, streamsRequestBody, withReadTimeout } from '../http/handler.js';
import { methodName } from '../http/requests.js';
import { OK, endedStream, err, outgoingStream, readerOf } from './streams.js';

/** The `err` of a `result` with no error payload (`set-method`, `set-status-code`, …). */
const refuse = () => {
  throw new ComponentError(undefined);
};

/** wasi:http/types@0.3.fields: 0.2's fields, with 0.3's names. */
class FieldsP3 extends Fields {
  copyAll() {
    return this.entries();
  }

  getAndDelete(name) {
    const values = this.get(name);
    this.delete(name);
    return values;
  }
}

/** wasi:http/types@0.3.request-options: timeouts in nanoseconds, each optional. */
class RequestOptionsP3 {
  #timeouts = { connect: undefined, firstByte: undefined, betweenBytes: undefined };
  #immutable = false;

  /** Host-only: a copy the guest cannot change (what `get-options` hands out). */
  static frozen(options) {
    const copy = options.clone();
    copy.#immutable = true;
    return copy;
  }

  /** Host-only: the timeouts. */
  static timeouts(options) {
    return options === undefined ? {} : { ...options.#timeouts };
  }

  #set(which, duration) {
    if (this.#immutable) throw { tag: 'immutable' };
    this.#timeouts[which] = duration ?? undefined;
  }

  getConnectTimeout() {
    return this.#timeouts.connect;
  }
  setConnectTimeout(duration) {
    this.#set('connect', duration);
  }
  getFirstByteTimeout() {
    return this.#timeouts.firstByte;
  }
  setFirstByteTimeout(duration) {
    this.#set('firstByte', duration);
  }
  getBetweenBytesTimeout() {
    return this.#timeouts.betweenBytes;
  }
  setBetweenBytesTimeout(duration) {
    this.#set('betweenBytes', duration);
  }

  clone() {
    const copy = new RequestOptionsP3();
    copy.#timeouts = { ...this.#timeouts };
    return copy;
  }
}

/** What only this module can pass to the constructors of requests and responses. */
const secret = Symbol('terrarium.http@0.3');

/**
 * A message's headers, body and trailers (what requests and responses share): the headers are
 * immutable once in a message, and the body and trailers can be taken once.
 */
class Message {
  #headers;
  #body;

  constructor(token, headers, contents, trailers) {
    if (token !== secret) throw new TypeError('wasi:http: use the static `new`');
    this.#headers = Fields.entriesOf(headers).map(([n, v]) => [n, v]);
    this.#body = { contents: contents ?? null, trailers: Promise.resolve(trailers) };
  }

  getHeaders() {
    return FieldsP3.of(this.#headers.map(([n, v]) => [n, new Uint8Array(v)]), true);
  }

  /** Host-only: the header entries. */
  static headers(message) {
    return message.#headers;
  }

  /** `consume-body`: the body stream and the trailers future, once. */
  static takeBody(message) {
    if (message.#body === null) refuse();
    const { contents, trailers } = message.#body;
    message.#body = null;
    return [contents ?? endedStream(), trailers];
  }
}

/** A future the host resolves later, with its resolve function. */
function settleable() {
  let settle;
  const future = new Promise((resolve) => (settle = resolve));
  return { future, settle };
}

/** wasi:http/types@0.3.request. */
export class RequestP3 extends Message {
  #method = { tag: 'get' };
  #path = undefined;
  #scheme = undefined;
  #authority = undefined;
  #options;
  /** Resolves `request.new`'s future: how the body went out. */
  #transmitted;

  static new(headers, contents, trailers, options) {
    const { future, settle } = settleable();
    const request = new RequestP3(secret, headers, contents, trailers);
    request.#options = options ?? undefined;
    request.#transmitted = settle;
    return [request, future];
  }

  getMethod() {
    return this.#method;
  }
  setMethod(method) {
    if (!TOKEN.test(methodName(method))) refuse();
    this.#method = method;
  }
  getPathWithQuery() {
    return this.#path;
  }
  setPathWithQuery(path) {
    if (path !== undefined && !/^\/?[^\s#]*$/.test(path)) refuse();
    this.#path = path;
  }
  getScheme() {
    return this.#scheme;
  }
  setScheme(scheme) {
    if (scheme?.tag === 'other' && !/^[a-z][a-z0-9+.-]*$/i.test(scheme.val)) refuse();
    this.#scheme = scheme;
  }
  getAuthority() {
    return this.#authority;
  }
  setAuthority(authority) {
    if (authority !== undefined && !/^[^\s/?#@]*(@[^\s/?#@]*)?$/.test(authority)) refuse();
    this.#authority = authority;
  }
  getOptions() {
    return this.#options === undefined ? undefined : RequestOptionsP3.frozen(this.#options);
  }

  static consumeBody(request, res) {
    Promise.resolve(res).then(request.#transmitted);
    return Message.takeBody(request);
  }

  /**
   * Host-only: a request that came in to a handler (serving.js): its headers immutable, its body
   * `contents` and the future of its trailers.
   */
  static incoming({ method, scheme, authority, path, headers, contents, trailers }) {
    const request = new RequestP3(secret, FieldsP3.of(headers, true), contents, trailers);
    request.#method = method;
    request.#scheme = scheme;
    request.#authority = authority;
    request.#path = path;
    request.#transmitted = () => {};
    return request;
  }

  /** Host-only: what `client.send` needs of a request. */
  static parts(request) {
    return {
      method: request.#method,
      scheme: request.#scheme,
      authority: request.#authority,
      path: request.#path,
      headers: Message.headers(request),
      timeouts: RequestOptionsP3.timeouts(request.#options),
      transmitted: request.#transmitted,
    };
  }
}

/** wasi:http/types@0.3.response. */
export class ResponseP3 extends Message {
  #status = 200;
  /** Resolves `response.new`'s future: how the body was taken (none for a fetched response). */
  #transmitted = () => {};

  static new(headers, contents, trailers) {
    const { future, settle } = settleable();
    const response = new ResponseP3(secret, headers, contents, trailers);
    response.#transmitted = settle;
    return [response, future];
  }

  /** Host-only: a response fetch gave, with its body stream and the future of its trailers. */
  static fetched(status, headerEntries, contents, trailers) {
    const response = new ResponseP3(secret, FieldsP3.of(headerEntries, true), contents, trailers);
    response.#status = status;
    return response;
  }

  getStatusCode() {
    return this.#status;
  }
  setStatusCode(status) {
    if (!Number.isInteger(status) || status < 100 || status > 999) refuse();
    this.#status = status;
  }

  static consumeBody(response, res) {
    Promise.resolve(res).then(response.#transmitted);
    return Message.takeBody(response);
  }

  /**
   * Host-only: what a handler's response holds for the host that sends it on (serving.js): its
   * status and headers, its body and trailers (taken), and `transmitted(result)` to tell the guest
   * how the body went out.
   */
  static parts(response) {
    const [contents, trailers] = Message.takeBody(response);
    return { status: response.#status, headers: Message.headers(response), contents, trailers, transmitted: response.#transmitted };
  }
}

/**
 * Why a message whose trailers future gave `outcome` cannot go out, or null: its error, or, where
 * it has trailers, `why` none can be sent (fetch sends no request trailers, a Response carries none).
 */
export function trailersFailure(outcome, why) {
  if (outcome?.tag === 'err') return outcome.val;
  if (outcome?.tag === 'ok' && outcome.val !== undefined) return internal(`trailers cannot be sent: ${why}`);
  return null;
}

/**
 * The wasi:http@0.3 interfaces for one instance.
 * @param {{fetch?: typeof fetch, http?: {requestBodies?: 'auto'|'stream'|'buffer'}}} options
 *   checked by the 0.2 package (../http/handler.js), which makes these
 */
export function createHttpP3(options) {
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  const requestBodies = options.http?.requestBodies ?? 'auto';
  /** Every request in flight, aborted when the instance ends. */
  const live = new Set();

  /**
   * The request body as fetch takes it: a stream that tells `transmitted` when it has all gone
   * out, or the whole of it as bytes. A failure (the trailers') goes through `fail`.
   */
  async function requestBody({ contents, trailers, stream, fail, transmitted }) {
    const reader = readerOf(contents);
    const finish = async () => {
      const failure = trailersFailure(await trailers, 'fetch has no request trailers');
      if (failure !== null) throw fail(failure);
    };
    if (stream) {
      return new ReadableStream({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (!done) return controller.enqueue(value);
            await finish();
            controller.close();
            transmitted(OK);
          } catch (error) {
            controller.error(error);
          }
        },
        cancel: () => reader.cancel(),
      });
    }
    const chunks = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    await finish();
    return concatBytes(chunks);
  }

  async function send(request) {
    const parts = RequestP3.parts(request);
    const { method, url } = requestTarget(parts);
    if (typeof fetchFn !== 'function') throw internal('no fetch in this environment');
    const [contents, trailers] = Message.takeBody(request);
    const hasBody = !['GET', 'HEAD'].includes(method);
    const stream = hasBody && streamsRequestBody(requestBodies, url);
    const controller = new AbortController();
    live.add(controller);
    /** The error code the request failed with, when the host knows it better than fetch's error. */
    let known = null;
    const fail = (code) => {
      known ??= code;
      return new Error(code.tag);
    };
    const timers = [];
    const arm = (ns, tag) => {
      if (ns !== undefined) timers.push(setTimeout(() => controller.abort(fail(errorCode(tag))), nsToMs(ns)));
    };
    let response;
    try {
      const init = { method, headers: parts.headers.map(([n, v]) => [n, latin1(v)]), signal: controller.signal, redirect: isNode ? 'manual' : 'follow' };
      const body = await requestBody({ contents, trailers, stream, fail, transmitted: parts.transmitted });
      if (hasBody) init.body = body;
      else if (body.length > 0) throw fail(internal(`fetch cannot send a body with ${method}`));
      if (stream) init.duplex = 'half';
      arm(parts.timeouts.connect, 'connection-timeout');
      arm(parts.timeouts.firstByte, 'connection-read-timeout');
      response = await fetchFn(url.href, init);
    } catch (error) {
      live.delete(controller);
      const code = known ?? fetchErrorCode(error, null);
      parts.transmitted(err(code));
      throw code;
    } finally {
      for (const t of timers) clearTimeout(t);
    }
    // A buffered body went out with the request (a streamed one says so when it ends).
    if (!stream) parts.transmitted(OK);
    const [body, bodyTrailers] = responseBody(response, parts.timeouts.betweenBytes, controller, () => live.delete(controller));
    return ResponseP3.fetched(response.status, responseHeaderEntries(response), body, bodyTrailers);
  }

  return {
    interfaces: {
      'wasi:http/types@0.3': { Fields: FieldsP3, Request: RequestP3, RequestOptions: RequestOptionsP3, Response: ResponseP3 },
      'wasi:http/client@0.3': { send },
    },
    end() {
      for (const controller of live) controller.abort(new Error('the instance ended'));
      live.clear();
    },
  };
}

/**
 * A fetch response's body as a stream the guest reads, and the future of its trailers: none once
 * the body ends, or the error code that ended it (`between-bytes` bounds each wait for a chunk).
 */
function responseBody(response, betweenBytes, controller, done) {
  if (response.body === null) {
    done();
    return [endedStream(), Promise.resolve(OK)];
  }
  const reader = response.body.getReader();
  let why = null;
  const next = async () => {
    const read = reader.read();
    const timed = betweenBytes === undefined ? read : withReadTimeout(read, betweenBytes, controller, () => (why = 'connection-read-timeout'));
    const { done: ended, value } = await timed;
    return ended ? undefined : value;
  };
  return outgoingStream({
    next,
    close: () => {
      reader.cancel().catch(() => {});
      done();
    },
    errorOf: (error) => fetchErrorCode(error, why, { body: true }),
  });
}
