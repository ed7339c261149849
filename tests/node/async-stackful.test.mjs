// Stackful async exports (tests/node/wat/async-stackful.wat) need JSPI to suspend the guest, which
// Node 20 lacks: such a component loads, and instantiating it on this thread without JSPI is refused
// by name before any guest code runs, never a trap half-way; 'auto' runs it in a worker instead
// (async-worker.test.mjs). Playwright runs it under JSPI (async.spec.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError, features } from '../../js/index.js';
import { watBytes } from './support.mjs';

const component = await load(watBytes({ file: new URL('./wat/async-stackful.wat', import.meta.url).pathname }));
const host = { 'test:async/host': { wait: (id) => id } };

test('a stackful async export loads, and on this thread without JSPI is refused at instantiate, naming it', async () => {
  assert.equal(features.jspi, false, 'Node 20 has no JSPI');
  for (const blocking of [undefined, 'none']) {
    await assert.rejects(
      component.instantiate(host, { blocking }),
      (e) =>
        e instanceof TerrariumError &&
        e.kind === 'unsupported' &&
        e.message ===
          "`canon lift async` without `callback` (stackful) of `wait-for` (component-model async) needs JSPI to suspend the guest: instantiate with `blocking: 'jspi'`",
      String(blocking),
    );
  }
});
