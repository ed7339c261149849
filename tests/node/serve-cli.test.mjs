// `terrarium serve`: the http-handler guest (wasi:http 0.2) and http-handler-p3 (0.3) behind
// Node's HTTP server, on a port the test picks, each through the same tests: 200 concurrent
// requests, bodies streamed both ways, a large body, the --max-body limit, a trap's 500,
// --timeout's 504, and the requests after them; for 0.2 also what the guest sees of the request,
// HEAD, --env and --dir; and a component that is not a handler.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentsDir } from './support.mjs';
import { freePort } from '../../scripts/free-port.mjs';

const cli = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
const MAX_BODY = 32 * 1024 * 1024;

let server;
let base;
let output = '';


/** `terrarium serve <guest>.wasm` with `args` on a free port: `{ server, base }` once it serves. */
async function startServer(guest, args) {
  const port = await freePort();
  const server = spawn(process.execPath, [cli, 'serve', `${componentsDir}${guest}.wasm`, '--port', String(port), ...args]);
  server.stderr.on('data', (d) => (output += d));
  const line = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (d) => {
      text += d;
      const match = /^serving (\S+)$/m.exec(text);
      if (match) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`terrarium serve exited with ${code}: ${output}`)));
  });
  assert.equal(line, `http://127.0.0.1:${port}/`);
  return { server, base: line };
}

const shared = mkdtempSync(path.join(tmpdir(), 'terrarium-serve-'));
writeFileSync(path.join(shared, 'note.txt'), 'from the host folder');

after(() => rmSync(shared, { recursive: true, force: true }));

/** A request with node:http, so the test decides when each body chunk goes: `{ req, response }`. */
function open(path, { method = 'POST', headers = {} } = {}) {
  const req = http.request(new URL(path, base), { method, headers });
  const response = new Promise((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  return { req, response };
}

for (const [guest, handlerName] of [['http-handler', 'wasi:http/incoming-handler'], ['http-handler-p3', 'wasi:http/handler']]) {
  describe(guest, () => {
    before(async () => {
      ({ server, base } = await startServer(guest, ['--max-body', String(MAX_BODY), '--env', 'GREETING=hello from --env', '--dir', `${shared}::/data`]));
    });
    after(() => server.kill());

    test('concurrent requests: 200 at once, each answered with its own echo', async () => {
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          fetch(new URL(`echo?n=${i}`, base), { method: 'POST', body: `body ${i}`, headers: { 'x-test': `t${i}` } }),
        ),
      );
      const answers = await Promise.all(responses.map(async (r) => [r.status, await r.text()]));
      assert.deepEqual(answers, Array.from({ length: 200 }, (_, i) => [200, `BODY ${i}`]));
    });

    if (guest === 'http-handler') {
    test('the guest sees the method, the authority the client asked for and the path', async () => {
      const r = await fetch(new URL('api/echo?a=b', base), { method: 'PATCH', body: 'x' });
      assert.equal(r.headers.get('x-method'), 'PATCH');
      assert.equal(r.headers.get('x-authority'), new URL(base).host);
      assert.equal(r.headers.get('x-scheme'), 'http');
      assert.equal(await r.text(), 'X');
    });
    }

    test('bodies stream both ways: each chunk written comes back upper-cased before the next is sent', async () => {
      const { req, response } = open('echo', { headers: { 'transfer-encoding': 'chunked' } });
      req.write('one ');
      const res = await response;
      assert.equal(res.statusCode, 200);
      for (const word of ['one ', 'two ', 'three']) {
        if (word !== 'one ') req.write(word);
        const [chunk] = await once(res, 'data');
        assert.equal(chunk.toString(), word.toUpperCase());
      }
      req.end();
      await once(res, 'end');
    });

    test('a large body (24 MiB, streamed) comes back whole, upper-cased', async () => {
      const size = 24 * 1024 * 1024;
      const piece = Buffer.alloc(64 * 1024, 'abcdefghijklmnopqrstuvwxyz');
      const { req, response } = open('echo', { headers: { 'content-length': String(size) } });
      (async () => {
        for (let sent = 0; sent < size; sent += piece.length) if (!req.write(piece)) await once(req, 'drain');
        req.end();
      })();
      const res = await response;
      let received = 0;
      let wrong = 0;
      for await (const chunk of res) {
        for (let i = 0; i < chunk.length; i++) if (chunk[i] !== 65 + ((received + i) % piece.length) % 26) wrong++;
        received += chunk.length;
      }
      assert.equal(received, size);
      assert.equal(wrong, 0);
    });

    if (guest === 'http-handler') {
    test('HEAD: the head the guest answers with, and no body', async () => {
      const r = await fetch(new URL('echo?h=1', base), { method: 'HEAD' });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-method'), 'HEAD');
      assert.equal(await r.text(), '');
    });
    }

    test('--max-body: a request body over it gets a 413', async () => {
      const r = await fetch(new URL('echo', base), { method: 'POST', body: new Uint8Array(MAX_BODY + 1) });
      assert.equal(r.status, 413);
      assert.equal(await r.text(), `the request body is over the limit of ${MAX_BODY} bytes\n`);
    });

    test('a trap gives a 500 and the server goes on', async () => {
      const trapped = await fetch(new URL('trap', base));
      assert.equal(trapped.status, 500);
      assert.equal(await trapped.text(), 'the handler trapped\n');
      const late = await fetch(new URL('trap-late', base));
      assert.equal(late.status, 200);
      await assert.rejects(late.text(), /terminated/);
      const next = await fetch(new URL('hello?name=again', base));
      assert.equal(await next.text(), 'hello, again!');
      assert.match(output, /the handler trapped on purpose/);
      assert.match(output, new RegExp(`terrarium serve: GET http://127\\.0\\.0\\.1:\\d+/trap: trap in \`${handlerName}#handle\`: unreachable`));
    });

    if (guest === 'http-handler') {
    test('--env sets a variable (none is passed through), --dir mounts a host folder', async () => {
      const env = await fetch(new URL('env?name=GREETING', base));
      assert.equal(await env.text(), 'hello from --env');
      assert.equal((await fetch(new URL('env?name=PATH', base))).status, 404);
      const file = await fetch(new URL('read?path=/data/note.txt', base));
      assert.equal(file.status, 200);
      assert.equal(await file.text(), 'from the host folder');
    });
    }

    test('--timeout: a handler that does not answer in time gets a 504, and the server goes on', async (t) => {
      // One instance at a time: the second stuck request is served only if the first one's ended.
      const { server: impatient, base: url } = await startServer(guest, ['--timeout', '0.05', '--max-instances', '1']);
      t.after(() => impatient.kill());
      for (let n = 0; n < 2; n++) {
        const stuck = await fetch(new URL('sleep?ms=3600000', url));
        assert.equal(stuck.status, 504);
        assert.equal(await stuck.text(), 'the handler did not answer within 50 ms\n');
      }
    });
  });
}

test('a component that is not an HTTP handler: the CLI says so and exits non-zero', () => {
  const r = spawnSync(process.execPath, [cli, 'serve', `${componentsDir}hello.wasm`, '--port', '0'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^terrarium: link: not an HTTP handler: the component exports neither `wasi:http\/incoming-handler@0\.2\.x` nor `wasi:http\/handler@0\.3\.x`/);
  const usage = spawnSync(process.execPath, [cli, 'serve', `${componentsDir}http-handler.wasm`, '--port', 'eighty'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--port eighty: not an option it takes/);
  const missing = spawnSync(process.execPath, [cli, 'serve', `${componentsDir}http-handler.wasm`, '--dir', `${shared}/nowhere::/x`], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--dir .*nowhere::\/x: '.*nowhere' is not a directory/);
});
