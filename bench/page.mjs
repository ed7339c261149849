// In-page half of the bench (driven by bench/run.mjs through Playwright). It defines
// `window.bench`, and imports nothing up front: cold measurements import the host code themselves.
//
// The sides run the same guest (dist/components/bench.wasm):
//   terrarium      import('/dist/terrarium.js') (the shipped bundle), load('/components/bench.wasm')
//                  + component.instantiate(imports)
//   terrarium-src  the same from the unbundled source, import('/js/index.js') (cold loads only)
//   jco            import('/jco/bench.js') (transpiled ahead of time, `--instantiation async`)
//                  + instantiate(...)
//   jco-inpage     jco's own run-time path: import jco's browser transpiler (bundled, with its two
//                  core wasm modules), fetch the component bytes, `transpile` them in the page,
//                  import the generated JS from a blob: URL, compile its core wasm, instantiate
//   raw            the component's main core module (jco's bench.core.wasm), instantiated directly,
//                  its exports called with the least JS glue that works (the floor for any host)

const COMPONENT_URL = '/components/bench.wasm';
const TERRARIUM_URL = '/dist/terrarium.js';
const TERRARIUM_SRC_URL = '/js/index.js';
const JCO_URL = '/jco/bench.js';
const JCO_TRANSPILER_URL = '/jco-inpage/jco-transpile.js';
const RAW_CORE_URL = '/jco/bench.core.wasm';
const HOST = 'example:bench/host';

/** Where the host's `log` sends messages while a check wants them; null (a no-op) otherwise. */
let logSink = null;
const hostLog = (msg) => {
  if (logSink) logSink.push(msg);
};
const componentImports = () => ({ [HOST]: { log: hostLog } });

/** MiB/s of `through()`, which passes 16 MiB JS -> guest -> JS: checked once, then the median of `reps`. */
async function streamRate(through, reps) {
  check((await through()) === 16 << 20, 'upper passes 16 MiB through');
  const rates = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await through();
    rates.push((16 * 1000) / (performance.now() - t0));
  }
  return { value: median(rates), n: reps, samples: rates };
}

// ---- the async rows' sides: {calls, streams}, the two async guests' `api` exports --------------

const asyncHosts = {
  'example:async-calls/host': { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), double: (v) => v * 2, note() {} },
  'example:async-streams/host': { written() {}, numbers: () => [] },
};

const asyncSides = {
  async terrarium() {
    const { load } = await import(TERRARIUM_URL);
    const [calls, streams] = await Promise.all(
      ['async-calls', 'async-streams'].map(async (name) => (await (await load(`/components/${name}.wasm`)).instantiate(asyncHosts)).exports.api),
    );
    return { calls, streams };
  },
  /** jco's output imports WASI 0.2 from its preview2-shim (bundled by bench/run.mjs as /jco/wasi-shim.js). */
  async jco() {
    const { cli, io } = await import('/jco/wasi-shim.js');
    const wasi = {
      'wasi:cli/environment': cli.environment, 'wasi:cli/exit': cli.exit, 'wasi:cli/stdin': cli.stdin,
      'wasi:cli/stdout': cli.stdout, 'wasi:cli/stderr': cli.stderr, 'wasi:cli/terminal-input': cli.terminalInput,
      'wasi:cli/terminal-output': cli.terminalOutput, 'wasi:cli/terminal-stdin': cli.terminalStdin,
      'wasi:cli/terminal-stdout': cli.terminalStdout, 'wasi:cli/terminal-stderr': cli.terminalStderr,
      'wasi:io/error': io.error, 'wasi:io/poll': io.poll, 'wasi:io/streams': io.streams,
    };
    const [calls, streams] = await Promise.all(
      ['async-calls', 'async-streams'].map(async (name) => {
        const jco = await import(`/jco/${name}/${name}.js`);
        const compile = (file) => WebAssembly.compileStreaming(fetch(`/jco/${name}/${file}`));
        return (await jco.instantiate(compile, { ...wasi, ...asyncHosts })).api;
      }),
    );
    return { calls, streams };
  },
};

// ---- the sides: {load(): loaded, instantiate(loaded): api} ----------------------------------

const sides = {
  terrarium: (options = {}, url = TERRARIUM_URL) => ({
    importHost: () => import(url),
    load: (terrarium) => terrarium.load(COMPONENT_URL, options),
    async instantiate(component) {
      const instance = await component.instantiate(componentImports());
      return instance.exports.api;
    },
  }),

  jco: () => ({
    importHost: () => import(JCO_URL),
    async load(jco) {
      const names = ['bench.core.wasm', 'bench.core2.wasm', 'bench.core3.wasm'];
      const modules = await Promise.all(names.map((name) => WebAssembly.compileStreaming(fetch(`/jco/${name}`))));
      const byName = Object.fromEntries(names.map((name, i) => [name, modules[i]]));
      return { jco, byName };
    },
    async instantiate({ jco, byName }) {
      const exports = await jco.instantiate((name) => byName[name], componentImports());
      return exports.api;
    },
  }),

  'jco-inpage': () => ({
    importHost: () => import(JCO_TRANSPILER_URL),
    /** fetch the component, transpile it in the page, import the JS, compile the core wasm. */
    async load(transpiler) {
      const t0 = performance.now();
      const bytes = new Uint8Array(await (await fetch(COMPONENT_URL)).arrayBuffer());
      const t1 = performance.now();
      // The same options as the ahead-of-time jco side, so the generated code is the same.
      const { files } = await transpiler.transpile(bytes, {
        name: 'bench',
        instantiation: { tag: 'async' },
        noTypescript: true,
        base64Cutoff: 0,
      });
      const t2 = performance.now();
      const byName = new Map(files);
      const js = byName.get('bench.js');
      if (!js) throw new Error(`jco transpile emitted no bench.js (got ${[...byName.keys()].join(', ')})`);
      const url = URL.createObjectURL(new Blob([js], { type: 'text/javascript' }));
      let jco;
      try {
        jco = await import(url);
      } finally {
        URL.revokeObjectURL(url);
      }
      const names = [...byName.keys()].filter((name) => name.endsWith('.wasm'));
      const modules = await Promise.all(names.map((name) => WebAssembly.compile(byName.get(name))));
      const t3 = performance.now();
      return {
        jco,
        byName: Object.fromEntries(names.map((name, i) => [name, modules[i]])),
        timings: { fetchComponent: t1 - t0, transpile: t2 - t1, importAndCompile: t3 - t2 },
      };
    },
    instantiate: (loaded) => sides.jco().instantiate(loaded),
  }),

  raw: () => ({
    importHost: async () => null, // the glue below is part of this page
    load: () => WebAssembly.compileStreaming(fetch(RAW_CORE_URL)),
    instantiate: (module) => rawApi(module),
  }),
};

/**
 * The raw side: the core module's exports, with hand-written canonical-ABI glue only where a
 * value has to cross linear memory (strings, lists), using the same short-string fast paths as a
 * good host would. `noop` and `add` are the bare exports.
 */
async function rawApi(module) {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let memory;
  let u8 = new Uint8Array(0);
  const bytes = () => (u8.buffer === memory.buffer ? u8 : (u8 = new Uint8Array(memory.buffer)));
  const loadString = (ptr, len) => {
    const m = bytes();
    if (len <= 32) {
      let s = '';
      let i = 0;
      for (; i < len && m[ptr + i] < 0x80; i++) s += String.fromCharCode(m[ptr + i]);
      if (i === len) return s;
    }
    return decoder.decode(m.subarray(ptr, ptr + len));
  };
  const { exports: e } = await WebAssembly.instantiate(module, {
    'example:bench/host@0.1.0': { log: (ptr, len) => hostLog(loadString(ptr, len)) },
  });
  memory = e.memory;
  const realloc = e.cabi_realloc;
  const api = (name) => e[`example:bench/api@0.1.0#${name}`];
  const callHost = api('call-host');
  const echo = api('echo-string');
  const echoPost = e['cabi_post_example:bench/api@0.1.0#echo-string'];
  const sum = api('sum-bytes');
  const sumFloats = api('sum-floats');
  const stringLength = api('string-length');
  /** [ptr, len] of `s` as UTF-8 in guest memory. */
  const storeString = (s) => {
    const n = s.length;
    if (n === 0) return [1, 0];
    const ptr = realloc(0, 0, 1, n);
    const m = bytes();
    let i = 0;
    if (n <= 32) for (; i < n && s.charCodeAt(i) < 0x80; i++) m[ptr + i] = s.charCodeAt(i);
    if (i === n) return [ptr, n];
    const first = encoder.encodeInto(s, m.subarray(ptr, ptr + n));
    if (first.read === n) return [ptr, first.written];
    const wide = realloc(ptr, n, 1, n * 3);
    const rest = encoder.encodeInto(s.slice(first.read), bytes().subarray(wide + first.written, wide + n * 3));
    const written = first.written + rest.written;
    return [realloc(wide, n * 3, 1, written), written];
  };
  return {
    noop: api('noop'),
    add: api('add'),
    callHost: (s) => callHost(...storeString(s)),
    echoString(s) {
      const ret = echo(...storeString(s));
      const view = new DataView(memory.buffer);
      const out = loadString(view.getUint32(ret, true), view.getUint32(ret + 4, true));
      echoPost(ret);
      return out;
    },
    sumBytes(data) {
      const ptr = realloc(0, 0, 1, data.length);
      bytes().set(data, ptr);
      return BigInt.asUintN(64, sum(ptr, data.length));
    },
    sumFloats(data) {
      const ptr = realloc(0, 0, 4, data.byteLength);
      bytes().set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ptr);
      return sumFloats(ptr, data.length);
    },
    stringLength: (s) => stringLength(...storeString(s)),
    /** The limit of a JSPI call: the bare export through `WebAssembly.promising`. */
    addPromising: WebAssembly.promising(api('add')),
  };
}

function side(name) {
  if (name === 'terrarium-trusted') return sides.terrarium({ validate: false });
  if (name === 'terrarium-src') return sides.terrarium({}, TERRARIUM_SRC_URL);
  const make = sides[name];
  if (!make) throw new Error(`unknown side ${name}`);
  return make();
}

/** Per side, the bench-resource guest's `Counter` class (the raw side's made of its core calls). */
const resourceSides = {
  async terrarium() {
    const { load } = await import(TERRARIUM_URL);
    return (await (await load('/components/bench-resource.wasm')).instantiate()).exports.api.Counter;
  },
  async jco() {
    const jco = await import('/jco/resource/bench-resource.js');
    const exports = await jco.instantiate((file) => WebAssembly.compileStreaming(fetch(`/jco/resource/${file}`)), unusedWasi());
    return exports.api.Counter;
  },
  async raw() {
    const module = await WebAssembly.compileStreaming(fetch('/jco/resource/bench-resource.core.wasm'));
    // Resource handles are the reps themselves: no table, as a host that trusts its guest could do.
    const imports = {};
    for (const { module: m, name } of WebAssembly.Module.imports(module)) {
      (imports[m] ??= {})[name] = name.startsWith('[resource-new]') ? (rep) => rep : () => {};
    }
    const { exports: e } = await WebAssembly.instantiate(module, imports);
    const at = (name) => e[`example:bench-resource/api@0.1.0#${name}`];
    const [construct, add, dtor] = [at('[constructor]counter'), at('[method]counter.add'), at('[dtor]counter')];
    return class Counter {
      constructor(start) {
        this.rep = construct(start);
      }
      add(by) {
        return add(this.rep, by);
      }
      [Symbol.dispose]() {
        dtor(this.rep);
      }
    };
  },
};

/**
 * WASI for jco's instantiate of a guest that imports it but never calls it (Rust's std links
 * stdio in): any interface, any function or resource class.
 */
function unusedWasi() {
  const never = () => {
    throw new Error('WASI is not used by this guest');
  };
  const anyMember = new Proxy({}, { get: (_, key) => (typeof key === 'string' && /^[A-Z]/.test(key) ? class {} : never) });
  return new Proxy({}, { get: () => anyMember });
}

// ---- helpers -------------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

/** Correctness first: a bench of wrong answers is worthless. */
function verify(api) {
  check(api.add(2, 3) === 5, 'add(2, 3) === 5');
  check(api.add(0xffffffff, 1) === 0, 'add wraps');
  check(api.noop() === undefined, 'noop() returns undefined');
  logSink = [];
  try {
    api.callHost('hi ✓ 🌍');
    check(logSink.length === 1 && logSink[0] === 'hi ✓ 🌍', 'callHost reaches host.log with the message');
  } finally {
    logSink = null;
  }
  for (const s of ['', 'héllo 𝄞 🎉']) check(api.echoString(s) === s, `echoString(${JSON.stringify(s)})`);
  check(api.sumBytes(new Uint8Array([1, 2, 250])) === 253n, 'sumBytes([1, 2, 250]) === 253n');
  check(api.sumFloats(new Float32Array([1.5, 2.25, -0.75])) === 3, 'sumFloats([1.5, 2.25, -0.75]) === 3');
  check(api.stringLength('héllo 𝄞') === 11, "stringLength('héllo 𝄞') === 11 (UTF-8 bytes)");
}

/** Resources this page fetched (bytes as decoded, and as sent), minus the bench page itself. */
function fetched() {
  const entries = performance
    .getEntriesByType('resource')
    .filter((r) => !new URL(r.name).pathname.startsWith('/bench/'));
  return {
    files: entries.length,
    bytes: entries.reduce((n, r) => n + r.decodedBodySize, 0),
    transferBytes: entries.reduce((n, r) => n + r.encodedBodySize, 0),
    urls: entries.map((r) => new URL(r.name).pathname),
  };
}

/**
 * ns per call of `loop(n)` (which makes n calls; it may return a promise, for awaited calls):
 * calibrated so a batch takes about `targetMs`, at most `maxN` calls; the median of `batches` batches.
 */
async function perCall(loop, { targetMs = 150, maxN = 1_000_000, minN = 1000, batches = 7 } = {}) {
  await loop(minN); // warm-up (also lets the engine tier up)
  let n = minN;
  let t = 0;
  for (;;) {
    const t0 = performance.now();
    await loop(n);
    t = performance.now() - t0;
    if (t >= targetMs / 4 || n >= maxN) break;
    n = Math.min(maxN, n * 4);
  }
  n = Math.max(minN, Math.min(maxN, Math.round((n * targetMs) / Math.max(t, 0.01))));
  const samples = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    await loop(n);
    samples.push(((performance.now() - t0) * 1e6) / n);
  }
  return { value: median(samples), min: Math.min(...samples), n, samples };
}

/** Median ms of `reps` runs of `fn` (after one warm-up run). */
function perRun(fn, reps) {
  fn();
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return { value: median(samples), min: Math.min(...samples), n: reps, samples };
}

// ---- the model component: tokens per second -------------------------------------------------

const LLAMA_TOKENS = 256;

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// ---- what run.mjs calls ---------------------------------------------------------------------

window.bench = {
  /**
   * A model in a build of the model component (`file`: 'llama-relaxed.wasm', 'llama.wasm' or
   * 'llama-scalar.wasm') hosted by Terrarium: `model` is `{ checkpoint, tokenizer, golden }` (URLs
   * of an f32 checkpoint and its tokenizer; `golden`, the text greedy decoding must begin with, or
   * null), with f32 weights or (`weights` 'q8') quantized to Q8_0 by demo-site/llama-q8.js: greedy
   * decoding of 256 tokens from BOS, pulled with nextToken(), two untimed warm-ups, then `runs`
   * timed generations; tokens per second.
   */
  async llama(file, weights, runs, model) {
    const { load } = await import(TERRARIUM_URL);
    const { exports } = await (await load(`/components/${file}`)).instantiate();
    const api = exports.llama;
    const [f32, tokenizer] = await Promise.all([model.checkpoint, model.tokenizer].map(fetchBytes));
    const checkpoint = weights === 'q8' ? (await import('/demo-site/llama-q8.js')).quantizeCheckpoint(f32).checkpoint : f32;
    const loaded = api.Model.load(checkpoint, tokenizer);
    const kernel = `${api.kernel()}, ${weights}`;
    const generate = (collect) => {
      const generation = loaded.generate('', { temperature: 0, topP: 0, seed: 0n, maxTokens: LLAMA_TOKENS });
      let text = '';
      let n = 0;
      const t0 = performance.now();
      for (let token; (token = generation.nextToken()) !== undefined; n++) if (collect) text += token.piece;
      const ms = performance.now() - t0;
      // 8-bit weights change the story after its start: it may end (EOS) before 256 tokens.
      const ended = weights === 'q8' && generation.stopReason() === 'end-of-text';
      generation[Symbol.dispose]();
      check(n === LLAMA_TOKENS || ended, `${kernel}: ${n} tokens, not ${LLAMA_TOKENS}`);
      return { rate: (n * 1000) / ms, text, n };
    };
    const { text: first, n: tokens } = generate(true);
    if (model.golden) check(first.startsWith(model.golden), `${kernel}: greedy text ${JSON.stringify(first.slice(0, 60))}`);
    generate(false);
    const samples = Array.from({ length: runs }, () => generate(false).rate);
    return { kernel: api.kernel(), weights, weightsBytes: Number(loaded.weightsBytes()), tokens, value: median(samples), best: Math.max(...samples), samples };
  },

  /** In a fresh page: import the host code, load and instantiate, check the result works. */
  async cold(name) {
    const s = side(name);
    const t0 = performance.now();
    const host = await s.importHost();
    const t1 = performance.now();
    const loaded = await s.load(host);
    const t2 = performance.now();
    const api = await s.instantiate(loaded);
    const t3 = performance.now();
    verify(api);
    const phases = { importHost: t1 - t0, load: t2 - t1, instantiate: t3 - t2, ...loaded?.timings };
    return { ms: t3 - t0, phases, fetched: fetched() };
  },

  /**
   * Again, in a page that has everything imported already: load + instantiate, instantiate alone.
   * (For jco-inpage, "load" is fetch + transpile + import + compile, with the transpiler ready.)
   */
  async warm(name, reps) {
    const s = side(name);
    const host = await s.importHost();
    const loaded = await s.load(host);
    verify(await s.instantiate(loaded));
    // Two untimed rounds more, so one-off first-use costs (lazy compiles, a big module's background
    // tier-up kicking in) land here and not in the first samples.
    for (let i = 0; i < 2; i++) await s.instantiate(await s.load(host));
    const loadSamples = [];
    const instantiateSamples = [];
    const detail = {};
    for (let i = 0; i < reps; i++) {
      let t0 = performance.now();
      const again = await s.load(host);
      await s.instantiate(again);
      loadSamples.push(performance.now() - t0);
      for (const [key, ms] of Object.entries(again?.timings ?? {})) (detail[key] ??= []).push(ms);
      t0 = performance.now();
      await s.instantiate(loaded);
      instantiateSamples.push(performance.now() - t0);
    }
    return {
      load: { value: median(loadSamples), n: reps, samples: loadSamples },
      instantiate: { value: median(instantiateSamples), n: reps, samples: instantiateSamples },
      ...Object.fromEntries(Object.entries(detail).map(([key, xs]) => [key, { value: median(xs), n: reps, samples: xs }])),
    };
  },

  /** Per-call costs on one instance. */
  async calls(name, { stringReps = 31, bytesReps = 15 } = {}) {
    const s = side(name);
    const api = await s.instantiate(await s.load(await s.importHost()));
    verify(api);
    const { noop, add, callHost, echoString, sumBytes } = api;
    const out = {};

    out.noop = await perCall((n) => {
      for (let i = 0; i < n; i++) noop();
    });
    let acc = 0;
    out.add = await perCall((n) => {
      for (let i = 0; i < n; i++) acc = add(acc >>> 0, i);
    });
    check(api.add(40, 2) === 42, 'add still adds');
    out.callHost = await perCall((n) => {
      for (let i = 0; i < n; i++) callHost('x');
    });

    const big = 'x'.repeat(1 << 20);
    let echoed = '';
    out.echoString = perRun(() => {
      echoed = echoString(big);
    }, stringReps);
    check(echoed === big, 'echoString(1 MiB) round-trips');

    const data = new Uint8Array(16 << 20);
    for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
    const expected = BigInt((16 << 20) / 256) * BigInt((255 * 256) / 2);
    let total = 0n;
    out.sumBytes = perRun(() => {
      total = sumBytes(data);
    }, bytesReps);
    check(total === expected, `sumBytes(16 MiB) === ${expected} (got ${total})`);

    // 4 Mi floats of 0.5: every partial sum is exact in f32.
    const floats = new Float32Array(4 << 20).fill(0.5);
    let floatSum = 0;
    out.sumFloats = perRun(() => {
      floatSum = api.sumFloats(floats);
    }, bytesReps);
    check(floatSum === floats.length / 2, `sumFloats(4 Mi × 0.5) === ${floats.length / 2} (got ${floatSum})`);

    let length = 0;
    out.stringIn = perRun(() => {
      length = api.stringLength(big);
    }, stringReps);
    check(length === big.length, 'stringLength(1 MiB) === 1 MiB');
    return out;
  },

  /**
   * The cost of `new Counter(1)`, one `add`, and `[Symbol.dispose]()` of a guest resource
   * (dist/components/bench-resource.wasm), ns per round; the raw side makes the three core calls
   * (constructor, method, destructor) of the same core module itself.
   */
  async resource(name) {
    const Counter = await resourceSides[name]();
    const c = new Counter(40);
    check(c.add(2) === 42 && c.add(1) === 43, `${name}: Counter adds`);
    c[Symbol.dispose]();
    return await perCall((n) => {
      for (let i = 0; i < n; i++) {
        const counter = new Counter(i);
        counter.add(1);
        counter[Symbol.dispose]();
      }
    });
  },

  /**
   * `add(u32, u32)` awaited on an instance made with `blocking: 'jspi'` (what `run()` picks where
   * there is JSPI), ns per call; the raw side awaits the bare export through `WebAssembly.promising`.
   */
  async jspiAdd(name) {
    const add =
      name === 'raw'
        ? (await rawApi(await WebAssembly.compileStreaming(fetch(RAW_CORE_URL)))).addPromising
        : (await (await (await import(TERRARIUM_URL)).load(COMPONENT_URL)).instantiate(componentImports(), { blocking: 'jspi' })).exports.api.add;
    check((await add(40, 2)) === 42, `${name}: add under JSPI`);
    return await perCall(async (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc = await add(acc >>> 0, i);
    });
  },

  /**
   * Component-model async (dist/components/async-calls.wasm and async-streams.wasm) on `side`:
   * 'terrarium' (the shipped bundle) or 'jco' (transpiled ahead of time into /jco/async-*, run with
   * JSPI). Rows: an async export's round trip beside the same export made sync (ns per call);
   * `fan-out(1000)`, 1,000 concurrent subtasks to the host's async `double`, joined (ms);
   * `stream<u8>` JS -> guest -> JS (`upper`, 16 MiB in 1 MiB chunks, read to its end with `for await`,
   * and again with a BYOB reader into one reused 1 MiB buffer, MiB/s); one
   * `double-future` call whose `future<u32>` the host resolves with a settled promise (µs per call).
   * One row (`key`) a call, so each runs in a fresh page with a timeout of its own.
   */
  async async(side, key, { fanOutReps = 7, streamReps = 7, futureReps = 7 } = {}) {
    const { calls, streams } = await asyncSides[side]();
    const MiB = 1 << 20;
    const chunk = new Uint8Array(MiB).fill(0x61);
    const rows = {
      asyncAdd: async () => {
        check((await calls.asyncAdd(40, 2)) === 42, 'async-add adds');
        return perCall(async (n) => {
          let acc = 0;
          for (let i = 0; i < n; i++) acc = await calls.asyncAdd(acc >>> 0, i);
        });
      },
      syncAdd: () => {
        check(calls.syncAdd(40, 2) === 42, 'sync-add adds');
        return perCall((n) => {
          let acc = 0;
          for (let i = 0; i < n; i++) acc = calls.syncAdd(acc >>> 0, i);
        });
      },
      fanOut: async () => {
        const expected = BigInt(1000 * 999); // the sum of 2i for i < 1000
        check((await calls.fanOut(1000)) === expected, 'fan-out(1000) sums the doubles');
        const samples = [];
        for (let r = 0; r < fanOutReps; r++) {
          const t0 = performance.now();
          await calls.fanOut(1000);
          samples.push(performance.now() - t0);
        }
        return { value: median(samples), n: fanOutReps, samples };
      },
      streamU8: async () => {
        const through = async () => {
          let n = 0;
          for await (const bytes of await streams.upper(Array.from({ length: 16 }, () => chunk))) {
            check(bytes[0] === 0x41, 'upper upper-cases');
            n += bytes.length;
          }
          return n;
        };
        return streamRate(through, streamReps);
      },
      streamU8Byob: async () => {
        let view = new Uint8Array(MiB);
        const through = async () => {
          const reader = (await streams.upper(Array.from({ length: 16 }, () => chunk))).getReader({ mode: 'byob' });
          let n = 0;
          for (;;) {
            const { value, done } = await reader.read(view);
            view = new Uint8Array(value.buffer); // the same memory, handed back by the read
            if (done) break;
            check(value[0] === 0x41, 'upper upper-cases');
            n += value.length;
          }
          return n;
        };
        return streamRate(through, streamReps);
      },
      futureU32: async () => {
        check((await streams.doubleFuture(Promise.resolve(21))) === 42, 'double-future doubles');
        const perCallUs = [];
        for (let r = 0; r < futureReps; r++) {
          const t0 = performance.now();
          for (let i = 0; i < 2000; i++) await streams.doubleFuture(Promise.resolve(i));
          perCallUs.push(((performance.now() - t0) * 1000) / 2000);
        }
        return { value: median(perCallUs), n: futureReps, samples: perCallUs };
      },
    };
    return rows[key]();
  },
};

// ---- calls between two components ----------------------------------------------------------

/**
 * The compositions of tests/guests/wat/fused*.wat per side. `fill` puts bytes in the caller's
 * memory and `sendRaw*(ptr, len)` hands them from the caller to the callee and back, so the host's
 * own string and list conversions stay out of the timing. fused-utf16 crosses utf16 to utf16, which
 * jco's transpiler refuses, so jco has null there.
 */
const crossingSides = {
  async terrarium() {
    const terrarium = await import(TERRARIUM_URL);
    const open = async (name) => (await (await terrarium.load(`/components/${name}.wasm`)).instantiate({})).exports;
    return { utf8: await open('fused'), utf16: await open('fused-utf16') };
  },
  async jco() {
    const jco = await import('/jco/fused.js');
    const names = ['fused.core.wasm', 'fused.core2.wasm', 'fused.core3.wasm', 'fused.core4.wasm'];
    const modules = await Promise.all(names.map((name) => WebAssembly.compileStreaming(fetch(`/jco/${name}`))));
    const byName = Object.fromEntries(names.map((name, i) => [name, modules[i]]));
    return { utf8: await jco.instantiate((name) => byName[name], {}), utf16: null };
  },
};

/**
 * What `n` units add to a call that sends them from one component to another and back: the call
 * with n minus the call with none, timed in turns (drift on a busy machine falls on both), median
 * of the differences, halved per crossing so that it compares with one memcpy.
 */
function crossingExtra(send, ptr, n, what, reps = 21) {
  check(send(ptr, n) === n, `${what}: the callee gets ${n} units and sends them back`);
  const extra = [];
  for (let i = 0; i < reps; i++) {
    let t0 = performance.now();
    send(ptr, n);
    const full = performance.now() - t0;
    t0 = performance.now();
    send(ptr, 0);
    extra.push((full - (performance.now() - t0)) / 2);
  }
  return { value: median(extra), samples: extra };
}

/** Calls from one component to another, and the memcpy each data row compares with. */
window.bench.crossing = async function crossing(name) {
  const { utf8, utf16 } = await crossingSides[name]();
  const out = {};
  const mib = 1 << 20;
  const ascii = utf8.fill(0x78, mib); // 'x'
  out.string = crossingExtra(utf8.sendRawUtf8Utf8, ascii, mib, '1 MiB string');
  out.list = crossingExtra(utf8.sendRawBytes, ascii, mib, '1 MiB list');
  if (utf16 !== null) out.utf16 = crossingExtra(utf16.sendRawUtf16Utf16, utf16.fill(0x4e, 2 * mib), mib, '2 MiB UTF-16 string'); // U+4E4E
  check(utf8.sendRawUtf8Utf8(ascii, 5) === 5, 'a 5-byte string crosses');
  out.small = await perCall((n) => {
    for (let i = 0; i < n; i++) utf8.sendRawUtf8Utf8(ascii, 5);
  });
  out.noop = await perCall((n) => {
    for (let i = 0; i < n; i++) utf8.relayNoop();
  });
  for (const [key, size] of [['memcpy1', mib], ['memcpy2', 2 * mib]]) {
    const from = new Uint8Array(size).fill(7);
    const to = new Uint8Array(size);
    out[key] = perRun(() => to.set(from), 51);
  }
  return out;
};

window.benchReady = true;
