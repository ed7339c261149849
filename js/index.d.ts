/**
 * Terrarium: load WebAssembly components at run time and call them like JS modules.
 * Values follow jco's conventions: s64/u64 as bigint, numeric lists as typed arrays, variants as
 * `{tag, val}`, enums as strings, flags as objects of booleans, a `result` return value as the ok
 * value (an err throws `ComponentError`).
 */

/** Anything `load` accepts: the component's bytes or where to fetch them. */
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
  /** The `fetch` used for URL sources. */
  fetch?: typeof fetch;
}

/** A sink for a guest's output stream: called with a copy of each write, or `'console'`. */
export type OutputSink = ((bytes: Uint8Array) => void) | 'console';

export interface WasiOptions {
  /** `wasi:cli/environment.get-arguments`, the program name first, as on a command line. */
  args?: string[];
  /** Environment variables, as an object or as `[name, value]` pairs. */
  env?: Record<string, string> | [string, string][];
  /** What the guest reads from stdin: text (sent as UTF-8) or bytes. Default: empty. */
  stdin?: string | Uint8Array;
  /** Default `'console'`, line-buffered `console.log`. */
  stdout?: OutputSink;
  /** Default `'console'`, line-buffered `console.error`. */
  stderr?: OutputSink;
}

export interface InstantiateOptions {
  wasi?: WasiOptions;
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
  kind: 'instance' | 'func';
  /** For a world-level function import, the key to provide it under. */
  jsName?: string;
  /** WIT names of the functions the component calls. */
  functions: string[];
  /** Whether Terrarium's built-in WASI provides it. */
  providedByWasi: boolean;
}

export interface ExportDescription {
  name: string;
  jsName: string;
  kind: 'instance' | 'func';
  /** WIT names of an instance export's functions. */
  functions?: string[];
}

export interface Instance {
  /** Interface exports under their full name and their camelCase short name; world-level functions by name. */
  readonly exports: Record<string, any>;
}

export declare class Component {
  private constructor();
  readonly imports: ImportDescription[];
  readonly exports: ExportDescription[];
  /** The component's size in bytes. */
  readonly byteLength: number;
  /** The component's world as WIT text; the printer loads on first use. */
  wit(): Promise<string>;
  instantiate(imports?: Imports, options?: InstantiateOptions): Promise<Instance>;
}

export declare function load(source: ComponentSource, options?: LoadOptions): Promise<Component>;

export interface RunOptions extends WasiOptions, LoadOptions {
  /** Non-WASI imports the command needs, and overrides of WASI interfaces. */
  imports?: Imports;
}

/** Runs a command component (one exporting `wasi:cli/run`) to its end. */
export declare function run(source: Component | ComponentSource, options?: RunOptions): Promise<{ exitCode: number }>;

/** What this engine's WebAssembly supports. */
export declare const features: Readonly<{
  simd: boolean;
  relaxedSimd: boolean;
  gc: boolean;
  jsStringBuiltins: boolean;
  jspi: boolean;
  threads: boolean;
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

/** An export's `result` came back `err`: the err value is `payload`. */
export declare class ComponentError extends Error {
  constructor(payload: unknown);
  readonly payload: unknown;
}
