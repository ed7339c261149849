// wasi:http@0.3 (polyfill-wasi/js/p3/http.js) at the JS level, against the test HTTP server
// (http-server.mjs): the host functions called as the runtime will call them once it carries
// `stream<T>` and `future<T>` (a body is a ReadableStream, an async iterable or an array; a future
// is a promise), then end to end with the wasi-p3 guest (tests/guests/wasi-p3, `MODE=http`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWasi } from '../../polyfill-wasi/js/index.js';
import { createHttp } from '../../polyfill-wasi/js/http.js';
import { run } from '../../js/index.js';
import { refusedUrl, startHttpServer } from './http-server.mjs';
import { collector, guestBytes } from './support.mjs';

let server;
before(async () => {
  server = await startHttpServer();
});
after(() => server.close());

const enc = (s) => new TextEncoder().encode(s);
const dec = (chunks) => new TextDecoder().decode(Buffer.concat(chunks.map((c) => Buffer.from(c))));
const OK = { tag: 'ok', val: undefined };

/** One instance's wasi:http@0.3, with `options` as its WASI options. */
function http(options = {}) {
  const { imports, end } = createWasi(options, { http: createHttp });
  return { ...imports['wasi:http/types@0.3'], send: imports['wasi:http/client@0.3'].send, end };
}

/** A request to `url` (on the test server): `method`, headers, body chunks, trailers, options. */
function request(h, url, { method = { tag: 'get' }, headers = [], body, trailers = OK, options } = {}) {
  const { origin, pathname, search } = new URL(url);
  const [req, transmitted] = h.Request.new(h.Fields.fromList(headers.map(([n, v]) => [n, enc(v)])), body, Promise.resolve(trailers), options);
  req.setMethod(method);
  req.setScheme({ tag: origin.startsWith('https') ? 'HTTPS' : 'HTTP' });
  req.setAuthority(new URL(origin).host);
  req.setPathWithQuery(pathname + search);
  return { req, transmitted };
}

/** The whole body of a response, and its trailers future's value. */
async function readBody(h, response) {
  const [stream, trailers] = h.Response.consumeBody(response, Promise.resolve(OK));
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { text: dec(chunks), trailers: await trailers };
}

test('GET: status, headers as 0.3 fields, the body streamed, trailers none', async () => {
  const h = http();
  const { req, transmitted } = request(h, `${server.base}/hello`, { headers: [['x-asked', 'yes']] });
  const response = await h.send(req);
  assert.equal(response.getStatusCode(), 200);
  const headers = response.getHeaders();
  assert.deepEqual(headers.get('x-test'), [enc('yes')]);
  assert.ok(headers.copyAll().some(([name]) => name === 'content-type'));
  assert.throws(() => headers.set('x-new', [enc('1')]), (e) => e.tag === 'immutable');
  assert.deepEqual(await readBody(h, response), { text: 'hello world', trailers: OK });
  assert.deepEqual(await transmitted, OK);
  assert.throws(() => h.Response.consumeBody(response, Promise.resolve(OK)), 'a body is taken once');
});

test('POST: a streamed request body (chunked in Node) and one read whole (buffer)', async () => {
  for (const [requestBodies, mode] of [['auto', 'chunked'], ['buffer', 'length']]) {
    const h = http({ http: { requestBodies } });
    const body = new ReadableStream({
      start(c) {
        c.enqueue(enc('one '));
        c.enqueue(enc('two'));
        c.close();
      },
    });
    const { req, transmitted } = request(h, `${server.base}/echo`, { method: { tag: 'post' }, body });
    const response = await h.send(req);
    assert.equal(response.getHeaders().get('x-body-mode').map((v) => new TextDecoder().decode(v))[0], mode, requestBodies);
    assert.deepEqual(await readBody(h, response), { text: 'one two', trailers: OK });
    assert.deepEqual(await transmitted, OK);
  }
});

test('request trailers cannot be sent: the request fails with internal-error', async () => {
  const h = http({ http: { requestBodies: 'buffer' } });
  const trailers = { tag: 'ok', val: h.Fields.fromList([['x-sum', enc('1')]]) };
  const { req, transmitted } = request(h, `${server.base}/echo`, { method: { tag: 'post' }, body: [enc('x')], trailers });
  const expected = { tag: 'internal-error', val: 'trailers cannot be sent: fetch has no request trailers' };
  await assert.rejects(h.send(req), (e) => assert.deepEqual(e, expected) ?? true);
  assert.deepEqual(await transmitted, { tag: 'err', val: expected });
});

test('errors: a refused connection, a bad URI, a body on a GET; a 404 is a response', async () => {
  const h = http();
  const withBody = request(h, `${server.base}/hello`, { body: [enc('x')] });
  await assert.rejects(h.send(withBody.req), (e) => e.tag === 'internal-error' && e.val === 'fetch cannot send a body with GET');
  assert.deepEqual(await withBody.transmitted, { tag: 'err', val: { tag: 'internal-error', val: 'fetch cannot send a body with GET' } });
  await assert.rejects(h.send(request(h, `${await refusedUrl()}/`).req), (e) => e.tag === 'connection-refused');
  const [bad] = h.Request.new(new h.Fields(), undefined, Promise.resolve(OK), undefined);
  await assert.rejects(h.send(bad), (e) => e.tag === 'HTTP-request-URI-invalid');
  const missing = await h.send(request(h, `${server.base}/missing`).req);
  assert.equal(missing.getStatusCode(), 404);
  assert.equal((await readBody(h, missing)).text, 'not found\n');
});

test('timeouts: first byte, and between bytes (which ends the body with its code)', async () => {
  const h = http();
  const options = new h.RequestOptions();
  options.setFirstByteTimeout(50_000_000n);
  await assert.rejects(h.send(request(h, `${server.base}/slow-head?ms=2000`, { options }).req), (e) => e.tag === 'connection-read-timeout');
  const between = new h.RequestOptions();
  between.setBetweenBytesTimeout(50_000_000n);
  const { req } = request(h, `${server.base}/slow-body?ms=2000`, { options: between });
  assert.equal(req.getOptions().getBetweenBytesTimeout(), 50_000_000n);
  assert.throws(() => req.getOptions().setConnectTimeout(1n), (e) => e.tag === 'immutable');
  const response = await h.send(req);
  assert.deepEqual(await readBody(h, response), { text: 'start', trailers: { tag: 'err', val: { tag: 'connection-read-timeout' } } });
});

test('request and response resources: methods, paths, statuses the WIT allows', () => {
  const h = http();
  const [req] = h.Request.new(new h.Fields(), undefined, Promise.resolve(OK), undefined);
  assert.deepEqual(req.getMethod(), { tag: 'get' });
  assert.throws(() => req.setMethod({ tag: 'other', val: 'BAD METHOD' }));
  req.setMethod({ tag: 'other', val: 'PROPFIND' });
  assert.deepEqual(req.getMethod(), { tag: 'other', val: 'PROPFIND' });
  assert.throws(() => req.setPathWithQuery('/a b'));
  assert.equal(req.getOptions(), undefined);
  const [res] = h.Response.new(h.Fields.fromList([['x-a', enc('1')]]), [enc('body')], Promise.resolve(OK));
  assert.equal(res.getStatusCode(), 200);
  res.setStatusCode(404);
  assert.throws(() => res.setStatusCode(1000));
  assert.equal(res.getStatusCode(), 404);
  assert.deepEqual(res.getHeaders().get('x-a'), [enc('1')]);
  const fields = h.Fields.fromList([['x-b', enc('2')]]);
  assert.deepEqual(fields.getAndDelete('x-b'), [enc('2')]);
  assert.equal(fields.has('x-b'), false);
  assert.throws(() => h.Fields.fromList([['connection', enc('close')]]), (e) => e.tag === 'forbidden');
});

test('an instance that ends aborts its requests in flight', async () => {
  const h = http();
  const pending = h.send(request(h, `${server.base}/slow-head?ms=2000`).req);
  await new Promise((resolve) => setTimeout(resolve, 20));
  h.end();
  await assert.rejects(pending, (e) => typeof e.tag === 'string');
});

test('the wasi-p3 guest: a GET, a first-byte timeout, and a POST streamed both ways, through the runtime', async () => {
  const stdout = collector();
  const logged = server.log.length;
  const { exitCode } = await run(await guestBytes('wasi-p3'), {
    imports: { 'test:wasi-p3/host': { sleep: async () => {}, mark: () => {} } },
    env: { MODE: 'http', URL: `${server.base}/` },
    stdout,
  });
  const lines = stdout.text().split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('FAIL')), []);
  assert.equal(exitCode, 0);
  assert.equal(lines.filter((l) => l.startsWith('ok ')).length, 8);
  // The timed-out request reaches the server only if it was sent within its 50 ms: on a busy
  // machine it may be aborted before that.
  const log = server.log.slice(logged);
  assert.deepEqual(log.filter((l) => l !== 'GET /slow-head'), ['GET /hello', 'POST /echo']);
  assert.ok(log.length === 2 || log[1] === 'GET /slow-head', log.join(', '));
});
