// The bench's own static server: Terrarium's files, the bench page, and jco's transpiled output,
// all from one cross-origin-isolated origin (COOP/COEP, so `performance.now()` is precise).
//
//   /bench/...             -> bench/            (the page and its script)
//   /jco/...               -> bench/out/jco/    (jco's output, written at bench time)
//   /jco-inpage/...        -> bench/out/jco-inpage/  (jco's browser transpiler, bundled at bench time)
//   /js/..., /polyfill-wasi/js/..., /dist/...   -> the same folders ('#platform' resolved, as
//                                                 scripts/serve.mjs does)
//   /components/...        -> dist/components/
//   /models/...            -> ../shared/models/ (beside the repository: stories260K for the Llama rows)
//   /test-models/...       -> target/test-models/ (the stories15M-shaped checkpoint, written at bench time)
//   /demo-site/...         -> demo-site/ (llama-q8.js, which quantizes the checkpoints for the 8-bit rows)

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvePackageImports } from '../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MOUNTS = [
  ['/polyfill-wasi/js/', 'polyfill-wasi/js'],
  ['/components/', 'dist/components'],
  ['/bench/', 'bench'],
  ['/demo-site/', 'demo-site'],
  ['/jco/', 'bench/out/jco'],
  ['/jco-inpage/', 'bench/out/jco-inpage'],
  ['/dist/', 'dist'],
  ['/js/', 'js'],
  ['/models/', '../shared/models'],
  ['/test-models/', 'target/test-models'],
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

function resolve(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const mount = MOUNTS.find(([prefix]) => decoded.startsWith(prefix));
  if (!mount) return null;
  const base = path.join(ROOT, mount[1]);
  const file = path.resolve(base, decoded.slice(mount[0].length));
  return file.startsWith(base + path.sep) ? file : null;
}

/** @returns {Promise<{url: string, close(): Promise<void>}>} */
export function startBenchServer({ port = 0 } = {}) {
  const server = http.createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      // Every page load in the bench is a fresh browser context, so this only matters within a page.
      'Cache-Control': 'no-store',
    };
    const file = resolve(new URL(req.url ?? '/', 'http://x').pathname);
    fs.readFile(file ?? '', (error, bytes) => {
      if (error || req.method !== 'GET') {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
        return res.end('not found\n');
      }
      const isSource = /^(js|polyfill-wasi[\\/]js)[\\/].*\.js$/.test(path.relative(ROOT, file));
      const body = isSource ? Buffer.from(resolvePackageImports(bytes.toString('utf8'))) : bytes;
      headers['Content-Type'] = MIME[path.extname(file)] ?? 'application/octet-stream';
      headers['Content-Length'] = String(body.length);
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      done({
        url: `http://127.0.0.1:${bound}/`,
        close: () =>
          new Promise((closed) => {
            server.close(() => closed());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
