/**
 * TypeScript declarations for a component, written from its plan at run time: what
 * `instance.exports` holds (`Exports`) and what `component.instantiate(imports)` needs (`Imports`),
 * in jco's value conventions, as `jco types` writes them. `component.types()` loads this module on
 * first use only, like the WIT printer.
 *
 * Named types come from the plan's optional `name` (a record, variant, enum or flags type that the
 * component or an imported instance type exports under a WIT name); a type without one is written
 * out structurally where it is used.
 *
 * With `blocking: 'jspi'` or `'worker'` they are the declarations of such an instance, whose export
 * calls all return promises (js/runtime/exports.js, resources.js; js/worker/host.js, codec.js).
 */

import { isIdentifierName, isPlainIdentifier } from './identifiers.js';
import { hostCallees } from '../describe.js';

const TYPED_ARRAYS = {
  u8: 'Uint8Array',
  s8: 'Int8Array',
  u16: 'Uint16Array',
  s16: 'Int16Array',
  u32: 'Uint32Array',
  s32: 'Int32Array',
  u64: 'BigUint64Array',
  s64: 'BigInt64Array',
  f32: 'Float32Array',
  f64: 'Float64Array',
};
const NUMBERS = new Set(['s8', 'u8', 's16', 'u16', 's32', 'u32', 'f32', 'f64']);

/** Global names the declarations refer to, and their own two: never given to a WIT item. */
const RESERVED_TYPE_NAMES = ['Exports', 'Imports', 'ErrorContext', 'Array', 'Symbol', 'Partial', ...Object.values(TYPED_ARRAYS)];

/** What an `error-context` is in JS (errors.js's `ErrorContext`), declared once where used. */
const ERROR_CONTEXT = [
  '/** An `error-context`: an `Error` carrying a debug message; JS may pass any `Error` for one. */',
  'export interface ErrorContext extends Error {',
  '  readonly debugMessage?: string;',
  '}',
  '',
];

const BLOCKING = ['none', 'jspi', 'worker'];

/**
 * @param {import('../plan.js').Plan} plan
 * @param {{name?: string, blocking?: 'none'|'jspi'|'worker', module?: 'exports'|'instantiate'}} [options]
 *   `name`: what the header calls the component, e.g. its file name; `blocking`: that of the
 *   instances the declarations are for (default `'none'`: synchronous exports); `module`: the
 *   declarations are those of `terrarium transpile`'s module, which exports the exports (every
 *   name, full interface names too) or `instantiate()`; by default they also declare jco's module
 *   shape, for code written against jco's output
 * @returns {string} the text of a `.d.ts` module
 */
export function declarations(plan, options = {}) {
  const blocking = options.blocking ?? 'none';
  if (!BLOCKING.includes(blocking)) {
    throw new TypeError(`blocking must be one of ${BLOCKING.map((m) => `'${m}'`).join(', ')}, not ${JSON.stringify(blocking)}`);
  }
  return new Writer(plan, blocking, options.module).write(options.name ?? 'component');
}

class Writer {
  constructor(plan, blocking, module) {
    this.plan = plan;
    this.blocking = blocking;
    this.module = module;
    /** Every export call returns a promise: JSPI runs it through `WebAssembly.promising`, a worker posts it. */
    this.async = blocking !== 'none';
    /** The page awaits what a host function returns before it answers the worker. */
    this.hostMayWait = blocking === 'worker';
    this.types = plan.types;
    this.resources = plan.resources;
    /** TS names: `t<id>` for named types, `r<id>` for resources */
    this.names = new Map();
    this.taken = new Set(RESERVED_TYPE_NAMES);
    this.reachedTypes = new Set();
    this.reachedResources = new Set();
    this.visited = new Set();
    /** whether a declaration names `ErrorContext` */
    this.usesErrorContext = false;
  }

  write(componentName) {
    const exported = this.exportModel();
    const imported = this.importModel();
    this.nameEverything(exported, imported);

    const out = [...this.header(componentName), ''];
    const typeDecls = this.typeDeclarations(imported);
    const exportDecls = this.exportDeclarations(exported);
    const importDecls = this.importDeclarations(imported);
    if (this.usesErrorContext) typeDecls.unshift(...ERROR_CONTEXT);
    if (typeDecls.length > 0) out.push('// Types', '', ...typeDecls);
    out.push('// Exports', '', ...exportDecls);
    out.push('// Imports', '', ...importDecls);
    // A resource class's `[Symbol.dispose]` needs the disposable lib: declared here, so the file
    // compiles with the default libs.
    if (out.some((line) => line.startsWith('  [Symbol.dispose]'))) out.unshift('/// <reference lib="esnext.disposable" />');
    return out.join('\n').replace(/\n*$/, '\n');
  }

  /** What the file declares, and for which instances: synchronous ones, or those of `blocking`. */
  header(componentName) {
    if (!this.async) {
      return [
        `// TypeScript declarations for ${componentName}, written by Terrarium from the component.`,
        '// `Exports` is `instance.exports` (`component.instantiate<Exports>(imports)`); `Imports` is what',
        "// `instantiate` needs. Values follow jco's conventions; a `result` return value is its ok value",
        '// and an err is thrown (`ComponentError` with `.payload` from an export). An `async` function',
        '// returns a promise (an err rejects), and the host may answer one with a value or a promise.',
      ];
    }
    const options = `{ blocking: '${this.blocking}' }`;
    return [
      `// TypeScript declarations for ${componentName}, written by Terrarium from the component, in the`,
      `// asynchronous form, for an instance made with \`${options}\`: every export call returns a`,
      "// promise, a guest resource's constructor, methods, statics and `[Symbol.dispose]()` too.",
      `// \`Exports\` is \`instance.exports\` (\`component.instantiate<Exports>(imports, ${options})\`);`,
      "// `Imports` is what `instantiate` needs. Values follow jco's conventions; a `result` return value",
      '// is its ok value and an err rejects (`ComponentError` with `.payload` from an export).',
      this.hostMayWait
        ? '// A host function may return a promise: the worker waits for it.'
        : '// A host function returns its value, not a promise.',
    ];
  }

  // ---- What is exported and imported, grouped as JS sees it.

  /** `instances`: `{name, jsName, members}` per interface export; `world`: the world-level members. */
  exportModel() {
    const instances = this.plan.exports
      .filter((e) => e.kind === 'instance')
      .map((e) => ({ name: e.name, jsName: e.jsName, exp: e, members: this.groupExports(e.exports) }));
    const world = this.groupExports(this.plan.exports.filter((e) => e.kind !== 'instance'));
    return { instances, world };
  }

  /**
   * Functions and the guest resource classes their `[constructor]`/`[method]`/`[static]` names make,
   * or a resource export names alone (a re-export). Nested instances and core modules are not
   * declared (yet).
   */
  groupExports(exports) {
    const functions = [];
    const classes = new Map();
    const classOf = (r) => {
      this.reachedResources.add(r);
      if (!classes.has(r)) classes.set(r, { resource: r, ctor: null, methods: [], statics: [] });
      return classes.get(r);
    };
    for (const exp of exports) {
      if (exp.kind === 'resource') classOf(exp.resource);
      if (exp.kind !== 'func') continue;
      this.reachSig(exp.sig);
      if (exp.member === null) {
        functions.push(exp);
        continue;
      }
      const cls = classOf(exp.member.resource);
      if (exp.member.kind === 'constructor') cls.ctor = exp;
      else if (exp.member.kind === 'method') cls.methods.push(exp);
      else cls.statics.push(exp);
    }
    return { functions, classes: [...classes.values()] };
  }

  /** Per import: the functions and resource members the component calls (its `lower` steps). */
  importModel() {
    const model = this.plan.imports.map((imp) => ({
      imp,
      functions: [],
      classes: imp.resources.map((r) => ({ resource: r, ctor: null, methods: [], statics: [] })),
    }));
    for (const { callee, sig } of hostCallees(this.plan)) {
      this.reachSig(sig);
      const entry = model[callee.import];
      const member = { name: callee.name, jsName: callee.jsName, sig };
      if (callee.kind === 'freestanding') {
        entry.functions.push(member);
        continue;
      }
      let cls = entry.classes.find((c) => c.resource === callee.resource);
      if (cls === undefined) {
        cls = { resource: callee.resource, ctor: null, methods: [], statics: [] };
        entry.classes.push(cls);
      }
      if (callee.kind === 'constructor') cls.ctor = member;
      else if (callee.kind === 'method') cls.methods.push(member);
      else cls.statics.push(member);
    }
    for (const entry of model) for (const cls of entry.classes) this.reachedResources.add(cls.resource);
    return model;
  }

  /** Marks the named types and resources a signature refers to. */
  reachSig(sig) {
    for (const p of sig.params) this.reach(p.type);
    if (sig.result !== null) this.reach(sig.result);
  }

  reach(id) {
    if (this.visited.has(id)) return;
    this.visited.add(id);
    const ty = this.types[id];
    if (ty.name != null) this.reachedTypes.add(id);
    switch (ty.kind) {
      case 'list':
      case 'fixed-list':
        return this.reach(ty.element);
      case 'map':
        this.reach(ty.key);
        return this.reach(ty.value);
      case 'option':
        return this.reach(ty.type);
      case 'record':
        return ty.fields.forEach((f) => this.reach(f.type));
      case 'tuple':
        return ty.elements.forEach((e) => this.reach(e.type));
      case 'variant':
        return ty.cases.forEach((c) => c.type !== null && this.reach(c.type));
      case 'result':
        if (ty.ok !== null) this.reach(ty.ok);
        if (ty.err !== null) this.reach(ty.err);
        return;
      case 'stream':
      case 'future':
        if (ty.element !== null) this.reach(ty.element);
        return;
      case 'own':
      case 'borrow':
        this.reachedResources.add(ty.resource);
    }
  }

  // ---- Names.

  /** Resources, then named types, then interfaces: the names users write most get the plain spelling. */
  nameEverything(exported, imported) {
    for (const r of [...this.reachedResources].sort((a, b) => a - b)) {
      const def = this.resources[r];
      this.names.set(`r${r}`, this.claim(def.jsName || `Resource${r}`));
    }
    for (const id of [...this.reachedTypes].sort((a, b) => a - b)) {
      this.names.set(`t${id}`, this.claim(this.types[id].jsName));
    }
    for (const inst of exported.instances) inst.typeName = this.claimInterface(inst.exp);
    for (const entry of imported) {
      if (entry.imp.kind === 'instance') entry.typeName = this.claimInterface(entry.imp, entry.imp.wasi !== null);
    }
  }

  /**
   * An interface's type: host-core's `typeName` (`Api`), or its `qualifiedTypeName`
   * (`ExampleBenchApi`) when that is taken; WASI interfaces always by the qualified one
   * (`WasiCliStdout`), since their short names are their resources' too.
   */
  claimInterface({ typeName, qualifiedTypeName }, qualified = false) {
    if (!qualified && !this.taken.has(typeName)) return this.claim(typeName);
    return this.claim(qualifiedTypeName);
  }

  claim(wanted) {
    const base = isIdentifierName(wanted) ? wanted : `T${wanted.replace(/[^\w$]/g, '_')}`;
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}${n}`;
    this.taken.add(name);
    return name;
  }

  resourceName(r) {
    return this.names.get(`r${r}`) ?? this.claimLate(`r${r}`, this.resources[r].jsName || `Resource${r}`);
  }

  claimLate(key, base) {
    const name = this.claim(base);
    this.names.set(key, name);
    return name;
  }

  // ---- Type expressions.

  /** The TS type of type `id`; `inOption`: directly the payload of an option (then an option is tagged). */
  ts(id, inOption = false) {
    const ty = this.types[id];
    if (ty.name != null && this.names.has(`t${id}`)) return this.names.get(`t${id}`);
    switch (ty.kind) {
      case 'bool':
        return 'boolean';
      case 's64':
      case 'u64':
        return 'bigint';
      case 'char':
      case 'string':
        return 'string';
      case 'list':
      case 'fixed-list': {
        const element = this.types[ty.element].kind;
        return TYPED_ARRAYS[element] ?? `Array<${this.ts(ty.element)}>`;
      }
      case 'map':
        return `Map<${this.ts(ty.key)}, ${this.ts(ty.value)}>`;
      case 'record':
        return `{ ${ty.fields.map((f) => this.field(f)).join('; ')} }`;
      case 'tuple':
        return `[${ty.elements.map((e) => this.ts(e.type)).join(', ')}]`;
      case 'variant':
        return ty.cases.map((c) => this.tagged(c.name, c.type, false)).join(' | ');
      case 'enum':
        return ty.names.map(quote).join(' | ');
      case 'flags':
        return `{ ${ty.jsNames.map((n) => `${prop(n)}?: boolean`).join('; ')} }`;
      case 'option': {
        if (inOption) return `{ tag: 'some'; val: ${this.ts(ty.type, true)} } | { tag: 'none' }`;
        return `${this.ts(ty.type, true)} | undefined`;
      }
      case 'result':
        return `${this.tagged('ok', ty.ok, true)} | ${this.tagged('err', ty.err, true)}`;
      case 'own':
      case 'borrow':
        return this.resourceName(ty.resource);
      case 'error-context':
        this.usesErrorContext = true;
        return 'ErrorContext';
      // What JS receives; it may pass more (a stream as any async iterable or array, a future as a
      // plain value), which these types accept as well.
      case 'stream': {
        if (ty.element === null) return 'ReadableStream<undefined>';
        return `ReadableStream<${this.types[ty.element].kind === 'u8' ? 'Uint8Array' : this.ts(ty.element)}>`;
      }
      case 'future':
        return `Promise<${ty.element === null ? 'void' : this.ts(ty.element)}>`;
      default:
        if (NUMBERS.has(ty.kind)) return 'number';
        throw new Error(`unknown type kind \`${ty.kind}\``);
    }
  }

  /** `{ tag: 'circle'; val: number }`; a result case carries `val` even without a payload. */
  tagged(tag, type, alwaysVal) {
    if (type !== null) return `{ tag: ${quote(tag)}; val: ${this.ts(type)} }`;
    return alwaysVal ? `{ tag: ${quote(tag)}; val?: undefined }` : `{ tag: ${quote(tag)} }`;
  }

  /** A record field; an option field may be left out, as in jco. */
  field(f) {
    const optional = this.types[f.type].kind === 'option' ? '?' : '';
    return `${prop(f.jsName)}${optional}: ${this.ts(f.type)}`;
  }

  /** A function's JS return type: a `result` is its ok value (an err is thrown). */
  returnType(sig) {
    if (sig.result === null) return 'void';
    const ty = this.types[sig.result];
    if (ty.kind === 'result') return ty.ok === null ? 'void' : this.ts(ty.ok);
    return this.ts(sig.result);
  }

  /**
   * What calling an export gives: its value, or a promise of it (an `async` function's always; a
   * promise of a future's promise is that promise, as JS flattens it).
   */
  exportReturn(sig) {
    const type = this.returnType(sig);
    const future = sig.result !== null && this.types[sig.result].kind === 'future';
    return (this.async || sig.async) && !future ? `Promise<${type}>` : type;
  }

  /**
   * The TS type of a value JS passes to the component as a whole parameter or result: a stream may
   * be any async iterable or iterable too, a future any thenable or a plain value.
   */
  passed(id) {
    const ty = this.types[id];
    if (ty.kind !== 'stream' && ty.kind !== 'future') return this.ts(id);
    const el = ty.element === null ? (ty.kind === 'stream' ? 'undefined' : 'void') : this.ts(ty.element);
    if (ty.kind === 'future') return `${el} | PromiseLike<${el}>`;
    const chunk = ty.element !== null && this.types[ty.element].kind === 'u8' ? `${el} | Uint8Array` : el;
    return `ReadableStream<${chunk}> | AsyncIterable<${chunk}> | Iterable<${chunk}>`;
  }

  /**
   * What a host function gives the component: its value, or a promise of it too where the guest
   * waits for one (an `async` function, or any under a worker).
   */
  hostReturn(sig) {
    const type = sig.result !== null && this.types[sig.result].kind !== 'result' ? this.passed(sig.result) : this.returnType(sig);
    return this.hostMayWait || sig.async ? `${type} | Promise<${type}>` : type;
  }

  /** `passed`: parameters JS passes (an export's), not receives (a host function's). */
  params(params, passed = true) {
    const used = new Set();
    return params
      .map((p) => {
        let name = p.jsName;
        if (!isPlainIdentifier(name)) name = `${name.replace(/[^\w$]/g, '_')}_`;
        while (used.has(name)) name = `${name}_`;
        used.add(name);
        return `${name}: ${passed ? this.passed(p.type) : this.ts(p.type)}`;
      })
      .join(', ');
  }

  // ---- WIT, for the doc comments (JS `number` hides whether a value is a u8 or an f32).

  wit(id) {
    const ty = this.types[id];
    if (ty.name != null) return ty.name;
    switch (ty.kind) {
      case 'list':
        return `list<${this.wit(ty.element)}>`;
      case 'fixed-list':
        return `list<${this.wit(ty.element)}, ${ty.length}>`;
      case 'map':
        return `map<${this.wit(ty.key)}, ${this.wit(ty.value)}>`;
      case 'option':
        return `option<${this.wit(ty.type)}>`;
      case 'tuple':
        return `tuple<${ty.elements.map((e) => this.wit(e.type)).join(', ')}>`;
      case 'result':
        if (ty.ok === null && ty.err === null) return 'result';
        if (ty.err === null) return `result<${this.wit(ty.ok)}>`;
        return `result<${ty.ok === null ? '_' : this.wit(ty.ok)}, ${this.wit(ty.err)}>`;
      case 'record':
        return `record { ${ty.fields.map((f) => `${f.name}: ${this.wit(f.type)}`).join(', ')} }`;
      case 'variant':
        return `variant { ${ty.cases.map((c) => (c.type === null ? c.name : `${c.name}(${this.wit(c.type)})`)).join(', ')} }`;
      case 'enum':
        return `enum { ${ty.names.join(', ')} }`;
      case 'flags':
        return `flags { ${ty.names.join(', ')} }`;
      case 'own':
        return this.resources[ty.resource].name || `resource${ty.resource}`;
      case 'borrow':
        return `borrow<${this.resources[ty.resource].name || `resource${ty.resource}`}>`;
      case 'stream':
      case 'future':
        return ty.element === null ? ty.kind : `${ty.kind}<${this.wit(ty.element)}>`;
      default:
        return ty.kind;
    }
  }

  /** `/** \`add: func(a: u32, b: u32) -> u32\` *\/`, in WIT's own spelling for resource members. */
  witDoc(name, sig, indent) {
    const m = /^\[(constructor|method|static)\][^.]+(?:\.(.+))?$/.exec(name);
    const params = m !== null && m[1] === 'method' ? sig.params.slice(1) : sig.params;
    const list = params.map((p) => `${p.name}: ${this.wit(p.type)}`).join(', ');
    let text;
    if (m !== null && m[1] === 'constructor') {
      text = `constructor(${list})`;
    } else {
      const result = sig.result === null ? '' : ` -> ${this.wit(sig.result)}`;
      const kind = `${m !== null && m[1] === 'static' ? 'static ' : ''}${sig.async ? 'async ' : ''}func`;
      text = `${m === null ? name : m[2]}: ${kind}(${list})${result}`;
    }
    return `${indent}/** \`${text}\` */`;
  }

  // ---- Declarations.

  /**
   * A function as an interface or class member, after its WIT signature in a doc comment:
   * `  add(a: number, b: number): number;`. `dropSelf` for a method (its `self` is `this`); `host`
   * for a function the host provides.
   */
  member({ name, jsName, sig }, { prefix = '', dropSelf = false, host = false } = {}) {
    const params = this.params(dropSelf ? sig.params.slice(1) : sig.params, !host);
    const returns = host ? this.hostReturn(sig) : this.exportReturn(sig);
    return [this.witDoc(name, sig, '  '), `  ${prefix}${prop(jsName)}(${params}): ${returns};`];
  }

  typeDeclarations(imported) {
    const out = [];
    for (const id of [...this.reachedTypes].sort((a, b) => a - b)) {
      const ty = this.types[id];
      const name = this.names.get(`t${id}`);
      out.push(`/** WIT ${ty.kind} \`${ty.name}\` */`);
      switch (ty.kind) {
        case 'record':
          out.push(...interfaceLines(name, ty.fields.map((f) => `  ${this.field(f)};`)));
          break;
        case 'flags':
          out.push(...interfaceLines(name, ty.jsNames.map((n) => `  ${prop(n)}?: boolean;`)));
          break;
        case 'variant':
          out.push(`export type ${name} =`, ...ty.cases.map((c) => `  | ${this.tagged(c.name, c.type, false)}`));
          out[out.length - 1] += ';';
          break;
        case 'enum':
          out.push(`export type ${name} = ${ty.names.map(quote).join(' | ')};`);
          break;
      }
      out.push('');
    }
    for (const r of [...this.reachedResources].sort((a, b) => a - b)) {
      const def = this.resources[r];
      if (def.import !== null) out.push(...this.hostResource(r, imported), '');
    }
    return out;
  }

  /** A resource the host implements: the methods the component calls on the host's objects. */
  hostResource(r, imported) {
    const def = this.resources[r];
    const name = this.resourceName(r);
    const cls = imported[def.import]?.classes.find((c) => c.resource === r);
    const from = this.plan.imports[def.import]?.name ?? '?';
    const out = [`/** WIT resource \`${def.name}\` of \`${from}\`, from the host: the methods the component calls. */`];
    const methods = (cls?.methods ?? []).flatMap((m) => this.member(m, { dropSelf: true, host: true }));
    out.push(...interfaceLines(name, methods));
    return out;
  }

  /**
   * A resource the component defines and exports: a class, as jco declares it. Asynchronous, `new`
   * returns a promise of the object, which a class cannot declare: then the object's type is an
   * interface and the class a `const` of the same name, so `typeof Counter` still types the class.
   */
  guestClass(cls) {
    const def = this.resources[cls.resource];
    const name = this.resourceName(cls.resource);
    const doc = `/** WIT resource \`${def.name}\`, defined by the component. */`;
    const methods = cls.methods.flatMap((m) => this.member(m, { dropSelf: true }));
    const dispose = this.async
      ? [
          '  /** Drops this handle: the component destroys the resource; undefined when there is nothing to drop. */',
          '  [Symbol.dispose](): Promise<void> | undefined;',
        ]
      : ['  /** Drops this handle: the component destroys the resource. */', '  [Symbol.dispose](): void;'];
    if (this.async && cls.ctor !== null) {
      return [
        doc,
        ...interfaceLines(name, [...methods, ...dispose]),
        `/** The class of \`${name}\`: \`await new ${name}(…)\`. */`,
        `export declare const ${name}: {`,
        this.witDoc(cls.ctor.name, cls.ctor.sig, '  '),
        `  new (${this.params(cls.ctor.sig.params)}): Promise<${name}>;`,
        ...cls.statics.flatMap((s) => this.member(s)),
        '  /** What `instanceof` narrows to. */',
        `  readonly prototype: ${name};`,
        '};',
      ];
    }
    const out = [doc, `export declare class ${name} {`];
    if (cls.ctor !== null) {
      out.push(this.witDoc(cls.ctor.name, cls.ctor.sig, '  '), `  constructor(${this.params(cls.ctor.sig.params)});`);
    } else {
      out.push('  /** The component gives this resource no constructor. */', '  private constructor();');
    }
    out.push(...methods, ...cls.statics.flatMap((s) => this.member(s, { prefix: 'static ' })), ...dispose, '}');
    return out;
  }

  /** The members of an exports object: functions, then classes. */
  exportMembers({ functions, classes }) {
    const out = [];
    for (const exp of functions) out.push(...this.member(exp));
    for (const cls of classes) {
      const name = this.resourceName(cls.resource);
      out.push(`  ${prop(name)}: typeof ${name};`);
    }
    return out;
  }

  exportDeclarations({ instances, world }) {
    const out = [];
    const classes = [...instances.flatMap((i) => i.members.classes), ...world.classes];
    for (const cls of classes) out.push(...this.guestClass(cls), '');
    // A guest resource that only appears in signatures: a class with no members of its own.
    for (const r of [...this.reachedResources].sort((a, b) => a - b)) {
      if (this.resources[r].import === null && !classes.some((c) => c.resource === r)) {
        out.push(...this.guestClass({ resource: r, ctor: null, methods: [], statics: [] }), '');
      }
    }
    for (const inst of instances) {
      out.push(`/** \`${inst.name}\`: \`instance.exports.${inst.jsName}\` */`);
      out.push(...interfaceLines(inst.typeName, this.exportMembers(inst.members)), '');
    }
    out.push('/** `instance.exports`: interfaces by short and by full name, world-level functions by name. */');
    const members = instances.flatMap((inst) => [
      `  ${prop(inst.jsName)}: ${inst.typeName};`,
      ...(inst.name !== inst.jsName ? [`  ${prop(inst.name)}: ${inst.typeName};`] : []),
    ]);
    out.push(...interfaceLines('Exports', [...members, ...this.exportMembers(world)]), '');
    if (this.module === 'instantiate') {
      out.push(
        '/**',
        ' * A new instance, resolving to its exports. `getCoreModule(file)` gives the `WebAssembly.Module`',
        ' * of a core file; without it the files beside this module are fetched.',
        ' */',
        'export declare function instantiate(',
        '  getCoreModule: ((file: string) => WebAssembly.Module | Promise<WebAssembly.Module>) | null | undefined,',
        '  imports: Imports,',
        "  options?: { wasi?: Record<string, unknown>; blocking?: 'none' | 'jspi' | 'worker' | 'auto'; name?: string },",
        '): Promise<Exports>;',
        '',
      );
      return out;
    }
    // jco's module shape: `import { api } from './component.js'` in code written for jco type-checks against these.
    for (const inst of instances) {
      if (isPlainIdentifier(inst.jsName)) out.push(`export declare const ${inst.jsName}: ${inst.typeName};`);
    }
    for (const exp of world.functions) {
      if (isPlainIdentifier(exp.jsName)) {
        const params = this.params(exp.sig.params);
        out.push(`export declare function ${exp.jsName}(${params}): ${this.exportReturn(exp.sig)};`);
      }
    }
    // Transpiled output exports interfaces under their full names too.
    if (this.module === 'exports') {
      instances.forEach((inst, i) => {
        if (inst.name === inst.jsName) return;
        out.push(`declare const export${i}: ${inst.typeName};`, `export { export${i} as '${inst.name}' };`);
      });
    }
    out.push('');
    return out;
  }


  /** The type of the class a host provides for a resource: constructor and statics as the component calls them. */
  hostClassType(cls) {
    const name = this.resourceName(cls.resource);
    const ctor = cls.ctor === null ? 'abstract new (...args: any[])' : `new (${this.params(cls.ctor.sig.params, false)})`;
    if (cls.statics.length === 0) return `${ctor} => ${name}`;
    const statics = cls.statics.map((s) => `${prop(s.jsName)}(${this.params(s.sig.params, false)}): ${this.hostReturn(s.sig)}`);
    return `(${ctor} => ${name}) & { ${statics.join('; ')} }`;
  }

  importDeclarations(imported) {
    const out = [];
    const entries = [];
    const wasiEntries = [];
    /** A needed interface with a version: `{ 'a:b/c': T } | { 'a:b/c@1.0.0': T }`, either key. */
    const eitherKey = [];
    for (const entry of imported) {
      const { imp } = entry;
      if (imp.kind === 'func') {
        entries.push(...entry.functions.flatMap((f) => this.member({ ...f, jsName: imp.jsName }, { host: true })));
        continue;
      }
      if (imp.kind === 'resource') {
        entries.push(...entry.classes.map((cls) => `  ${prop(imp.jsName)}: ${this.hostClassType(cls)};`));
        continue;
      }
      if (imp.kind === 'module') {
        entries.push(`  ${prop(imp.jsName)}: WebAssembly.Module;`);
        continue;
      }
      const members = entry.functions.flatMap((f) => this.member(f, { host: true }));
      let used = entry.functions.length > 0;
      for (const cls of entry.classes) {
        // The runtime looks the class up only for a constructor, static or method the guest calls.
        const needed = cls.ctor !== null || cls.methods.length > 0 || cls.statics.length > 0;
        used ||= needed;
        members.push(`  ${prop(this.resourceName(cls.resource))}${needed ? '' : '?'}: ${this.hostClassType(cls)};`);
      }
      const by = imp.wasi !== null ? "served by Terrarium's WASI" : 'provided by the host';
      out.push(`/** \`${imp.name}\`, ${by} */`);
      out.push(...interfaceLines(entry.typeName, members), '');
      // The runtime takes an interface under its name with or without the version.
      const keys = imp.name === imp.versionless ? [imp.versionless] : [imp.versionless, imp.name];
      if (imp.wasi !== null) {
        for (const key of keys) wasiEntries.push(`  ${prop(key)}?: Partial<${entry.typeName}>;`);
      } else if (!used || keys.length === 1) {
        entries.push(`  ${prop(keys[0])}${used ? '' : '?'}: ${entry.typeName};`);
        if (!used) entries.push(...keys.slice(1).map((key) => `  ${prop(key)}?: ${entry.typeName};`));
      } else {
        eitherKey.push(`(${keys.map((key) => `{ ${prop(key)}: ${entry.typeName} }`).join(' | ')})`);
      }
    }
    out.push('/**');
    out.push(' * What `component.instantiate(imports)` needs: interfaces by their name with or without the');
    out.push(" * version, world-level functions by name. WASI interfaces are optional: Terrarium's polyfill");
    out.push(' * serves them, and an entry here overrides it member by member.');
    out.push(' */');
    if (eitherKey.length === 0) {
      out.push(...interfaceLines('Imports', [...entries, ...wasiEntries]));
    } else {
      const members = [...entries, ...wasiEntries];
      const parts = members.length === 0 ? eitherKey : [`{\n${members.join('\n')}\n}`, ...eitherKey];
      out.push(`export type Imports = ${parts.join(' & ')};`);
    }
    return out;
  }
}

/** `export interface Name { … }`, on one line when empty. */
function interfaceLines(name, members) {
  return members.length === 0 ? [`export interface ${name} {}`] : [`export interface ${name} {`, ...members, '}'];
}

function quote(s) {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A property name, quoted unless it is an identifier. */
function prop(name) {
  return isIdentifierName(name) ? name : quote(name);
}
