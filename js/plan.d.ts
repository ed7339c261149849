/**
 * The instantiation plan host-core makes and js/runtime/ executes, as JSON crosses it: docs/plan-format.md
 * says what each part means. `npm run test:types` checks host-core's blessed fixture plans against it.
 */

/** An index into `Plan.types`. */
export type TypeIndex = number;
/** An index into `Plan.resources`. */
export type ResourceIndex = number;
/** An index into the core instances the steps make (`instantiate` and `bundle` steps, in order). */
export type CoreInstanceIndex = number;
/** A component instance inside the component: 0 is the root, nested ones are numbered as planned. */
export type ComponentInstanceIndex = number;

export interface Plan {
  /** The plan format: runtimes refuse any other. */
  version: 3;
  /** The core modules, once each, in binary order (nested components' included). */
  modules: CoreModule[];
  types: Type[];
  resources: Resource[];
  /** What the component needs from its host, in binary order. */
  imports: Import[];
  /** Run in order; each appends one entry to one core index space. */
  steps: Step[];
  exports: Export[];
}

export interface CoreModule {
  /** The module's absolute byte range in the component. */
  start: number;
  end: number;
  /** For a core-module import: the index into `Plan.imports`; `start === end`. */
  import?: number;
  /** What its sections show the engine must support; [] for WebAssembly 2.0 and for imports. */
  features: EngineFeature[];
}

export type EngineFeature = 'gc' | 'exceptions' | 'legacy-exceptions' | 'tail-call' | 'multi-memory' | 'memory64';

export type CoreType = 'i32' | 'i64' | 'f32' | 'f64';

/** The core index spaces steps append to, other than `instances`. */
export type CoreSort = 'func' | 'memory' | 'table' | 'global';

// ---------------------------------------------------------------------------------------------
// Steps

export type Step = InstantiateStep | BundleStep | AliasStep | LowerStep | ResourceStep | BuiltinStep;

export interface InstantiateStep {
  op: 'instantiate';
  module: number;
  args: { name: string; coreInstance: CoreInstanceIndex }[];
}

export interface BundleStep {
  op: 'bundle';
  exports: { name: string; kind: CoreSort; index: number }[];
}

export interface AliasStep {
  op: 'alias';
  kind: CoreSort;
  coreInstance: CoreInstanceIndex;
  name: string;
}

export interface LowerStep {
  op: 'lower';
  callee: Callee;
  sig: FuncSig;
  options: Options;
}

export interface ResourceStep {
  op: 'resourceNew' | 'resourceRep' | 'resourceDrop';
  resource: ResourceIndex;
  /** The component instance whose handle table the built-in uses. */
  componentInstance: ComponentInstanceIndex;
}

/**
 * A canonical built-in of component-model async, named as in the spec (CanonicalABI.md), with the
 * immediates and options of its `canon` definition.
 */
export type BuiltinStep = { op: 'builtin'; componentInstance: ComponentInstanceIndex } & Builtin;

export type Builtin =
  | {
      name:
        | 'backpressure.inc' | 'backpressure.dec' | 'task.cancel' | 'thread.yield'
        | 'waitable-set.new' | 'waitable-set.drop' | 'waitable.join' | 'subtask.drop' | 'error-context.drop';
    }
  /** Slot 0, an `i32`. */
  | { name: 'context.get' | 'context.set'; slot: number }
  /** `sig.params` is `[result]` (or `[]`), flattened as a sync lowered function's parameters. */
  | { name: 'task.return'; result: TypeIndex | null; sig: FuncSig; options: Options }
  /** `memory`: where the event's payload is stored. */
  | { name: 'waitable-set.wait' | 'waitable-set.poll'; memory: number }
  /** `async`: return BLOCKED rather than wait for the cancellation to finish. */
  | { name: 'subtask.cancel'; async: boolean }
  /** `type`: the `stream` or `future` type. */
  | { name: `${'stream' | 'future'}.${'new' | 'drop-readable' | 'drop-writable'}`; type: TypeIndex }
  | { name: `${'stream' | 'future'}.${'read' | 'write'}`; type: TypeIndex; options: Options }
  | { name: `${'stream' | 'future'}.${'cancel-read' | 'cancel-write'}`; type: TypeIndex; async: boolean }
  | { name: 'error-context.new' | 'error-context.debug-message'; options: Options };

export type Callee = HostCallee | LiftedCallee;

export interface HostCallee {
  import: number;
  /** The WIT name as in the binary: 'get-stdout', '[method]output-stream.write'. */
  name: string;
  kind: 'freestanding' | 'method' | 'static' | 'constructor';
  /** For `method`, `static` and `constructor`. */
  resource: ResourceIndex | null;
  /** 'getStdout', 'write'; for a world-level function import, the import's jsName. */
  jsName: string;
}

/** A function another component of the same composition lifted. */
export interface LiftedCallee {
  kind: 'lifted';
  coreFunc: number;
  /** The callee's own canonical options. */
  options: Options;
  /** 'example:compose/names#[method]name.greeting' when known, for messages; else ''. */
  name: string;
  /** The function as the callee lifts it (its own options' flattening). */
  sig: FuncSig;
}

/** Canonical options; `memory`, `realloc` and `postReturn` index the core memories and funcs. */
export interface Options {
  memory: number | null;
  realloc: number | null;
  postReturn: number | null;
  stringEncoding: 'utf8' | 'utf16' | 'latin1+utf16';
  /** The `async` option (component-model async): the async ABI. */
  async: boolean;
  /** With `async` on a lift, the `callback` core function; null for a stackful lift. */
  callback: number | null;
  /** The component instance the `canon` definition is in (0 is the root). */
  componentInstance: ComponentInstanceIndex;
}

export interface FuncSig {
  name: string;
  /** The function type is `async` (component-model async). */
  async: boolean;
  /** `jsName`: the lowerCamelCase name declarations give the parameter. */
  params: { name: string; jsName: string; type: TypeIndex }[];
  result: TypeIndex | null;
  /** null past 16 */
  flatParams: CoreType[] | null;
  /** null past 16 */
  flatResults: CoreType[] | null;
  /** More than 16 flat parameters (4 for an async lower): one i32 pointer instead. */
  paramsIndirect: boolean;
  /** More than 1 flat result, or any result of an async lower: a return-area pointer instead. */
  resultIndirect: boolean;
  /** With `paramsIndirect`, where each parameter lies in the tuple they travel as; else null. */
  paramsLayout: { offsets: number[]; size: number; align: number } | null;
}

// ---------------------------------------------------------------------------------------------
// Value types

export type Type = Layout & TypeKind;

/** The canonical-ABI layout every type carries. */
export interface Layout {
  size: number;
  align: number;
  /** null past 16 flat types */
  flat: CoreType[] | null;
}

export type ScalarKind = 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64' | 'f32' | 'f64' | 'char';

export type DiscriminantSize = 1 | 2 | 4;

export type TypeKind =
  | { kind: ScalarKind | 'string' }
  | { kind: 'list'; element: TypeIndex }
  | { kind: 'fixed-list'; element: TypeIndex; length: number }
  /** `entry` is the `tuple<K, V>` a map is stored as. */
  | { kind: 'map'; key: TypeIndex; value: TypeIndex; entry: TypeIndex }
  | { kind: 'record'; name?: string; jsName?: string; fields: { name: string; jsName: string; type: TypeIndex; offset: number }[] }
  | { kind: 'tuple'; elements: { type: TypeIndex; offset: number }[] }
  | {
      kind: 'variant';
      name?: string; jsName?: string;
      cases: { name: string; type: TypeIndex | null }[];
      discriminantSize: DiscriminantSize;
      payloadOffset: number;
    }
  | { kind: 'enum'; name?: string; jsName?: string; names: string[]; discriminantSize: DiscriminantSize }
  | { kind: 'option'; type: TypeIndex; payloadOffset: number }
  | { kind: 'result'; ok: TypeIndex | null; err: TypeIndex | null; payloadOffset: number }
  | { kind: 'flags'; name?: string; jsName?: string; names: string[]; jsNames: string[] }
  | { kind: 'own' | 'borrow'; resource: ResourceIndex }
  /** The readable end of a stream or a future; `element` null for `stream` and `future` alone. */
  | { kind: 'stream' | 'future'; element: TypeIndex | null }
  | { kind: 'error-context' };

// ---------------------------------------------------------------------------------------------
// Resources, imports and exports

export type Resource = HostResource | GuestResource;

interface ResourceNames {
  /** 'output-stream' */
  name: string;
  /** 'OutputStream' */
  jsName: string;
}

export interface HostResource extends ResourceNames {
  import: number;
  dtor: null;
  componentInstance: null;
}

export interface GuestResource extends ResourceNames {
  import: null;
  /** The destructor, an index into the core funcs. */
  dtor: number | null;
  /** The component instance that defines it. */
  componentInstance: ComponentInstanceIndex;
}

export interface Import {
  /** 'wasi:cli/stdout@0.2.0', or a world-level function's WIT name. */
  name: string;
  /** 'wasi:cli/stdout' */
  versionless: string;
  /** lowerCamelCase for a function or a module, UpperCamelCase for a resource; '' for an instance. */
  jsName: string;
  /** An instance's TypeScript interface name, short (`Stdout`) and qualified (`WasiCliStdout`). */
  typeName?: string;
  qualifiedTypeName?: string;
  /**
   * Not from host-core: the runtime adds it when it receives the plan (js/load.js), the WASI
   * interface the built-in polyfill serves this import with, or null (polyfill-wasi/js/catalogue.js).
   */
  wasi?: string | null;
  kind: 'instance' | 'func' | 'resource' | 'module';
  /** The WIT names the component uses from this import. */
  functions: string[];
  /** The resources the component uses from this import. */
  resources: ResourceIndex[];
}

export type Export = InstanceExport | FuncExport | ResourceExport | ModuleExport;

export interface InstanceExport {
  kind: 'instance';
  name: string;
  /** `example:bench/api`: how messages name it. */
  versionless: string;
  /** The camelCase interface name: `api` for `example:bench/api@0.1.0`. */
  jsName: string;
  /** Its TypeScript interface name, short (`Api`) and qualified (`ExampleBenchApi`). */
  typeName: string;
  qualifiedTypeName: string;
  exports: Export[];
}

export interface FuncExport {
  kind: 'func';
  name: string;
  /** Its JS name, as a function or as a member of its resource's class (`setLabel`). */
  jsName: string;
  coreFunc: number;
  sig: FuncSig;
  options: Options;
  /** For `[constructor]r`, `[method]r.f`, `[static]r.f` of a guest resource: its class's member. */
  member: { kind: 'constructor' | 'method' | 'static'; resource: ResourceIndex } | null;
}

/** A guest resource's class. */
export interface ResourceExport {
  kind: 'resource';
  name: string;
  jsName: string;
  resource: ResourceIndex;
}

export interface ModuleExport {
  kind: 'module';
  name: string;
  jsName: string;
  /** An index into `Plan.modules`. */
  module: number;
}

/** What host-core throws instead of a plan, as JSON text. The message does not repeat the offset. */
export interface Refusal {
  kind: 'malformed' | 'invalid' | 'not-a-component' | 'unsupported';
  message: string;
  /** The culprit's absolute byte offset in the component, when there is one. */
  offset: number | null;
}
