/**
 * Error classes shared by the loader, the runtime and the WASI polyfill.
 *
 * Every failure Terrarium itself reports is a `TerrariumError` with a machine-readable `kind`, so
 * callers can branch on it without parsing messages. `ComponentError` and `WasiExit` are the two
 * "expected" non-error outcomes of a call (an `err` result, a `wasi:cli/exit`) and follow jco;
 * `ErrorContext` is the JS form of a component-model `error-context` value.
 */

/** @typedef {'load'|'malformed'|'invalid'|'not-a-component'|'unsupported'|'link'|'trap'|'exit'|'dead'} TerrariumErrorKind */

export class TerrariumError extends Error {
  /**
   * @param {TerrariumErrorKind} kind
   * @param {string} message lowercase, e.g. "trap in `example:bench/api#add`: unreachable"
   * @param {{offset?: number, context?: string, exitCode?: number, cause?: unknown}} [details]
   */
  constructor(kind, message, details = {}) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.kind = kind;
    /** byte offset into the component binary, when the failure is tied to one */
    this.offset = details.offset;
    /** what was being done: an export (`iface#func`), an import name, a section */
    this.context = details.context;
    if (kind === 'exit') this.exitCode = details.exitCode;
  }

  get name() {
    return 'TerrariumError';
  }
}

/**
 * Thrown by a lifted export whose WIT result is `result<T, E>` and that returned `err(e)`; the err
 * value is `.payload`. Same shape as jco's `ComponentError`, so code written against jco works.
 * A host import may also throw one: its `payload` becomes the `err` value passed to the guest.
 */
export class ComponentError extends Error {
  constructor(payload) {
    const enumerable = typeof payload !== 'string';
    super(enumerable ? `${String(payload)} (see error.payload)` : payload);
    Object.defineProperty(this, 'payload', { value: payload, enumerable });
  }

  get name() {
    return 'ComponentError';
  }
}

/**
 * A component-model `error-context` value in JS: an `Error` whose message is the context's debug
 * message (`debugMessage`). A guest's `error-context.new` makes one, and JS may pass any `Error` where
 * the WIT type is `error-context` (its `message` becomes the debug message).
 */
export class ErrorContext extends Error {
  /** @param {string} debugMessage */
  constructor(debugMessage) {
    super(debugMessage);
    this.debugMessage = debugMessage;
  }

  get name() {
    return 'ErrorContext';
  }
}

/**
 * Thrown by the WASI polyfill's `exit` to unwind the guest; the runtime catches it at the export
 * boundary and turns it into a `TerrariumError` of kind 'exit' (the instance is then dead, since the
 * guest's stack was abandoned mid-call).
 */
export class WasiExit extends Error {
  /** @param {number} code */
  constructor(code) {
    super(`exit with code ${code}`);
    this.code = code;
  }

  get name() {
    return 'WasiExit';
  }
}

/**
 * Internal: a canonical-ABI trap detected by the host glue (bad pointer, invalid char, unknown
 * handle…). Not exported from the package; the export wrapper turns it into a `TerrariumError` of
 * kind 'trap' that names the export being called.
 */
export class GuestTrap extends Error {
  get name() {
    return 'GuestTrap';
  }
}

/** Throws a `GuestTrap`: the spec's `trap()` / `trap_if(...)`. */
export function trap(message) {
  throw new GuestTrap(message);
}
