/**
 * The object tree `instance.exports`: each instance export is an object of lifted functions,
 * reachable under both its full name (`example:bench/api@0.1.0`) and its jsName (`api`); world-level
 * functions sit at the top under their jsName; an instance may nest further instances. Functions of
 * a guest-defined resource (`[constructor]r`, `[method]r.f`, `[static]r.g`) become a JS class under
 * the resource's jsName, and so does a resource type exported without them (a re-export). An
 * exported core module is its `WebAssembly.Module`.
 */

/**
 * @param {import('../plan.js').Export[]} list
 * @param {{types: import('../plan.js').Type[], resources: any[], modules: WebAssembly.Module[], lift: (exp: import('../plan.js').FuncExport, context: string) => Function}} o
 */
export function buildExports(list, o, prefix = '') {
  const out = {};
  for (const exp of list) {
    if (exp.kind === 'instance') {
      const sub = buildExports(exp.exports, o, versionless(exp.name));
      out[exp.name] = sub;
      if (exp.jsName && exp.jsName !== exp.name) out[exp.jsName] = sub;
      continue;
    }
    if (exp.kind === 'resource') {
      const Class = o.resources[exp.resource]?.Class;
      if (Class !== undefined) out[exp.jsName] = Class;
      continue;
    }
    if (exp.kind === 'module') {
      out[exp.jsName] = o.modules[exp.module];
      continue;
    }
    const context = prefix ? `${prefix}#${exp.name}` : exp.name;
    const fn = o.lift(exp, context);
    const m = /^\[(constructor|method|static)\]([^.]+)(?:\.(.+))?$/.exec(exp.name);
    if (m === null) {
      out[exp.jsName] = fn;
      continue;
    }
    const [, kind, resourceName, member] = m;
    const handler = resourceFor(exp, kind, resourceName, o);
    if (handler === null || handler.Class === undefined) {
      out[exp.jsName] = fn; // not a guest resource we know: expose the function as is
      continue;
    }
    const Class = handler.Class;
    out[handler.def.jsName] = Class;
    if (kind === 'constructor') {
      handler.construct = fn;
    } else if (kind === 'method') {
      Object.defineProperty(Class.prototype, camel(member), {
        value: {
          [camel(member)](...args) {
            return fn(this, ...args);
          },
        }[camel(member)],
        writable: true,
        configurable: true,
      });
    } else {
      Object.defineProperty(Class, camel(member), { value: fn, writable: true, configurable: true });
    }
  }
  return out;
}

/**
 * The names at the top of `instance.exports`, known from the plan alone: ahead-of-time output
 * exports each by name. The tree is built as an instance builds it, with stand-ins for the
 * functions and guest classes, so the two cannot disagree.
 */
export function exportNames(plan) {
  const resources = plan.resources.map((def) => ({ def, Class: def.import === null ? class {} : undefined }));
  return Object.keys(buildExports(plan.exports, { types: plan.types, resources, modules: [], lift: () => () => {} }));
}

/** The handler of the resource a `[constructor]` / `[method]` / `[static]` export belongs to. */
function resourceFor(exp, kind, resourceName, o) {
  const { types, resources } = o;
  let r = null;
  if (kind === 'constructor' && exp.func.result !== null) {
    const ty = types[exp.func.result];
    if (ty.kind === 'own') r = ty.resource;
    else if (ty.kind === 'result' && ty.ok !== null && types[ty.ok].kind === 'own') r = types[ty.ok].resource;
  } else if (kind === 'method' && exp.func.params.length > 0) {
    const ty = types[exp.func.params[0].type];
    if (ty.kind === 'borrow') r = ty.resource;
  }
  if (r === null) {
    const found = resources.findIndex((h) => h.def.import === null && h.def.name === resourceName);
    r = found >= 0 ? found : null;
  }
  return r === null ? null : resources[r];
}

/** 'get-value' -> 'getValue' */
export function camel(s) {
  return s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** 'example:bench/api@0.1.0' -> 'example:bench/api' (messages name interfaces without versions). */
export function versionless(name) {
  return name.replace(/@[^/]*$/, '');
}
