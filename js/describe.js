/**
 * The public descriptions of a component (`component.imports`, `.exports`, `.jsNames`), read off
 * its plan: every JS spelling in them is one host-core computed (host-core/src/names.rs), so a tool
 * building on Terrarium never re-derives jco's naming.
 */

/**
 * Each host function the component calls, once, with the signature of its first `lower` step.
 * @param {import('./plan.js').Plan} plan
 * @returns {{callee: import('./plan.js').HostCallee, sig: import('./plan.js').FuncSig}[]}
 */
export function hostCallees(plan) {
  const byKey = new Map();
  for (const step of plan.steps) {
    if (step.op !== 'lower' || step.callee.kind === 'lifted') continue;
    const key = `${step.callee.import}#${step.callee.name}`;
    if (!byKey.has(key)) byKey.set(key, { callee: step.callee, sig: step.sig });
  }
  return [...byKey.values()];
}

/** A member of an instance: how JS reaches the function `name`, and its resource's names. */
function member(plan, name, jsName, kind, resource) {
  if (kind === 'func') return { name, jsName, kind };
  const { name: resourceName, jsName: resourceJsName } = plan.resources[resource];
  return { name, jsName, kind, resource: { name: resourceName, jsName: resourceJsName } };
}

/** `component.imports`. */
export function describeImports(plan) {
  const callees = hostCallees(plan).map(({ callee }) => callee);
  return plan.imports.map(({ name, versionless, kind, jsName, functions, wasi }, index) => ({
    name,
    kind,
    ...(kind === 'instance'
      ? {
          versionless,
          members: callees
            .filter((callee) => callee.import === index)
            .map((c) => member(plan, c.name, c.jsName, c.kind === 'freestanding' ? 'func' : c.kind, c.resource)),
        }
      : { jsName }),
    functions: [...functions],
    providedByWasi: wasi !== null,
  }));
}

/** `component.exports`. */
export function describeExports(plan) {
  return plan.exports.map((exported) => {
    const { name, jsName, kind } = exported;
    if (kind !== 'instance') return { name, jsName, kind };
    const funcs = exported.exports.filter((m) => m.kind === 'func');
    return {
      name,
      jsName,
      kind,
      versionless: exported.versionless,
      functions: funcs.map((f) => f.name),
      members: funcs.map((f) => member(plan, f.name, f.jsName, f.member?.kind ?? 'func', f.member?.resource)),
    };
  });
}

/**
 * `component.jsNames`: the JS spelling of each WIT identifier in the component's record fields,
 * flags, function parameters and freestanding functions (resource functions are in `members`).
 * @param {import('./plan.js').Plan} plan
 * @returns {ReadonlyMap<string, string>}
 */
export function jsNamesOf(plan) {
  const names = new Map();
  for (const type of plan.types) {
    if (type.kind === 'record') for (const field of type.fields) names.set(field.name, field.jsName);
    if (type.kind === 'flags') type.names.forEach((flag, i) => names.set(flag, type.jsNames[i]));
  }
  const addFunction = (name, jsName, sig, isMember) => {
    if (!isMember) names.set(name, jsName);
    for (const param of sig.params) names.set(param.name, param.jsName);
  };
  for (const { callee, sig } of hostCallees(plan)) addFunction(callee.name, callee.jsName, sig, callee.kind !== 'freestanding');
  const addExports = (list) => {
    for (const exported of list) {
      if (exported.kind === 'instance') addExports(exported.exports);
      if (exported.kind === 'func') addFunction(exported.name, exported.jsName, exported.sig, exported.member !== null);
    }
  };
  addExports(plan.exports);
  return names;
}
