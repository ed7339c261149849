// The serving side of wasi:http 0.2: a fetch `Request` as the guest's `incoming-request`, the
// `response-outparam` it answers through, and its `outgoing-response` as a `Response` whose body
// streams out as the guest writes it. js/serve.js makes one of each per request.

import { BytesSource, StreamSource } from '../io.js';
import { errorCode, internal, ioError } from './errors.js';
import { fromLatin1, latin1 } from './fields.js';
import { OutgoingBody, methodOf } from './requests.js';
import { IncomingBody, IncomingMessage, OutgoingResponse } from './responses.js';

export class IncomingRequest extends IncomingMessage {
  #method;
  #pathWithQuery;
  #scheme;
  #authority;

  /** Host-only: see `incomingRequest`. */
  constructor({ method, pathWithQuery, scheme, authority, headers, body }) {
    super(headers, body);
    this.#method = method;
    this.#pathWithQuery = pathWithQuery;
    this.#scheme = scheme;
    this.#authority = authority;
  }

  method() {
    return this.#method;
  }
  pathWithQuery() {
    return this.#pathWithQuery;
  }
  scheme() {
    return this.#scheme;
  }
  authority() {
    return this.#authority;
  }
}

export class ResponseOutparam {
  #answer;

  /**
   * Host-only: `answer(result)` is told what the guest sets, once: `{ tag: 'ok', val:
   * OutgoingResponse }` or `{ tag: 'err', val: error-code }`.
   */
  constructor(answer) {
    this.#answer = answer;
  }

  sendInformational() {
    throw internal('informational (1xx) responses cannot be sent: a Response has none');
  }

  static set(param, response) {
    const answer = param.#answer;
    param.#answer = null;
    answer?.(response);
  }
}

/** What a request body's stream fails with past the size limit. */
class OverLimit extends Error {
  constructor(total) {
    super('the request body is over the size limit');
    this.total = total;
  }
}

/** `stream`, failing with OverLimit once it is past `maxBody` bytes (and calling `overLimit()`). */
export function limitBody(stream, maxBody, overLimit) {
  let total = 0;
  return stream.pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        total += chunk.length;
        if (total <= maxBody) {
          controller.enqueue(chunk);
          return;
        }
        overLimit();
        controller.error(new OverLimit(total));
      },
    }),
  );
}

/**
 * `request` as the guest's incoming-request. Its body is read as the guest reads it (through
 * `waiter`), or is `bytes` when given (read whole beforehand). Past `maxBody` bytes the body's
 * stream fails with `HTTP-request-body-size` and `overLimit()` is called.
 * @param {Request} request
 * @param {import('../wait.js').Waiter} waiter
 * @param {{maxBody: number, overLimit: () => void, bytes?: Uint8Array}} o
 */
export function incomingRequest(request, waiter, { maxBody, overLimit, bytes }) {
  const url = new URL(request.url);
  const headers = [];
  for (const [name, value] of request.headers) headers.push([name, fromLatin1(value)]);
  const source =
    bytes !== undefined || request.body === null
      ? new BytesSource(bytes)
      : new StreamSource(limitBody(request.body, maxBody, overLimit), waiter, {
          what: 'the request body',
          mapError: (error) =>
            error instanceof OverLimit
              ? ioError(errorCode('HTTP-request-body-size', BigInt(error.total)), error.message)
              : ioError(errorCode('connection-terminated'), error?.message),
        });
  const scheme = { 'http:': { tag: 'HTTP' }, 'https:': { tag: 'HTTPS' } }[url.protocol] ?? { tag: 'other', val: url.protocol.slice(0, -1) };
  return new IncomingRequest({
    method: methodOf(request.method),
    pathWithQuery: url.pathname + url.search,
    scheme,
    authority: url.host,
    headers,
    body: new IncomingBody(source, () => source.close?.()),
  });
}

/** Statuses whose Response has no body. */
const NULL_BODY = new Set([204, 205, 304]);

/**
 * The guest's outgoing-response as a `Response`, its body a ReadableStream the guest's writes
 * feed (waiting through `waiter` when the reader is behind); `body` is the guest's outgoing-body,
 * or null. Throws a TypeError (or RangeError) for what a Response cannot carry: a status outside
 * 200 to 599, a header value fetch refuses.
 * @returns {{response: Response, body: OutgoingBody|null}}
 */
export function toResponse(outgoing, waiter) {
  const { status, headers, body } = OutgoingResponse.parts(outgoing);
  if (status < 200 || status > 599) throw new RangeError(`the handler answered with status ${status}; a Response takes 200 to 599`);
  const stream = body === null || NULL_BODY.has(status) ? null : OutgoingBody.sinkOf(body).startStreaming(waiter);
  const response = new Response(stream, { status, headers: headers.map(([name, value]) => [name, latin1(value)]) });
  return { response, body };
}

/** Fails a response body the guest left unfinished (it returned, or trapped), unless it is done. */
export function failBody(body, why) {
  OutgoingBody.fail(body, internal(why));
}
