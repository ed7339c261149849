/**
 * The serving side of wasi:http 0.3 (the `wasi:http/handler@0.3.x` export): a fetch `Request` as
 * the guest's `request`, its body a `stream<u8>` read as the guest reads it, and the `response`
 * the guest returns as a `Response` whose body streams out as the guest writes it. js/serve.js
 * runs one `exchange` per request; the 0.2 counterpart is ../http/serving.js.
 *
 * - A handler returning `err(error-code)` gets a 500, as Wasmtime's `serve` answers.
 * - The guest may go on writing the body after `handle` returned (a spawned task): the exchange
 *   lasts until the body has ended, so the instance lives as long as its body.
 * - Response trailers cannot be sent (a `Response` has none): a body whose trailers future gives
 *   some fails, and the guest's `response.new` future says why. See BROWSER-LIMITS.md (12).
 */

import { ComponentError } from '../../../js/errors.js';
import { errorCode, internal } from '../http/errors.js';
import { NULL_BODY, OverLimit, limitBody, requestHead, statusRefusal } from '../http/serving.js';
import { RequestP3, ResponseP3, trailersFailure } from './http.js';
import { OK, err, readerOf } from './streams.js';
import { latin1 } from '../http/fields.js';

/**
 * `request` as the guest's request: its body is read as the guest reads it, and its trailers
 * future resolves to none when the body ends, or to the error that ended it (past `maxBody`
 * bytes: `HTTP-request-body-size`, after calling `overLimit()`).
 * @param {Request} request
 * @param {{maxBody: number, overLimit: () => void}} o
 */
function incomingRequest(request, { maxBody, overLimit }) {
  const { method, pathWithQuery, scheme, authority, headers } = requestHead(request);
  let settle;
  const trailers = new Promise((resolve) => (settle = resolve));
  let contents;
  if (request.body === null) {
    settle(OK);
  } else {
    const source = limitBody(request.body, maxBody, overLimit).getReader();
    contents = new ReadableStream(
      {
        async pull(controller) {
          try {
            const { done, value } = await source.read();
            if (!done) return controller.enqueue(value);
            controller.close();
            settle(OK);
          } catch (error) {
            // The guest sees its stream end; why is in the trailers future.
            controller.close();
            settle(err(error instanceof OverLimit ? errorCode('HTTP-request-body-size', BigInt(error.total)) : errorCode('connection-terminated')));
          }
        },
        cancel: (reason) => source.cancel(reason).catch(() => {}),
      },
      { highWaterMark: 0 },
    );
  }
  return RequestP3.incoming({ method, scheme, authority, path: pathWithQuery, headers, contents, trailers });
}

/**
 * One request to a 0.3 handler: calls `handler.handle` and gives `reply` the `Response` it
 * returned (or `fail(why, error)`'s 500). Resolves once the guest is through with the request
 * (its response body has ended, or the client stopped reading it); rejects with a trap.
 * @param {{handler: {handle: (request: RequestP3) => Promise<ResponseP3>}, request: Request,
 *   maxBody: number, reply: (response: Response) => void, fail: (why: string, error: unknown) => Response,
 *   overLimit: () => Response}} o
 */
export async function exchange({ handler, request, maxBody, reply, fail, overLimit }) {
  const incoming = incomingRequest(request, { maxBody, overLimit: () => reply(overLimit()) });
  let returned;
  try {
    returned = await handler.handle(incoming);
  } catch (error) {
    if (!(error instanceof ComponentError)) throw error;
    const code = JSON.stringify(error.payload, (_, v) => (typeof v === 'bigint' ? `${v}` : v));
    reply(fail('the handler answered with an error', new Error(`the handler returned the error ${code}`)));
    return;
  }
  let outgoing;
  try {
    outgoing = toResponse(returned);
  } catch (error) {
    reply(fail('the handler answered with an invalid response', error));
    return;
  }
  reply(outgoing.response);
  await outgoing.finished;
}

/**
 * The guest's response as a `Response`, and `finished`: settles once its body has ended (or was
 * cancelled by the reader); rejects with what cut the body short (the instance trapped). Throws
 * for what a Response cannot carry (a status outside 200 to 599, a header value fetch refuses).
 */
function toResponse(returned) {
  const { status, headers, contents, trailers, transmitted } = ResponseP3.parts(returned);
  const refusal = statusRefusal(status);
  if (refusal !== null) throw refusal;
  const reader = readerOf(contents);
  let finish;
  let cut;
  const finished = new Promise((resolve, reject) => {
    finish = resolve;
    cut = reject;
  });
  const body = new ReadableStream(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (!done) return controller.enqueue(value);
          const outcome = await trailers;
          const failure = trailersFailure(outcome, 'a Response has no trailers');
          if (failure !== null) {
            const why = failure.val === undefined ? failure.tag : `${failure.tag}: ${typeof failure.val === 'string' ? failure.val : JSON.stringify(failure.val)}`;
            throw Object.assign(new Error(`the response body failed: ${why}`), { code: failure });
          }
          controller.close();
          transmitted(OK);
          finish();
        } catch (thrown) {
          // A stream read after its instance died says so; what killed it (the trap) is its cause.
          const error = thrown?.kind === 'dead' && thrown.cause !== undefined ? thrown.cause : thrown;
          controller.error(error?.code !== undefined ? error : new Error(`the response body failed: ${error?.message ?? error}`, { cause: error }));
          transmitted(err(error?.code ?? internal(error?.message ?? String(error))));
          // A failure the guest reported is over, as a return is; a trap is passed on.
          if (error?.code !== undefined) finish();
          else cut(error);
        }
      },
      cancel(reason) {
        reader.cancel(reason).catch(() => {});
        transmitted(err(errorCode('connection-terminated')));
        finish();
      },
    },
    { highWaterMark: 0 },
  );
  const response = new Response(NULL_BODY.has(status) ? null : body, { status, headers: headers.map(([name, value]) => [name, latin1(value)]) });
  if (NULL_BODY.has(status)) body.cancel().catch(() => {});
  return { response, finished };
}
