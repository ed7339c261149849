/**
 * wasi:cli@0.3 (environment, exit, stdio as streams, terminal-*) over the same state as
 * wasi:cli@0.2: cli.js makes one guest's 0.2 interfaces, stdin source and stdout/stderr sinks once
 * and hands them here, so a guest importing both versions (Rust's std speaks 0.2) has one
 * environment, one stdin, one console line buffer and one exit.
 */

import { consumeStream, outgoingStream } from './streams.js';

/** What one read of the stdin source asks for. */
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
 * The 0.3 interfaces, from the 0.2 ones (`cli`: the functions that are the same but for a name)
 * and the shared stdin source and stdout/stderr sinks.
 * @param {Record<string, any>} cli the wasi:cli@0.2 interfaces, by versionless name
 * @param {{stdinSource: {read(n: number): Uint8Array, condition?: any}, stdoutSink: any, stderrSink: any}} stdio
 */
export function createCliP3(cli, { stdinSource, stdoutSink, stderrSink }) {
  const { getEnvironment, getArguments, initialCwd } = cli['wasi:cli/environment'];
  return {
    'wasi:cli/environment@0.3': { getEnvironment, getArguments, getInitialCwd: initialCwd },
    'wasi:cli/exit@0.3': cli['wasi:cli/exit'],
    'wasi:cli/types@0.3': {},
    'wasi:cli/stdin@0.3': { readViaStream: readViaStream(stdinSource) },
    'wasi:cli/stdout@0.3': { writeViaStream: writeViaStream(stdoutSink) },
    'wasi:cli/stderr@0.3': { writeViaStream: writeViaStream(stderrSink) },
    'wasi:cli/terminal-input@0.3': cli['wasi:cli/terminal-input'],
    'wasi:cli/terminal-output@0.3': cli['wasi:cli/terminal-output'],
    'wasi:cli/terminal-stdin@0.3': cli['wasi:cli/terminal-stdin'],
    'wasi:cli/terminal-stdout@0.3': cli['wasi:cli/terminal-stdout'],
    'wasi:cli/terminal-stderr@0.3': cli['wasi:cli/terminal-stderr'],
  };
}
