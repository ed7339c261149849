/**
 * Runs the differential corpus against two hosts: Terrarium and jco. Environment-neutral (Node and
 * a page): the caller supplies, per side, `instantiate(componentName) -> exports`.
 *
 * A case's outcome is its result awaited (async exports return promises), then read by the case's
 * `view`, if it has one (./async-corpus.mjs); its `args` may be a function giving fresh arguments.
 * For each case: the Terrarium outcome must match the expected one; the jco outcome must equal the
 * Terrarium outcome, unless the case is listed in known-jco-differences.mjs (or
 * known-jco-async-differences.mjs), where it must still differ (a listed case that starts agreeing
 * fails, so the list stays true). A component jco cannot
 * transpile or instantiate makes every one of its cases a jco outcome of kind `unsupported`.
 *
 * For each refusal: Terrarium must throw a TypeError or RangeError whose message names the function
 * (its WIT name) and the parameter path; jco's outcome is recorded for the report.
 */
import { deepEqual, show } from './equal.mjs';
import { TRAP } from './corpus.mjs';

/**
 * @typedef {{value: any} | {error: string, message: string, payload?: any}} Outcome
 *   `error` is 'trap', 'ComponentError', 'TypeError', 'RangeError', 'unsupported', or another class name.
 * @typedef {{instantiate: (component: string) => Promise<any>}} Side
 */

/**
 * Calls `exports[path]` with `args` and captures what happens: the result awaited once (an async
 * export's promise; a sync export's value is itself), then passed through `view`, if any.
 */
export async function outcomeOf(exports, fnPath, args, view) {
  let fn = exports;
  for (const part of fnPath.split('.')) fn = fn?.[part];
  if (typeof fn !== 'function') return { error: 'missing', message: `no export ${fnPath}` };
  try {
    const value = await fn(...args);
    return { value: view ? await view(value) : value };
  } catch (e) {
    return errorOutcome(e);
  }
}

function errorOutcome(e) {
  const kind = classify(e);
  const out = { error: kind, message: String(e?.message ?? e) };
  if (kind === 'ComponentError') out.payload = e.payload;
  return out;
}

/** The kind of a thrown value, the same for both hosts: a canonical-ABI or core trap is 'trap'. */
function classify(e) {
  if (e?.name === 'TerrariumError') return e.kind === 'trap' ? 'trap' : `TerrariumError(${e.kind})`;
  if (e instanceof WebAssembly.RuntimeError) return 'trap';
  const name = e?.constructor?.name;
  if (name === 'ComponentError' || e?.name === 'ComponentError') return 'ComponentError';
  return typeof name === 'string' && name !== 'Object' ? name : typeof e;
}

/** After such an outcome the instance may be dead or poisoned: the next case gets a fresh one. */
const healthy = (o) => 'value' in o || ['ComponentError', 'TypeError', 'RangeError'].includes(o.error);

/** Whether two outcomes are the same: equal values, or the same error kind (and equal payloads). */
export function sameOutcome(a, b) {
  if ('value' in a || 'value' in b) return 'value' in a && 'value' in b && deepEqual(a.value, b.value);
  if (a.error !== b.error) return false;
  return a.error !== 'ComponentError' || deepEqual(a.payload, b.payload);
}

/** The outcome a case's `expect` describes. */
export function expectedOutcome(expect) {
  if (expect === TRAP) return { error: 'trap', message: 'a trap' };
  if (expect !== null && typeof expect === 'object' && typeof expect.rejects === 'string') {
    return { error: expect.rejects, message: expect.rejects };
  }
  if (expect !== null && typeof expect === 'object' && expect.componentError === true) {
    return { error: 'ComponentError', message: 'ComponentError', payload: expect.payload };
  }
  return { value: expect };
}

export function showOutcome(o) {
  if ('value' in o) return show(o.value);
  const payload = o.error === 'ComponentError' ? ` payload ${show(o.payload)}` : '';
  return `throws ${o.error}${payload}${o.error === 'ComponentError' ? '' : ` (${String(o.message).slice(0, 160)})`}`;
}

/** One instance per component and side, replaced after a trap or any unexpected error. */
class Instances {
  constructor(side) {
    this.side = side;
    this.live = new Map();
  }
  /** @returns {Promise<{exports: any} | {error: Outcome}>} */
  async get(component) {
    let entry = this.live.get(component);
    if (entry === undefined) {
      try {
        entry = { exports: await this.side.instantiate(component) };
      } catch (e) {
        entry = { error: { error: 'unsupported', message: String(e?.message ?? e).split('\n').slice(0, 3).join(' ') } };
      }
      this.live.set(component, entry);
    }
    return entry;
  }
  /** `args`: the arguments, or a function giving fresh ones (a stream is read once). */
  async call(component, fn, args, { fresh = false, view } = {}) {
    const entry = await this.get(component);
    if (entry.error) return entry.error;
    const out = await outcomeOf(entry.exports, fn, typeof args === 'function' ? args() : args, view);
    if (fresh || !healthy(out)) this.live.delete(component);
    return out;
  }
}

/**
 * Checks that every id in the known-differences list names a case of the corpus, once.
 * @returns {string[]} problems
 */
export function checkKnownList(cases, known) {
  const ids = new Set(cases.map((c) => c.id));
  const seen = new Set();
  const problems = [];
  for (const entry of known) {
    if (!entry.reason || !entry.jco) problems.push(`known-jco-differences: an entry lacks its reason or jco description: ${entry.cases?.[0]}`);
    for (const id of entry.cases) {
      if (!ids.has(id)) problems.push(`known-jco-differences lists ${id}, which is not a case of the corpus`);
      if (seen.has(id)) problems.push(`known-jco-differences lists ${id} twice`);
      seen.add(id);
    }
  }
  return problems;
}

/**
 * Runs the cases of the given components in both hosts.
 * @param {{terrarium: Side, jco: Side}} sides
 * @param {{cases: any[], known: any[], components?: string[], onResult?: (r) => void}} options
 * @returns {Promise<Array<{id, component, status: 'pass'|'known'|'fail', problems: string[], terrarium: Outcome, jco: Outcome, reason?: string}>>}
 */
export async function runCases(sides, { cases, known, components, onResult }) {
  const reasons = new Map();
  for (const entry of known) for (const id of entry.cases) reasons.set(id, entry.reason);
  const terrarium = new Instances(sides.terrarium);
  const jco = new Instances(sides.jco);
  const results = [];
  for (const c of cases) {
    if (components && !components.includes(c.component)) continue;
    const expected = expectedOutcome(c.expect);
    // After a rejected host result Terrarium's instance is dead (and jco's in an unknown state).
    const fresh = 'error' in expected && expected.error !== 'ComponentError';
    const t = await terrarium.call(c.component, c.fn, c.args, { fresh, view: c.view });
    const j = await jco.call(c.component, c.fn, c.args, { fresh, view: c.view });
    const problems = [];
    if (!sameOutcome(t, expected)) problems.push(`Terrarium: ${showOutcome(t)}, expected ${showOutcome(expected)}`);
    const reason = reasons.get(c.id);
    if (reason !== undefined) {
      if (sameOutcome(j, t)) {
        problems.push(`listed in known-jco-differences.mjs but jco now agrees (${showOutcome(j)}): remove the entry`);
      }
    } else if (!sameOutcome(j, t)) {
      problems.push(`jco differs: jco ${showOutcome(j)}, Terrarium ${showOutcome(t)}`);
    }
    const status = problems.length ? 'fail' : reason !== undefined ? 'known' : 'pass';
    const result = { id: c.id, component: c.component, status, problems, terrarium: t, jco: j, reason };
    results.push(result);
    onResult?.(result);
  }
  return results;
}

/** `echoU8` -> `echo-u8`: the WIT name Terrarium's messages use. */
export function witName(fnPath) {
  const js = fnPath.split('.').pop();
  return js.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Runs the refusals: Terrarium must refuse each with a TypeError/RangeError naming the function and
 * the parameter path (and stay usable); jco's outcome is recorded.
 * @returns {Promise<Array<{id, status: 'pass'|'fail', problems: string[], terrarium: Outcome, jco: Outcome}>>}
 */
export async function runRefusals(sides, { refusals, components, onResult }) {
  const terrarium = new Instances(sides.terrarium);
  const jco = new Instances(sides.jco);
  const results = [];
  for (const r of refusals) {
    if (components && !components.includes(r.component)) continue;
    const t = await terrarium.call(r.component, r.fn, r.args);
    const j = await jco.call(r.component, r.fn, r.args);
    const problems = [];
    if (t.error !== 'TypeError' && t.error !== 'RangeError') {
      problems.push(`Terrarium did not refuse: ${showOutcome(t)}`);
    } else {
      const name = witName(r.fn);
      if (!new RegExp(`[\`#/]${name}\``).test(t.message)) problems.push(`the message does not name \`${name}\`: ${t.message}`);
      if (!t.message.includes(`\`${r.path}\``)) problems.push(`the message does not name the path \`${r.path}\`: ${t.message}`);
    }
    const result = { id: r.id, component: r.component, status: problems.length ? 'fail' : 'pass', problems, terrarium: t, jco: j };
    results.push(result);
    onResult?.(result);
  }
  return results;
}

/**
 * The two sides from the pieces each environment has: Terrarium's `load` and a source per
 * component; jco's transpiled `instantiate` per component and the preview2-shim's import object.
 * @param {object} o
 * @param {(component: string) => Promise<any>} o.loadTerrarium   resolves a Terrarium Component
 * @param {(component: string) => Promise<Function>} [o.terrariumInstantiate] resolves the
 *   `instantiate` of Terrarium's ahead-of-time output: then the Terrarium side runs through it
 * @param {(component: string) => Promise<Function>} o.jcoInstantiate resolves jco's `instantiate`
 * @param {() => object} o.wasiImports the preview2-shim import object (`new WASIShim().getImportObject()`)
 * @param {object} o.components the corpus' components
 * @param {object} [o.terrariumOptions] passed to `component.instantiate`, e.g. quiet stdio
 * @returns {{terrarium: Side, jco: Side}}
 */
export function makeSides({ loadTerrarium, terrariumInstantiate, jcoInstantiate, wasiImports, components, terrariumOptions = {} }) {
  const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  return {
    terrarium: {
      async instantiate(name) {
        const { functions = {}, interfaces = {} } = components[name].imports?.() ?? {};
        const imports = { ...interfaces };
        for (const [fn, impl] of Object.entries(functions)) imports[camel(fn)] = impl;
        if (terrariumInstantiate) return (await terrariumInstantiate(name))(null, imports, terrariumOptions);
        const component = await loadTerrarium(name);
        return (await component.instantiate(imports, terrariumOptions)).exports;
      },
    },
    jco: {
      async instantiate(name) {
        const { functions = {}, interfaces = {} } = components[name].imports?.() ?? {};
        const imports = { ...(components[name].wasi ? wasiImports() : {}), ...interfaces };
        for (const [fn, impl] of Object.entries(functions)) imports[fn] = { default: impl };
        const instantiate = await jcoInstantiate(name);
        return await instantiate(null, imports);
      },
    },
  };
}

/** Counts by status. */
export function tally(results) {
  const counts = { pass: 0, known: 0, fail: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}
