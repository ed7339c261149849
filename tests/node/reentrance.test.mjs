// Calls between a parent component and its child (tests/guests/wat/reentrance.wat) and the spec's
// `may_enter`: a component instance with a call in progress cannot be entered again, whether the
// parent is re-entered by its child or the child by its parent. Calls that re-enter nothing work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const component = await load(await guestBytes('reentrance'));
const instance = async () => (await component.instantiate({})).exports;

const cannotEnter = (e) => e instanceof TerrariumError && e.kind === 'trap' && /cannot enter component instance/.test(e.message);

test('calls that re-enter nothing: host to parent, host to child, parent to child, child to parent', async () => {
  const api = await instance();
  assert.equal(api.back(0), 100, 'the parent alone');
  assert.equal(api.leaf(5), 6, 'the child alone');
  assert.equal(api.callChild(1, 5), 6, 'the parent calls the child, which returns');
  assert.equal(api.go(0), 1100, 'the child calls the parent, which returns');
  assert.equal(api.go(0), 1100, 'and again: each call left its instance');
});

test('a child calling back into its parent while the parent is in a call traps', async () => {
  for (const call of [(api) => api.back(1), (api) => api.callChild(0, 0)]) {
    const api = await instance();
    assert.throws(() => call(api), cannotEnter);
    assert.throws(() => api.leaf(1), (e) => e.kind === 'dead', 'a trap kills every component instance');
  }
});

test('a parent calling into its child while the child is in a call traps', async () => {
  const api = await instance();
  assert.throws(() => api.go(1), cannotEnter);
  assert.throws(() => api.back(0), (e) => e.kind === 'dead');
});
