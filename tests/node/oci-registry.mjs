/**
 * A real OCI registry for the Node tests: Debian's `docker-registry` (distribution 2.x) on
 * 127.0.0.1 at a free port, storing into a temporary folder. `start` resolves once it answers
 * `/v2/`; `stop` kills it and removes the folder. `blobFile(digest)` is where it keeps a blob on
 * disk, for tests that corrupt one.
 */

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/free-port.mjs';

export async function startRegistry() {
  const root = await mkdtemp(path.join(tmpdir(), 'terrarium-registry-'));
  const port = await freePort();
  const config = path.join(root, 'config.yml');
  await writeFile(
    config,
    `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${path.join(root, 'data')}
http:
  addr: 127.0.0.1:${port}
`,
  );
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const host = `127.0.0.1:${port}`;
  // Polled until it answers; the test's own timeout bounds the wait.
  for (;;) {
    const answered = await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false);
    if (answered) break;
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    host,
    blobFile: (digest) => path.join(root, 'data/docker/registry/v2/blobs/sha256', digest.slice(7, 9), digest.slice(7), 'data'),
    async stop() {
      child.kill();
      await exited;
      await rm(root, { recursive: true, force: true });
    },
  };
}
