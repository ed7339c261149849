// serve() with a WASI 0.3 handler: the http-handler-p3 guest (tests/guests/http-handler-p3, a
// `wasi:http/handler@0.3` export built with the `wasip3` crate) answering Request objects, an
// instance per request, with the limits of the 0.2 path (serve.test.mjs): maxBody, timeout,
// maxInstances, a trap.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { load, serve, TerrariumError } from '../../js/index.js';
import { collector, guestBytes } from './support.mjs';

let component;
before(async () => {
  component = await load(await guestBytes('http-handler-p3'));
});

/** A handler that keeps what it was told went wrong, and the guest's stderr (its panic messages). */
async function handlerOf(options = {}) {
  const errors = [];
  const stderr = collector();
  const handle = await serve(component, { wasi: { stderr }, onError: (error) => errors.push(error), ...options });
  return { handle, errors, stderr };
}

/** A request body the test feeds chunk by chunk: `push(text)`, `end()`. */
function feed() {
  let controller;
  const stream = new ReadableStream({ start: (c) => (controller = c) });
  return { stream, push: (text) => controller.enqueue(new TextEncoder().encode(text)), end: () => controller.close() };
}

test('the guest sees the method, path and body; a greeting; an unknown path is its 404', async () => {
  const { handle } = await handlerOf();
  const echo = await handle(new Request('http://example.test/api/echo?x=1', { method: 'PUT', body: 'hello, body' }));
  assert.equal(echo.status, 200);
  assert.equal(echo.headers.get('x-method'), 'PUT');
  assert.equal(await echo.text(), 'HELLO, BODY');
  const hello = await handle(new Request('https://example.test/hello?name=ann'));
  assert.equal(hello.headers.get('content-type'), 'text/plain');
  assert.equal(await hello.text(), 'hello, ann!');
  const missing = await handle(new Request('https://example.test/nowhere'));
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), 'not found: /nowhere');
});

test('bodies stream both ways: each chunk comes back upper-cased before the next is sent', async () => {
  const { handle } = await handlerOf();
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

test('a large streamed body (8 MiB) comes back whole, upper-cased', async () => {
  const { handle } = await handlerOf();
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

test('concurrent requests each get their own instance and their own answer', async () => {
  const { handle } = await handlerOf();
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => handle(new Request(`http://example.test/echo?n=${i}`, { method: 'POST', body: `request ${i}` }))),
  );
  assert.deepEqual(await Promise.all(responses.map((r) => r.text())), Array.from({ length: 20 }, (_, i) => `REQUEST ${i}`));
});

test('maxInstances: a request beyond it waits until the instance before it is through with its body', async () => {
  const { handle } = await handlerOf({ maxInstances: 1 });
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
});

test('timeout: a handler that does not answer in time gets a 504, its instance is ended, and later requests go on', async () => {
  const { handle, errors } = await handlerOf({ timeout: 50, maxInstances: 1 });
  const stuck = await handle(new Request('http://example.test/sleep?ms=3600000'));
  assert.equal(stuck.status, 504);
  assert.equal(await stuck.text(), 'the handler did not answer within 50 ms\n');
  assert.match(errors[0].message, /did not answer within 50 ms; its instance was ended/);
  assert.equal(await (await handle(new Request('http://example.test/hello?name=after'))).text(), 'hello, after!');
  const { handle: patient } = await handlerOf();
  assert.equal(await (await patient(new Request('http://example.test/sleep?ms=1'))).text(), 'slept');
});

test('a trap before answering is a 500, a trap after it fails the body, an error code is a 500; later requests go on', async () => {
  const { handle, errors, stderr } = await handlerOf();
  const trapped = await handle(new Request('http://example.test/trap'));
  assert.equal(trapped.status, 500);
  assert.equal(await trapped.text(), 'the handler trapped\n');
  assert.ok(errors[0] instanceof TerrariumError && errors[0].kind === 'trap', String(errors[0]));
  assert.match(stderr.text(), /the handler trapped on purpose/);

  const late = await handle(new Request('http://example.test/trap-late'));
  assert.equal(late.status, 200);
  const reader = late.body.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), 'partial');
  await assert.rejects(reader.read(), /the response body failed: trap in `wasi:http\/handler#handle`/);
  assert.ok(errors.at(-1) instanceof TerrariumError && errors.at(-1).kind === 'trap', String(errors.at(-1)));
  assert.match(stderr.text(), /the handler trapped after answering/);

  const refused = await handle(new Request('http://example.test/refuse'));
  assert.equal(refused.status, 500);
  assert.equal(await refused.text(), 'the handler answered with an error\n');
  assert.equal(errors.at(-1).message, 'the handler returned the error {"tag":"HTTP-request-denied"}');

  assert.equal(await (await handle(new Request('http://example.test/hello'))).text(), 'hello, world!');
});

test('what a Response cannot carry: a status outside 200 to 599 is a 500 with the reason logged', async () => {
  const { handle, errors } = await handlerOf();
  assert.equal((await handle(new Request('http://example.test/status?code=418'))).status, 418);
  for (const code of [103, 999]) {
    const response = await handle(new Request(`http://example.test/status?code=${code}`));
    assert.equal(response.status, 500);
    assert.equal(await response.text(), 'the handler answered with an invalid response\n');
    assert.equal(errors.at(-1).message, `the handler answered with status ${code}; a Response takes 200 to 599`);
  }
});

test('maxBody: a declared length over it is a 413 before any instance; a streamed body over it is a 413 or fails the body', async () => {
  const { handle } = await handlerOf({ maxBody: 10 });
  const declared = await handle(new Request('http://example.test/echo', { method: 'POST', body: 'eleven byte', headers: { 'content-length': '11' } }));
  assert.equal(declared.status, 413);
  assert.equal(await (await handle(new Request('http://example.test/echo', { method: 'POST', body: 'ten bytes!' }))).text(), 'TEN BYTES!');
  // Streamed, with no length: the echo answers before it reads, so its body ends short, and
  // the guest's trailers future says why.
  const body = feed();
  const streamed = await handle(new Request('http://example.test/echo', { method: 'POST', body: body.stream, duplex: 'half' }));
  assert.equal(streamed.status, 200);
  body.push('0123456789abc');
  assert.equal(await streamed.text(), '');
});
