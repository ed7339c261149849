/**
 * The plan executor: turns a plan (docs/plan-format.md) plus compiled core modules into a live
 * component instance. This is its core, which runs a plan of core modules, host imports and
 * synchronous exports; what a plan or an instance needs beyond that (resources, component-model
 * async, calls between components, JSPI, a worker) is extended.js, which callers hand over as
 * `extend`, so that ahead-of-time output of a component needing none of it loads none.
 *
 * Order matters for error reporting: every import the plan lowers is resolved first, so a missing
 * host function is a 'link' error before any core module's start function has run; then the steps
 * run in order; then the export tree is built.
 */
import { TerrariumError } from '../errors.js';
import { AbiContext } from '../abi/context.js';
import { MemoryView } from '../abi/memory.js';
import { InstanceState, READY, BUSY, DEAD } from './state.js';
import { CallStack } from './call-stack.js';
import { resolveCallee, lowerImport, importContext } from './imports.js';
import { liftExport } from './exports.js';
import { buildExports } from './export-tree.js';
import { symbolDispose } from './dispose.js';

/** The largest core module (bytes) instantiated synchronously: half of Chromium's main-thread limit. */
const SYNC_INSTANTIATE_LIMIT = 4 * 1024 * 1024;

/** The plan format this runtime reads (host-core's `PLAN_FORMAT`). */
const PLAN_FORMAT = 3;

/**
 * @param {import('../plan.js').Plan} plan
 * @param {(WebAssembly.Module|null)[]} modules indexed like `plan.modules` (null for a core-module import)
 * @param {(importIndex: number) => any} resolveImport the host value for `plan.imports[i]`
 * @param {{kinds: Record<string, import('../abi/kinds.js').KindCodec>, name?: string,
 *   extend?: typeof import('./extended.js').extend|null} & import('./extended.js').ExtendedParts} options
 *   `kinds`: the code of each kind of type and string encoding the plan has (abi/kinds.js).
 *   `extend`: extended.js's `extend`, which runs the other options (the parts it drives); without
 *   it the plan may use none of them.
 * @returns {{exports: Record<string, any>, [Symbol.dispose](): void}}
 */
export async function instantiatePlan(plan, modules, resolveImport, { kinds, name = 'component', extend = null, ...parts }) {
  if (plan.version !== PLAN_FORMAT) {
    // Ahead-of-time output carries a plan an older or newer Terrarium wrote.
    throw new TerrariumError('unsupported', `plan format ${plan.version ?? 1}: this runtime reads format ${PLAN_FORMAT}; transpile the component again`);
  }
  // One state per component instance inside the component (a composed component has several), all
  // living and dying together; instance 0 is the root.
  const group = [];
  const state = new InstanceState(name, group);
  const states = [state];
  const stateOf = (i) => (states[i] ??= new InstanceState(name, group, i));
  const calls = new CallStack();

  // 1. The index spaces the steps fill, and the lift/lower contexts over them.
  const funcs = [];
  const func = (i) => entry(funcs, i, 'func');
  /** A core function an option names (realloc, post-return, callback), or null when it names none. */
  const optionalFunc = (i) => (i === null ? null : func(i));
  const instances = [];
  const memories = [];
  const spaces = { func: funcs, memory: memories, table: [], global: [] };
  const views = new Map();
  /** The MemoryView of core memory `i`, one per memory. */
  const viewOf = (i) => {
    let mem = views.get(i);
    if (mem === undefined) {
      mem = new MemoryView(entry(memories, i, 'memory'));
      views.set(i, mem);
    }
    return mem;
  };
  const contexts = new Map();
  /**
   * One AbiContext per distinct set of options, sharing per-type closures between functions;
   * `between`: a second one for calls between the components of a composition, where a stream or
   * future end moves from one table to the other as itself (async/channel-values.js).
   */
  const contextFor = (options, between = false) => {
    const instance = options.componentInstance;
    const key = `${instance}/${options.memory}/${options.realloc}/${options.stringEncoding}/${between}`;
    let cx = contexts.get(key);
    if (cx === undefined) {
      cx = new AbiContext({
        types: plan.types,
        kinds,
        mem: options.memory === null ? null : viewOf(options.memory),
        realloc: optionalFunc(options.realloc),
        encoding: options.stringEncoding,
        calls,
        ...ext?.handlers(instance, between),
      });
      contexts.set(key, cx);
    }
    return cx;
  };
  const memoryOf = (i) => (i === null ? null : entry(memories, i, 'memory'));
  const invokers = new Map();
  const env = { plan, name, group, stateOf, calls, funcs, func, optionalFunc, viewOf, memoryOf, contextFor, invokers };
  // Resources: their types and handle tables (resources.js), for plans that have any.
  const ext = extend === null ? null : extend(env, parts);
  if (ext === null && plan.resources.length > 0) beyond('the plan has resources');

  // 2. Link: resolve every lowered callee (resources' members too) before running anything.
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
  /** Core modules: the component's own, and those the host passes for core-module imports. */
  const coreModules = plan.modules.map((m, i) => {
    if (m.import === undefined) return modules[i];
    const given = host(m.import);
    if (!(given instanceof WebAssembly.Module)) {
      const { name: importName } = plan.imports[m.import];
      throw new TerrariumError('link', `import \`${importName}\`: expected a WebAssembly.Module`, { context: importName });
    }
    return given;
  });
  for (const step of plan.steps) {
    if (step.op === 'lower' && step.callee.kind !== 'lifted') invokers.set(step, resolveCallee(plan, step.callee, host, ext?.resources?.resolveMember ?? null));
  }
  // Component-model async: one scheduler for all the component instances.
  ext?.attachAsync();

  // 3. Steps.
  state.status = BUSY; // start functions run guest code: no export may be entered meanwhile
  for (const [stepIndex, step] of plan.steps.entries()) {
    switch (step.op) {
      case 'instantiate': {
        const imports = {};
        for (const arg of step.args) imports[arg.name] = entry(instances, arg.coreInstance, 'instance');
        const module = coreModules[step.module];
        if (!(module instanceof WebAssembly.Module)) {
          throw new TerrariumError('invalid', `core module ${step.module} was not provided`);
        }
        let instance;
        try {
          const { start, end } = plan.modules[step.module];
          // Chromium refuses synchronous instantiation of modules over 8 MB on a page's main thread;
          // below that, synchronous is faster (no round trip through the event loop per module).
          instance = end - start < SYNC_INSTANTIATE_LIMIT ? new WebAssembly.Instance(module, imports) : await WebAssembly.instantiate(module, imports);
        } catch (e) {
          if (e instanceof WebAssembly.LinkError) {
            throw new TerrariumError('link', `cannot instantiate core module ${step.module}: ${e.message}`, {
              offset: plan.modules[step.module].start,
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
        const value = entry(instances, step.coreInstance, 'instance')[step.name];
        if (value === undefined) {
          throw new TerrariumError('invalid', `step ${stepIndex}: core instance ${step.coreInstance} has no export \`${step.name}\``);
        }
        space.push(value);
        break;
      }
      case 'lower': {
        // A call into another component, an async one or one that may wait are extended.js's.
        const lowered = ext?.lower(step, stepIndex);
        if (lowered !== undefined) {
          funcs.push(lowered);
          break;
        }
        if (step.callee.kind === 'lifted' || step.options.async || step.sig.async) beyond(`step ${stepIndex} lowers an async function or one of another component`);
        const context = importContext(plan, step.callee);
        funcs.push(lowerImport({ cx: contextFor(step.options), sig: step.sig, invoke: invokers.get(step), calls, context }));
        break;
      }
      default:
        funcs.push(ext === null ? beyond(`step ${stepIndex} is \`${step.op}\``) : ext.step(step, stepIndex));
    }
  }
  state.status = READY;

  // 4. Exports.
  const exports = buildExports(plan.exports, {
    resources: ext?.resources?.types ?? [],
    modules: coreModules,
    placeMember: ext?.resources?.placeMember ?? null,
    lift: (exp, context) => {
      const o = {
        cx: contextFor(exp.options),
        sig: exp.sig,
        core: func(exp.coreFunc),
        postReturn: optionalFunc(exp.options.postReturn),
        state: stateOf(exp.options.componentInstance),
        calls,
        context,
      };
      if (ext !== null) return ext.lift(exp, o);
      return exp.sig.async || exp.options.async ? beyond(`export \`${context}\` is async`) : liftExport(o);
    },
  });

  return {
    exports,
    [symbolDispose]() {
      if (state.status === DEAD && state.cause === null) return;
      state.kill(null);
      ext?.resources?.disposeAll();
    },
  };
}

/** `space[i]`, or an 'invalid' error: the plan referred to an entry no earlier step made. */
function entry(space, i, what) {
  const v = space[i];
  if (v === undefined) throw new TerrariumError('invalid', `plan refers to ${what} ${i}, which no earlier step defined`);
  return v;
}

/** The error for what a plan uses beyond the core, run by a caller that gave no `extend`. */
function beyond(what) {
  throw new TerrariumError('invalid', `${what}, and this runtime was given no \`extend\` (runtime/extended.js) to run it`);
}
