/**
 * `terrarium serve`: a handler made by `serve()` (serve.js) behind Node's HTTP server, as
 * `wasmtime serve` runs one. Each request becomes a fetch `Request` whose body streams in as it
 * arrives, and the handler's `Response` streams out as the guest writes it; requests run
 * concurrently, each in its own instance.
 */

import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Connection-level headers, which belong to this hop and not to the Request. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/**
 * Listens on `addr`:`port` (0: any free port) and answers every request with `handle`.
 * @param {(request: Request) => Promise<Response>} handle
 * @param {{port: number, addr: string}} o
 * @returns {Promise<{server: http.Server, url: string}>} the URL served, with the port bound
 */
export async function listen(handle, { port, addr }) {
  const server = http.createServer((req, res) => {
    answer(handle, req, res).catch((error) => {
      console.error(`terrarium serve: ${req.method} ${req.url}: ${error?.message ?? error}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy(error);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, addr, resolve);
  });
  const bound = server.address();
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return { server, url: `http://${host}:${bound.port}/` };
}

async function answer(handle, req, res) {
  const aborted = new AbortController();
  res.once('close', () => aborted.abort(new Error('the client went away')));
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(req.rawHeaders[i].toLowerCase())) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  }
  const local = req.socket.localAddress.includes(':') ? `[${req.socket.localAddress}]` : req.socket.localAddress;
  const url = new URL(req.url, `http://${req.headers.host ?? `${local}:${req.socket.localPort}`}`);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? Readable.toWeb(req) : null,
    duplex: 'half',
    signal: aborted.signal,
  });
  const response = await handle(request);
  for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.writeHead(response.status);
  if (response.body === null) {
    res.end();
    return;
  }
  // (For HEAD, Node drops what is written: the guest writes its body as for GET, unhindered.)
  // A body that fails (the guest trapped mid-way) cuts the response off: the client sees it end early.
  await pipeline(Readable.fromWeb(response.body), res).catch((error) => res.destroy(error));
}
