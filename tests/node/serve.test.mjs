// serve(): the http-handler guest (tests/guests/http-handler, a wasi:http/incoming-handler@0.2
// export) answering Request objects directly, an instance per request: in a worker (what
// 'auto' picks in Node) and with blocking 'none' (the request body read whole first); the
// http-handler-p3 guest (a wasi:http/handler@0.3 export, built with the `wasip3` crate) through
// the same tests of streaming, concurrency and limits; and a handler in Python (componentize-py,
// tests/toolchains/python-http).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { load, serve, TerrariumError } from '../../js/index.js';
import { collector, guestBytes } from './support.mjs';

// CPython's modules use extended-const, which Node 20 compiles only behind a flag (see toolchains.test.mjs).
v8.setFlagsFromString('--experimental-wasm-extended-const');

/** The two handlers: wasi:http 0.2 and 0.3, with the same routes. */
const GUESTS = ['http-handler', 'http-handler-p3'];
const components = {};
before(async () => {
  for (const guest of GUESTS) components[guest] = await load(await guestBytes(guest));
});

/** A handler that keeps what it was told went wrong, and the guest's stderr (its panic messages). */
async function handlerOf(options = {}, guest = 'http-handler') {
  const errors = [];
  const stderr = collector();
  const handle = await serve(components[guest], { wasi: { stderr }, onError: (error) => errors.push(error), ...options });
  return { handle, errors, stderr };
}

/** A request body the test feeds chunk by chunk: `push(text)`, `end()`. */
function feed() {
  let controller;
  const stream = new ReadableStream({ start: (c) => (controller = c) });
  return { stream, push: (text) => controller.enqueue(new TextEncoder().encode(text)), end: () => controller.close() };
}

for (const blocking of ['auto', 'none']) {
  test(`blocking '${blocking}': the guest sees the method, path with query, scheme, authority, a header and the body`, async () => {
    const { handle } = await handlerOf({ blocking });
    const response = await handle(
      new Request('http://example.test:8080/api/echo?x=1&y=2', { method: 'PUT', body: 'hello, body', headers: { 'x-test': 'yes' } }),
    );
    assert.equal(response.status, 200);
    assert.deepEqual(
      ['x-method', 'x-path', 'x-scheme', 'x-authority', 'x-test'].map((n) => response.headers.get(n)),
      ['PUT', '/api/echo?x=1&y=2', 'http', 'example.test:8080', 'yes'],
    );
    assert.equal(await response.text(), 'HELLO, BODY');
  });
}

for (const guest of GUESTS) {
  test(`${guest}: a greeting, and an unknown path is its 404`, async () => {
    const { handle } = await handlerOf({}, guest);
    const hello = await handle(new Request('https://example.test/hello?name=ann'));
    assert.equal(hello.headers.get('content-type'), 'text/plain');
    assert.equal(await hello.text(), 'hello, ann!');
    const missing = await handle(new Request('https://example.test/nowhere'));
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), 'not found: /nowhere');
  });

  test(`${guest}: bodies stream both ways: each chunk comes back upper-cased before the next is sent`, async () => {
    const { handle } = await handlerOf({}, guest);
    const body = feed();
    const response = await handle(new Request('http://example.test/echo', { method: 'POST', body: body.stream, duplex: 'half' }));
    assert.equal(response.status, 200);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (const word of ['first ', 'second ', 'third']) {
      body.push(word);
      const { value } = await reader.read();
      assert.equal(decoder.decode(value), word.toUpperCase());
    }
    body.end();
    assert.equal((await reader.read()).done, true);
  });

  test(`${guest}: a large streamed body (8 MiB) comes back whole, upper-cased`, async () => {
    const { handle } = await handlerOf({}, guest);
    const size = 8 * 1024 * 1024;
    const bytes = new Uint8Array(size).map((_, i) => 97 + (i % 26));
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent === size) return controller.close();
        controller.enqueue(bytes.slice(sent, sent + 100_000));
        sent = Math.min(size, sent + 100_000);
      },
    });
    const response = await handle(new Request('http://example.test/echo', { method: 'POST', body: stream, duplex: 'half' }));
    const back = new Uint8Array(await response.arrayBuffer());
    assert.equal(back.length, size);
    assert.ok(back.every((b, i) => b === 65 + (i % 26)));
  });

  test(`${guest}: concurrent requests each get their own instance and their own answer`, async () => {
    const { handle } = await handlerOf({}, guest);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => handle(new Request(`http://example.test/echo?n=${i}`, { method: 'POST', body: `request ${i}` }))),
    );
    const texts = await Promise.all(responses.map((r) => r.text()));
    assert.deepEqual(texts, Array.from({ length: 20 }, (_, i) => `REQUEST ${i}`));
  });

  test(`${guest}: maxInstances: a request beyond it waits until an instance ends`, async () => {
    const { handle } = await handlerOf({ maxInstances: 1 }, guest);
    const order = [];
    const body = feed();
    const first = await handle(new Request('http://example.test/echo', { method: 'POST', body: body.stream, duplex: 'half' }));
    const second = handle(new Request('http://example.test/hello?name=second')).then((r) => {
      order.push('second answered');
      return r.text();
    });
    const reader = first.body.getReader();
    body.push('still the first');
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'STILL THE FIRST');
    order.push('first ended');
    body.end();
    assert.equal((await reader.read()).done, true);
    assert.equal(await second, 'hello, second!');
    assert.deepEqual(order, ['first ended', 'second answered']);
    await assert.rejects(serve(components[guest], { maxInstances: 0 }), /`maxInstances` must be a number, at least 1/);
  });

  test(`${guest}: timeout: a handler that does not answer in time gets a 504, its instance is ended, and later requests go on`, async () => {
    // One instance at a time: the second stuck request gets an instance (and its own 504) only if
    // the first one's instance ended. (No request here must answer in time: none depends on speed.)
    const { handle, errors } = await handlerOf({ timeout: 50, maxInstances: 1 }, guest);
    for (const n of [1, 2]) {
      const stuck = await handle(new Request('http://example.test/sleep?ms=3600000'));
      assert.equal(stuck.status, 504);
      assert.equal(await stuck.text(), 'the handler did not answer within 50 ms\n');
      assert.equal(errors.length, n);
      assert.match(errors[n - 1].message, /did not answer within 50 ms; its instance was ended/);
    }
    // A handler that waits and then answers within the (default) timeout is answered as usual.
    const { handle: patient } = await handlerOf({}, guest);
    assert.equal(await (await patient(new Request('http://example.test/sleep?ms=1'))).text(), 'slept');
    await assert.rejects(serve(components[guest], { timeout: 0 }), /`timeout` must be a positive number of milliseconds, got 0/);
  });

  test(`${guest}: a trap before answering is a 500, a trap after it fails the body, no answer or an error code is a 500; later requests go on`, async () => {
    const { handle, errors, stderr } = await handlerOf({}, guest);
    const trapped = await handle(new Request('http://example.test/trap'));
    assert.equal(trapped.status, 500);
    assert.equal(await trapped.text(), 'the handler trapped\n');
    assert.ok(errors[0] instanceof TerrariumError && errors[0].kind === 'trap', String(errors[0]));
    assert.match(stderr.text(), /the handler trapped on purpose/);

    const late = await handle(new Request('http://example.test/trap-late'));
    assert.equal(late.status, 200);
    const reader = late.body.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'partial');
    await assert.rejects(reader.read(), guest === 'http-handler' ? /response body failed: internal-error: the handler trapped/ : /the response body failed: trap in/);
    assert.match(stderr.text(), /the handler trapped after answering/);

    if (guest === 'http-handler') {
      const silent = await handle(new Request('http://example.test/silent'));
      assert.equal(silent.status, 500);
      assert.equal(await silent.text(), 'the handler did not answer\n');
      assert.match(errors.at(-1).message, /returned without setting the response-outparam/);
    }

    const refused = await handle(new Request('http://example.test/refuse'));
    assert.equal(refused.status, 500);
    assert.equal(await refused.text(), 'the handler answered with an error\n');
    assert.match(errors.at(-1).message, /^the handler (set the response-outparam to|returned) the error \{"tag":"HTTP-request-denied"\}$/);

    const after = await handle(new Request('http://example.test/hello'));
    assert.equal(await after.text(), 'hello, world!');
  });

  test(`${guest}: what a Response cannot carry: a status outside 200 to 599 is a 500 with the reason logged; trailers fail the body`, async () => {
    const { handle, errors } = await handlerOf({}, guest);
    const teapot = await handle(new Request('http://example.test/status?code=418'));
    assert.equal(teapot.status, 418);
    for (const code of [103, 999]) {
      const response = await handle(new Request(`http://example.test/status?code=${code}`));
      assert.equal(response.status, 500);
      assert.equal(await response.text(), 'the handler answered with an invalid response\n');
      assert.equal(errors.at(-1).message, `the handler answered with status ${code}; a Response takes 200 to 599`);
    }
    const trailers = await handle(new Request('http://example.test/trailers'));
    assert.equal(trailers.status, 200);
    await assert.rejects(trailers.text(), /response body failed: internal-error: trailers cannot be sent: a Response has no trailers/);
  });
}

test('0.2, maxBody: a declared length over it is a 413 before any instance; a streamed body over it fails the read', async () => {
  const { handle, errors } = await handlerOf({ maxBody: 10 });
  const declared = await handle(
    new Request('http://example.test/echo', { method: 'POST', body: 'eleven byte', headers: { 'content-length': '11' } }),
  );
  assert.equal(declared.status, 413);
  assert.equal(await declared.text(), 'the request body is over the limit of 10 bytes\n');
  const fits = await handle(new Request('http://example.test/echo', { method: 'POST', body: 'ten bytes!' }));
  assert.equal(await fits.text(), 'TEN BYTES!');

  // Streamed, with no length: the echo answers before it reads, so the body it streams fails.
  const body = feed();
  const streamed = await handle(new Request('http://example.test/echo', { method: 'POST', body: body.stream, duplex: 'half' }));
  body.push('0123456789abc');
  await assert.rejects(streamed.text(), /response body failed/);
  assert.match(String(errors.at(-1)?.message), /trap/);

  // With blocking 'none' the body is read whole first: over the limit, the handler never runs.
  const none = await handlerOf({ maxBody: 10, blocking: 'none' });
  const stream = feed();
  stream.push('0123456789abc');
  stream.end();
  const buffered = await none.handle(new Request('http://example.test/echo', { method: 'POST', body: stream.stream, duplex: 'half' }));
  assert.equal(buffered.status, 413);
});

test('a component that exports no HTTP handler is a link error naming both', async () => {
  await assert.rejects(
    serve(await guestBytes('hello')),
    (e) => e instanceof TerrariumError && e.kind === 'link' && /exports neither `wasi:http\/incoming-handler@0\.2\.x` nor `wasi:http\/handler@0\.3\.x` \(it exports `wasi:cli\/run@0\.2\.\d+`\)/.test(e.message),
  );
  await assert.rejects(serve(components['http-handler'], { maxBody: -1 }), TypeError);
  const { handle } = await handlerOf();
  await assert.rejects(handle('http://example.test/hello'), /a handler takes a Request/);
});

test('0.3: the guest sees the method, path and body', async () => {
  const { handle } = await handlerOf({}, 'http-handler-p3');
  const echo = await handle(new Request('http://example.test/api/echo?x=1', { method: 'PUT', body: 'hello, body' }));
  assert.equal(echo.status, 200);
  assert.equal(echo.headers.get('x-method'), 'PUT');
  assert.equal(await echo.text(), 'HELLO, BODY');
});

test('0.3, maxBody: a declared length over it is a 413; a streamed body over it ends short for the guest', async () => {
  const { handle } = await handlerOf({ maxBody: 10 }, 'http-handler-p3');
  const declared = await handle(new Request('http://example.test/echo', { method: 'POST', body: 'eleven byte', headers: { 'content-length': '11' } }));
  assert.equal(declared.status, 413);
  assert.equal(await (await handle(new Request('http://example.test/echo', { method: 'POST', body: 'ten bytes!' }))).text(), 'TEN BYTES!');
  // Streamed, with no length: the echo answers before it reads, and its stream of the request
  // body ends at the limit, so nothing past it is echoed.
  const body = feed();
  const streamed = await handle(new Request('http://example.test/echo', { method: 'POST', body: body.stream, duplex: 'half' }));
  assert.equal(streamed.status, 200);
  body.push('0123456789abc');
  assert.equal(await streamed.text(), '');
});

test('componentize-py: a Python incoming-handler reads the request and streams its answer', async () => {
  const handle = await serve(await guestBytes('toolchain-python-http'));
  for (const [method, body] of [['POST', 'from python'], ['GET', null]]) {
    const response = await handle(new Request('http://example.test/py?x=1', { method, body, headers: { 'x-test': 'yes' } }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-test'), 'yes');
    assert.equal(await response.text(), `componentize-py: ${method} /py?x=1\n${(body ?? '').toUpperCase()}`);
  }
});
