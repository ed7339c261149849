/**
 * What of component-model async a plan uses, and which of it this runtime runs: read by `load()`
 * (js/async-refusal.js, which refuses the first item that does not run), by the instantiation (which
 * sets up the scheduler only for plans that use any) and by `terrarium transpile` (which imports the
 * async runtime only then).
 */

/** The built-ins this runtime runs (builtins.js). */
const RUNS = new Set([
  'context.get', 'context.set', 'backpressure.inc', 'backpressure.dec', 'task.return', 'task.cancel', 'thread.yield',
  'waitable-set.new', 'waitable-set.wait', 'waitable-set.poll', 'waitable-set.drop', 'waitable.join',
  'subtask.drop', 'subtask.cancel', 'error-context.new', 'error-context.debug-message', 'error-context.drop',
  ...['stream', 'future'].flatMap((k) =>
    ['new', 'read', 'write', 'cancel-read', 'cancel-write', 'drop-readable', 'drop-writable'].map((op) => `${k}.${op}`),
  ),
]);

/**
 * The plan's component-model async items, in the order steps, exports, types: what a message calls
 * each (`task.return`, '`canon lower async` of `ping`'), whether this runtime runs it, and whether
 * only under JSPI (`jspi`: a stackful task must be able to suspend).
 * @param {import('../../plan.js').Plan} plan
 * @returns {Generator<{what: string, runs: boolean, jspi?: boolean}>}
 */
export function* asyncItems(plan) {
  for (const step of plan.steps) {
    if (step.op === 'builtin') yield { what: `\`${step.name}\``, runs: RUNS.has(step.name) };
    if (step.op !== 'lower') continue;
    const name = step.callee.name;
    if (step.callee.kind !== 'lifted') {
      if (step.options.async) yield { what: `\`canon lower async\`${of(name)}`, runs: true };
      else if (step.sig.async) yield { what: asyncFunction(name), runs: true };
      continue;
    }
    // Between two components of a composition (between.js). A sync caller of an async-lifted
    // callee must wait whenever the callee does, and a stackful callee suspends: under JSPI only.
    const between = 'a call between components through';
    const { options } = step.callee;
    if (step.options.async && options.async && options.callback === null) {
      yield { what: `${between} \`canon lower async\` of a stackful \`canon lift async\`${of(name)}`, runs: true, jspi: true };
    } else if (step.options.async) {
      yield { what: `${between} \`canon lower async\`${of(name)}`, runs: true };
    } else if (options.async) {
      yield { what: `a synchronous call between components of \`canon lift async\`${of(name)}`, runs: true, jspi: true };
    } else if (step.sig.async) {
      yield { what: `${between} ${asyncFunction(name)}`, runs: true };
    }
  }
  yield* exportItems(plan, plan.exports);
  for (const t of plan.types) {
    if (t.kind === 'stream' || t.kind === 'future' || t.kind === 'error-context') yield { what: `\`${t.kind}\``, runs: true };
  }
}

/** Per plan, read once: whether it uses async at all, and what of it needs JSPI (null: nothing). */
const profiles = new WeakMap();
function profileOf(plan) {
  let profile = profiles.get(plan);
  if (profile === undefined) {
    profile = { uses: false, jspi: null };
    for (const item of asyncItems(plan)) {
      profile.uses = true;
      if (item.jspi && profile.jspi === null) profile.jspi = item.what;
    }
    profiles.set(plan, profile);
  }
  return profile;
}

/** Whether the plan uses component-model async at all. */
export const usesAsync = (plan) => profileOf(plan).uses;

/** What of the plan runs only under JSPI, as a message names it; null for nothing. */
export const needsJspi = (plan) => profileOf(plan).jspi;

/**
 * @param {import('../../plan.js').Plan} plan
 * @param {import('../../plan.js').Export[]} exports
 */
function* exportItems(plan, exports) {
  for (const exp of exports) {
    if (exp.kind === 'instance') yield* exportItems(plan, exp.exports);
    if (exp.kind !== 'func') continue;
    const { options, sig, name } = exp;
    if (options.async && options.callback === null) {
      yield { what: `\`canon lift async\` without \`callback\` (stackful)${of(name)}`, runs: true, jspi: true };
    } else if (options.async) {
      yield { what: `\`canon lift async\`${of(name)}`, runs: true };
    } else if (sig.async) {
      yield { what: `${asyncFunction(name)} lifted without \`async\``, runs: true };
    }
  }
}

/** ' of `name`', or nothing for a function known by no name (a lifted callee may be). */
function of(name) {
  return name === '' ? '' : ` of \`${name}\``;
}

function asyncFunction(name) {
  return name === '' ? 'an async function' : `the async function \`${name}\``;
}
