// Requests per second of an HTTP handler component (dist/components/http-handler.wasm, its
// `GET /hello` route) under `terrarium serve` and under `jco serve`, and of the same route of the
// WASI 0.3 handler (http-handler-p3.wasm) under `terrarium serve`, the same load for all: each
// server a child process on a free port, warmed up, then REQUESTS requests, CONCURRENCY at a time,
// over keep-alive connections. Every answer is checked, so a server that answers wrongly is a
// failure, not a fast row. Run by bench/run.mjs; `node bench/serve.mjs` runs it alone.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../scripts/free-port.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HANDLER = path.join(ROOT, 'dist/components/http-handler.wasm');
const HANDLER_P3 = path.join(ROOT, 'dist/components/http-handler-p3.wasm');
const REQUESTS = 400;
const CONCURRENCY = 16;
const WARM_UP = 32;
const PATH = '/hello?name=bench';
const EXPECTED = 'hello, bench!';

const JCO = path.join(ROOT, 'node_modules/@bytecodealliance/jco/dist/jco.js');

/**
 * The servers, as commands given the port to listen on. Terrarium makes an instance per request,
 * as Wasmtime does; jco by default answers every request with one shared instance, and with
 * `--isolate-requests instance` makes one per request as Terrarium does.
 */
const SERVERS = {
  terrarium: (port) => [process.execPath, [path.join(ROOT, 'js/cli.js'), 'serve', HANDLER, '--port', String(port)]],
  'terrarium-p3': (port) => [process.execPath, [path.join(ROOT, 'js/cli.js'), 'serve', HANDLER_P3, '--port', String(port)]],
  jco: (port) => [process.execPath, [JCO, 'serve', HANDLER, '--port', String(port)]],
  'jco-isolated': (port) => [process.execPath, [JCO, 'serve', HANDLER, '--port', String(port), '--isolate-requests', 'instance']],
};

/**
 * @returns {Promise<Record<string, {requestsPerSecond: number, requests: number, concurrency: number} | {error: string}>>}
 */
export async function measureServe() {
  const results = {};
  for (const [side, command] of Object.entries(SERVERS)) {
    const port = await freePort();
    const [exe, args] = command(port);
    // A group of its own: `jco serve` runs the component in a child process of its own, ended with it.
    const child = spawn(exe, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      const url = `http://127.0.0.1:${port}${PATH}`;
      await untilAnswering(url, child, () => output);
      await load(url, WARM_UP, CONCURRENCY);
      const seconds = await load(url, REQUESTS, CONCURRENCY);
      results[side] = { requestsPerSecond: REQUESTS / seconds, requests: REQUESTS, concurrency: CONCURRENCY };
    } catch (error) {
      results[side] = { error: `${error.message}${output ? `\n${output.slice(-400)}` : ''}` };
    } finally {
      process.kill(-child.pid);
    }
  }
  return results;
}

/** Seconds taken by `total` GETs of `url`, `concurrency` at a time; throws on a wrong answer. */
async function load(url, total, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let started = 0;
  const begin = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (started < total) {
          started++;
          const { status, body } = await get(url, agent);
          if (status !== 200 || body !== EXPECTED) throw new Error(`${url} answered ${status} ${JSON.stringify(body.slice(0, 80))}`);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return (performance.now() - begin) / 1000;
}

function get(url, agent) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (d) => (body += d));
        response.on('end', () => resolve({ status: response.statusCode, body }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Resolves once `url` answers (the server is up), rejects if the server exits first. */
async function untilAnswering(url, child, output) {
  let gone = false;
  const exited = once(child, 'exit').then(([code]) => {
    gone = true;
    throw new Error(`the server exited with ${code} before answering`);
  });
  const up = (async () => {
    while (!gone) {
      try {
        await get(url, undefined);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  })();
  await Promise.race([up, exited]).catch((error) => {
    throw new Error(`${error.message}: ${output()}`);
  });
}


if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [side, r] of Object.entries(await measureServe())) {
    console.log(side.padEnd(10), 'error' in r ? `FAILED: ${r.error}` : `${r.requestsPerSecond.toFixed(0)} requests/s (${r.requests}, ${r.concurrency} at a time)`);
  }
}
