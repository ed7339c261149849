/**
 * The object tree `instance.exports`: each instance export is an object of lifted functions,
 * reachable under both its full name (`example:bench/api@0.1.0`) and its jsName (`api`); world-level
 * functions sit at the top under their jsName; an instance may nest further instances. Functions of
 * a guest-defined resource (`[constructor]r`, `[method]r.f`, `[static]r.g`) become a JS class under
 * the resource's jsName (resources.js puts them there), and so does a resource type exported
 * without them (a re-export). An exported core module is its `WebAssembly.Module`.
 */

/**
 * @param {import('../plan.js').Export[]} list
 * @param {{resources: any[], modules: WebAssembly.Module[], lift: (exp: import('../plan.js').FuncExport, context: string) => Function,
 *   placeMember: (exp: import('../plan.js').FuncExport, fn: Function, out: object) => boolean}} o
 *   `placeMember`: puts a resource's constructor, method or static function in its class
 *   (resources.js); false when the resource has no class, and the function goes under its jsName
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
    if (exp.member === null || !o.placeMember(exp, fn, out)) out[exp.jsName] = fn;
  }
  return out;
}
