/**
 * `load(source, options)`: bytes in, a `Component` out. host-core (in wasm) parses, validates and
 * plans; the browser compiles the core modules, in parallel with that and with each other,
 * straight from subarrays of the bytes.
 * Bytes loaded before are neither planned nor compiled again (load-cache.js).
 */

import { Component } from './component.js';
import { engine } from './engine.js';
import { fromCoreError } from './core-error.js';
import { refuseAsync } from './async-refusal.js';
import { TerrariumError } from './errors.js';
import { refuseMissing } from './features.js';
import { sourceBytes } from './source.js';
import { cacheKey, cached, remember } from './load-cache.js';
import { coreModuleRanges } from './core-sections.js';
import { wasiInterface } from '../polyfill-wasi/js/catalogue.js';

/**
 * @param {Uint8Array|ArrayBuffer|ArrayBufferView|Blob|Response|URL|string} source
 * @param {{validate?: boolean, fetch?: typeof fetch}} [options] `validate: false` skips the
 *   validator (and its download) for components the page trusts.
 */
export async function load(source, options = {}) {
  const validate = options.validate !== false;
  // The engine loads while the bytes do; it is awaited only if they were not loaded before.
  const core = engine(validate ? 'full' : 'trusted');
  core.catch(() => {});
  const bytes = await sourceBytes(source, options);
  const key = await cacheKey(bytes, validate);
  const seen = cached(key);
  if (seen !== undefined) return new Component(bytes, seen.plan, seen.modules);
  // The core modules compile while the engine loads and plans; the plan then says which is which.
  const early = new Map(coreModuleRanges(bytes).map(({ start, end }) => [start, { end, module: compileEarly(bytes.subarray(start, end)) }]));
  const plan = planOf(await core, bytes, validate);
  // A core-module import has no bytes: the host passes its module to `instantiate`.
  const modules = await Promise.all(
    plan.modules.map((m, index) => (m.import === undefined ? compileModule(bytes, m, index, early.get(m.start)) : null)),
  );
  remember(key, plan, modules, bytes.byteLength);
  return new Component(bytes, plan, modules);
}

/**
 * host-core answers in JSON: the plan, or a refusal thrown as `{kind, message, offset}`. A plan
 * using component-model async is refused here too, as host-core refuses what it cannot plan. Which
 * imports the WASI polyfill serves the runtime decides (polyfill-wasi/js/catalogue.js): each import
 * gets `wasi`, the polyfill's interface for it or null.
 * @returns {import('./plan.js').Plan}
 */
function planOf(core, bytes, validate) {
  let json;
  try {
    json = core.plan(bytes, validate);
  } catch (refusal) {
    throw fromCoreError(refusal);
  }
  const plan = JSON.parse(json);
  refuseAsync(plan);
  for (const imp of plan.imports) imp.wasi = wasiInterface(imp.name);
  return plan;
}

/**
 * Compiles one core module. One whose sections declare an engine feature this engine lacks is
 * refused by name before compiling. The browser validates function bodies here (host-core leaves
 * them to it); when it refuses the module, host-core reads the code for the features it needs (a
 * pass over every body, with a wasm of its own: too costly for every load), so that a missing
 * feature is named rather than left to the compiler. Else the compiler's module-relative offset
 * (`@+123`) becomes one into the component.
 */
async function compileModule(bytes, { start, end, features }, index, early) {
  refuseMissing(features, index, start);
  if (early?.end === end) {
    const compiled = await early.module;
    if (compiled !== null) return compiled;
  }
  const module = bytes.subarray(start, end);
  try {
    return await WebAssembly.compile(module);
  } catch (error) {
    if (!(error instanceof WebAssembly.CompileError)) throw error;
    refuseMissing(await featuresOfCode(module), index, start, error);
    const relative = /@\+(\d+)/.exec(error.message);
    const offset = relative ? start + Number(relative[1]) : start;
    const message = error.message.replace(/^WebAssembly\.compile\(\): /, '');
    throw new TerrariumError('invalid', `invalid core module ${index}: ${message} (at offset 0x${offset.toString(16)})`, {
      offset,
      cause: error,
    });
  }
}

/** A core module compiled before the plan said what it is; null if the compiler refused it (compileModule says why). */
function compileEarly(module) {
  return WebAssembly.compile(module).catch(() => null);
}

/** The engine features of a core module, its code read; none where host-core cannot read it (the compiler says why). */
async function featuresOfCode(module) {
  const reader = await engine('features');
  try {
    return JSON.parse(reader.moduleFeatures(module));
  } catch (refusal) {
    if (typeof refusal !== 'string') throw refusal;
    return [];
  }
}
