// wasi:cli@0.2 (environment, exit, stdio, terminal-*) over web APIs only, and wasi:cli@0.3 over
// the same state (p3/cli.js).
//
// Stdio state (the stdin buffer, the stdout/stderr sinks) lives in one
// createCli() call; every get-stdout()/get-stderr()/get-stdin() hands out a
// fresh stream handle over it, so one handle's drop never closes the others.

import { WasiExit } from '../../js/errors.js';
import { BytesSource, InputStream, OutputStream, StreamSource, closedError } from './io.js';
import { Waiter } from './wait.js';
import { isReadableStream } from './options.js';
import { createCliP3 } from './p3/cli.js';

/**
 * Sink that hands each write to an embedder callback. The copy keeps the
 * callback safe from the runtime reusing its view of guest memory. A throwing
 * callback means the reader is gone: the sink closes for good, so the guest
 * sees `closed` now and on every later write instead of retrying forever.
 */
class CallbackSink {
  closed = false;
  #callback;

  constructor(callback) {
    this.#callback = callback;
  }

  write(bytes) {
    if (this.closed) throw closedError();
    try {
      this.#callback(new Uint8Array(bytes));
    } catch {
      this.closed = true;
      throw closedError();
    }
  }

  flush() {}
}

/**
 * Sink that prints decoded text through console.log/console.error one line per
 * call, because console has no "print without newline". A trailing partial
 * line is held back until an explicit flush, the last handle's drop, exit, or
 * the embedder's flush(). The streaming decoder keeps split UTF-8 intact.
 */
class ConsoleSink {
  closed = false;
  #method;
  #decoder = new TextDecoder();
  #pending = '';
  #handles = 0;

  /** `method` is 'log' or 'error', looked up on every call so tests can spy on console. */
  constructor(method) {
    this.#method = method;
  }

  #print(line) {
    console[this.#method](line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  write(bytes) {
    if (this.closed) throw closedError();
    this.#pending += this.#decoder.decode(bytes, { stream: true });
    const lines = this.#pending.split('\n');
    this.#pending = lines.pop();
    for (const line of lines) this.#print(line);
  }

  flush() {
    if (this.#pending !== '') {
      const line = this.#pending;
      this.#pending = '';
      this.#print(line);
    }
  }

  acquire() {
    this.#handles++;
  }

  /** Returns how many handles remain, so OutputStream flushes on the last drop. */
  release() {
    return --this.#handles;
  }
}

export function makeSink(option, method, name) {
  if (option === undefined || option === 'console') return new ConsoleSink(method);
  if (typeof option === 'function') return new CallbackSink(option);
  throw new TypeError(`createWasi: ${name} must be a function, 'console' or undefined`);
}

function makeStdin(option, waiter) {
  if (option === undefined || option === null) return new BytesSource(new Uint8Array(0));
  if (typeof option === 'string') return new BytesSource(new TextEncoder().encode(option));
  if (option instanceof Uint8Array) return new BytesSource(option);
  if (option instanceof ArrayBuffer) return new BytesSource(new Uint8Array(option));
  if (isReadableStream(option)) {
    // Shared by every stdin handle: no `close`, so dropping one handle does not end stdin.
    const source = new StreamSource(option, waiter, { what: 'stdin (a ReadableStream)' });
    return { read: (n) => source.read(n), condition: source.condition, waiter };
  }
  throw new TypeError('createWasi: stdin must be a string, a Uint8Array, a ReadableStream or undefined');
}

/** Normalise `env` (object or array of pairs) to a frozen list of string pairs. */
function normaliseEnv(env) {
  const pairs = Array.isArray(env) ? env : Object.entries(env ?? {});
  return pairs.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError('createWasi: env entries must be [key, value] pairs');
    }
    return [String(pair[0]), String(pair[1])];
  });
}

/** No terminal in a page or worker: these exist only so guests can link. */
export class TerminalInput {}
export class TerminalOutput {}

/**
 * Builds the wasi:cli interfaces (0.2 and 0.3) for one guest. Returns `{ interfaces, flush }`;
 * `flush()` prints any partial console line (call it once the guest finishes).
 * `sinks` (internal: the worker's forwarding sinks) replace the stdout/stderr options.
 */
export function createCli({ args = [], env = {}, cwd, stdin, stdout, stderr } = {}, waiter = new Waiter('none'), sinks = {}) {
  const argList = Array.from(args, String);
  const envList = normaliseEnv(env);
  if (cwd !== undefined && cwd !== null && typeof cwd !== 'string') throw new TypeError('createWasi: cwd must be a string');
  const initialCwd = cwd ?? undefined;
  const stdinSource = makeStdin(stdin, waiter);
  const stdoutSink = sinks.stdout ?? makeSink(stdout, 'log', 'stdout');
  const stderrSink = sinks.stderr ?? makeSink(stderr, 'error', 'stderr');

  const flush = () => {
    for (const sink of [stdoutSink, stderrSink]) if (!sink.closed) sink.flush();
  };

  /** Exit is a throw the runtime catches; flush first so the last line shows. */
  const exitWith = (code) => {
    flush();
    throw new WasiExit(code);
  };

  const interfaces = {
    'wasi:cli/environment': {
      // Fresh copies each call: the caller may keep or mutate the result.
      getEnvironment: () => envList.map(([k, v]) => [k, v]),
      getArguments: () => argList.slice(),
      initialCwd: () => initialCwd,
    },
    'wasi:cli/exit': {
      exit: (status) => exitWith(status?.tag === 'err' ? 1 : 0),
      exitWithCode: (code) => exitWith(code),
    },
    'wasi:cli/stdin': { getStdin: () => new InputStream(stdinSource) },
    'wasi:cli/stdout': { getStdout: () => new OutputStream(stdoutSink) },
    'wasi:cli/stderr': { getStderr: () => new OutputStream(stderrSink) },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
  };
  Object.assign(interfaces, createCliP3(interfaces, { stdinSource, stdoutSink, stderrSink }));
  return { interfaces, flush };
}

/** @type {import('./compose.js').WasiPackage} */
export const cliPackage = (options, waiter, how) => createCli(options, waiter, how.sinks);
