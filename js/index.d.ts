/**
 * Terrarium: load WebAssembly components at run time and call them like JS modules.
 * Values follow jco's conventions: s64/u64 as bigint, numeric lists as typed arrays, variants as
 * `{tag, val}`, enums as strings, flags as objects of booleans, a `result` return value as the ok
 * value (an err throws `ComponentError`).
 */

/**
 * Anything `load` accepts: the component's bytes or where to fetch them, a URL (string or `URL`)
 * being an `oci://HOST[:PORT]/REPO:TAG` or `…/REPO@sha256:…` registry reference too.
 */
export type ComponentSource =
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | Response
  | URL
  | string
  | PromiseLike<Uint8Array | ArrayBuffer | Response>;

export interface LoadOptions {
  /** `false` skips validation (and the validator's download) for components the page trusts. Default `true`. */
  validate?: boolean;
  /** The `fetch` used for URL sources and registry requests. */
  fetch?: typeof fetch;
}

/** A sink for a guest's output stream: called with a copy of each write, or `'console'`. */
export type OutputSink = ((bytes: Uint8Array) => void) | 'console';

export interface WasiOptions {
  /** `wasi:cli/environment.get-arguments`, the program name first, as on a command line. */
  args?: string[];
  /** Environment variables, as an object or as `[name, value]` pairs. */
  env?: Record<string, string> | [string, string][];
  /** `wasi:cli/environment.initial-cwd`. Default: none. */
  cwd?: string;
  /**
   * What the guest reads from stdin: text (sent as UTF-8), bytes, or a ReadableStream read as it
   * arrives (a guest reading one needs `blocking: 'jspi'` or `'worker'`). Default: empty.
   */
  stdin?: string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;
  /** Default `'console'`, line-buffered `console.log`. */
  stdout?: OutputSink;
  /** Default `'console'`, line-buffered `console.error`. */
  stderr?: OutputSink;
  /**
   * Directories the guest sees (`wasi:filesystem/preopens`): guest path → a filesystem from
   * `createFilesystem()` or `openFilesystem()`, mounted read-write, or `{ dir, readOnly: true }`,
   * where every change fails with `not-permitted`; in Node also a folder of the host,
   * `{ hostPath, readOnly }` (a TypeError in a browser, or if it is not a directory). Default: none.
   */
  preopens?: Record<string, Preopen> | Map<string, Preopen>;
  /**
   * The fetch wasi:http uses (default `globalThis.fetch`), called with `init.headers` as
   * `[name, value]` pairs: for authentication, a proxy, or a fake server. `run` also fetches the
   * component with it.
   */
  fetch?: typeof fetch;
  /**
   * `requestBodies`: `'stream'` (a ReadableStream body, `duplex: 'half'`), `'buffer'` (sent whole
   * at `outgoing-body.finish`), or `'auto'` (the default: stream where the platform can, which in a
   * browser means https only).
   */
  http?: { requestBodies?: 'auto' | 'stream' | 'buffer' };
  /**
   * For deterministic runs. `monotonic`: `'virtual'` (starts at 0, moves only when the guest waits,
   * at once, to the deadline) or a function returning nanoseconds. `wall`: where the wall clock
   * starts (it then moves with the monotonic clock), or a function asked on every call.
   */
  clocks?: {
    monotonic?: 'virtual' | (() => bigint | number);
    wall?: Date | number | (() => Date | number | { seconds: bigint | number; nanoseconds: number });
  };
  /** For deterministic runs: every random source from a seeded SplitMix64, or from `bytes(n)`. Not for secrets. */
  random?: { seed: number | bigint } | { bytes: (n: number) => Uint8Array };
}

/**
 * How an instance's guest waits (for a timer, stdin, an HTTP response): `'none'` (a wait traps;
 * exports return values), `'jspi'` (the guest is suspended; exports return promises), `'worker'`
 * (the guest runs in a worker that blocks; exports return promises), `'auto'` (`'none'` if the
 * component can never wait, else JSPI, else a worker, else none).
 */
export type Blocking = 'none' | 'jspi' | 'worker' | 'auto';

/** A filesystem mounted read-write, or with options; in Node, a folder of the host. */
export type Preopen = Filesystem | { dir: Filesystem; readOnly?: boolean } | { hostPath: string; readOnly?: boolean };

/** File contents, or a directory of further entries. */
export type FileTree = { [path: string]: string | ArrayBuffer | ArrayBufferView | Blob | FileTree };

export interface FilesystemStat {
  type: 'directory' | 'regular-file' | 'symbolic-link';
  size: number;
  linkCount: number;
  accessed: Date;
  modified: Date;
  changed: Date;
}

/**
 * A filesystem in memory that guests mount through `preopens`. Paths are relative to its root (a
 * leading `/` is allowed); symbolic links are followed. A guest's writes become visible when it
 * flushes or closes the file: a guest that traps never leaves half a write behind.
 */
export declare class Filesystem {
  /** Use `createFilesystem()` or `openFilesystem()`. */
  protected constructor();
  readFile(path: string): Uint8Array;
  /** The file decoded as UTF-8. */
  readText(path: string): string;
  /** Replaces or creates the file, and any missing parent directories. */
  writeFile(path: string, data: string | ArrayBuffer | ArrayBufferView): void;
  /** Makes the directory and any missing parents. */
  mkdir(path: string): void;
  /** Sorted names; default the root. */
  readdir(path?: string): string[];
  /** `follow: false` describes a final symbolic link itself. */
  stat(path: string, options?: { follow?: boolean }): FilesystemStat;
  exists(path: string): boolean;
  /** Removes a file, a link, or a directory and everything in it. */
  remove(path: string): void;
  symlink(target: string, path: string): void;
  readlink(path: string): string;
}

/** A failed `Filesystem` call: `code` is the WASI error code, e.g. `'no-entry'`. */
export declare class FilesystemError extends Error {
  readonly code: string;
  readonly path: string;
}

/**
 * A new filesystem filled from `files` (`{ 'a.txt': 'text', 'sub/b.bin': bytes, dir: { … } }`).
 * The first call fetches the filesystem's wasm; pages that never call it never do.
 */
export declare function createFilesystem(files?: FileTree): Promise<Filesystem>;

export interface OpenFilesystemOptions {
  /** The OPFS directory holding the filesystem: a name (`'my-app'`) or a path (`'apps/editor'`). */
  opfs: string;
  /** Contents for a directory opened for the first time (ignored once it holds a filesystem). */
  files?: FileTree;
  /** Told when writing to OPFS fails (default: `console.error`); `flush()` rejects with it too. */
  onPersistError?: (error: unknown) => void;
  /**
   * How long to wait, in ms, for another tab, worker or filesystem holding the directory to close
   * it, before failing with `busy`. Default 2000.
   */
  lockTimeout?: number;
  /**
   * For tests: replaces the step that moves the written temporary manifest into place (the commit
   * point), default `file.move(dir, name)`. A throwing `move` simulates a failure just before it.
   */
  hooks?: { move?: (file: MovableFileHandle, dir: FileSystemDirectoryHandle, name: string) => Promise<void> };
}

/** An OPFS file handle with `move()`, which TypeScript's DOM library does not declare yet. */
export type MovableFileHandle = FileSystemFileHandle & {
  move(dir: FileSystemDirectoryHandle, name: string): Promise<void>;
};

/**
 * A filesystem kept in the Origin Private File System, from `openFilesystem()`: a `Filesystem`
 * whose changes (a guest's published writes, the page's calls) are written to OPFS behind it.
 */
export declare class PersistentFilesystem extends Filesystem {
  /** The OPFS directory. */
  readonly name: string;
  /** Whether OPFS holds every change made so far. */
  readonly persisted: boolean;
  /**
   * Resolves once every change made before the call is in OPFS; rejects if writing failed (OPFS
   * then holds the previous state, whole, and the next change or flush retries).
   */
  flush(): Promise<void>;
  /** Flushes, then stops persisting and lets another tab or worker open the directory. */
  close(): Promise<void>;
}

/**
 * A filesystem loaded from an OPFS directory (made if missing) and written back as it changes.
 * Fails with a `FilesystemError` of code `unsupported` where there is no OPFS (Node), `busy` if
 * the directory is open elsewhere, `io` if what it holds cannot be read back.
 */
export declare function openFilesystem(options: OpenFilesystemOptions): Promise<PersistentFilesystem>;

export interface InstantiateOptions {
  wasi?: WasiOptions;
  /**
   * Default `'none'`. With `'jspi'` or `'worker'` (or `'auto'`) every export returns a promise; an
   * `async` export (component-model async) always does. In a `'worker'`, a task of
   * component-model async that would have to wait in core code (a stackful one) is refused
   * there with kind `'unsupported'`: that needs `'jspi'`.
   */
  blocking?: Blocking;
  /** A name for this instance in error messages. */
  name?: string;
}

/**
 * Host implementations, keyed by interface name with or without version
 * (`'example:bench/host'`, `'example:bench/host@0.1.0'`), each holding lowerCamelCase functions
 * and UpperCamelCase resource classes; or by a world-level function's lowerCamelCase name.
 */
export type Imports = Record<string, any>;

export interface ImportDescription {
  name: string;
  /** `'resource'`: a world-level resource type, the host's class; `'module'`: a `WebAssembly.Module`. */
  kind: 'instance' | 'func' | 'resource' | 'module';
  /** For an import that is not an instance, the key to provide it under. */
  jsName?: string;
  /** For an instance, its name without version (`'wasi:cli/stdout'`), the other key it may be provided under. */
  versionless?: string;
  /** WIT names of the functions the component calls. */
  functions: string[];
  /** For an instance, the functions the component calls, with the names to provide them under. */
  members?: MemberDescription[];
  /** Whether Terrarium's built-in WASI provides it. */
  providedByWasi: boolean;
}

export interface ExportDescription {
  name: string;
  jsName: string;
  /** `'resource'`: a guest resource's class; `'module'`: a core module's `WebAssembly.Module`. */
  kind: 'instance' | 'func' | 'resource' | 'module';
  /** For an instance, its name without version (`'example:bench/api'`). */
  versionless?: string;
  /** WIT names of an instance export's functions. */
  functions?: string[];
  /** An instance export's functions, with where JS finds each. */
  members?: MemberDescription[];
}

/**
 * A function of an imported or exported instance and its JS spelling, as jco's conventions (and
 * `component.types()`) name it. `kind` says where JS finds it: `'func'` as `jsName` on the
 * instance's object; `'constructor'` as the class `resource.jsName` itself (`new Counter()`);
 * `'method'` on that class's instances; `'static'` on the class.
 */
export interface MemberDescription {
  /** The name in the component: `'echo-string'`, `'[constructor]counter'`, `'[method]counter.set-label'`, `'[static]counter.sum'`. */
  name: string;
  /** `'echoString'`, `'Counter'`, `'setLabel'`, `'sum'`. */
  jsName: string;
  kind: 'func' | 'constructor' | 'method' | 'static';
  /** For a resource's function, the resource: `{ name: 'counter', jsName: 'Counter' }`. */
  resource?: { name: string; jsName: string };
}

/**
 * `E`: the exports' type, e.g. the `Exports` interface that `component.types()` (or
 * `terrarium types x.wasm`) declares.
 */
export interface Instance<E = Record<string, any>> {
  /** Interface exports under their full name and their camelCase short name; world-level functions by name. */
  readonly exports: E;
  /** The way this instance waits (what `'auto'` became). */
  readonly blocking: 'none' | 'jspi' | 'worker';
}

export declare class Component {
  private constructor();
  readonly imports: ImportDescription[];
  readonly exports: ExportDescription[];
  /**
   * The JS spelling of each WIT identifier among the component's record fields, flags, function
   * parameters and freestanding functions: `'y-pos'` → `'yPos'` (resource functions are in each
   * instance's `members`). For tools that build values of the component's types.
   */
  readonly jsNames: ReadonlyMap<string, string>;
  /** The component's size in bytes. */
  readonly byteLength: number;
  /** The component's world as WIT text; the printer loads on first use. */
  wit(): Promise<string>;
  /**
   * TypeScript declarations (a `.d.ts` module) of the component's exports (`Exports`) and of the
   * imports it needs (`Imports`), in jco's value conventions; the generator loads on first use.
   * `blocking`: that of the instances they type (`instance.blocking`); with `'jspi'` or `'worker'`
   * every export call returns a promise (an `async` function's always does).
   */
  types(options?: { name?: string; blocking?: 'none' | 'jspi' | 'worker' }): Promise<string>;
  /** `E`: the exports' type, e.g. `Exports` from the declarations `types()` writes. */
  instantiate<E = Record<string, any>>(imports?: Imports, options?: InstantiateOptions): Promise<Instance<E>>;
}

export declare function load(source: ComponentSource, options?: LoadOptions): Promise<Component>;

export interface RunOptions extends WasiOptions, LoadOptions {
  /** Non-WASI imports the command needs, and overrides of WASI interfaces. */
  imports?: Imports;
  /** Default `'auto'`: a command that can wait gets JSPI, else a worker. */
  blocking?: Blocking;
}

/** Runs a command component (one exporting `wasi:cli/run`) to its end. */
export declare function run(source: Component | ComponentSource, options?: RunOptions): Promise<{ exitCode: number }>;

export interface ServeOptions extends LoadOptions {
  /** Non-WASI imports the handler needs, and overrides of WASI interfaces. */
  imports?: Imports;
  wasi?: WasiOptions;
  /**
   * Default `'auto'`: JSPI where the engine has it, else a worker (Node). With `'none'` a request
   * body is read whole before the handler runs, and a handler that waits (a timer, an outgoing
   * request) gets a 500.
   */
  blocking?: Blocking;
  /** The most bytes a request body may have: over it, a 413 (default: no limit). */
  maxBody?: number;
  /** The most instances alive at once (default: no limit); later requests wait their turn. */
  maxInstances?: number;
  /**
   * The milliseconds a handler has to answer (set its response; the body may stream for longer):
   * after it, a 504, and its instance is ended (default: 60 000).
   */
  timeout?: number;
  /** Told why a request got a 500 or 504, or why a response's body failed (default: `console.error`). */
  onError?: (error: unknown, request: Request) => void;
}

/**
 * A component exporting `wasi:http/incoming-handler@0.2.x` or `wasi:http/handler@0.3.x` as a fetch-shaped function: each
 * request gets an instance of its own; its body streams to the guest as the guest reads, and the
 * response body streams out as the guest writes. A handler that traps or returns without answering
 * gives a 500 (after answering: the response body errors), one that takes longer than `timeout` to
 * answer a 504. A component without the export is a
 * `TerrariumError` of kind `link`.
 */
export declare function serve(source: Component | ComponentSource, options?: ServeOptions): Promise<(request: Request) => Promise<Response>>;

/** What this engine's WebAssembly supports. */
export declare const features: Readonly<{
  simd: boolean;
  relaxedSimd: boolean;
  gc: boolean;
  /** Exception handling as standardised (`try_table`, `exnref`). */
  exceptions: boolean;
  /** The legacy exception instructions (`try`, `catch`, `delegate`). */
  legacyExceptions: boolean;
  tailCall: boolean;
  multiMemory: boolean;
  memory64: boolean;
  jsStringBuiltins: boolean;
  jspi: boolean;
  threads: boolean;
  /** Whether `blocking: 'worker'` works here: SharedArrayBuffer (a cross-origin-isolated page) and workers. */
  workerBlocking: boolean;
}>;

export type TerrariumErrorKind =
  | 'load'
  | 'malformed'
  | 'invalid'
  | 'not-a-component'
  | 'unsupported'
  | 'link'
  | 'trap'
  | 'exit'
  | 'dead';

/** Every failure Terrarium reports. */
export declare class TerrariumError extends Error {
  readonly kind: TerrariumErrorKind;
  /** Byte offset into the component, for a refused binary. */
  readonly offset?: number;
  /** What was being done: an export (`iface#func`), an import name. */
  readonly context?: string;
  /** For kind `'exit'`: the code the guest exited with. */
  readonly exitCode?: number;
}

/**
 * A component-model `error-context` value: an `Error` whose message is its debug message. Where a
 * WIT type is `error-context`, JS may pass any `Error` (its `message` becomes the debug message).
 */
export declare class ErrorContext extends Error {
  constructor(debugMessage: string);
  readonly debugMessage: string;
}

/** An export's `result` came back `err`: the err value is `payload`. */
export declare class ComponentError extends Error {
  constructor(payload: unknown);
  readonly payload: unknown;
}
