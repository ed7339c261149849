/**
 * `terrarium-wasm/aot`: what the output of `terrarium transpile` runs on. The component was parsed,
 * validated and planned when it was transpiled, so a page loads no planner: only the runtime, and
 * the parts its component uses, which the generated entry hands over: the code of its kinds of
 * types, the WASI packages it imports (none at all when it imports none), the resource runtime if
 * it has resources, and so on (transpile/entry.js).
 */

import { TerrariumError } from './errors.js';
import { instantiateComponent } from './instantiate-component.js';
import { instantiatePlan } from './runtime/instantiate.js';
import { hostImport } from './runtime/imports.js';
import { isNode, readFileBytes } from '#platform';

export { TerrariumError, ComponentError, ErrorContext } from './errors.js';

/**
 * A new instance of a transpiled component.
 * @param {any} plan the plan `terrarium transpile` wrote
 * @param {(URL|WebAssembly.Module|Promise<WebAssembly.Module>|null)[]} modules per plan module: the
 *   URL of its `.wasm` file, or the module itself (null for a core-module import)
 * @param {Record<string, any>} imports as `component.instantiate` takes them, checked by the entry
 *   (`checkInstantiateArguments`, when its caller hands them over)
 * @param {{wasi?: object, blocking?: 'none'|'jspi'|'worker'|'auto', name?: string}} options likewise
 * @param {import('./instantiate-component.js').RuntimeParts & {features?: typeof import('./features.js')}} parts
 *   what the component needs beyond the core runtime: the code of its kinds of types, a WASI made
 *   of the packages it imports (`wasiOfPackages`; null when it imports none, or with `--no-wasi`),
 *   `planResources` if it has resources, and so on; `features` (features.js) if a core module
 *   needs an engine feature, which is then refused by name where the engine lacks it (without
 *   it, the engine's compiler refuses the module in its own words)
 */
export async function instantiateTranspiled(plan, modules, imports, options, parts) {
  return instantiateComponent(plan, await compileAll(plan, modules, parts.features), imports, options, parts);
}

/**
 * As `instantiateTranspiled`, for an entry that instantiates at import a component importing no
 * WASI: with no options and no WASI there is no way of waiting to choose and no WASI to compose,
 * so the plan runs as it is, and a page loads neither (instantiate-component.js).
 * @param {any} plan
 * @param {Parameters<typeof instantiateTranspiled>[1]} modules
 * @param {Record<string, any>} imports made by the entry
 * @param {Parameters<typeof instantiateTranspiled>[4] & {extend?: typeof import('./runtime/extended.js').extend}} parts
 *   as for `instantiateTranspiled`, without `wasi`, with extended.js's `extend` for a plan with
 *   resources, async or calls between its components
 */
export async function instantiateAtImport(plan, modules, imports, { kinds, extend, resources, async, inner, fused, features }) {
  const compiled = await compileAll(plan, modules, features);
  return instantiatePlan(plan, compiled, (i) => hostImport(imports, plan.imports[i]), { kinds, extend, resources, async, inner, fused });
}

/** The plan's core modules, compiled. */
const compileAll = (plan, modules, probes) => Promise.all(plan.modules.map((m, index) => coreModule(modules[index], m, index, probes)));

/** One core module, compiled from its file unless the caller gave it compiled. */
async function coreModule(source, { import: imported, features, start }, index, probes) {
  if (imported !== undefined) return null;
  const given = await source;
  if (given instanceof WebAssembly.Module) return given;
  if (!(given instanceof URL)) {
    throw new TypeError(`core module ${index}: expected a WebAssembly.Module, got ${given === null ? 'null' : typeof given}`);
  }
  if (features.length > 0) probes?.refuseMissing(features, index, start);
  try {
    if (isNode && given.protocol === 'file:') return await WebAssembly.compile(await readFileBytes(given));
    const response = await fetch(given);
    if (!response.ok) throw new TerrariumError('load', `core module ${index}: ${response.status} ${response.statusText} fetching ${given.href}`);
    // Streaming compilation needs the wasm MIME type; a server that sends another gets the slower path.
    return response.headers.get('content-type')?.split(';')[0].trim() === 'application/wasm'
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof TerrariumError) throw error;
    if (error instanceof WebAssembly.CompileError) {
      throw new TerrariumError('invalid', `invalid core module ${index} (${given.href}): ${error.message}`, { cause: error });
    }
    throw new TerrariumError('load', `core module ${index}: cannot read ${given.href}: ${error.message}`, { cause: error });
  }
}
