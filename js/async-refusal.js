/**
 * Component-model async, which host-core plans (docs/plan-format.md) but this runtime does not run
 * yet: `load()` refuses a plan holding any of it, before compiling or instantiating anything, naming
 * the first item it finds (steps, then exports, then types).
 */

import { TerrariumError } from './errors.js';

/**
 * Throws an `unsupported` TerrariumError naming the plan's first component-model async item, if any.
 * @param {import('./plan.js').Plan} plan
 */
export function refuseAsync(plan) {
  const feature = firstAsyncFeature(plan);
  if (feature !== null) {
    throw new TerrariumError('unsupported', `${feature} (component-model async) is not supported yet`);
  }
}

/**
 * @param {import('./plan.js').Plan} plan
 * @returns {string | null} what the message names: '`task.return`', '`canon lift async` of `run`'
 */
function firstAsyncFeature(plan) {
  for (const step of plan.steps) {
    if (step.op === 'builtin') return `\`${step.name}\``;
    if (step.op === 'lower') {
      const found = asyncCall('lower', step.options, step.sig, step.callee.name);
      if (found !== null) return found;
      if (step.callee.kind === 'lifted' && step.callee.options.async) return `\`canon lift async\`${of(step.callee.name)}`;
    }
  }
  const exported = asyncExport(plan.exports);
  if (exported !== null) return exported;
  const type = plan.types.find((t) => t.kind === 'stream' || t.kind === 'future' || t.kind === 'error-context');
  return type === undefined ? null : `\`${type.kind}\``;
}

/** @param {import('./plan.js').Export[]} exports */
function asyncExport(exports) {
  for (const exp of exports) {
    const found =
      exp.kind === 'func' ? asyncCall('lift', exp.options, exp.sig, exp.name) : exp.kind === 'instance' ? asyncExport(exp.exports) : null;
    if (found !== null) return found;
  }
  return null;
}

/**
 * A function lifted or lowered with the `async` option, or of an `async` type.
 * @param {'lift'|'lower'} canon
 * @param {import('./plan.js').Options} options
 * @param {import('./plan.js').FuncSig} sig
 * @param {string} name
 */
function asyncCall(canon, options, sig, name) {
  if (options.async) return `\`canon ${canon} async\`${of(name)}`;
  if (sig.async) return name === '' ? 'an async function' : `the async function \`${name}\``;
  return null;
}

/** ' of `name`', or nothing for a function known by no name (a lifted callee may be). */
function of(name) {
  return name === '' ? '' : ` of \`${name}\``;
}
