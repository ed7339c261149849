// Differential tests against jco (tests/differential/): every case of the corpus is called in
// Terrarium (through `load()` and through its ahead-of-time output) and in jco's transpiled output
// with the same arguments; both must give the expected outcome, except the cases listed in tests/differential/known-jco-differences.mjs, where jco must
// still be wrong. Then the invalid values: Terrarium must refuse each, naming the function and the
// parameter path; what jco does with them is written to dist/differential/refusals.node.json.
//
// The .wat components are built and everything is transpiled with jco at test time, into
// dist/differential/ (cached by content hash). The Chromium half is playwright-tests/differential.spec.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prepare, OUT } from '../differential/prepare.mjs';
import { components, cases, refusals } from '../differential/corpus.mjs';
import { knownJcoDifferences } from '../differential/known-jco-differences.mjs';
import { runCases, runRefusals, checkKnownList, showOutcome, tally } from '../differential/runner.mjs';
import { nodeSides, VIAS } from '../differential/node-sides.mjs';

const manifest = await prepare();

test('known-jco-differences.mjs lists only cases of the corpus, each once, with reasons', () => {
  assert.deepEqual(checkKnownList(cases, knownJcoDifferences), []);
});

const totals = { pass: 0, known: 0, fail: 0 };
for (const via of VIAS) {
  for (const name of Object.keys(components)) {
    test(`differential via ${via}: ${name} (jco ${manifest.jcoVersion})`, async (t) => {
      const results = await runCases(nodeSides(manifest, components, via), { cases, known: knownJcoDifferences, components: [name] });
      assert.ok(results.length > 0, `no cases for ${name}`);
      const counts = tally(results);
      for (const k of Object.keys(totals)) totals[k] += counts[k];
      t.diagnostic(`${name}: ${counts.pass} agree, ${counts.known} known jco differences, ${counts.fail} failed`);
      if (manifest.components[name].jcoError) t.diagnostic(manifest.components[name].jcoError);
      for (const r of results) {
        await t.test(r.id, (st) => {
          if (r.status === 'fail') assert.fail(r.problems.join('\n'));
          if (r.status === 'known' && r.jco.error !== 'unsupported') st.diagnostic(`known jco difference: jco ${showOutcome(r.jco)}`);
        });
      }
    });
  }

  test(`invalid values are refused via ${via}, naming the function and parameter path (jco recorded)`, async (t) => {
    const results = await runRefusals(nodeSides(manifest, components, via), { refusals });
    const report = results.map((r) => ({ id: r.id, terrarium: showOutcome(r.terrarium), jco: showOutcome(r.jco) }));
    if (via === 'load') await writeFile(path.join(OUT, 'refusals.node.json'), `${JSON.stringify(report, null, 2)}\n`);
    for (const r of results) {
      await t.test(r.id, (st) => {
        if (r.status === 'fail') assert.fail(r.problems.join('\n'));
        st.diagnostic(`jco: ${showOutcome(r.jco)}`);
      });
    }
  });
}

test('summary', (t) => {
  t.diagnostic(`differential cases: ${totals.pass} agree, ${totals.known} known jco differences, ${totals.fail} failed`);
});
