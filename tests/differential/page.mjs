/**
 * The differential runner in a page (bundled by prepare.mjs into dist/differential/page.js, served
 * as /dist/differential/page.js; driven by playwright-tests/differential.spec.mjs). Terrarium is
 * imported from the URL the test passes (the served source, /js/index.js), jco's transpiled modules,
 * Terrarium's own (`terrarium transpile`, whose package imports the dev server resolves) and the
 * components from /dist/differential/ as prepare.mjs laid them out.
 */
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';
import * as syncCorpus from './corpus.mjs';
import * as asyncCorpus from './async-corpus.mjs';
import { knownJcoDifferences } from './known-jco-differences.mjs';
import { knownJcoAsyncDifferences } from './known-jco-async-differences.mjs';
import { makeSides, runCases, runRefusals, showOutcome } from './runner.mjs';

/**
 * @param {object} o
 * @param {string} o.terrariumUrl
 * @param {Awaited<ReturnType<import('./prepare.mjs').prepare>>} o.manifest
 * @param {string[]} o.components which components to run
 * @param {'cases'|'refusals'} o.kind
 * @param {'load'|'transpile'} [o.via] Terrarium through `load()` or through its ahead-of-time output
 * @param {'sync'|'async'} [o.corpus] ./corpus.mjs or ./async-corpus.mjs (which has no refusals)
 */
export async function run({ terrariumUrl, manifest, components: only, kind, via = 'load', corpus = 'sync' }) {
  const { components, cases, refusals } = corpus === 'async' ? asyncCorpus : syncCorpus;
  const known = corpus === 'async' ? knownJcoAsyncDifferences : knownJcoDifferences;
  const terrarium = await import(/* @vite-ignore */ terrariumUrl);
  const sides = makeSides({
    components,
    loadTerrarium: (name) => terrarium.load(`/${manifest.components[name].wasm}`),
    terrariumInstantiate:
      via === 'transpile' ? async (name) => (await import(/* @vite-ignore */ `/${manifest.components[name].terrarium}`)).instantiate : undefined,
    async jcoInstantiate(name) {
      const entry = manifest.components[name];
      if (!entry.jco) throw new Error(entry.jcoError);
      return (await import(/* @vite-ignore */ `/${entry.jco}`)).instantiate;
    },
    wasiImports: () => new WASIShim().getImportObject(),
    terrariumOptions: { wasi: { stdout: () => {}, stderr: () => {} } },
  });
  const results =
    kind === 'refusals'
      ? await runRefusals(sides, { refusals, components: only })
      : await runCases(sides, { cases, known, components: only });
  // Values stay in the page: only their renderings cross back.
  return results.map((r) => ({
    id: r.id,
    status: r.status,
    problems: r.problems,
    terrarium: showOutcome(r.terrarium),
    jco: showOutcome(r.jco),
  }));
}
