/**
 * A loaded, planned and compiled component: instantiate it as often as you like.
 */

import { engine } from './engine.js';
import { instantiatePlan } from './runtime/instantiate.js';
import { symbolDispose } from './runtime/dispose.js';
import { createWasi } from '../polyfill-wasi/js/index.js';
import { fromCoreError } from './load.js';

export class Component {
  #bytes;
  #plan;
  #modules;

  /** @internal use `load()` */
  constructor(bytes, plan, modules) {
    this.#bytes = bytes;
    this.#plan = plan;
    this.#modules = modules;
  }

  /** What the component needs from its host: `{name, kind, functions, wasi}` per import. */
  get imports() {
    return this.#plan.imports.map(({ name, kind, jsName, functions, wasi }) => ({
      name,
      kind,
      ...(kind === 'func' ? { jsName } : {}),
      functions: [...functions],
      providedByWasi: wasi !== null,
    }));
  }

  /** What the component offers: `{name, jsName, kind, functions?}` per export. */
  get exports() {
    return this.#plan.exports.map((exported) =>
      exported.kind === 'instance'
        ? { name: exported.name, jsName: exported.jsName, kind: 'instance', functions: exported.exports.map((f) => f.name) }
        : { name: exported.name, jsName: exported.jsName, kind: 'func' },
    );
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
   * @param {{name?: string}} [options] `name`: what the header calls the component
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
   * @param {Record<string, any>} [imports]
   * @param {{wasi?: import('../polyfill-wasi/js/index.js').WasiOptions}} [options]
   */
  async instantiate(imports = {}, options = {}) {
    const wasi = createWasi(options.wasi ?? {});
    const resolveImport = (index) => {
      const wanted = this.#plan.imports[index];
      const given = wanted.kind === 'func'
        ? imports[wanted.jsName] ?? imports[wanted.name]
        : imports[wanted.name] ?? imports[wanted.versionless];
      if (wanted.wasi === null) return given;
      const builtin = wasi.imports[wanted.wasi];
      return given === undefined ? builtin : { ...builtin, ...given };
    };
    let instance;
    try {
      instance = await instantiatePlan(this.#plan, this.#modules, resolveImport, { name: options.name });
    } catch (error) {
      wasi.end();
      throw error;
    }
    instance.flushOutput = wasi.flush;
    // Disposing the instance ends its WASI session first: its open files close without publishing
    // unflushed writes (a trapped guest never leaves half a write behind).
    const disposeInstance = instance[symbolDispose];
    instance[symbolDispose] = () => {
      wasi.end();
      disposeInstance.call(instance);
    };
    return instance;
  }
}
