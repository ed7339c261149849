// wasi:http/outgoing-handler over `fetch`, and the wasi:http interfaces of one instance.

import { isNode } from '#platform';
import { BytesSource, StreamSource } from '../io.js';
import { Waiter } from '../wait.js';
import { errorCode, fetchErrorCode, internal, ioError, ioErrorCodes } from './errors.js';
import { Fields, TOKEN, fromLatin1, latin1 } from './fields.js';
import { OutgoingBody, OutgoingRequest, RequestOptions, methodName, schemeName } from './requests.js';
import { FutureIncomingResponse, FutureTrailers, IncomingBody, IncomingResponse, OutgoingResponse } from './responses.js';
import { IncomingRequest, ResponseOutparam } from './serving.js';

/** Turns a duration (u64 ns) into milliseconds for setTimeout. */
export const nsToMs = (ns) => Math.max(0, Math.ceil(Number(ns) / 1e6));

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
    const { method, url } = requestTarget(parts);
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
    const stream = hasBody && streamsRequestBody(requestBodies, url);

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
      let init = { method, headers, signal: controller.signal, redirect: isNode ? 'manual' : 'follow' };
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
      const responseHeaders = responseHeaderEntries(response);
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

/**
 * The method name and URL a request goes to, from its `method`, `scheme`, `authority` and path
 * (0.2's and 0.3's alike); the `error-code` a fetch would never get past otherwise.
 * @param {{method: any, scheme: any, authority: string|undefined, path: string|undefined}} parts
 */
export function requestTarget({ method: wanted, scheme, authority, path }) {
  const method = methodName(wanted);
  if (['CONNECT', 'TRACE', 'TRACK'].includes(method.toUpperCase())) throw errorCode('HTTP-request-method-invalid');
  if (!TOKEN.test(method)) throw errorCode('HTTP-request-method-invalid');
  if (authority === undefined) throw errorCode('HTTP-request-URI-invalid');
  let url;
  try {
    url = new URL(`${schemeName(scheme)}://${authority}${path ?? '/'}`);
  } catch {
    throw errorCode('HTTP-request-URI-invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errorCode('HTTP-request-URI-invalid');
  return { method, url };
}

/** A fetch Response's headers as fields entries; each `set-cookie` its own (where fetch shows them). */
export function responseHeaderEntries(response) {
  const entries = [];
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie' && typeof response.headers.getSetCookie === 'function') continue;
    entries.push([name, fromLatin1(value)]);
  }
  if (typeof response.headers.getSetCookie === 'function') {
    for (const value of response.headers.getSetCookie()) entries.push(['set-cookie', fromLatin1(value)]);
  }
  return entries;
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
    betweenBytes === undefined ? undefined : (pull) => withReadTimeout(pull, betweenBytes, controller, () => (why = 'connection-read-timeout'));
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

/**
 * `pull` (a promise of the next chunk of a response body) raced against the `between-bytes`
 * timeout: past it, `timedOut()` records why, the fetch is aborted and the read fails.
 */
export function withReadTimeout(pull, betweenBytes, controller, timedOut) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      timedOut();
      controller.abort(new Error('connection-read-timeout'));
      reject(new Error('connection-read-timeout'));
    }, nsToMs(betweenBytes));
  });
  return Promise.race([pull, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether a request body to `url` goes to fetch as a stream (else buffered first), by the
 * `http.requestBodies` option: 'auto' streams where fetch can, and a browser can only over HTTP/2,
 * so over https.
 */
export function streamsRequestBody(requestBodies, url) {
  return requestBodies === 'stream' || (requestBodies === 'auto' && canStreamRequests() && (isNode || url.protocol === 'https:'));
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
