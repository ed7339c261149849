// A module worker for the browser tests: loads components with the public API off the main thread.
// Post it anything; it answers with `{add, helloStdout, helloExitCode}` or `{error}`.

import { load, run } from '/js/index.js';

self.addEventListener('message', async () => {
  try {
    const bench = await load('/components/bench.wasm');
    const logged = [];
    const { exports } = await bench.instantiate({ 'example:bench/host': { log: (msg) => logged.push(msg) } });
    const add = exports.api.add(2, 3);
    exports.api.callHost('from the worker');

    const chunks = [];
    const decoder = new TextDecoder();
    const { exitCode } = await run('/components/hello.wasm', {
      args: ['hello', 'in-worker'],
      env: { A: 'worker' },
      stdin: 'worker stdin',
      stdout: (bytes) => chunks.push(decoder.decode(bytes, { stream: true })),
      stderr: () => {},
    });
    self.postMessage({
      add,
      logged,
      helloStdout: chunks.join('') + decoder.decode(),
      helloExitCode: exitCode,
      isWorker: typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope,
    });
  } catch (error) {
    self.postMessage({ error: `${error?.name}: ${error?.message}`, kind: error?.kind });
  }
});
self.postMessage({ ready: true });
