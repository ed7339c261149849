// Terrarium's WASI 0.2 polyfill: plain ESM over web APIs (crypto, performance,
// TextEncoder/TextDecoder, console), so it runs unchanged in a page, a Worker
// and Node 20. One module per WASI package; this file wires them together.

import { createCli } from './cli.js';
import { createClocks } from './clocks.js';
import { createFilesystemInterfaces } from './filesystem.js';
import { createIo } from './io.js';
import { createRandom } from './random.js';
import { createSockets } from './sockets.js';

/** Every interface createWasi() implements, by versionless name. */
export const interfaces = Object.freeze([
  'wasi:cli/environment',
  'wasi:cli/exit',
  'wasi:cli/stdin',
  'wasi:cli/stdout',
  'wasi:cli/stderr',
  'wasi:cli/terminal-input',
  'wasi:cli/terminal-output',
  'wasi:cli/terminal-stdin',
  'wasi:cli/terminal-stdout',
  'wasi:cli/terminal-stderr',
  'wasi:clocks/monotonic-clock',
  'wasi:clocks/wall-clock',
  'wasi:random/random',
  'wasi:random/insecure',
  'wasi:random/insecure-seed',
  'wasi:io/error',
  'wasi:io/poll',
  'wasi:io/streams',
  'wasi:filesystem/types',
  'wasi:filesystem/preopens',
  'wasi:sockets/network',
  'wasi:sockets/instance-network',
  'wasi:sockets/tcp',
  'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp',
  'wasi:sockets/udp-create-socket',
  'wasi:sockets/ip-name-lookup',
]);

/**
 * Creates the WASI imports for one guest instance.
 *
 * @param {object} [options]
 * @param {string[]} [options.args] what get-arguments returns (argv[0] included if wanted)
 * @param {Record<string,string>|Array<[string,string]>} [options.env]
 * @param {string|Uint8Array} [options.stdin] read in chunks, then `closed`; undefined = empty
 * @param {((bytes: Uint8Array) => void)|'console'} [options.stdout] callback gets a copy of each write;
 *   'console'/undefined prints lines with console.log
 * @param {((bytes: Uint8Array) => void)|'console'} [options.stderr] as stdout, with console.error
 * @param {Record<string, import('./filesystem.js').Filesystem|{dir: import('./filesystem.js').Filesystem,
 *   readOnly?: boolean}>} [options.preopens] guest path → filesystem (from createFilesystem())
 * @returns {{ imports: Record<string, object>, flush: () => void, end: () => void }} `flush()`
 *   prints any partial console line; call it after the guest returns (exit already does).
 *   `end()` closes the guest's files when the instance goes, publishing no unflushed write.
 */
export function createWasi(options = {}) {
  const cli = createCli(options);
  const filesystem = createFilesystemInterfaces(options.preopens);
  const imports = {
    ...cli.interfaces,
    ...createClocks(),
    ...createRandom(),
    ...createIo(),
    ...createSockets(),
    ...filesystem.interfaces,
  };
  return { imports, flush: cli.flush, end: filesystem.end };
}
