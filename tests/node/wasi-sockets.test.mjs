// wasi:sockets in a browser host: every attempt fails at once with `not-supported`, never a crash
// or a hang. The guest (tests/guests/wasi-sockets) uses Rust std's own networking.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../js/index.js';
import { createSockets } from '../../polyfill-wasi/js/sockets.js';
import { collector, guestBytes } from './support.mjs';

test('std networking in a guest fails cleanly: connect, listen, bind, resolve', async () => {
  const stdout = collector();
  const { exitCode } = await run(await guestBytes('wasi-sockets'), { stdout, stderr: () => {} });
  assert.equal(exitCode, 0, stdout.text());
  assert.equal(
    stdout.text(),
    'tcp connect: failed: Unsupported\ntcp listen: failed: Unsupported\nudp bind: failed: Unsupported\nresolve: failed: Unsupported\n',
  );
});

test('every socket-creating call throws the not-supported error code', () => {
  const sockets = createSockets();
  for (const call of [
    () => sockets['wasi:sockets/tcp-create-socket'].createTcpSocket('ipv4'),
    () => sockets['wasi:sockets/udp-create-socket'].createUdpSocket('ipv6'),
    () => sockets['wasi:sockets/ip-name-lookup'].resolveAddresses(sockets['wasi:sockets/instance-network'].instanceNetwork(), 'example.com'),
    () => new sockets['wasi:sockets/tcp'].TcpSocket().startConnect(),
  ]) {
    assert.throws(call, (e) => e === 'not-supported');
  }
});
