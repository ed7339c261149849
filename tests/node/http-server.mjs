/**
 * The HTTP server the wasi:http tests talk to, on 127.0.0.1 (a free port). Used in-process by
 * the Node tests and by the Chromium specs (started by the spec in Playwright's Node process).
 * Every response allows CORS and cross-origin embedding, since the test pages are cross-origin
 * isolated and on another port.
 *
 * Routes:
 *   GET  /hello              200 "hello world", content-type text/plain, x-test: yes
 *   POST /echo               the request body back; x-body-mode: chunked | length, x-body-length
 *   GET  /headers            the request's x-* headers, "name: value\n", sorted
 *   GET  /response-headers   x-multi twice, a set-cookie
 *   GET  /status/<n>         status n, body "status n" (none for 204 and 304)
 *   GET  /missing            404 "not found\n"
 *   GET  /redirect           302 to /hello
 *   GET  /slow-head?ms=n     the head after n ms
 *   GET  /slow-body?ms=n     the head and "start" at once, "end" after n ms
 *   GET  /stream             "part1" at once, "part2" once /release is requested (or "late" after 5 s)
 *   GET  /release            releases /stream
 *   GET  /big?n=bytes        n bytes, byte i = i % 251, in 64 KiB writes
 *   GET  /trailers           a chunked body followed by an x-checksum trailer
 */

import http from 'node:http';
import { freePort } from '../../scripts/free-port.mjs';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': '*',
  'cross-origin-resource-policy': 'cross-origin',
};

export async function startHttpServer() {
  const waiting = [];
  const log = [];
  const sockets = new Set();
  const handle = async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const send = (status, body = '', headers = {}) => {
      res.writeHead(status, { ...CORS, 'content-type': 'text/plain', ...headers });
      res.end(body);
    };
    log.push(`${req.method} ${url.pathname}`);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS,
        'access-control-allow-methods': '*',
        'access-control-allow-headers': '*',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const path = url.pathname;
    if (path === '/hello') return send(200, 'hello world', { 'x-test': 'yes' });
    if (path === '/echo') {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      const mode = req.headers['transfer-encoding'] === 'chunked' ? 'chunked' : 'length';
      return send(200, body, {
        'content-type': 'application/octet-stream',
        'x-body-mode': mode,
        'x-body-length': String(body.length),
        'x-method': req.method,
      });
    }
    if (path === '/headers') {
      const lines = Object.entries(req.headers)
        .filter(([name]) => name.startsWith('x-'))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => `${name}: ${value}\n`);
      return send(200, lines.join(''));
    }
    if (path === '/response-headers') {
      res.writeHead(200, [
        ...Object.entries(CORS).flat(),
        'x-multi', 'a',
        'x-multi', 'b',
        'set-cookie', 'session=1',
        'content-type', 'text/plain',
      ]);
      res.end('ok');
      return;
    }
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) {
      const n = Number(status[1]);
      return send(n, n === 204 || n === 304 ? undefined : `status ${n}`);
    }
    if (path === '/missing') return send(404, 'not found\n');
    if (path === '/redirect') return send(302, '', { location: '/hello' });
    if (path === '/slow-head') {
      await sleep(Number(url.searchParams.get('ms') ?? 1000));
      return send(200, 'slow head');
    }
    if (path === '/slow-body') {
      res.writeHead(200, { ...CORS, 'content-type': 'text/plain' });
      res.write('start');
      await sleep(Number(url.searchParams.get('ms') ?? 1000));
      if (!res.destroyed) res.end('end');
      return undefined;
    }
    if (path === '/stream') {
      res.writeHead(200, { ...CORS, 'content-type': 'text/plain' });
      res.write('part1');
      const released = await Promise.race([new Promise((resolve) => waiting.push(resolve)).then(() => true), sleep(5000).then(() => false)]);
      if (!res.destroyed) res.end(released ? 'part2' : 'late');
      return undefined;
    }
    if (path === '/release') {
      const n = waiting.length;
      for (const resolve of waiting.splice(0)) resolve();
      return send(200, `released ${n}`);
    }
    if (path === '/big') {
      const n = Number(url.searchParams.get('n') ?? 1 << 20);
      res.writeHead(200, { ...CORS, 'content-type': 'application/octet-stream', 'content-length': String(n) });
      for (let at = 0; at < n; at += 65536) {
        const chunk = Buffer.alloc(Math.min(65536, n - at));
        for (let i = 0; i < chunk.length; i++) chunk[i] = (at + i) % 251;
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
      return undefined;
    }
    if (path === '/trailers') {
      res.writeHead(200, { ...CORS, 'content-type': 'text/plain', trailer: 'x-checksum' });
      res.write('with trailers');
      res.addTrailers({ 'x-checksum': 'abc' });
      res.end();
      return undefined;
    }
    return send(404, 'no such route\n');
  };
  // A client that gives up mid-request (a timeout, an aborted body) must not take the server down.
  const server = http.createServer((req, res) => handle(req, res).catch(() => res.destroy()));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    log,
    close: () =>
      new Promise((resolve) => {
        for (const resolveWait of waiting.splice(0)) resolveWait();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens: a port that was free a moment ago. */
export async function refusedUrl() {
  return `http://127.0.0.1:${await freePort()}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
