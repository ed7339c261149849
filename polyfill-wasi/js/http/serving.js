// The serving side of wasi:http 0.2: a fetch `Request` as the guest's `incoming-request`, the
// `response-outparam` it answers through, and its `outgoing-response` as a `Response` whose body
// streams out as the guest writes it. js/serve.js runs one `exchange` per request; the 0.3
// counterpart (../p3/serving.js) shares the request head, the body limit and the status check.

import { Waiter } from '../wait.js';
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
export class OverLimit extends Error {
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
function incomingRequest(request, waiter, { maxBody, overLimit, bytes }) {
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
  return new IncomingRequest({ ...requestHead(request), body: new IncomingBody(source, () => source.close?.()) });
}

/** A fetch `Request`'s method, path, scheme, authority and header entries, as wasi:http has them. */
export function requestHead(request) {
  const url = new URL(request.url);
  const headers = [];
  for (const [name, value] of request.headers) headers.push([name, fromLatin1(value)]);
  const scheme = { 'http:': { tag: 'HTTP' }, 'https:': { tag: 'HTTPS' } }[url.protocol] ?? { tag: 'other', val: url.protocol.slice(0, -1) };
  return { method: methodOf(request.method), pathWithQuery: url.pathname + url.search, scheme, authority: url.host, headers };
}

/** Why a `Response` cannot have `status` (a RangeError), or null when it can. */
export function statusRefusal(status) {
  return status < 200 || status > 599 ? new RangeError(`the handler answered with status ${status}; a Response takes 200 to 599`) : null;
}

/** Statuses whose Response has no body. */
export const NULL_BODY = new Set([204, 205, 304]);

/**
 * The guest's outgoing-response as a `Response`, its body a ReadableStream the guest's writes
 * feed (waiting through `waiter` when the reader is behind); `body` is the guest's outgoing-body,
 * or null. Throws a TypeError (or RangeError) for what a Response cannot carry: a status outside
 * 200 to 599, a header value fetch refuses.
 * @returns {{response: Response, body: OutgoingBody|null}}
 */
function toResponse(outgoing, waiter) {
  const { status, headers, body } = OutgoingResponse.parts(outgoing);
  const refusal = statusRefusal(status);
  if (refusal !== null) throw refusal;
  const stream = body === null || NULL_BODY.has(status) ? null : OutgoingBody.sinkOf(body).startStreaming(waiter);
  const response = new Response(stream, { status, headers: headers.map(([name, value]) => [name, latin1(value)]) });
  return { response, body };
}

/** Fails a response body the guest left unfinished (it returned, or trapped), unless it is done. */
function failBody(body, why) {
  OutgoingBody.fail(body, internal(why));
}

/**
 * One request to a 0.2 handler: calls `handler.handle` with the request and a response-outparam
 * whose response (or `fail(why, error)`'s 500) goes to `reply`. An instance that cannot wait
 * (`blocking` 'none') gets the body read whole first, so its reads never have to wait. Resolves
 * once `handle` returned; rejects with a trap. A body the guest left unfinished then fails.
 * @param {{handler: {handle: (request: IncomingRequest, out: ResponseOutparam) => unknown}, blocking: string,
 *   request: Request, maxBody: number, reply: (response: Response) => void,
 *   fail: (why: string, error: unknown) => Response, overLimit: () => Response}} o
 */
export async function exchange({ handler, blocking, request, maxBody, reply, fail, overLimit }) {
  const waiter = new Waiter(blocking === 'none' ? 'none' : 'async');
  let bytes;
  if (blocking === 'none' && request.body !== null) {
    let over = false;
    try {
      bytes = new Uint8Array(await new Response(limitBody(request.body, maxBody, () => (over = true))).arrayBuffer());
    } catch (error) {
      reply(over ? overLimit() : fail('the request body could not be read', error));
      return;
    }
  }
  /** The guest's response body, once it answered with one. */
  let body = null;
  const incoming = incomingRequest(request, waiter, { maxBody, bytes, overLimit: () => reply(overLimit()) });
  const outparam = new ResponseOutparam((result) => {
    if (result.tag === 'err') {
      const code = JSON.stringify(result.val, (_, v) => (typeof v === 'bigint' ? `${v}` : v));
      reply(fail('the handler answered with an error', new Error(`the handler set the response-outparam to the error ${code}`)));
      return;
    }
    try {
      const made = toResponse(result.val, waiter);
      body = made.body;
      reply(made.response);
    } catch (error) {
      reply(fail('the handler answered with an invalid response', error));
    }
  });
  try {
    await handler.handle(incoming, outparam);
  } catch (error) {
    if (body !== null) failBody(body, `the handler trapped: ${error?.message ?? error}`);
    throw error;
  }
  // A body the guest neither finished nor dropped ends here, as a failure.
  if (body !== null) failBody(body, 'the handler returned without finishing the response body');
}
