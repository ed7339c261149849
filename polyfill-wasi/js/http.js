// wasi:http@0.2 (types, outgoing-handler) over `fetch`; and wasi:http@0.3 (types, client) over
// the same plumbing (p3/http.js).
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
//
// The parts live in http/: fields.js, requests.js, responses.js, errors.js and handler.js
// (createHttp and the outgoing handler).

import { createHttp as createHttpP2 } from './http/handler.js';
import { createHttpP3 } from './p3/http.js';

export { fetchErrorCode } from './http/errors.js';

/**
 * wasi:http, 0.2 and 0.3 (p3/http.js, over the same plumbing), for one instance: a `WasiPackage`
 * (compose.js). `end()` aborts the requests of both still in flight.
 * @param {{fetch?: typeof fetch, http?: {requestBodies?: 'auto'|'stream'|'buffer'}}} [options]
 * @param {import('./wait.js').Waiter} [waiter]
 */
export function createHttp(options = {}, waiter = undefined) {
  const p2 = createHttpP2(options, waiter);
  const p3 = createHttpP3(options);
  return {
    interfaces: { ...p2.interfaces, ...p3.interfaces },
    end() {
      p2.end();
      p3.end();
    },
  };
}
