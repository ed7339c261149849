// The canonical ABI's `may_leave`: while the glue runs a guest's realloc (to copy arguments in) or
// its post-return, the guest may not call out to an import; if it does, that is a trap.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const component = await load(await guestBytes('may-leave'));

async function instance() {
  const pings = [];
  const { exports } = await component.instantiate({ 'example:leave/host': { ping: () => pings.push('ping') } });
  return { exports, pings };
}

test('an import called from a plain export is fine', async () => {
  const { exports, pings } = await instance();
  assert.equal(exports.ok(), 7);
  assert.deepEqual(pings, ['ping']);
});

test('an import called from realloc, while arguments are copied in, traps', async () => {
  const { exports, pings } = await instance();
  assert.throws(() => exports.takeString('hello'), (e) => e instanceof TerrariumError && e.kind === 'trap' && /realloc or post-return/.test(e.message));
  assert.deepEqual(pings, [], 'the host import never ran');
  assert.throws(() => exports.ok(), (e) => e.kind === 'dead');
});

test('an import called from post-return traps, after the result was taken', async () => {
  const { exports, pings } = await instance();
  assert.throws(() => exports.give(), (e) => e instanceof TerrariumError && e.kind === 'trap' && /realloc or post-return/.test(e.message));
  assert.deepEqual(pings, []);
});

test('an import called from the post-return of a scalar function traps too', async () => {
  const { exports, pings } = await instance();
  assert.throws(() => exports.count(), (e) => e instanceof TerrariumError && e.kind === 'trap' && /realloc or post-return/.test(e.message));
  assert.deepEqual(pings, []);
  assert.throws(() => exports.ok(), (e) => e.kind === 'dead');
});
