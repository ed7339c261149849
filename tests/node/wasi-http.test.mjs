// wasi:http over fetch, in Node: the wasi-http guest (tests/guests/wasi-http) against a local
// server (http-server.mjs) in a worker, request bodies streamed and buffered, the embedder's own
// fetch, the trap without a way to wait, and the polyfill's fields and error mapping directly.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { load, run, TerrariumError } from '../../js/index.js';
import { createWasi } from '../../polyfill-wasi/js/index.js';
import { createHttp, fetchErrorCode } from '../../polyfill-wasi/js/http.js';
import { collector, guestBytes } from './support.mjs';
import { refusedUrl, startHttpServer } from './http-server.mjs';

let server;
let refused;
before(async () => {
  server = await startHttpServer();
  refused = await refusedUrl();
});
after(() => server.close());

const ALL = ['get', 'post', 'headers', 'status', 'not-found', 'refused', 'timeout', 'stream', 'big', 'trailers', 'errors', 'poll'];

async function runHttpGuest(groups, { env = {}, ...options } = {}) {
  const stdout = collector();
  const stderr = collector();
  const { exitCode } = await run(await guestBytes('wasi-http'), {
    args: ['wasi-http', server.base, ...groups],
    env: { REFUSED_URL: refused, REFUSED_CODE: 'ConnectionRefused', BODY_MODE: 'chunked', ...env },
    stdout,
    stderr,
    ...options,
  });
  const text = stdout.text();
  assert.deepEqual(text.split('\n').filter((l) => l.startsWith('FAIL')), [], `${text}\n${stderr.text()}`);
  assert.equal(exitCode, 0, `${text}\n${stderr.text()}`);
  return { text, passed: text.split('\n').filter((l) => l.startsWith('ok ')).length };
}

test('the wasi-http guest passes every check in a worker: GET, streamed POST, headers, status, 404, refused, timeouts, streamed response, trailers, errors, poll', async () => {
  const { text, passed } = await runHttpGuest(ALL, { blocking: 'worker' });
  assert.equal(passed, 77);
  assert.match(text, /^request body mode: chunked$/m, 'Node streams request bodies');
});

test('run() picks the worker for an HTTP client by itself', async () => {
  const component = await load(await guestBytes('wasi-http'));
  const instance = await component.instantiate({}, { blocking: 'auto', wasi: { stdout: () => {} } });
  assert.equal(instance.blocking, 'worker');
  instance[Symbol.dispose ?? Symbol.for('nodejs.dispose')]();
  await runHttpGuest(['get', 'not-found']);
});

test("http: { requestBodies: 'buffer' } sends the body whole, with a content-length", async () => {
  const { text } = await runHttpGuest(['post'], { blocking: 'worker', http: { requestBodies: 'buffer' }, env: { BODY_MODE: 'length' } });
  assert.match(text, /^request body mode: length$/m);
});

test('the embedder’s fetch is used for every request (auth, a proxy)', async () => {
  const seen = [];
  const fetch = (url, init) => {
    seen.push(`${init.method} ${new URL(url).pathname}`);
    return globalThis.fetch(url, init);
  };
  await runHttpGuest(['get', 'not-found'], { blocking: 'worker', fetch });
  assert.deepEqual(seen, ['GET /hello', 'GET /missing']);

  // Headers it adds reach the server; the guest sees the response as usual.
  const { imports } = createWasi(
    { fetch: (url, init) => globalThis.fetch(url, { ...init, headers: [...init.headers, ['x-auth', 'secret']] }) },
    { wait: 'async', http: createHttp },
  );
  const types = imports['wasi:http/types'];
  const request = new types.OutgoingRequest(types.Fields.fromList([['x-a', new TextEncoder().encode('1')]]));
  request.setScheme({ tag: 'HTTP' });
  request.setAuthority(server.base.slice('http://'.length));
  request.setPathWithQuery('/headers');
  const future = imports['wasi:http/outgoing-handler'].handle(request, undefined);
  await future.subscribe().block();
  const response = future.get().val.val;
  const stream = response.consume().stream();
  let body = '';
  for (;;) {
    let chunk;
    try {
      chunk = await stream.blockingRead(1000n);
    } catch (e) {
      assert.deepEqual(e, { tag: 'closed' });
      break;
    }
    body += new TextDecoder().decode(chunk);
  }
  assert.equal(body, 'x-a: 1\nx-auth: secret\n');
});

test("blocking: 'none': an HTTP client traps at its first wait, naming the call and the request", async () => {
  const component = await load(await guestBytes('wasi-http'));
  const instance = await component.instantiate({}, { wasi: { args: ['wasi-http', server.base, 'get'], stdout: () => {} } });
  assert.throws(
    () => instance.exports['wasi:cli/run@0.2.0'].run(),
    (e) =>
      e instanceof TerrariumError &&
      e.kind === 'trap' &&
      e.message.includes(`\`wasi:io/poll#[method]pollable.block\` would have to wait for the response to GET ${server.base}/hello; waiting needs JSPI or a worker`),
  );
  instance[Symbol.dispose ?? Symbol.for('nodejs.dispose')]();
});

test('fields: syntax, hop-by-hop names forbidden (browser-only names allowed in Node), immutability', () => {
  const { imports } = createWasi({}, { http: createHttp });
  const { Fields } = imports['wasi:http/types'];
  const bytes = (s) => new TextEncoder().encode(s);
  const f = Fields.fromList([['X-One', bytes('1')]]);
  assert.deepEqual(f.entries(), [['x-one', bytes('1')]]);
  for (const name of ['connection', 'Host', 'transfer-encoding', 'upgrade', 'keep-alive', 'proxy-connection', 'http2-settings']) {
    assert.throws(() => f.set(name, [bytes('x')]), (e) => e.tag === 'forbidden', name);
  }
  for (const name of ['cookie', 'origin', 'sec-fetch-mode', 'content-length']) f.append(name, bytes('x'));
  assert.throws(() => f.append('a b', bytes('x')), (e) => e.tag === 'invalid-syntax');
  assert.throws(() => f.append('x-v', bytes('a\r\nb')), (e) => e.tag === 'invalid-syntax');
  assert.throws(() => f.append('x-v', bytes('\x7f')), (e) => e.tag === 'invalid-syntax');
  f.append('x-v', new Uint8Array([0x09, 0x20, 0x80, 0xff]));
  const request = new imports['wasi:http/types'].OutgoingRequest(f);
  assert.throws(() => request.headers().append('x-w', bytes('1')), (e) => e.tag === 'immutable');
  assert.throws(() => request.headers().delete('x-one'), (e) => e.tag === 'immutable');
  request.headers().clone().append('x-w', bytes('1'));
});

test('fetch failures map to error-code variants', () => {
  const cause = (code, message = code) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
  assert.deepEqual(fetchErrorCode(cause('ECONNREFUSED'), null), { tag: 'connection-refused' });
  assert.deepEqual(fetchErrorCode(cause('ENOTFOUND'), null), { tag: 'DNS-error', val: { rcode: 'NXDOMAIN', infoCode: undefined } });
  assert.deepEqual(fetchErrorCode(cause('EAI_AGAIN'), null), { tag: 'DNS-timeout' });
  assert.deepEqual(fetchErrorCode(cause('UND_ERR_SOCKET'), null), { tag: 'connection-terminated' });
  assert.deepEqual(fetchErrorCode(cause('UND_ERR_SOCKET'), null, { body: true }), { tag: 'HTTP-response-incomplete' });
  assert.deepEqual(fetchErrorCode(cause('UND_ERR_CONNECT_TIMEOUT'), null), { tag: 'connection-timeout' });
  assert.deepEqual(fetchErrorCode(cause('CERT_HAS_EXPIRED'), null), { tag: 'TLS-certificate-error' });
  assert.deepEqual(fetchErrorCode(cause(undefined, 'bad port'), null), { tag: 'HTTP-request-denied' });
  assert.deepEqual(fetchErrorCode(new Error('aborted'), 'connection-read-timeout'), { tag: 'connection-read-timeout' });
});

test('serving: an incoming-request and a response-outparam exist only as serve() makes them; send-informational fails', () => {
  const { imports } = createWasi({}, { http: createHttp });
  const { ResponseOutparam } = imports['wasi:http/types'];
  const answers = [];
  const outparam = new ResponseOutparam((result) => answers.push(result));
  assert.throws(() => outparam.sendInformational(103, undefined), (e) => e.tag === 'internal-error');
  ResponseOutparam.set(outparam, { tag: 'err', val: { tag: 'internal-error' } });
  ResponseOutparam.set(outparam, { tag: 'ok' });
  assert.deepEqual(answers, [{ tag: 'err', val: { tag: 'internal-error' } }], 'an outparam answers once');
});

test('status codes the other way: an outgoing-response keeps the status the guest sets, 100 to 999', () => {
  const { imports } = createWasi({}, { http: createHttp });
  const { OutgoingResponse, Fields } = imports['wasi:http/types'];
  const response = new OutgoingResponse(Fields.fromList([['x-a', new Uint8Array([49])]]));
  assert.equal(response.statusCode(), 200);
  response.setStatusCode(404);
  assert.equal(response.statusCode(), 404);
  assert.throws(() => response.setStatusCode(42));
  assert.throws(() => response.setStatusCode(1000));
  assert.equal(response.statusCode(), 404);
  assert.throws(() => response.headers().append('x-b', new Uint8Array([1])), (e) => e.tag === 'immutable');
  response.body();
  assert.throws(() => response.body());
});
