/**
 * Rejection of JS values that do not fit a WIT type.
 *
 * The lowering closures are shared by every parameter and nesting level, so they do not know where
 * the value came from. They throw a lightweight `InvalidValue` (not an Error: no stack capture on the
 * fast path's slow branch), composite types prepend their path segment while it propagates, and the
 * function wrapper turns it into a real `TypeError` / `RangeError` naming the function and path.
 */

export class InvalidValue {
  /**
   * @param {boolean} isRange true for a value of the right JS type but out of range (RangeError)
   * @param {string} expected e.g. 'u8', 'one of "a", "b"'
   * @param {unknown} got
   */
  constructor(isRange, expected, got) {
    this.isRange = isRange;
    this.expected = expected;
    this.got = got;
    /** @type {string[]} path segments, outermost first: '.field', '[3]', '.val' */
    this.path = [];
  }
}

/** Throws InvalidValue: a TypeError unless `v` has the JS type `jsType` (then a RangeError). */
export function invalid(expected, v, jsType) {
  throw new InvalidValue(jsType !== undefined && typeof v === jsType, expected, v);
}

/** Prepends a path segment if `e` is an InvalidValue, and rethrows. */
export function rethrowAt(e, segment) {
  if (e instanceof InvalidValue) e.path.unshift(segment);
  throw e;
}

/** A short human-readable rendering of a value for error messages. */
export function describe(v) {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'bigint':
      return `${v}n`;
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'undefined':
    case 'boolean':
    case 'symbol':
      return String(v);
    case 'function':
      return 'a function';
    default:
      if (v === null) return 'null';
      if (Array.isArray(v)) return `an array of length ${v.length}`;
      if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
      return `an object${v.constructor && v.constructor !== Object ? ` (${v.constructor.name})` : ''}`;
  }
}

/**
 * Converts an InvalidValue into the TypeError / RangeError the caller sees; other errors pass through.
 * @param {unknown} e
 * @param {string} noun 'argument' or 'result'
 * @param {string} where e.g. "of `example:bench/api#add`", "from host import `wasi:cli/stdout#get-stdout`"
 */
export function toJsError(e, noun, where) {
  if (!(e instanceof InvalidValue)) return e;
  const path = e.path.join('');
  const Ctor = e.isRange ? RangeError : TypeError;
  return new Ctor(`invalid ${noun}${path ? ` \`${path}\`` : ''} ${where}: expected ${e.expected}, got ${describe(e.got)}`);
}
