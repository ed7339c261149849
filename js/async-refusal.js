/**
 * The part of component-model async this runtime does not run yet: `load()` refuses a plan holding
 * any of it, before compiling or instantiating anything, naming the first such item it finds (steps,
 * then exports, then types). What does run (runtime/async/) is listed in runtime/async/detect.js.
 */

import { TerrariumError } from './errors.js';
import { asyncItems } from './runtime/async/detect.js';

/**
 * Throws an `unsupported` TerrariumError naming the plan's first async item this runtime does not run.
 * @param {import('./plan.js').Plan} plan
 */
export function refuseAsync(plan) {
  for (const item of asyncItems(plan)) {
    if (!item.runs) throw new TerrariumError('unsupported', `${item.what} (component-model async) is not supported yet`);
  }
}
