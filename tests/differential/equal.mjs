/**
 * Deep equality for values that cross the component boundary, and a compact rendering of them.
 *
 * Stricter than `assert.deepStrictEqual` where it matters here and portable to a page: numbers
 * compare with `Object.is` (NaN equals NaN, -0 differs from 0), a BigInt never equals a Number,
 * typed arrays must have the same class and elements (compared the same way), arrays and plain
 * objects must have the same own enumerable keys (a key holding `undefined` is not a missing key).
 * Prototypes of plain objects are not compared: jco and Terrarium may build records differently.
 */

/** @returns {boolean} */
export function deepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || typeof a !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
  }
  return true;
}

/** A short, exact rendering for failure messages: `-0`, `NaN`, `5n`, `Uint8Array[1,2]`, long strings cut. */
export function show(v, budget = 200) {
  const s = render(v);
  return s.length > budget ? `${s.slice(0, budget)}…(${s.length} chars)` : s;
}

function render(v) {
  switch (typeof v) {
    case 'string':
      return v.length > 60 ? `${JSON.stringify(v.slice(0, 40))}…(length ${v.length})` : JSON.stringify(v);
    case 'bigint':
      return `${v}n`;
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'undefined':
    case 'boolean':
    case 'symbol':
      return String(v);
    case 'function':
      return `[function ${v.name}]`;
    default:
      if (v === null) return 'null';
      if (ArrayBuffer.isView(v)) {
        const items = Array.from(v.length > 16 ? v.subarray(0, 16) : v, render);
        return `${v.constructor.name}[${items.join(',')}${v.length > 16 ? `,…(length ${v.length})` : ''}]`;
      }
      if (Array.isArray(v)) {
        const items = v.slice(0, 16).map(render);
        return `[${items.join(',')}${v.length > 16 ? `,…(length ${v.length})` : ''}]`;
      }
      if (v instanceof Error) return `${v.name}: ${v.message}`;
      return `${className(v)}{${Object.keys(v).map((k) => `${k}:${render(v[k])}`).join(',')}}`;
  }
}

/** The class of an object that is not a plain one (`FutureValue`, `ReadableStream`), else nothing. */
function className(v) {
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype ? '' : proto.constructor?.name ?? '';
}
