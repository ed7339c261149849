/**
 * `serve(component, options)`: a component exporting `wasi:http/incoming-handler@0.2.x` as a
 * fetch-shaped function, `(request: Request) => Promise<Response>`, for a Service Worker's fetch
 * event, any worker, or Node (`terrarium serve`, js/serve-node.js). As Wasmtime's `serve` does,
 * each request gets an instance of its own, disposed once the handler returns: no state leaks
 * from one request to the next, and a trap ends only its own request.
 */

import { Component } from './component.js';
import { TerrariumError } from './errors.js';
import { load } from './load.js';
import { symbolDispose } from './runtime/dispose.js';
import { checkInstantiateArguments, isObject } from './arguments.js';
import { describe } from './abi/invalid.js';
import { Waiter } from '../polyfill-wasi/js/wait.js';

const HANDLER = /^wasi:http\/incoming-handler@0\.2\.\d/;

/**
 * @param {Component|Uint8Array|ArrayBuffer|Response|URL|string} source
 * @param {{imports?: Record<string, any>, wasi?: import('../polyfill-wasi/js/options.js').WasiOptions,
 *   blocking?: 'none'|'jspi'|'worker'|'auto', maxBody?: number, maxInstances?: number,
 *   timeout?: number, onError?: (error: unknown, request: Request) => void, validate?: boolean, fetch?: typeof fetch}} [options]
 *   `blocking` (default 'auto') as `instantiate` takes it; with 'none' the request body is read
 *   whole before the handler runs. `maxBody`: the most bytes a request body may have (413 beyond;
 *   default no limit). `maxInstances`: the most instances alive at once (default no limit; each
 *   of 'worker' is a thread): later requests wait their turn. `timeout`: the milliseconds a handler
 *   has to answer (set its response; the body may stream for longer), after which the request
 *   gets a 504 and its instance is ended (default 60 000). `onError`: told why a request got a
 *   500 or 504 (default `console.error`).
 * @returns {Promise<(request: Request) => Promise<Response>>}
 */
export async function serve(source, options = {}) {
  if (!isObject(options)) throw new TypeError(`serve: \`options\` must be an object, got ${describe(options)}`);
  const { imports = {}, wasi = {}, blocking = 'auto', maxBody = Infinity, maxInstances = Infinity, timeout = 60_000, onError = logError, validate, fetch } =
    options;
  checkInstantiateArguments('serve', imports, { wasi });
  if (typeof maxBody !== 'number' || !(maxBody >= 0)) throw new TypeError(`serve: \`maxBody\` must be a number of bytes, got ${describe(maxBody)}`);
  if (typeof maxInstances !== 'number' || !(maxInstances >= 1)) {
    throw new TypeError(`serve: \`maxInstances\` must be a number, at least 1, got ${describe(maxInstances)}`);
  }
  if (typeof timeout !== 'number' || !(timeout > 0)) throw new TypeError(`serve: \`timeout\` must be a positive number of milliseconds, got ${describe(timeout)}`);
  if (typeof onError !== 'function') throw new TypeError(`serve: \`onError\` must be a function, got ${describe(onError)}`);
  const component = source instanceof Component ? source : await load(source, { validate, fetch });
  const handler = component.exports.find((e) => HANDLER.test(e.name));
  if (handler === undefined) {
    const exported = component.exports.map((e) => `\`${e.name}\``).join(', ') || 'nothing';
    throw new TerrariumError('link', `not an HTTP handler: the component does not export \`wasi:http/incoming-handler@0.2.x\` (it exports ${exported})`, {
      context: 'wasi:http/incoming-handler',
    });
  }
  const http = await import('../polyfill-wasi/js/http/serving.js');
  let requests = 0;
  const instances = slots(maxInstances);

  return async function handle(request) {
    if (!(request instanceof Request)) throw new TypeError(`serve: a handler takes a Request, got ${describe(request)}`);
    if (Number(request.headers.get('content-length')) > maxBody) return overLimit(maxBody);
    const fail = (why, error) => {
      onError(error, request);
      return plain(500, `${why}\n`);
    };
    let instance;
    await instances.take();
    try {
      instance = await component.instantiate(imports, { wasi, blocking, name: `${handler.name} (request ${++requests})` });
    } catch (error) {
      instances.give();
      return fail('the handler could not be instantiated', error);
    }
    let timer;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      instance[symbolDispose]();
      instances.give();
    };
    const waiter = new Waiter(instance.blocking === 'none' ? 'none' : 'async');
    let bytes;
    if (instance.blocking === 'none' && request.body !== null) {
      // Nothing can wait: the body is read whole first, so the guest's reads never have to.
      let over = false;
      try {
        bytes = new Uint8Array(await new Response(http.limitBody(request.body, maxBody, () => (over = true))).arrayBuffer());
      } catch (error) {
        end();
        return over ? overLimit(maxBody) : fail('the request body could not be read', error);
      }
    }

    let settle;
    const answer = new Promise((resolve) => (settle = resolve));
    let answered = false;
    /** The guest's response body, once it answered with one. */
    let body = null;
    const reply = (response) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      settle(response);
    };
    const incoming = http.incomingRequest(request, waiter, { maxBody, bytes, overLimit: () => reply(overLimit(maxBody)) });
    const outparam = new http.ResponseOutparam((result) => {
      if (result.tag === 'err') {
        reply(fail('the handler answered with an error', new Error(`the handler set the response-outparam to the error ${JSON.stringify(result.val, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`)));
        return;
      }
      try {
        const made = http.toResponse(result.val, waiter);
        body = made.body;
        reply(made.response);
      } catch (error) {
        reply(fail('the handler answered with an invalid response', error));
      }
    });

    const done = (async () => instance.exports[handler.name].handle(incoming, outparam))();
    let timedOut = false;
    timer = setTimeout(() => {
      if (answered) return;
      timedOut = true;
      onError(new Error(`the handler did not answer within ${timeout} ms; its instance was ended`), request);
      reply(plain(504, `the handler did not answer within ${timeout} ms\n`));
      end();
    }, timeout);
    done
      .then(
        () => {
          if (!answered) reply(fail('the handler did not answer', new Error('the handler returned without setting the response-outparam')));
          // A body the guest neither finished nor dropped ends here, as a failure.
          if (body !== null) http.failBody(body, 'the handler returned without finishing the response body');
        },
        (error) => {
          if (!answered) reply(fail('the handler trapped', error));
          else if (!timedOut) onError(error, request);
          if (body !== null) http.failBody(body, `the handler trapped: ${error?.message ?? error}`);
        },
      )
      .finally(end);
    return answer;
  };
}

/** At most `size` holders at once; the others wait for `give()`, first come first served. */
function slots(size) {
  let free = size;
  const waiting = [];
  return {
    take: () => (free > 0 ? ((free -= 1), Promise.resolve()) : new Promise((resolve) => waiting.push(resolve))),
    give: () => (waiting.length > 0 ? waiting.shift()() : (free += 1)),
  };
}

const plain = (status, text) => new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
const overLimit = (maxBody) => plain(413, `the request body is over the limit of ${maxBody} bytes\n`);

function logError(error, request) {
  console.error(`terrarium serve: ${request.method} ${request.url}: ${error?.message ?? error}`);
}
