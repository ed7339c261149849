// wasi:http/types.fields, and the header names and values it accepts.

import { isNode } from '#platform';
import { headerError } from './errors.js';

/** Names no fields may hold, after wasmtime (hop-by-hop headers and `host`). */
const HOST_FORBIDDEN = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'transfer-encoding', 'upgrade', 'host', 'http2-settings',
]);
/** The Fetch standard's forbidden request-header names: a browser drops them without a word. */
const BROWSER_FORBIDDEN = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
]);

/** Whether a browser's fetch would drop (or refuse) header `name` (lowercase). */
function browserForbids(name) {
  return BROWSER_FORBIDDEN.has(name) || name.startsWith('proxy-') || name.startsWith('sec-');
}

export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A header value's bytes are valid: tab, visible ASCII and space, obs-text; nothing else. */
function validValue(bytes) {
  for (const b of bytes) if (!(b === 0x09 || (b >= 0x20 && b !== 0x7f))) return false;
  return true;
}

export const latin1 = (bytes) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
};
export const fromLatin1 = (s) => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
};

/**
 * wasi:http/types.fields: an ordered list of (lowercase name, value bytes). Immutable fields (a
 * request's or response's headers) refuse changes with `immutable`. The statics and `clone` make
 * the class they are called on, so 0.3's fields (p3/http.js) extend this one.
 */
export class Fields {
  #entries;
  #immutable;

  constructor() {
    this.#entries = [];
    this.#immutable = false;
  }

  /** Host-only: fields over `entries`, possibly immutable. */
  static of(entries, immutable) {
    const f = new this();
    f.#entries = entries;
    f.#immutable = immutable;
    return f;
  }

  /** Host-only: the entries (shared, not copied). */
  static entriesOf(fields) {
    return fields.#entries;
  }

  static fromList(entries) {
    const f = new this();
    for (const [name, value] of entries) f.#add(checkName(name), checkValue(value));
    return f;
  }

  #add(name, value) {
    this.#entries.push([name, new Uint8Array(value)]);
  }

  #mutable() {
    if (this.#immutable) throw headerError('immutable');
  }

  get(name) {
    const key = String(name).toLowerCase();
    return this.#entries.filter(([n]) => n === key).map(([, v]) => new Uint8Array(v));
  }

  has(name) {
    const key = String(name).toLowerCase();
    return this.#entries.some(([n]) => n === key);
  }

  set(name, values) {
    this.#mutable();
    const key = checkName(name);
    const checked = Array.from(values, checkValue);
    const at = this.#entries.findIndex(([n]) => n === key);
    const kept = this.#entries.filter(([n]) => n !== key);
    const added = checked.map((v) => [key, new Uint8Array(v)]);
    kept.splice(at < 0 ? kept.length : at, 0, ...added);
    this.#entries.length = 0;
    this.#entries.push(...kept);
  }

  delete(name) {
    this.#mutable();
    const key = checkName(name);
    const kept = this.#entries.filter(([n]) => n !== key);
    this.#entries.length = 0;
    this.#entries.push(...kept);
  }

  append(name, value) {
    this.#mutable();
    this.#add(checkName(name), checkValue(value));
  }

  entries() {
    return this.#entries.map(([n, v]) => [n, new Uint8Array(v)]);
  }

  /** A mutable copy, even of immutable fields. */
  clone() {
    return this.constructor.of(this.entries(), false);
  }
}

function checkName(name) {
  const s = String(name);
  if (!TOKEN.test(s)) throw headerError('invalid-syntax');
  const key = s.toLowerCase();
  if (HOST_FORBIDDEN.has(key) || (!isNode && browserForbids(key))) throw headerError('forbidden');
  return key;
}

function checkValue(value) {
  const bytes = value instanceof Uint8Array ? value : Uint8Array.from(value);
  if (!validValue(bytes)) throw headerError('invalid-syntax');
  return bytes;
}
