/**
 * The plan executor: turns a plan (docs/plan-format.md) plus compiled core modules into a live
 * component instance.
 *
 * Order matters for error reporting: every import the plan lowers is resolved first, so a missing
 * host function is a 'link' error before any core module's start function has run; then the steps
 * run in order; then the export tree is built.
 */
import { TerrariumError } from '../errors.js';
import { AbiContext } from '../abi/context.js';
import { MemoryView } from '../abi/memory.js';
import { InstanceState, READY, BUSY, DEAD } from './state.js';
import { HostResource, GuestResource } from './resources.js';
import { resolveCallee, lowerImport } from './imports.js';
import { liftExport } from './exports.js';
import { buildExports } from './export-tree.js';
import { symbolDispose } from './dispose.js';

/**
 * @param {any} plan
 * @param {WebAssembly.Module[]} modules indexed like `plan.modules`
 * @param {(importIndex: number) => any} resolveImport the host value for `plan.imports[i]`
 * @param {{name?: string}} [options]
 * @returns {{exports: Record<string, any>, [Symbol.dispose](): void}}
 */
export function instantiatePlan(plan, modules, resolveImport, { name = 'component' } = {}) {
  const state = new InstanceState(name);

  // 1. Link: resolve every lowered callee before running anything.
  const hostValues = new Map();
  const host = (i) => {
    if (!hostValues.has(i)) {
      const imp = plan.imports[i];
      if (imp === undefined) throw new TerrariumError('invalid', `plan refers to import ${i}, which does not exist`);
      const value = resolveImport(i);
      if (value === undefined || value === null) {
        throw new TerrariumError('link', `missing import \`${imp.name}\``, { context: imp.name });
      }
      hostValues.set(i, value);
    }
    return hostValues.get(i);
  };
  const invokers = new Map();
  for (const step of plan.steps) {
    if (step.op === 'lower' && step.callee.kind !== 'lifted') invokers.set(step, resolveCallee(plan, step.callee, host));
  }

  // 2. Per-instance resource tables.
  const funcs = [];
  const resources = plan.resources.map((def) =>
    def.import !== null
      ? new HostResource(def, state)
      : new GuestResource(def, state, () => (def.dtor === null ? null : funcs[def.dtor])),
  );
  const resourceOf = (r) => {
    const res = resources[r];
    if (res === undefined) throw new TerrariumError('invalid', `plan refers to resource ${r}, which does not exist`);
    return res;
  };

  // 3. Steps.
  const instances = [];
  const memories = [];
  const tables = [];
  const globals = [];
  const spaces = { func: funcs, memory: memories, table: tables, global: globals };
  const views = new Map();
  const contexts = new Map();
  /** One AbiContext per distinct set of options, sharing per-type closures between functions. */
  const contextFor = (options) => {
    const key = `${options.memory}/${options.realloc}/${options.stringEncoding}`;
    let cx = contexts.get(key);
    if (cx === undefined) {
      let mem = null;
      if (options.memory !== null) {
        mem = views.get(options.memory);
        if (mem === undefined) {
          mem = new MemoryView(entry(memories, options.memory, 'memory'));
          views.set(options.memory, mem);
        }
      }
      cx = new AbiContext({
        types: plan.types,
        mem,
        realloc: options.realloc === null ? null : entry(funcs, options.realloc, 'func'),
        encoding: options.stringEncoding,
        resources: resourceOf,
      });
      contexts.set(key, cx);
    }
    return cx;
  };

  /**
   * A component-to-component call inside a composed component: the callee's lifted function, called
   * with JS values, behind the caller's lowering. Values are copied from one memory to the other
   * (and re-encoded between string encodings) through their JS form. The callee is a component
   * instance of its own, with its own `may_enter` state; a trap still kills the whole instance,
   * since it unwinds through the caller's export.
   */
  const lowerLifted = (step, stepIndex) => {
    const { coreFunc, options } = step.callee;
    const context = `${name} (inner call ${stepIndex})`;
    const callee = liftExport({
      cx: contextFor(options),
      sig: step.func,
      core: entry(funcs, coreFunc, 'func'),
      postReturn: options.postReturn === null ? null : entry(funcs, options.postReturn, 'func'),
      state: new InstanceState(`${name} (inner component)`),
      context,
    });
    return lowerImport({ cx: contextFor(step.options), sig: step.func, invoke: (args) => callee(...args), context });
  };

  state.status = BUSY; // start functions run guest code: no export may be entered meanwhile
  plan.steps.forEach((step, stepIndex) => {
    switch (step.op) {
      case 'instantiate': {
        const imports = {};
        for (const arg of step.args) imports[arg.name] = entry(instances, arg.instance, 'instance');
        const module = modules[step.module];
        if (!(module instanceof WebAssembly.Module)) {
          throw new TerrariumError('invalid', `core module ${step.module} was not provided`);
        }
        let instance;
        try {
          instance = new WebAssembly.Instance(module, imports);
        } catch (e) {
          if (e instanceof WebAssembly.LinkError) {
            throw new TerrariumError('link', `cannot instantiate core module ${step.module}: ${e.message}`, {
              offset: plan.modules[step.module]?.start,
              context: `core module ${step.module}`,
              cause: e,
            });
          }
          throw state.fail(e, `${name} (start of core module ${step.module})`);
        }
        instances.push(instance.exports);
        break;
      }
      case 'bundle': {
        const exports = Object.create(null);
        for (const e of step.exports) exports[e.name] = entry(spaces[e.kind], e.index, e.kind);
        instances.push(exports);
        break;
      }
      case 'alias': {
        const space = spaces[step.kind];
        if (space === undefined) throw new TerrariumError('invalid', `step ${stepIndex}: unknown alias kind \`${step.kind}\``);
        const value = entry(instances, step.instance, 'instance')[step.name];
        if (value === undefined) {
          throw new TerrariumError('invalid', `step ${stepIndex}: core instance ${step.instance} has no export \`${step.name}\``);
        }
        space.push(value);
        break;
      }
      case 'lower': {
        if (step.callee.kind === 'lifted') {
          funcs.push(lowerLifted(step, stepIndex));
          break;
        }
        const imp = plan.imports[step.callee.import];
        const context = imp.kind === 'func' ? imp.name : `${imp.name}#${step.callee.name}`;
        funcs.push(lowerImport({ cx: contextFor(step.options), sig: step.func, invoke: invokers.get(step), context }));
        break;
      }
      case 'resourceNew': {
        const res = resourceOf(step.resource);
        funcs.push((rep) => res.new(rep));
        break;
      }
      case 'resourceRep': {
        const res = resourceOf(step.resource);
        funcs.push((h) => res.rep(h >>> 0));
        break;
      }
      case 'resourceDrop': {
        const res = resourceOf(step.resource);
        funcs.push((h) => {
          res.drop(h >>> 0);
        });
        break;
      }
      default:
        throw new TerrariumError('invalid', `step ${stepIndex}: unknown op \`${step.op}\``);
    }
  });
  state.status = READY;

  // 4. Exports.
  const exports = buildExports(plan.exports, {
    types: plan.types,
    resources,
    lift: (exp, context) =>
      liftExport({
        cx: contextFor(exp.options),
        sig: exp.func,
        core: entry(funcs, exp.coreFunc, 'func'),
        postReturn: exp.options.postReturn === null ? null : entry(funcs, exp.options.postReturn, 'func'),
        state,
        context,
      }),
  });

  return {
    exports,
    [symbolDispose]() {
      if (state.status === DEAD && state.cause === null) return;
      state.kill(null);
      state.status = DEAD;
      for (const res of resources) res.disposeAll();
    },
  };
}

/** `space[i]`, or an 'invalid' error: the plan referred to an entry no earlier step made. */
function entry(space, i, what) {
  const v = space[i];
  if (v === undefined) throw new TerrariumError('invalid', `plan refers to ${what} ${i}, which no earlier step defined`);
  return v;
}
