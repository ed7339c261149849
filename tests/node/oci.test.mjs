// Components from an OCI registry (a real one: Debian's docker-registry on 127.0.0.1): `terrarium
// push`, `load('oci://…')` by tag and by digest, `terrarium run oci://…`, the cache, an anonymous
// bearer-token handshake, and the typed errors for a missing manifest, a manifest without a wasm
// layer, a blob whose bytes changed and a malformed reference.

import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { load, TerrariumError } from '../../js/index.js';
import { componentsDir, guestBytes } from './support.mjs';
import { startRegistry } from './oci-registry.mjs';
import { freePort } from '../../scripts/free-port.mjs';

const cli = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
const run = promisify(execFile);
const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let registry;
let cacheRoot;
const temporaries = [];

before(async () => {
  registry = await startRegistry();
});
after(async () => {
  await registry?.stop();
  await Promise.all(temporaries.map((dir) => rm(dir, { recursive: true, force: true })));
});
// Each test starts with an empty cache of its own (the loader reads XDG_CACHE_HOME when it loads).
beforeEach(async () => {
  cacheRoot = await mkdtemp(path.join(tmpdir(), 'terrarium-cache-'));
  temporaries.push(cacheRoot);
  process.env.XDG_CACHE_HOME = cacheRoot;
});

/** `terrarium …` as a child process, with this test's cache and an empty stdin. */
function terrarium(...words) {
  const result = run(process.execPath, [cli, ...words], { env: { ...process.env, XDG_CACHE_HOME: cacheRoot } });
  result.child.stdin.end();
  return result;
}

async function push(name, repoTag) {
  const { stdout } = await terrarium('push', `${componentsDir}${name}.wasm`, `oci://${registry.host}/${repoTag}`);
  assert.match(stdout, /^sha256:[0-9a-f]{64}\n$/);
  return stdout.trim();
}

/** Calls `fn` and returns what it rejected with. */
async function rejection(fn) {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

function assertTerrariumError(error, kind, pattern) {
  assert.ok(error instanceof TerrariumError, `not a TerrariumError: ${error?.stack ?? error}`);
  assert.equal(error.kind, kind, error.message);
  assert.match(error.message, pattern);
}

/** Uploads blobs and a manifest with plain requests (POST then PUT), not through Terrarium. */
async function putRaw(repo, tag, blobs, manifest) {
  for (const bytes of blobs) {
    const started = await fetch(`http://${registry.host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    assert.equal(started.status, 202, await started.text());
    const url = new URL(started.headers.get('location'), `http://${registry.host}`);
    url.searchParams.set('digest', sha256(bytes));
    const r = await fetch(url, { method: 'PUT', body: bytes });
    assert.equal(r.status, 201, await r.text());
  }
  const body = JSON.stringify(manifest);
  const r = await fetch(`http://${registry.host}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body,
  });
  assert.equal(r.status, 201, await r.text());
  return sha256(body);
}

test('push writes the wkg layout; load by tag and by digest calls the component', { timeout: 120_000 }, async () => {
  const digest = await push('bench', 'terrarium/bench:0.1.0');
  const bench = await guestBytes('bench');
  const manifestResponse = await fetch(`http://${registry.host}/v2/terrarium/bench/manifests/0.1.0`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  const manifestText = await manifestResponse.text();
  assert.equal(sha256(manifestText), digest);
  const manifest = JSON.parse(manifestText);
  assert.equal(manifest.config.mediaType, 'application/vnd.wasm.config.v0+json');
  assert.deepEqual(manifest.layers, [{ mediaType: 'application/wasm', digest: sha256(bench), size: bench.byteLength }]);
  const config = await (await fetch(`http://${registry.host}/v2/terrarium/bench/blobs/${manifest.config.digest}`)).json();
  assert.equal(config.os, 'wasip2');
  assert.deepEqual(config.layerDigests, [sha256(bench)]);
  assert.deepEqual(config.component.exports, ['example:bench/api@0.1.0']);

  for (const reference of [`oci://${registry.host}/terrarium/bench:0.1.0`, new URL(`oci://${registry.host}/terrarium/bench@${digest}`)]) {
    const component = await load(reference);
    const instance = await component.instantiate({ 'example:bench/host': { log() {} } });
    assert.equal(instance.exports.api.add(2, 3), 5);
  }
});

test('terrarium run oci://… runs a command component from the registry', { timeout: 120_000 }, async () => {
  await push('hello', 'terrarium/hello:1');
  const { stdout } = await terrarium('run', `oci://${registry.host}/terrarium/hello:1`, 'x');
  assert.match(stdout, /^arg: x$/m);
});

test('the cache: a tag asks for the manifest only, a digest needs no registry, a corrupted entry is refetched', { timeout: 120_000 }, async () => {
  const digest = await push('bench', 'terrarium/cached:1');
  const requests = [];
  const counting = (url, init) => {
    requests.push(new URL(url).pathname);
    return fetch(url, init);
  };
  await load(`oci://${registry.host}/terrarium/cached:1`, { fetch: counting });
  assert.deepEqual(requests, ['/v2/terrarium/cached/manifests/1', `/v2/terrarium/cached/blobs/${sha256(await guestBytes('bench'))}`]);
  requests.length = 0;
  await load(`oci://${registry.host}/terrarium/cached:1`, { fetch: counting });
  assert.deepEqual(requests, ['/v2/terrarium/cached/manifests/1']);

  const offline = () => Promise.reject(new TypeError('fetch failed: offline'));
  const byDigest = `oci://${registry.host}/terrarium/cached@${digest}`;
  const component = await load(byDigest, { fetch: offline });
  assert.equal(component.byteLength, (await guestBytes('bench')).byteLength);

  // The cache is in the folder XDG_CACHE_HOME names: a damaged entry is ignored, not loaded.
  const folder = path.join(cacheRoot, 'terrarium/oci/sha256');
  const layerFile = path.join(folder, sha256(await guestBytes('bench')).slice(7));
  assert.deepEqual((await readdir(folder)).sort(), [digest.slice(7), path.basename(layerFile)].sort());
  await writeFile(layerFile, 'not the component');
  assertTerrariumError(await rejection(() => load(byDigest, { fetch: offline })), 'load', /offline/);
  await load(byDigest);
  assert.deepEqual(await readFile(layerFile), Buffer.from(await guestBytes('bench')));
});

test('a reference the registry does not have, or a registry that is not there: kind load, naming the reference', { timeout: 120_000 }, async () => {
  const missing = `oci://${registry.host}/terrarium/missing:1`;
  assertTerrariumError(await rejection(() => load(missing)), 'load', /oci:\/\/127\.0\.0\.1:\d+\/terrarium\/missing:1.*404/);
  const nowhere = `oci://127.0.0.1:${await freePort()}/terrarium/bench:1`;
  const error = await rejection(() => load(nowhere));
  assertTerrariumError(error, 'load', /cannot reach/);
  assert.ok(error.message.includes(nowhere), error.message);
});

test('a manifest without an application/wasm layer: kind invalid, naming the reference', { timeout: 120_000 }, async () => {
  const layer = new TextEncoder().encode('a tarball, say');
  const config = new TextEncoder().encode('{}');
  await putRaw('terrarium/image', 'v1', [layer, config], {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.byteLength },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.byteLength }],
  });
  const reference = `oci://${registry.host}/terrarium/image:v1`;
  const error = await rejection(() => load(reference));
  assertTerrariumError(error, 'invalid', /no application\/wasm layer.*application\/vnd\.oci\.image\.layer\.v1\.tar/);
  assert.ok(error.message.includes(reference), error.message);
});

test('a blob whose bytes changed in the registry: kind invalid, naming the reference', { timeout: 120_000 }, async () => {
  await push('hello', 'terrarium/corrupt:1');
  const hello = await guestBytes('hello');
  const altered = hello.slice();
  altered[altered.length - 1] ^= 0xff;
  await writeFile(registry.blobFile(sha256(hello)), altered);
  const reference = `oci://${registry.host}/terrarium/corrupt:1`;
  const error = await rejection(() => load(reference));
  assertTerrariumError(error, 'invalid', new RegExp(`has digest ${sha256(altered)}, not the ${sha256(hello)}`));
  assert.ok(error.message.includes(reference), error.message);
  await writeFile(registry.blobFile(sha256(hello)), hello);
});

test('a malformed reference is a TypeError, before any request', async () => {
  const requests = [];
  const fetchImpl = (url) => {
    requests.push(url);
    return fetch(url);
  };
  const digest = `sha256:${'a'.repeat(64)}`;
  for (const reference of [
    'oci://',
    'oci:///repo:1',
    `oci://${registry.host}/repo`,
    `oci://${registry.host}/Upper/case:1`,
    `oci://${registry.host}/repo:bad/tag`,
    `oci://${registry.host}/repo@sha256:1234`,
    `oci://${registry.host}/repo@md5:${'a'.repeat(32)}`,
    `oci://host name/repo:1`,
  ]) {
    await assert.rejects(load(reference, { fetch: fetchImpl }), TypeError, reference);
  }
  await assert.rejects(
    terrarium('push', `${componentsDir}bench.wasm`, `oci://${registry.host}/repo@${digest}`),
    (error) => error.code === 1 && /a push names a tag/.test(error.stderr),
  );
  assert.deepEqual(requests, []);
});

test('a registry that asks for a bearer token gets an anonymous one', { timeout: 120_000 }, async () => {
  await push('bench', 'terrarium/guarded:1');
  // A proxy in front of the registry that answers 401 with a challenge until the token is shown.
  const port = await freePort();
  const tokenRequests = [];
  const proxy = http.createServer(async (req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${port}`);
    if (url.pathname === '/token') {
      tokenRequests.push(Object.fromEntries(url.searchParams));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'anonymous-token' }));
      return;
    }
    if (req.headers.authorization !== 'Bearer anonymous-token') {
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test-registry",scope="repository:terrarium/guarded:pull"`,
        })
        .end();
      return;
    }
    const upstream = await fetch(`http://${registry.host}${req.url}`, { headers: { accept: req.headers.accept ?? '*/*' } });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  try {
    const component = await load(`oci://127.0.0.1:${port}/terrarium/guarded:1`);
    const instance = await component.instantiate({ 'example:bench/host': { log() {} } });
    assert.equal(instance.exports.api.add(2, 3), 5);
    // One token, reused for the blob after the manifest.
    assert.deepEqual(tokenRequests, [{ service: 'test-registry', scope: 'repository:terrarium/guarded:pull' }]);
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
  }
});
