// serve() in a Service Worker: the demo page demo-site/serve.html registers serve-sw.js, which
// answers the page's requests under /api/ with the http-handler component (tests/guests/
// http-handler) through JSPI; a trap gives a 500 and the next request is answered again. And serve()
// in the page itself, of the 0.2 handler and of the 0.3 one (tests/guests/http-handler-p3).

import { test, expect } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  await page.goto('/demo-site/serve.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
});

test('the page asks, the Service Worker answers with the component, and its source is shown', async ({ page }) => {
  await expect(page.getByTestId('serve-source')).toContainText('wasi::http::proxy::export!(Handler);');
  await page.getByTestId('serve-name').fill('Service-Worker');
  await page.getByTestId('serve-hello').click();
  await expect(page.getByTestId('serve-answer')).toHaveText(/^200\n[^]*content-type: text\/plain\n\nhello, Service-Worker!$/);

  await page.getByTestId('serve-echo-body').fill('streamed both ways');
  await page.getByTestId('serve-echo').click();
  await expect(page.getByTestId('serve-answer')).toContainText('x-method: POST');
  await expect(page.getByTestId('serve-answer')).toContainText('x-test: from the page');
  await expect(page.getByTestId('serve-answer')).toContainText('STREAMED BOTH WAYS');

  await page.getByTestId('serve-trap').click();
  await expect(page.getByTestId('serve-answer')).toHaveText(/^500\n[^]*\n\nthe handler trapped\n$/);
});

test('fetch() from the page: requests under /api/ go through the component, the others to the server', async ({ page }) => {
  const answers = await page.evaluate(async () => {
    const text = async (path, init) => {
      const r = await fetch(path, init);
      return [r.status, r.headers.get('x-path'), await r.text()];
    };
    const big = 'abcdefghij'.repeat(100_000);
    return {
      hello: await text('/api/hello?name=x'),
      echo: await text('/api/echo?a=1', { method: 'PUT', body: 'put body' }),
      big: await text('/api/echo', { method: 'POST', body: big }).then(([status, , body]) => [status, body === big.toUpperCase()]),
      concurrent: await Promise.all(Array.from({ length: 10 }, (_, i) => text(`/api/echo?n=${i}`, { method: 'POST', body: `n${i}` }))),
      trap: await text('/api/trap'),
      after: await text('/api/hello'),
      missing: await text('/api/nowhere'),
      network: (await fetch('/demo-site/serve-sw.js')).status,
      controlled: navigator.serviceWorker.controller !== null,
    };
  });
  expect(answers.hello).toEqual([200, null, 'hello, x!']);
  expect(answers.echo).toEqual([200, '/api/echo?a=1', 'PUT BODY']);
  expect(answers.big).toEqual([200, true]);
  expect(answers.concurrent).toEqual(Array.from({ length: 10 }, (_, i) => [200, `/api/echo?n=${i}`, `N${i}`]));
  expect(answers.trap).toEqual([500, null, 'the handler trapped\n']);
  expect(answers.after).toEqual([200, null, 'hello, world!']);
  expect(answers.missing).toEqual([404, null, 'not found: /nowhere']);
  expect(answers.network).toBe(200);
  expect(answers.controlled).toBe(true);
});

test('in the page itself: serve() from the bundle answers Request objects; a trap is a 500', async ({ page }) => {
  const answer = await page.evaluate(async () => {
    const { serve } = await import('/dist/terrarium.js');
    const handle = await serve('/components/http-handler.wasm', { wasi: { stderr: () => {} }, onError: () => {} });
    const echo = await handle(new Request('https://page.test/echo?from=page', { method: 'POST', body: 'in the page', headers: { 'x-test': 'p' } }));
    const trap = await handle(new Request('https://page.test/trap'));
    return [echo.status, echo.headers.get('x-scheme'), echo.headers.get('x-authority'), echo.headers.get('x-test'), await echo.text(), trap.status];
  });
  expect(answer).toEqual([200, 'https', 'page.test', 'p', 'IN THE PAGE', 500]);
});

test('in the page itself: a 0.3 handler, bodies streamed both ways, concurrent requests, and the limits of 0.2', async ({ page }) => {
  const answer = await page.evaluate(async () => {
    const { serve } = await import('/dist/terrarium.js');
    const errors = [];
    const options = { wasi: { stderr: () => {} }, onError: (e) => errors.push(e.message) };
    const handle = await serve('/components/http-handler-p3.wasm', { ...options, maxBody: 100 });
    const text = async (request) => {
      const r = await handle(request);
      return [r.status, await r.text()];
    };
    // Each chunk comes back before the next is written.
    let feed;
    const body = new ReadableStream({ start: (c) => (feed = c) });
    const streamed = await handle(new Request('https://page.test/echo', { method: 'POST', body, duplex: 'half' }));
    const reader = streamed.body.getReader();
    const chunks = [];
    for (const word of ['one ', 'two']) {
      feed.enqueue(new TextEncoder().encode(word));
      chunks.push(new TextDecoder().decode((await reader.read()).value));
    }
    feed.close();
    const ended = (await reader.read()).done;
    const late = await handle(new Request('https://page.test/trap-late'));
    const lateReader = late.body.getReader();
    const partial = new TextDecoder().decode((await lateReader.read()).value);
    const cut = await lateReader.read().then(() => 'not cut', (e) => e.message);
    const patient = await serve('/components/http-handler-p3.wasm', { ...options, timeout: 50, maxInstances: 1 });
    return {
      hello: await text(new Request('https://page.test/hello?name=page')),
      chunks,
      ended,
      concurrent: await Promise.all(Array.from({ length: 10 }, (_, i) => text(new Request(`https://page.test/echo?n=${i}`, { method: 'POST', body: `n${i}` })))),
      trap: await text(new Request('https://page.test/trap')),
      late: [late.status, partial, cut],
      over: await text(new Request('https://page.test/echo', { method: 'POST', body: 'x'.repeat(101) })),
      stuck: (await patient(new Request('https://page.test/sleep?ms=3600000'))).status,
      after: await text(new Request('https://page.test/hello')),
      errors,
    };
  });
  expect(answer.hello).toEqual([200, 'hello, page!']);
  expect(answer.chunks).toEqual(['ONE ', 'TWO']);
  expect(answer.ended).toBe(true);
  expect(answer.concurrent).toEqual(Array.from({ length: 10 }, (_, i) => [200, `N${i}`]));
  expect(answer.trap).toEqual([500, 'the handler trapped\n']);
  expect(answer.late).toEqual([200, 'partial', expect.stringMatching(/^the response body failed: trap in /)]);
  // A page's Request carries no content-length, and the echo answers before it reads: past
  // maxBody its body stream ends, with nothing of it echoed.
  expect(answer.over).toEqual([200, '']);
  expect(answer.stuck).toBe(504);
  expect(answer.after).toEqual([200, 'hello, world!']);
  expect(answer.errors).toEqual([
    expect.stringMatching(/^trap in `wasi:http\/handler#handle`/),
    expect.stringMatching(/^trap in `wasi:http\/handler#handle`/),
    'the handler did not answer within 50 ms; its instance was ended',
  ]);
});
