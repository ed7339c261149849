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
 * @param {{resources: any[], modules: WebAssembly.Module[], lift: (exp: import('../plan.js').FuncExport, context: string) => Function}} o
 */
export function buildExports(list, o, prefix = '') {
  const out = {};
  for (const exp of list) {
    if (exp.kind === 'instance') {
      const sub = buildExports(exp.exports, o, exp.versionless);
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
    const handler = exp.member === null ? undefined : o.resources[exp.member.resource];
    if (handler?.Class === undefined) {
      out[exp.jsName] = fn;
      continue;
    }
    const { Class } = handler;
    out[handler.def.jsName] = Class;
    if (exp.member.kind === 'constructor') {
      handler.construct = fn;
    } else if (exp.member.kind === 'method') {
      Object.defineProperty(Class.prototype, exp.jsName, {
        value: method(exp.jsName, fn, exp.sig.params.length - 1),
        writable: true,
        configurable: true,
      });
    } else {
      Object.defineProperty(Class, exp.jsName, { value: fn, writable: true, configurable: true });
    }
  }
  return out;
}

/** `fn(this, ...args)` as a method named `name`, with no rest array for up to two arguments. */
function method(name, fn, arity) {
  switch (arity) {
    case 0:
      return {
        [name]() {
          return fn(this);
        },
      }[name];
    case 1:
      return {
        [name](a) {
          return fn(this, a);
        },
      }[name];
    case 2:
      return {
        [name](a, b) {
          return fn(this, a, b);
        },
      }[name];
    default:
      return {
        [name](...args) {
          return fn(this, ...args);
        },
      }[name];
  }
}

/**
 * The names at the top of `instance.exports`, known from the plan alone: ahead-of-time output
 * exports each by name. The tree is built as an instance builds it, with stand-ins for the
 * functions and guest classes, so the two cannot disagree.
 */
export function exportNames(plan) {
  const resources = plan.resources.map((def) => ({ def, Class: def.import === null ? class {} : undefined }));
  return Object.keys(buildExports(plan.exports, { resources, modules: [], lift: () => () => {} }));
}
