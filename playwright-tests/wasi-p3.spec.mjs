// WASI 0.3 in Chromium: the wasi-p3 guest (built with the `wasip3` crate) end to end, waiting on
// wait-for by awaiting (no JSPI, no worker): stdio, file streams and read-directory through
// `stream<T>`, a trap mid-write on OPFS; one Filesystem, in memory or in OPFS, mounted in a 0.2
// guest and a 0.3 guest at once; and wasi:http@0.3's client over the page's fetch, at the JS level
// and from the guest.

import { test, expect } from '@playwright/test';
import { openHarness } from './support.mjs';
import { refusedUrl, startHttpServer } from '../tests/node/http-server.mjs';

test.beforeEach(({ page }) => openHarness(page));

test('the wasi-p3 guest: clocks, random, environment, terminals, sockets, filesystem', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createFilesystem, run } = window.terrarium;
    const marks = [];
    const stdout = window.harness.collector();
    const outcome = {};
    for (const [name, env, clocks] of [['real', {}, undefined], ['virtual', { VIRTUAL: '1' }, { monotonic: 'virtual' }]]) {
      const { exitCode } = await run('/components/wasi-p3.wasm', {
        imports: {
          'test:wasi-p3/host': { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), mark: (label) => marks.push(`${name}: ${label}`) },
        },
        blocking: 'none',
        args: ['wasi-p3', 'one', 'two words'],
        env: { A: '1', CWD: '/work', ...env },
        cwd: '/work',
        clocks,
        stdout,
        preopens: { '/data': await createFilesystem(), '/ro': { dir: await createFilesystem({ 'hello.txt': 'hello' }), readOnly: true } },
      });
      outcome[name] = exitCode;
    }
    const lines = stdout.text().split('\n');
    return { outcome, marks, failures: lines.filter((l) => l.startsWith('FAIL')), passed: lines.filter((l) => l.startsWith('ok ')).length };
  });
  expect(result.failures).toEqual([]);
  expect(result.outcome).toEqual({ real: 0, virtual: 0 });
  expect(result.passed).toBeGreaterThanOrEqual(90);
  expect(result.marks.filter((m) => m.startsWith('real: '))).toEqual(['real: host sleep 1 ms', 'real: wait-for 100 ms']);
});

test('the wasi-p3 guest: exit-with-code is the run\'s exit code', async ({ page }) => {
  const exitCode = await page.evaluate(async () => {
    const { run } = window.terrarium;
    const host = { sleep: async () => {}, mark: () => {} };
    return (await run('/components/wasi-p3.wasm', { imports: { 'test:wasi-p3/host': host }, env: { MODE: 'exit', EXIT_CODE: '42' }, stdout: () => {} })).exitCode;
  });
  expect(exitCode).toBe(42);
});

test('the wasi-p3 guest: stdin, stdout and stderr, file streams and read-directory, all through stream<T>', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createFilesystem, run } = window.terrarium;
    const stdout = window.harness.collector();
    const stderr = window.harness.collector();
    const data = await createFilesystem();
    const { exitCode } = await run('/components/wasi-p3.wasm', {
      imports: { 'test:wasi-p3/host': { sleep: async () => {}, mark: () => {} } },
      blocking: 'none',
      env: { MODE: 'streams' },
      stdin: 'typed in\n',
      stdout,
      stderr,
      preopens: { '/data': data, '/ro': { dir: await createFilesystem({ 'hello.txt': 'hello' }), readOnly: true } },
    });
    const lines = stdout.text().split('\n');
    return {
      exitCode,
      failures: lines.filter((l) => l.startsWith('FAIL')),
      passed: lines.filter((l) => l.startsWith('ok ')).length,
      echoed: lines.includes('through 0.3 stdout: stdin said: typed in'),
      stderr: stderr.text(),
      written: data.readText('streamed.txt'),
    };
  });
  expect(result).toEqual({ exitCode: 0, failures: [], passed: 12, echoed: true, stderr: 'through 0.3 stderr\n', written: 'hello Streams!' });
});

test('the wasi-p3 guest trapping in the middle of write-via-stream on OPFS: a trap, and the kept file is whole', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { openFilesystem, run } = window.terrarium;
    const data = await openFilesystem({ opfs: 'wasi-p3/torn', files: { 'a.txt': 'alpha beta' } });
    const trap = await run('/components/wasi-p3.wasm', {
      imports: { 'test:wasi-p3/host': { sleep: async () => {}, mark: () => {} } },
      env: { MODE: 'torn', FILE: 'a.txt' },
      stdout: () => {},
      stderr: () => {},
      preopens: { '/data': data },
    }).then(() => 'no trap', (e) => e.kind);
    await data.flush();
    await data.close();
    const again = await openFilesystem({ opfs: 'wasi-p3/torn' });
    return { trap, kept: again.readText('a.txt') };
  });
  expect(result).toEqual({ trap: 'trap', kept: 'alpha beta' });
});

/**
 * In the page: instantiates wasi-fs (0.2) and wasi-p3 (0.3) on one `/data` at once, runs the 0.2
 * one, then the 0.3 one (which checks the 0.2 one's `hard-b` and makes `from-p3/file`), then
 * lists `from-p3` with the 0.2 hello guest.
 */
async function shareOneFilesystem(data) {
  const { createFilesystem, load, run } = window.terrarium;
  const ro = await createFilesystem({ 'readme.txt': 'read only' });
  const p2Out = window.harness.collector();
  const p2 = await (await load('/components/wasi-fs.wasm')).instantiate({}, {
    wasi: { args: ['wasi-fs'], stdout: p2Out, preopens: { '/data': data, '/ro': { dir: ro, readOnly: true }, '/other': await createFilesystem() } },
  });
  const p3Out = window.harness.collector();
  const p3 = await (await load('/components/wasi-p3.wasm')).instantiate({ 'test:wasi-p3/host': { sleep: async () => {}, mark: () => {} } }, {
    wasi: { stdout: p3Out, preopens: { '/data': data }, env: { MODE: 'shared', P2_FILE: 'hard-b', P2_SIZE: '19' } },
  });
  const runOf = (instance) => Object.entries(instance.exports).find(([name]) => name.startsWith('wasi:cli/run@'))[1];
  await runOf(p2).run();
  await runOf(p3).run();
  const ls = window.harness.collector();
  const { exitCode } = await run('/components/hello.wasm', { args: ['hello', 'ls', '/data/from-p3'], stdout: ls, preopens: { '/data': data } });
  p2[Symbol.dispose]();
  p3[Symbol.dispose]();
  return {
    p2: p2Out.text().split('\n').filter((l) => l.startsWith('FAIL') || l.endsWith(' failed')),
    p3: p3Out.text().split('\n').filter((l) => l.startsWith('FAIL') || l.startsWith('ok the 0.2')),
    ls: { exitCode, text: ls.text() },
    fromP3: Array.from(data.readFile('from-p3/file')),
  };
}

const shared = {
  p2: [expect.stringMatching(/^\d+ passed, 0 failed$/)],
  p3: ["ok the 0.2 guest's file is there with its size"],
  ls: { exitCode: 0, text: expect.stringContaining('file') },
  fromP3: [0, 0, 0, 0, 0, 0, 0],
};

test('one in-memory Filesystem in a 0.2 guest and a 0.3 guest at once: each sees the other\'s writes', async ({ page }) => {
  await page.addScriptTag({ content: `window.shareOneFilesystem = ${shareOneFilesystem}` });
  const result = await page.evaluate(async () => window.shareOneFilesystem(await window.terrarium.createFilesystem({ 'input.txt': 'from the host\n', sub: { 'nested.txt': 'nested' } })));
  expect(result).toEqual(shared);
});

test('one OPFS Filesystem in a 0.2 guest and a 0.3 guest at once: both guests\' writes are kept', async ({ page }) => {
  await page.addScriptTag({ content: `window.shareOneFilesystem = ${shareOneFilesystem}` });
  const result = await page.evaluate(async () => {
    const { openFilesystem } = window.terrarium;
    const files = { 'input.txt': 'from the host\n', sub: { 'nested.txt': 'nested' } };
    const data = await openFilesystem({ opfs: 'wasi-p3/shared', files });
    const result = await window.shareOneFilesystem(data);
    await data.flush();
    await data.close();
    // What OPFS holds, read by a second Filesystem over the same directory.
    const again = await openFilesystem({ opfs: 'wasi-p3/shared' });
    return { ...result, kept: { fromP3: again.stat('from-p3/file').size, hardB: again.readText('hard-b') } };
  });
  expect(result).toEqual({ ...shared, kept: { fromP3: 7, hardB: 'one file, two names' } });
});

test.describe('wasi:http@0.3 in Chromium', () => {
  let server;
  let refused;
  test.beforeAll(async () => {
    server = await startHttpServer();
    refused = await refusedUrl();
  });
  test.afterAll(() => server.close());

  test('send over fetch: a GET, a POST body buffered over http://, trailers, browser-forbidden headers, a refusal', async ({ page }) => {
    const result = await page.evaluate(
      async ({ base, refused }) => {
        const { createWasi } = await import('/polyfill-wasi/js/index.js');
        const { createHttp } = await import('/polyfill-wasi/js/http.js');
        const { imports } = createWasi({}, { http: createHttp });
        const { Fields, Request, Response } = imports['wasi:http/types@0.3'];
        const { send } = imports['wasi:http/client@0.3'];
        const enc = (s) => new TextEncoder().encode(s);
        const OK = { tag: 'ok', val: undefined };
        const request = (url, method, body, trailers = OK) => {
          const target = new URL(url);
          const [req, transmitted] = Request.new(new Fields(), body, Promise.resolve(trailers), undefined);
          req.setMethod({ tag: method });
          req.setScheme({ tag: 'HTTP' });
          req.setAuthority(target.host);
          req.setPathWithQuery(target.pathname);
          return { req, transmitted };
        };
        const text = async (response) => {
          const [stream, trailers] = Response.consumeBody(response, Promise.resolve(OK));
          let out = '';
          for await (const chunk of stream) out += new TextDecoder().decode(chunk);
          return { text: out, trailers: await trailers };
        };
        const failure = (promise) => promise.then(() => 'no error', (e) => e);
        const get = await send(request(`${base}/hello`, 'get').req);
        const post = request(`${base}/echo`, 'post', [enc('one '), enc('two')]);
        const echoed = await send(post.req);
        const withTrailers = request(`${base}/echo`, 'post', [enc('x')], { tag: 'ok', val: new Fields() });
        let forbidden;
        try {
          Fields.fromList([['cookie', enc('a=1')]]);
        } catch (e) {
          forbidden = e;
        }
        return {
          get: { status: get.getStatusCode(), xTest: new TextDecoder().decode(get.getHeaders().get('x-test')[0]), ...(await text(get)) },
          post: { mode: new TextDecoder().decode(echoed.getHeaders().get('x-body-mode')[0]), ...(await text(echoed)), transmitted: await post.transmitted },
          trailers: await failure(send(withTrailers.req)),
          forbidden,
          refused: await failure(send(request(`${refused}/`, 'get').req)),
        };
      },
      { base: server.base, refused },
    );
    const OK = { tag: 'ok' };
    expect(result.get).toEqual({ status: 200, xTest: 'yes', text: 'hello world', trailers: OK });
    expect(result.post).toEqual({ mode: 'length', text: 'one two', trailers: OK, transmitted: OK });
    expect(result.trailers).toEqual({ tag: 'internal-error', val: 'trailers cannot be sent: fetch has no request trailers' });
    expect(result.forbidden).toEqual({ tag: 'forbidden' });
    expect(result.refused).toEqual({ tag: 'destination-unavailable' });
  });

  test('from the wasi-p3 guest: a GET, a first-byte timeout, and a POST streamed both ways', async ({ page }) => {
    const result = await page.evaluate(async (base) => {
      const stdout = window.harness.collector();
      const { exitCode } = await window.terrarium.run('/components/wasi-p3.wasm', {
        imports: { 'test:wasi-p3/host': { sleep: async () => {}, mark: () => {} } },
        env: { MODE: 'http', URL: `${base}/` },
        stdout,
      });
      const lines = stdout.text().split('\n');
      return { exitCode, failures: lines.filter((l) => l.startsWith('FAIL')), passed: lines.filter((l) => l.startsWith('ok ')).length };
    }, server.base);
    expect(result).toEqual({ exitCode: 0, failures: [], passed: 8 });
  });
});
