// MiB/s of WASI 0.3 streams in Node, through the wasi-p3 guest (dist/components/wasi-p3.wasm):
// a file of SIZE bytes read with `read-via-stream` from an in-memory Filesystem (MODE=read), and
// a body of SIZE bytes from a local HTTP server read as the stream of a `client.send` response
// (MODE=fetch). Each run is checked (the guest prints how many bytes it read); the figure is the
// median of RUNS after a warm-up. And a `stream<u8>` of SIZE bytes between two components
// (stream-relay writes it, in 64 KiB writes, into the stream async-streams' `byte-count` reads),
// composed by wac and linked in the page: copied from one memory to the other, checked by the
// count. Run by bench/run.mjs; `node bench/p3-streams.mjs` runs it alone.

import http from 'node:http';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GUEST = path.join(ROOT, 'dist/components/wasi-p3.wasm');
const SIZE = 32 * 1024 * 1024;
const RUNS = 5;
const host = { 'test:wasi-p3/host': { sleep: async () => {}, mark: () => {} } };

/** The median MiB/s of `once()`, which moves SIZE bytes, over RUNS runs after a warm-up. */
async function medianMiBs(once) {
  const times = [];
  for (let i = 0; i <= RUNS; i++) {
    const begin = performance.now();
    await once();
    const ms = performance.now() - begin;
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return SIZE / 1024 / 1024 / (times[Math.floor(times.length / 2)] / 1000);
}

/** @returns {Promise<{composed: number, linked: number}>} MiB/s of a stream<u8> between two components */
export async function measureBetweenComponents() {
  const { load } = await import(path.join(ROOT, 'js/index.js'));
  const component = async (name) => load(await readFile(path.join(ROOT, `dist/components/${name}.wasm`)));
  const streamsHost = { 'example:async-streams/host': { written() {}, numbers: () => [] } };
  const composed = (await (await component('stream-relay-streams')).instantiate(streamsHost)).exports.relay;
  const producer = await (await component('async-streams')).instantiate(streamsHost);
  const linked = (await (await component('stream-relay')).instantiate({ 'example:async-streams/api': producer.exports.api })).exports.relay;
  const count = (relay) => async () => {
    const n = await relay.count(SIZE, 64 * 1024);
    if (n !== BigInt(SIZE)) throw new Error(`stream-relay: ${n} bytes counted of ${SIZE}`);
  };
  return { composed: await medianMiBs(count(composed)), linked: await medianMiBs(count(linked)) };
}

/** @returns {Promise<{fileRead: number, fetchBody: number, bytes: number}>} MiB/s of each */
export async function measureP3Streams() {
  const { createFilesystem, load, run } = await import(path.join(ROOT, 'js/index.js'));
  const component = await load(await readFile(GUEST));
  const data = await createFilesystem({ 'big.bin': new Uint8Array(SIZE).fill(7) });
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-length': String(SIZE) });
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    const more = () => {
      while (sent < SIZE) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}/big`;
  try {
    const mibPerSecond = (env) =>
      medianMiBs(async () => {
        let out = '';
        const { exitCode } = await run(component, { imports: host, env, stdout: (b) => (out += new TextDecoder().decode(b)), preopens: { '/data': data } });
        if (exitCode !== 0 || !out.includes(`read ${SIZE} bytes`)) throw new Error(`wasi-p3 ${env.MODE}: exit ${exitCode}: ${out.slice(-300)}`);
      });
    return { fileRead: await mibPerSecond({ MODE: 'read', FILE: 'big.bin' }), fetchBody: await mibPerSecond({ MODE: 'fetch', URL: url }), bytes: SIZE };
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await measureP3Streams(), await measureBetweenComponents());
