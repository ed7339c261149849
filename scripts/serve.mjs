#!/usr/bin/env node
// Dependency-free static server for the Terrarium playground and tests.
//
// Every response is cross-origin isolated (COOP/COEP/CORP) and uncached.
// URL mapping (nothing else is served):
//   /                     -> demo-site/index.html
//   /demo-site/...        -> demo-site/...
//   /js/...               -> js/...             (package imports such as '#platform' resolved
//   /polyfill-wasi/js/... -> polyfill-wasi/js/...  to their browser files, as a bundler would)
//   /dist/...             -> dist/...
//   /components/...       -> dist/components/...
//   /guests/...           -> tests/guests/...   (the test components' source, which demos show)
//   /csp/...              -> demo-site/... with a strict Content-Security-Policy
//   /models/...           -> ../shared/models/... (beside the repository, read-only: the model files
//                            the Llama demo loads, never copied into the repo; 404 when absent)
//
// CLI:    node scripts/serve.mjs [--port N]   (or env PORT; default 8080; 0 = any free port)
// In-process: import { startServer } from './scripts/serve.mjs';
//             const { url, close } = await startServer({ port: 0 });

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';

export const CSP = "script-src 'self' 'wasm-unsafe-eval'";

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.wit': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.rs': 'text/plain; charset=utf-8',
};

// URL prefix -> folder (relative to root). Longest prefixes first.
const MOUNTS = [
  { prefix: '/polyfill-wasi/js/', dir: 'polyfill-wasi/js', source: true },
  { prefix: '/components/', dir: 'dist/components' },
  { prefix: '/guests/', dir: 'tests/guests' },
  { prefix: '/demo-site/', dir: 'demo-site' },
  { prefix: '/dist/', dir: 'dist', source: true },
  { prefix: '/js/', dir: 'js', source: true },
  { prefix: '/csp/', dir: 'demo-site', csp: true },
  // Outside the repository: files are confined to this folder (after symlinks), not to the root.
  { prefix: '/models/', dir: '../shared/models', outside: true },
];

function baseHeaders() {
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
}

/**
 * Map a URL pathname to { file, csp, base } or null when it is outside every mount. `base` is the
 * folder the file must stay inside once symlinks are resolved. Exported for tests.
 */
export function resolvePath(root, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded === '/' || decoded === '/index.html') {
    return { file: path.join(root, 'demo-site', 'index.html'), csp: false, base: root };
  }
  const mount = MOUNTS.find((m) => decoded.startsWith(m.prefix));
  if (!mount) return null;
  const base = path.resolve(root, mount.dir);
  let rel = decoded.slice(mount.prefix.length);
  const segments = rel.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(base, rel);
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  return { file, csp: !!mount.csp, source: !!mount.source, base: mount.outside ? base : root };
}

function send(res, status, headers, body, method) {
  res.writeHead(status, headers);
  if (method === 'HEAD') res.end();
  else res.end(body);
}

function handler(root) {
  return (req, res) => {
    const method = req.method || 'GET';
    const headers = baseHeaders();
    if (method !== 'GET' && method !== 'HEAD') {
      headers['Allow'] = 'GET, HEAD';
      headers['Content-Type'] = 'text/plain; charset=utf-8';
      return send(res, 405, headers, 'method not allowed\n', method);
    }
    let pathname;
    try {
      pathname = new URL(req.url || '/', 'http://localhost').pathname;
    } catch {
      pathname = null;
    }
    // "/csp" -> "/csp/" so relative URLs in the index page resolve.
    if (pathname && MOUNTS.some((m) => pathname === m.prefix.slice(0, -1))) {
      headers['Location'] = pathname + '/';
      return send(res, 301, headers, '', method);
    }
    const target = pathname == null ? null : resolvePath(root, pathname);
    const notFound = () => {
      headers['Content-Type'] = 'text/plain; charset=utf-8';
      send(res, 404, headers, 'not found\n', method);
    };
    if (!target) return notFound();

    fs.stat(target.file, (err, st) => {
      if (err || !st.isFile()) return notFound();
      // Refuse symlinks that escape the served folders.
      fs.realpath(target.file, (err2, real) => {
        const realRoot = safeRealpath(target.base);
        if (err2 || !(real === realRoot || real.startsWith(realRoot + path.sep))) return notFound();
        headers['Content-Type'] =
          MIME[path.extname(target.file).toLowerCase()] || 'application/octet-stream';
        headers['Content-Length'] = String(st.size);
        headers['Last-Modified'] = st.mtime.toUTCString();
        if (target.csp) headers['Content-Security-Policy'] = CSP;
        if (target.source && target.file.endsWith('.js')) {
          const text = resolvePackageImports(fs.readFileSync(target.file, 'utf8'), root);
          headers['Content-Length'] = String(Buffer.byteLength(text));
          return send(res, 200, headers, text, method);
        }
        res.writeHead(200, headers);
        if (method === 'HEAD') return res.end();
        const stream = fs.createReadStream(target.file);
        stream.on('error', () => res.destroy());
        stream.pipe(res);
      });
    });
  };
}

/**
 * The source in js/ imports package-internal names (`'#platform'`, package.json's `imports`), and
 * ahead-of-time output in dist/ imports the package by its name (`'terrarium-wasm/aot'`), which
 * Node and bundlers resolve and a browser does not: they are rewritten to the served path of their
 * browser file (the `browser` or `default` condition).
 */
export function resolvePackageImports(text, root = DEFAULT_ROOT) {
  const { name, imports = {}, exports = {} } = packageJson(root);
  const served = (target) => (typeof target === 'string' ? target : target?.browser ?? target?.default)?.replace(/^\./, '');
  return text.replace(/(from\s*|import\s*\(\s*)(['"])([^'"]+)\2/g, (whole, lead, quote, specifier) => {
    let target;
    if (specifier.startsWith('#')) target = served(imports[specifier]);
    else if (specifier === name || specifier.startsWith(`${name}/`)) target = served(exportTarget(exports, `.${specifier.slice(name.length)}`));
    return target ? `${lead}${quote}${target}${quote}` : whole;
  });
}

/** What package.json's `exports` maps `subpath` (`./aot`, `./wasi/cli.js`) to, `*` patterns included. */
function exportTarget(exports, subpath) {
  if (Object.hasOwn(exports, subpath)) return exports[subpath];
  for (const [key, target] of Object.entries(exports)) {
    const star = key.indexOf('*');
    if (star < 0 || !subpath.startsWith(key.slice(0, star)) || !subpath.endsWith(key.slice(star + 1))) continue;
    const matched = subpath.slice(star, subpath.length - (key.length - star - 1));
    return typeof target === 'string' ? target.replace('*', matched) : undefined;
  }
  return undefined;
}

/** package.json of `root`, read once per root. */
const packageByRoot = new Map();
function packageJson(root) {
  if (!packageByRoot.has(root)) packageByRoot.set(root, JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')));
  return packageByRoot.get(root);
}

const realpathCache = new Map();
function safeRealpath(p) {
  if (!realpathCache.has(p)) {
    try {
      realpathCache.set(p, fs.realpathSync(p));
    } catch {
      return p; // missing (say, ../shared/models): not cached, so it is found once it exists
    }
  }
  return realpathCache.get(p);
}

/**
 * Start the server. Resolves with { url, port, server, close() }.
 * @param {{ port?: number, root?: string, host?: string }} [opts]
 */
export function startServer({ port = 8080, root = DEFAULT_ROOT, host = HOST } = {}) {
  const absRoot = path.resolve(root);
  const server = http.createServer(handler(absRoot));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const url = `http://${host}:${addr.port}/`;
      resolve({
        url,
        port: addr.port,
        server,
        close: () =>
          new Promise((res, rej) => {
            server.close((e) => (e ? rej(e) : res()));
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

function parsePort(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port' || a === '-p') return argv[i + 1];
    if (a.startsWith('--port=')) return a.slice('--port='.length);
  }
  return process.env.PORT;
}

const isMain =
  process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;

if (isMain) {
  const raw = parsePort(process.argv.slice(2));
  const port = raw === undefined || raw === '' ? 8080 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: bad port ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  startServer({ port }).then(
    ({ url, close }) => {
      console.log(`Terrarium playground: ${url}`);
      const stop = () => close().finally(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      console.error(`serve: ${err.message}`);
      process.exit(1);
    },
  );
}
