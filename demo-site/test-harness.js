// A blank page for browser tests: exposes the public API as `window.terrarium`, plus a few helpers
// as `window.harness`. Loaded from /demo-site/test-harness.html and /csp/test-harness.html.

import * as terrarium from '/js/index.js';
import { spyOnReadableStreams } from './stream-spy.js';

/** Collects the bytes a guest writes to a stream, as text. */
function collector() {
  const chunks = [];
  const sink = (bytes) => chunks.push(bytes.slice());
  sink.text = () => {
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return new TextDecoder().decode(all);
  };
  return sink;
}

/**
 * Strict structural equality, like node's assert.deepStrictEqual for the values components
 * exchange: Object.is for numbers (so -0 and NaN count), BigInt, typed arrays of the same type,
 * arrays, plain objects with the same own keys (an `undefined` field is not a missing one).
 * @returns {string|null} where the values differ, or null when equal
 */
function difference(actual, expected, path = '$') {
  if (typeof actual !== typeof expected) return `${path}: ${describe(actual)} vs expected ${describe(expected)}`;
  if (typeof actual !== 'object' || actual === null || expected === null) {
    return Object.is(actual, expected) ? null : `${path}: ${describe(actual)} vs expected ${describe(expected)}`;
  }
  const kind = (v) => Object.prototype.toString.call(v);
  if (kind(actual) !== kind(expected)) return `${path}: ${kind(actual)} vs expected ${kind(expected)}`;
  if (Array.isArray(actual) || ArrayBuffer.isView(actual)) {
    if (actual.length !== expected.length) return `${path}: length ${actual.length} vs expected ${expected.length}`;
    for (let i = 0; i < actual.length; i++) {
      const diff = difference(actual[i], expected[i], `${path}[${i}]`);
      if (diff) return diff;
    }
    return null;
  }
  const keys = Object.keys(actual).sort();
  const wanted = Object.keys(expected).sort();
  if (keys.join() !== wanted.join()) return `${path}: keys [${keys}] vs expected [${wanted}]`;
  for (const key of keys) {
    const diff = difference(actual[key], expected[key], `${path}.${key}`);
    if (diff) return diff;
  }
  return null;
}

function describe(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Object.is(value, -0)) return '-0';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.length})`;
  try {
    return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An error as plain data, for returning from page.evaluate. */
function errorInfo(error) {
  if (!(error instanceof Error)) return { thrown: String(error) };
  return {
    name: error.name,
    message: error.message,
    kind: error.kind,
    offset: error.offset,
    exitCode: error.exitCode,
    isTerrariumError: error instanceof terrarium.TerrariumError,
    isComponentError: error instanceof terrarium.ComponentError,
    payload: 'payload' in error && error.payload !== undefined ? describe(error.payload) : undefined,
  };
}

/** Runs `fn` and returns how it failed (or `{returned}` when it did not). */
async function failure(fn) {
  try {
    const value = await fn();
    return { returned: describe(value) };
  } catch (error) {
    return errorInfo(error);
  }
}

window.terrarium = terrarium;
window.harness = { collector, difference, describe, errorInfo, failure, spyOnReadableStreams };
window.harnessReady = true;
document.getElementById('state').textContent = 'ready';
