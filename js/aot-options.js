/**
 * `terrarium-wasm/aot/options`: what an entry needs when its caller hands it `imports` and
 * `options` (`--instantiation async`): the check of both, and the choice of how the instance waits
 * (`blocking`). An entry that instantiates at import makes both itself and loads neither.
 */

export { checkInstantiateArguments } from './arguments.js';
export { resolveBlocking } from './blocking.js';
