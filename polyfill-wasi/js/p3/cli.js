/**
 * wasi:cli@0.3 (environment, exit, stdio as streams, terminal-*) over the same state as
 * wasi:cli@0.2: cli.js makes one guest's arguments, environment, stdin source and stdout/stderr
 * sinks once and hands them here, so a guest importing both versions (Rust's std speaks 0.2) has
 * one stdin, one console line buffer and one exit.
 */

import { consumeStream, outgoingStream } from './streams.js';

/** No terminal in a page or worker (as in 0.2): these exist only so guests can link. */
class TerminalInput {}
class TerminalOutput {}

/** What a stdin read asks of the source at a time, as wasmtime's p3 stdin does. */
const STDIN_CHUNK = 64 * 1024;

/** `write-via-stream`: the guest's bytes to `sink` as they come; its last stream flushes a console line. */
function writeViaStream(sink) {
  return (data) => {
    sink.acquire?.();
    return consumeStream(data, {
      write: (chunk) => sink.write(chunk),
      end: () => {
        if (sink.release?.() === 0 && !sink.closed) sink.flush();
      },
      // A sink closes when its reader is gone (the embedder's callback threw): a broken pipe.
      errorOf: () => 'pipe',
    });
  };
}

/** `read-via-stream`: the shared stdin source as a stream; waits on it as the guest reads. */
function readViaStream(source) {
  const next = async () => {
    for (;;) {
      let bytes;
      try {
        bytes = source.read(STDIN_CHUNK);
      } catch (thrown) {
        if (thrown?.tag === 'closed') return undefined;
        throw thrown;
      }
      if (bytes.length > 0) return bytes;
      // Nothing has arrived yet (a ReadableStream stdin): wait for it, then read again.
      await source.condition.whenReady();
    }
  };
  return () => outgoingStream({ next, errorOf: () => 'io' });
}

/**
 * @param {{envList: [string, string][], argList: string[], initialCwd: string|undefined,
 *   stdinSource: {read(n: number): Uint8Array, condition?: any}, stdoutSink: any, stderrSink: any,
 *   exitWith: (code: number) => never}} cli
 */
export function createCliP3({ envList, argList, initialCwd, stdinSource, stdoutSink, stderrSink, exitWith }) {
  return {
    'wasi:cli/environment@0.3': {
      getEnvironment: () => envList.map(([k, v]) => [k, v]),
      getArguments: () => argList.slice(),
      getInitialCwd: () => initialCwd,
    },
    'wasi:cli/exit@0.3': {
      exit: (status) => exitWith(status?.tag === 'err' ? 1 : 0),
      exitWithCode: (code) => exitWith(code),
    },
    'wasi:cli/types@0.3': {},
    'wasi:cli/stdin@0.3': { readViaStream: readViaStream(stdinSource) },
    'wasi:cli/stdout@0.3': { writeViaStream: writeViaStream(stdoutSink) },
    'wasi:cli/stderr@0.3': { writeViaStream: writeViaStream(stderrSink) },
    'wasi:cli/terminal-input@0.3': { TerminalInput },
    'wasi:cli/terminal-output@0.3': { TerminalOutput },
    'wasi:cli/terminal-stdin@0.3': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout@0.3': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr@0.3': { getTerminalStderr: () => undefined },
  };
}
