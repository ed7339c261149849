/**
 * A loaded, planned and compiled component: instantiate it as often as you like.
 */

import { engine } from './engine.js';
import { createWasi } from '../polyfill-wasi/js/index.js';
import { wasiHost } from '../polyfill-wasi/js/compose.js';
import { fromCoreError } from './core-error.js';
import { checkInstantiateArguments } from './arguments.js';
import { instantiateComponent } from './instantiate-component.js';
import { resolveBlocking } from './blocking.js';
import { planResources } from './runtime/resources.js';
import { ALL_KINDS } from './abi/kinds.js';
import * as jspi from './runtime/jspi.js';
import { usesAsync } from './runtime/async/detect.js';
import { callsBetweenComponents } from './runtime/parts.js';
import { onDemand } from './on-demand-loader.js';
import { describeExports, describeImports, jsNamesOf } from './describe.js';

/** @type {(component: Component) => {bytes: Uint8Array, plan: import('./plan.js').Plan}} for `terrarium transpile`, not the public API */
export let componentInternals;

export class Component {
  #bytes;
  #plan;
  #modules;

  static {
    componentInternals = (component) => ({ bytes: component.#bytes, plan: component.#plan });
  }

  /** @internal use `load()` */
  constructor(bytes, plan, modules) {
    this.#bytes = bytes;
    this.#plan = plan;
    this.#modules = modules;
  }

  /**
   * What the component needs from its host: `{name, kind, functions, providedByWasi}` per import,
   * with `jsName` for one that is not an instance, and `versionless` and `members` (every function
   * it calls, with its JS name) for an instance.
   */
  get imports() {
    return describeImports(this.#plan);
  }

  /**
   * What the component offers: `{name, jsName, kind}` per export, where `kind` is `'func'`,
   * `'instance'` (with `versionless`, the names of its `functions` and its `members`), `'resource'`
   * or `'module'`.
   */
  get exports() {
    return describeExports(this.#plan);
  }

  /**
   * The JS spelling of each WIT identifier of the component's record fields, flags, parameters and
   * freestanding functions: `'y-pos'` → `'yPos'`.
   * @returns {ReadonlyMap<string, string>}
   */
  get jsNames() {
    return jsNamesOf(this.#plan);
  }

  /** The component's size in bytes. */
  get byteLength() {
    return this.#bytes.byteLength;
  }

  /** The component's world as WIT text; the printer is fetched on first use. */
  async wit() {
    const printer = await engine('wit');
    try {
      return printer.printWit(this.#bytes);
    } catch (refusal) {
      throw fromCoreError(refusal);
    }
  }

  /**
   * TypeScript declarations of the component's exports (`Exports`, the shape of
   * `instance.exports`) and of the imports it needs (`Imports`), in jco's value conventions, as a
   * `.d.ts` module text. The generator loads on first use.
   * @param {{name?: string, blocking?: 'none'|'jspi'|'worker'}} [options] `name`: what the header
   *   calls the component; `blocking`: that of the instances they type ('jspi' and 'worker':
   *   exports return promises)
   * @returns {Promise<string>}
   */
  async types(options = {}) {
    const { declarations } = await import('./types/index.js');
    return declarations(this.#plan, options);
  }

  /**
   * A new instance. `imports` is keyed by interface name, with or without version
   * (`'example:bench/host'`), or by the lowerCamelCase name of a world-level function. WASI
   * interfaces come from the built-in polyfill, configured by `options.wasi`; a `wasi:*` entry in
   * `imports` overrides the built-in one member by member.
   *
   * `options.blocking` says how a WASI call that has to wait (a timer, stdin from a
   * ReadableStream, an HTTP response) waits: 'none' (the default: it traps; exports return
   * values), 'jspi' or 'worker' (it waits; exports return promises), or 'auto' (see blocking.js).
   * `instance.blocking` says which one the instance got.
   * @param {Record<string, any>} [imports]
   * @param {{wasi?: import('../polyfill-wasi/js/options.js').WasiOptions, blocking?: 'none'|'jspi'|'worker'|'auto', name?: string}} [options]
   */
  async instantiate(imports = {}, options = {}) {
    checkInstantiateArguments('instantiate', imports, options);
    const plan = this.#plan;
    // wasi:http, the async runtime and the copies between components load only for components that use them.
    const http = plan.imports.some((i) => i.wasi?.startsWith('wasi:http/')) ? (await onDemand()).createHttp : undefined;
    const wasi = wasiHost((wasiOptions, how) => createWasi(wasiOptions, { ...how, http }));
    const async = usesAsync(plan) ? (await onDemand()).asyncRuntime : null;
    const between = callsBetweenComponents(plan) ? await onDemand() : null;
    const inner = between?.innerCalls ?? null;
    const fused = between?.fusedCalls ?? null;
    const parts = { wasi, kinds: ALL_KINDS, resources: planResources, jspi, worker: workerHost, async, inner, fused, blocking: resolveBlocking };
    return instantiateComponent(plan, this.#modules, imports, options, parts);
  }
}

/** The worker's side of the runtime, fetched only for instances that run in a worker. */
const workerHost = () => import('./worker/host.js');
