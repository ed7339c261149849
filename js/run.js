/**
 * `run(source, options)`: runs a command component (one exporting `wasi:cli/run`) to its end,
 * like `wasmtime run`, and reports its exit code.
 */

import { Component } from './component.js';
import { ComponentError, TerrariumError } from './errors.js';
import { load } from './load.js';
import { symbolDispose } from './runtime/dispose.js';
import { checkWasiOptions, isObject } from './arguments.js';
import { describe } from './abi/invalid.js';

/**
 * The options are the `wasi` options of `instantiate` (`fetch` also fetches the component when
 * `source` is a URL), plus `imports`, `validate` and `blocking`, which defaults to 'auto': a
 * component that can wait gets JSPI where the engine has it, else a worker, else none.
 * @param {Component|Uint8Array|ArrayBuffer|Response|URL|string} source
 * @param {import('../polyfill-wasi/js/options.js').WasiOptions & {imports?: Record<string, any>,
 *   validate?: boolean, blocking?: 'none'|'jspi'|'worker'|'auto'}} [options]
 * @returns {Promise<{exitCode: number}>}
 */
export async function run(source, options = {}) {
  if (!isObject(options)) throw new TypeError(`run: \`options\` must be an object, got ${describe(options)}`);
  const { imports = {}, validate: _validate, blocking = 'auto', ...wasi } = options;
  checkWasiOptions('run: `options`', wasi);
  const component = source instanceof Component ? source : await load(source, options);
  const instance = await component.instantiate(imports, { wasi, blocking });
  const command = Object.entries(instance.exports).find(([name]) => name.startsWith('wasi:cli/run@'))?.[1];
  if (!command) {
    instance[symbolDispose]();
    throw new TerrariumError('link', 'not a command component: it does not export `wasi:cli/run`');
  }
  try {
    await command.run();
    return { exitCode: 0 };
  } catch (error) {
    if (error instanceof TerrariumError && error.kind === 'exit') return { exitCode: error.exitCode };
    if (error instanceof ComponentError) return { exitCode: 1 };
    throw error;
  } finally {
    instance.flushOutput();
    // The command is over: its instance goes, and with it the files it still had open.
    instance[symbolDispose]();
  }
}
