// The async half of the differential tests against jco (tests/differential/async-corpus.mjs), in
// Node: every case runs in Terrarium (through `load()` and through its ahead-of-time output) and must
// give the expected outcome; jco's transpiled output runs beside it.
//
// jco 1.35 imports an async component's built-ins and host functions through `WebAssembly.Suspending`
// and calls its async exports through `WebAssembly.promising` (JSPI), even where the guest never
// blocks, so on an engine without JSPI (Node 20) it cannot instantiate one: every jco outcome must
// then be that refusal, and the comparison of values runs in Chromium
// (playwright-tests/differential.spec.mjs). On an engine with JSPI this is the full differential:
// jco must agree but for tests/differential/known-jco-async-differences.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepare } from '../differential/prepare.mjs';
import { components, cases } from '../differential/async-corpus.mjs';
import { knownJcoAsyncDifferences } from '../differential/known-jco-async-differences.mjs';
import { runCases, checkKnownList, expectedOutcome, sameOutcome, showOutcome, tally } from '../differential/runner.mjs';
import { nodeSides, VIAS } from '../differential/node-sides.mjs';

const manifest = await prepare();
const jspi = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';

test('known-jco-async-differences.mjs lists only cases of the async corpus, each once, with reasons', () => {
  assert.deepEqual(checkKnownList(cases, knownJcoAsyncDifferences), []);
});

for (const via of VIAS) {
  for (const name of Object.keys(components)) {
    test(`async differential via ${via}: ${name} (jco ${manifest.jcoVersion}, ${jspi ? 'JSPI' : 'no JSPI'})`, async (t) => {
      const results = await runCases(nodeSides(manifest, components, via), { cases, known: knownJcoAsyncDifferences, components: [name] });
      assert.equal(results.length, cases.filter((c) => c.component === name).length);
      if (manifest.components[name].jcoError) t.diagnostic(manifest.components[name].jcoError);
      if (jspi) {
        const counts = tally(results);
        t.diagnostic(`${name}: ${counts.pass} agree, ${counts.known} known jco differences, ${counts.fail} failed`);
      }
      for (const r of results) {
        await t.test(r.id, () => {
          if (jspi) {
            if (r.status === 'fail') assert.fail(r.problems.join('\n'));
            return;
          }
          const expected = expectedOutcome(cases.find((c) => c.id === r.id).expect);
          assert.ok(sameOutcome(r.terrarium, expected), `Terrarium: ${showOutcome(r.terrarium)}, expected ${showOutcome(expected)}`);
          assert.equal(r.jco.error, 'unsupported', `jco ran without JSPI (${showOutcome(r.jco)}): compare it here too`);
          assert.match(r.jco.message, /WebAssembly\.(Suspending|promising)/);
        });
      }
    });
  }
}
