/**
 * The playground's value syntax: JSON, plus what component values need and JSON lacks.
 *
 *   123n            a BigInt (s64/u64); plain integers are converted where the WIT type wants one,
 *                   and integers beyond 2^53 are read as BigInts so they stay exact
 *   NaN, Infinity, -Infinity, -0
 *   undefined       same as null (an absent option)
 *   {x: 1}          unquoted keys, 'single quotes', trailing commas
 *
 * `formatValue` prints results in the same syntax, so a result can be pasted back as an argument.
 */

/** Parses `text` in the syntax above; throws a SyntaxError naming the column. */
export function parseValue(text) {
  let at = 0;

  const fail = (what) => {
    throw new SyntaxError(`${what} at column ${at + 1}`);
  };
  const space = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const eat = (char) => {
    space();
    if (text[at] !== char) return false;
    at++;
    return true;
  };

  const string = () => {
    const quote = text[at];
    let end = at + 1;
    while (end < text.length && text[end] !== quote) end += text[end] === '\\' ? 2 : 1;
    if (end >= text.length) fail('unterminated string');
    let body = text.slice(at + 1, end);
    if (quote === "'") body = body.replace(/\\'/g, "'").replace(/"/g, '\\"');
    // JS's `\u{1F389}` escapes, which JSON lacks.
    body = body.replace(/(?<!\\)((?:\\\\)*)\\u\{([0-9a-fA-F]{1,6})\}/g, (_, slashes, hex) => {
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) fail('bad \\u{…} escape');
      return slashes + JSON.stringify(String.fromCodePoint(code)).slice(1, -1);
    });
    at = end + 1;
    try {
      return JSON.parse(`"${body}"`);
    } catch {
      return fail('bad escape in string');
    }
  };

  const number = () => {
    const match = /^-?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)(n?)/.exec(text.slice(at));
    if (!match || match[0] === '-' || match[0] === '') fail('expected a value');
    at += match[0].length;
    const literal = match[0].replace(/_/g, '');
    if (match[1] === 'n') {
      const digits = literal.slice(0, -1);
      if (!/^-?(0[xXbB][\da-fA-F]+|\d+)$/.test(digits)) fail('a BigInt must be an integer');
      return digits.startsWith('-') ? -BigInt(digits.slice(1)) : BigInt(digits);
    }
    if (/^-?0[xXbB]/.test(literal)) {
      const negative = literal.startsWith('-');
      const value = Number(negative ? literal.slice(1) : literal);
      return negative ? -value : value;
    }
    const number = Number(literal);
    // Integers too big for a double stay exact, as BigInts (for u64/s64 arguments).
    if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(number)) return BigInt(literal);
    return number;
  };

  const words = { true: true, false: false, null: null, undefined: undefined, NaN: NaN, Infinity: Infinity };

  const value = () => {
    space();
    const char = text[at];
    if (char === '{') {
      at++;
      const object = {};
      while (!eat('}')) {
        space();
        let key;
        if (text[at] === '"' || text[at] === "'") key = string();
        else {
          const match = /^[A-Za-z_$][\w$-]*/.exec(text.slice(at));
          if (!match) fail('expected a key');
          key = match[0];
          at += key.length;
        }
        if (!eat(':')) fail('expected `:`');
        object[key] = value();
        if (!eat(',')) {
          if (!eat('}')) fail('expected `,` or `}`');
          break;
        }
      }
      return object;
    }
    if (char === '[') {
      at++;
      const array = [];
      while (!eat(']')) {
        array.push(value());
        if (!eat(',')) {
          if (!eat(']')) fail('expected `,` or `]`');
          break;
        }
      }
      return array;
    }
    if (char === '"' || char === "'") return string();
    const word = /^-?[A-Za-z]+/.exec(text.slice(at))?.[0];
    if (word !== undefined && !/^-?0[xXbB]/.test(text.slice(at))) {
      const negative = word.startsWith('-');
      const name = negative ? word.slice(1) : word;
      if (!(name in words) || (negative && name !== 'Infinity')) fail(`unknown word \`${word}\``);
      at += word.length;
      return negative ? -Infinity : words[name];
    }
    return number();
  };

  const result = value();
  space();
  if (at < text.length) fail('unexpected text after the value');
  return result;
}

const MAX_STRING = 4096;
const MAX_ITEMS = 1000;

/**
 * Prints a value in the syntax above, over several lines when it does not fit on one. Typed arrays
 * print as arrays, BigInts as `123n`, `undefined` as `null`; very long strings and lists are cut.
 */
export function formatValue(value, indent = '') {
  const flat = formatFlat(value);
  if (flat.length <= 72 || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value.length > MAX_ITEMS ? value.slice(0, MAX_ITEMS) : value, (item) => inner + formatValue(item, inner));
    if (value.length > MAX_ITEMS) items.push(`${inner}/* … ${value.length - MAX_ITEMS} more */`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).map(([key, item]) => `${inner}${formatKey(key)}: ${formatValue(item, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function formatFlat(value) {
  switch (typeof value) {
    case 'bigint':
      return `${value}n`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return value.length > MAX_STRING
        ? `${JSON.stringify(value.slice(0, MAX_STRING))} /* … ${value.length - MAX_STRING} more characters (${value.length} in all) */`
        : JSON.stringify(value);
    case 'undefined':
      return 'null';
    case 'boolean':
      return String(value);
    case 'function':
      return `[function ${value.name}]`;
    case 'symbol':
      return value.toString();
    default:
      break;
  }
  if (value === null) return 'null';
  // A resource handle (an instance of an exported or imported class): its class, not `{}`.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)) return value.constructor?.name || 'object';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const shown = Array.from(value.length > MAX_ITEMS ? value.slice(0, MAX_ITEMS) : value, formatFlat);
    if (value.length > MAX_ITEMS) shown.push(`/* … ${value.length - MAX_ITEMS} more */`);
    return `[${shown.join(', ')}]`;
  }
  const entries = Object.entries(value).map(([key, item]) => `${formatKey(key)}: ${formatFlat(item)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

function formatKey(key) {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}
