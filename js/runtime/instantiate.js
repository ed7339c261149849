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
import { CallStack } from './call-stack.js';
import { resolveCallee, lowerImport } from './imports.js';
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
 *   jspi?: typeof import('./jspi.js')|null, mayWait?: (importIndex: number, func: string) => boolean,
 *   resources?: typeof import('./resources.js').planResources|null,
 *   async?: typeof import('./async/index.js')|null, inner?: typeof import('./inner-calls.js')|null,
 *   fused?: typeof import('./fused-call.js')|null,
 *   worker?: import('./async/scheduler.js').WorkerSide|null}} options
 *   `kinds`: the code of each kind of type and string encoding the plan has (abi/kinds.js).
 *   `jspi` (jspi.js, or null): exports run through `WebAssembly.promising` and return promises
 *   (sync ones one call at a time: later calls wait for earlier ones; async ones as their
 *   scheduler lets them), and the imports `mayWait` names are imported through
 *   `WebAssembly.Suspending`, so they may return a promise and suspend the guest meanwhile.
 *   `resources`: resources.js's `planResources`, needed by a plan with resources (a caller that
 *   knows its plan has none need not load it). `async`: the async runtime (async/index.js), needed
 *   by a plan that uses component-model async (likewise; it is also what tells whether one does).
 *   `inner`: inner-calls.js, needed by a plan that calls from one of its components into another
 *   (likewise). `fused`: fused-call.js, which copies strings and lists straight between the
 *   memories of two components calling each other; without it such calls go through JS values,
 *   as correctly.
 *   `worker`: the guest runs in the worker of `blocking: 'worker'` (js/worker/guest.js), which
 *   says how a host function lowered `async` is called there (the page answers its promise
 *   later), and how a task that waits in core code blocks for the page's answers.
 * @returns {{exports: Record<string, any>, [Symbol.dispose](): void}}
 */
export async function instantiatePlan(
  plan,
  modules,
  resolveImport,
  { kinds, name = 'component', jspi = null, mayWait = () => false, resources: planResources = null, async: asyncRuntime = null, inner = null, fused = null, worker = null },
) {
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
  /** JSPI: the turns of export calls and destructors run from JS (call-queue.js). */
  const queue = jspi === null ? null : jspi.callQueue();

  // 1. Resources: their types and handle tables (resources.js), for plans that have any.
  const funcs = [];
  /** A core function an option names (realloc, post-return, callback), or null when it names none. */
  const optionalFunc = (i) => (i === null ? null : entry(funcs, i, 'func'));
  if (plan.resources.length > 0 && planResources === null) {
    throw new TerrariumError('invalid', 'the plan has resources, and this runtime was given none (`planResources`)');
  }
  const resources = plan.resources.length === 0 ? null : planResources(plan, {
    stateOf,
    destructorOf: (def) => (def.dtor === null ? null : funcs[def.dtor]),
    calls,
    schedule: jspi === null ? null : { enqueue: (fn) => queue.enqueue(fn), promising: jspi.promisingOf },
  });

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
  const invokers = new Map();
  for (const step of plan.steps) {
    if (step.op === 'lower' && step.callee.kind !== 'lifted') invokers.set(step, resolveCallee(plan, step.callee, host, resources?.resolveMember ?? null));
  }

  // 3. Steps.
  const instances = [];
  const memories = [];
  const tables = [];
  const globals = [];
  const spaces = { func: funcs, memory: memories, table: tables, global: globals };
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
        resources: resources === null ? undefined : (r) => resources.handlesOf(instance, r),
        channels: asyncRt === null ? undefined : (t) => asyncRt.channel(instance, t, between),
        errorContexts: asyncRt?.errorContextsOf(instance),
        calls,
      });
      contexts.set(key, cx);
    }
    return cx;
  };

  // 3a. Component-model async: one scheduler for all the component instances.
  const asyncRt =
    asyncRuntime === null
      ? null
      : asyncRuntime.attachAsync(
          plan,
          {
            name,
            stateOf,
            calls,
            types: plan.types,
            contextFor,
            viewOf,
            memoryOf: (i) => (i === null ? null : entry(memories, i, 'memory')),
            jspi: jspi !== null,
            worker,
            promising: jspi?.promisingOf,
          },
          group,
        );
  /** The async runtime, for a step or export that needs it: a caller that left it out broke its promise. */
  const needAsync = () => {
    if (asyncRt === null) throw new TerrariumError('invalid', 'the plan uses component-model async, and this runtime was given none (`async`)');
    return asyncRt;
  };
  /** A sync lift's core function, as a task of its instance when the plan uses async. */
  const syncCore = (core, sig, options, context) =>
    asyncRt === null ? core : asyncRt.syncTask({ sig, options, core: jspi === null ? core : jspi.promisingOf(core), context });

  /** What a call between components is made of (inner-calls.js). */
  const innerEnv = { plan, contextFor, func: (i) => entry(funcs, i, 'func'), optionalFunc, stateOf, calls, jspi, fused, asyncRt, needAsync, syncCore };

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
        if (step.callee.kind === 'lifted') {
          if (inner === null) throw new TerrariumError('invalid', 'the plan calls between its components, and this runtime was given no `inner`');
          funcs.push(inner.lowerInnerCall(step, stepIndex, innerEnv));
          break;
        }
        const imp = plan.imports[step.callee.import];
        const context = imp.kind === 'func' ? imp.name : `${imp.name}#${step.callee.name}`;
        if (step.options.async || step.sig.async) {
          const { sig, options } = step;
          const invoke = options.async && worker !== null ? worker.invokeAsync(step.callee) : invokers.get(step);
          funcs.push(needAsync().lowerHost({ cx: contextFor(options), sig, options, invoke, context }));
          break;
        }
        const cx = contextFor(step.options);
        const invoke = invokers.get(step);
        if (jspi !== null && mayWait(step.callee.import, step.callee.name)) {
          const resumable = asyncRt === null ? invoke : asyncRt.resumable(invoke);
          funcs.push(new WebAssembly.Suspending(jspi.lowerWaiting({ cx, sig: step.sig, invoke: resumable, calls, context })));
        } else {
          funcs.push(lowerImport({ cx, sig: step.sig, invoke, calls, context }));
        }
        break;
      }
      case 'resourceNew':
      case 'resourceRep':
      case 'resourceDrop':
        if (resources === null) throw new TerrariumError('invalid', `step ${stepIndex}: plan refers to resource ${step.resource}, which does not exist`);
        funcs.push(resources.step(step));
        break;
      case 'builtin': {
        const f = needAsync().builtin(step);
        if (f === null) throw new TerrariumError('unsupported', `step ${stepIndex}: the built-in \`${step.name}\` (component-model async) is not supported yet`);
        funcs.push(f);
        break;
      }
      default:
        throw new TerrariumError('invalid', `step ${stepIndex}: unknown op \`${step.op}\``);
    }
  }
  state.status = READY;

  // 4. Exports.
  const exports = buildExports(plan.exports, {
    resources: resources?.types ?? [],
    modules: coreModules,
    placeMember: resources?.placeMember ?? null,
    lift: (exp, context) => {
      const core = entry(funcs, exp.coreFunc, 'func');
      if (exp.sig.async || exp.options.async) {
        const { sig, options } = exp;
        const callback = optionalFunc(options.callback);
        const postReturn = optionalFunc(options.postReturn);
        return needAsync().liftExport({ cx: contextFor(options), sig, options, core, callback, postReturn, context });
      }
      const o = {
        cx: contextFor(exp.options),
        sig: exp.sig,
        core: syncCore(core, exp.sig, exp.options, context),
        postReturn: optionalFunc(exp.options.postReturn),
        state: stateOf(exp.options.componentInstance),
        calls,
        context,
      };
      return jspi === null ? liftExport(o) : jspi.liftExportAsync({ ...o, queue });
    },
  });

  return {
    exports,
    [symbolDispose]() {
      if (state.status === DEAD && state.cause === null) return;
      state.kill(null);
      resources?.disposeAll();
    },
  };
}

/** `space[i]`, or an 'invalid' error: the plan referred to an entry no earlier step made. */
function entry(space, i, what) {
  const v = space[i];
  if (v === undefined) throw new TerrariumError('invalid', `plan refers to ${what} ${i}, which no earlier step defined`);
  return v;
}
