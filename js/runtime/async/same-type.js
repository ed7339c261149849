/**
 * Type equality for the async built-ins' checks (`task.return`'s result, the element type of a
 * stream or future end): a module of its own so that builtins.js and the stream and future
 * modules it imports all read it without importing each other.
 */

/**
 * Whether two types are the same type, by structure (names aside): `a` of the plan's `types`, `b`
 * of `typesB` (for a stream or future passed between two instances linked in the page, the other's
 * plan, which may be the same), where a resource is the same only within one plan; between two
 * instances, `takesAny(r)` says whether `typesB`'s resource `r` takes any value the other instance
 * lifts (a host resource: its reps are JS objects, such as the other's wrappers of its own).
 */
export function sameType(types, a, b, typesB = types, takesAny = null) {
  if (a === b && types === typesB && takesAny === null) return true;
  if (a === null || b === null) return a === b;
  const x = types[a];
  const y = typesB[b];
  if (x.kind !== y.kind) return false;
  const same = (p, q) => sameType(types, p, q, typesB, takesAny);
  const sameList = (p, q, eq) => p.length === q.length && p.every((e, i) => eq(e, q[i]));
  switch (x.kind) {
    case 'list':
    case 'stream':
    case 'future':
      return same(x.element, y.element);
    case 'fixed-list':
      return x.length === y.length && same(x.element, y.element);
    case 'map':
      return same(x.key, y.key) && same(x.value, y.value);
    case 'record':
      return sameList(x.fields, y.fields, (f, g) => f.name === g.name && same(f.type, g.type));
    case 'tuple':
      return sameList(x.elements, y.elements, (e, f) => same(e.type, f.type));
    case 'variant':
      return sameList(x.cases, y.cases, (c, d) => c.name === d.name && same(c.type, d.type));
    case 'enum':
    case 'flags':
      return sameList(x.names, y.names, (m, n) => m === n);
    case 'option':
      return same(x.type, y.type);
    case 'result':
      return same(x.ok, y.ok) && same(x.err, y.err);
    case 'own':
    case 'borrow':
      return takesAny === null ? types === typesB && x.resource === y.resource : x.kind === y.kind && takesAny(y.resource);
    default:
      return true;
  }
}
