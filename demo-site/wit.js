/**
 * Just enough of a WIT parser for the playground: reads the text `component.wit()` prints and
 * answers "what are the parameters and result of this function, and what do its types look like",
 * so the page can build a form per function, convert what the user typed, and stub host imports.
 *
 * Types are plain objects:
 *   {kind: 'prim', name}            bool, s8…u64, f32, f64, char, string
 *   {kind: 'list', elem, length?}   {kind: 'option', inner}   {kind: 'tuple', items}
 *   {kind: 'result', ok, err}       (ok/err null when absent)
 *   {kind: 'handle', own, name}     own<T>/borrow<T> or a bare resource name
 *   {kind: 'ref', name, scope}      a named type, resolved with `resolve()`
 * Named types resolve to {kind: 'record'|'variant'|'enum'|'flags'|'resource'|'alias', …}.
 *
 * JS spellings are not made here: the component's descriptions carry them (`component.jsNames`
 * for fields and flags, `members` for functions), and the functions that build values take them.
 */

const PRIMITIVES = new Set(['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'float32', 'float64', 'char', 'string', 'error-context']);

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?/;

/** @returns {{type: string, text: string, at: number}[]} */
export function tokenize(text) {
  const tokens = [];
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    let match;
    if ((match = /^\s+/.exec(rest))) {
      at += match[0].length;
    } else if ((match = /^\/\/[^\n]*/.exec(rest))) {
      tokens.push({ type: 'comment', text: match[0], at });
      at += match[0].length;
    } else if ((match = /^\/\*[\s\S]*?(\*\/|$)/.exec(rest))) {
      tokens.push({ type: 'comment', text: match[0], at });
      at += match[0].length;
    } else if (rest.startsWith('->')) {
      tokens.push({ type: 'punct', text: '->', at });
      at += 2;
    } else if (rest[0] === '@') {
      const version = SEMVER.exec(rest.slice(1));
      if (version) {
        tokens.push({ type: 'punct', text: '@', at }, { type: 'version', text: version[0], at: at + 1 });
        at += 1 + version[0].length;
      } else if ((match = /^@[a-z][a-z0-9-]*/.exec(rest))) {
        tokens.push({ type: 'attr', text: match[0], at });
        at += match[0].length;
      } else {
        tokens.push({ type: 'punct', text: '@', at });
        at += 1;
      }
    } else if ((match = /^%?[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*/.exec(rest))) {
      tokens.push({ type: 'ident', text: match[0], at });
      at += match[0].length;
    } else if ((match = /^\d+/.exec(rest))) {
      tokens.push({ type: 'number', text: match[0], at });
      at += match[0].length;
    } else {
      tokens.push({ type: 'punct', text: rest[0], at });
      at += 1;
    }
  }
  return tokens;
}

/** An identifier without its `%` escape. */
const bare = (name) => (name.startsWith('%') ? name.slice(1) : name);

/**
 * @returns {{worlds: World[], interfaces: Map<string, Scope>}} interfaces keyed by full name
 *   (`example:bench/api@0.1.0`), each also knowing its `versionless` one; each world also has its
 *   own scope for world-level types. A scope's `funcs` are keyed by the names the component gives
 *   them, so a resource's functions are there too as `[constructor]r`, `[method]r.f`, `[static]r.f`.
 */
export function parseWit(text) {
  const tokens = tokenize(text).filter((token) => token.type !== 'comment');
  let index = 0;
  const interfaces = new Map();
  const worlds = [];

  const peek = (offset = 0) => tokens[index + offset];
  const fail = (what) => {
    const token = peek();
    throw new SyntaxError(`WIT: ${what} at ${token ? `\`${token.text}\` (offset ${token.at})` : 'end of text'}`);
  };
  const is = (text) => peek()?.text === text;
  const eat = (text) => {
    if (!is(text)) return false;
    index++;
    return true;
  };
  const expect = (text) => {
    if (!eat(text)) fail(`expected \`${text}\``);
  };
  const ident = () => {
    const token = peek();
    if (token?.type !== 'ident') fail('expected a name');
    index++;
    return bare(token.text);
  };
  const skipAttributes = () => {
    while (peek()?.type === 'attr') {
      index++;
      if (eat('(')) {
        let depth = 1;
        while (depth > 0 && index < tokens.length) {
          if (is('(')) depth++;
          if (is(')')) depth--;
          index++;
        }
      }
    }
  };

  /** `ns:name@1.0.0` → {namespace, name, version} */
  const packageId = () => {
    const namespace = ident();
    expect(':');
    let name = ident();
    while (eat(':')) name = `${name}:${ident()}`;
    const version = eat('@') ? peek().text : null;
    if (version !== null) index++;
    return { namespace, name, version };
  };
  /** `{name, versionless}` of interface `name` in package `pkg`, as the component names it. */
  const interfaceName = (pkg, name) => {
    const versionless = `${pkg.namespace}:${pkg.name}/${name}`;
    return { name: pkg.version ? `${versionless}@${pkg.version}` : versionless, versionless };
  };

  /** A `use`/`import` path: `local-iface` or `ns:pkg/iface@ver`, as an interface name. */
  const usePath = (pkg) => {
    if (peek(1)?.text === ':') {
      const namespace = ident();
      expect(':');
      const name = ident();
      expect('/');
      const iface = ident();
      let version = null;
      if (eat('@')) {
        version = peek().text;
        index++;
      }
      return interfaceName({ namespace, name, version }, iface);
    }
    return interfaceName(pkg, ident());
  };

  const type = (scope) => {
    const name = ident();
    const args = () => {
      const items = [];
      if (!eat('<')) return items;
      while (!eat('>')) {
        if (eat('_')) items.push(null);
        else if (peek()?.type === 'number') items.push(Number(tokens[index++].text));
        else items.push(type(scope));
        eat(',');
      }
      return items;
    };
    switch (name) {
      case 'list': {
        const [elem, length] = args();
        return length === undefined ? { kind: 'list', elem } : { kind: 'list', elem, length };
      }
      case 'option':
        return { kind: 'option', inner: args()[0] };
      case 'result': {
        const [ok = null, err = null] = args();
        return { kind: 'result', ok, err };
      }
      case 'tuple':
        return { kind: 'tuple', items: args() };
      case 'own':
      case 'borrow':
        return { kind: 'handle', own: name === 'own', name: args()[0]?.name, scope };
      case 'future':
      case 'stream':
        return { kind: name, inner: args()[0] ?? null };
      default:
        if (PRIMITIVES.has(name)) return { kind: 'prim', name: name === 'float32' ? 'f32' : name === 'float64' ? 'f64' : name };
        return { kind: 'ref', name, scope };
    }
  };

  const func = (name, scope, keyword = true) => {
    eat('async');
    if (keyword) expect('func');
    expect('(');
    const params = [];
    while (!eat(')')) {
      const param = ident();
      expect(':');
      params.push({ name: param, type: type(scope) });
      eat(',');
    }
    let result = null;
    if (eat('->')) {
      if (is('(')) {
        // Old-style named results: `-> (a: u32, b: u32)` as a tuple.
        index++;
        const items = [];
        while (!eat(')')) {
          ident();
          expect(':');
          items.push(type(scope));
          eat(',');
        }
        result = { kind: 'tuple', items };
      } else {
        result = type(scope);
      }
    }
    return { name, params, result };
  };

  const block = (parseItem) => {
    expect('{');
    while (!eat('}')) {
      if (index >= tokens.length) fail('unclosed `{`');
      skipAttributes();
      if (eat(';')) continue;
      parseItem();
    }
  };

  const useItem = (scope, pkg) => {
    const from = usePath(pkg);
    expect('.');
    expect('{');
    while (!eat('}')) {
      const name = ident();
      const as = eat('as') ? ident() : name;
      scope.types.set(as, { kind: 'use', iface: from, name });
      eat(',');
    }
    expect(';');
  };

  /** A type definition or a function, in an interface or world; false when the token is neither. */
  const typeOrFunc = (scope) => {
    const keyword = peek()?.text;
    if (keyword === 'record' || keyword === 'variant' || keyword === 'enum' || keyword === 'flags') {
      index++;
      const name = ident();
      const members = [];
      block(() => {
        const member = ident();
        if (keyword === 'record') {
          expect(':');
          members.push({ name: member, type: type(scope) });
        } else if (keyword === 'variant') {
          members.push({ name: member, type: eat('(') ? (() => { const t = type(scope); expect(')'); return t; })() : null });
        } else {
          members.push(member);
        }
        eat(',');
      });
      const key = keyword === 'record' ? 'fields' : keyword === 'variant' ? 'cases' : keyword === 'enum' ? 'cases' : 'names';
      scope.types.set(name, { kind: keyword, name, [key]: members, scope });
      return true;
    }
    if (keyword === 'type') {
      index++;
      const name = ident();
      expect('=');
      scope.types.set(name, { kind: 'alias', name, type: type(scope), scope });
      expect(';');
      return true;
    }
    if (keyword === 'resource') {
      index++;
      const name = ident();
      const methods = [];
      if (is('{')) {
        block(() => {
          if (eat('constructor')) {
            const ctor = { ...func('constructor', scope, false), kind: 'constructor' };
            methods.push(ctor);
            scope.funcs.set(`[constructor]${name}`, ctor);
            eat(';');
            return;
          }
          const method = ident();
          expect(':');
          const kind = eat('static') ? 'static' : 'method';
          const member = { ...func(method, scope), kind };
          methods.push(member);
          // How the component model names a resource's functions (wit-component encodes them so).
          scope.funcs.set(`[${kind}]${name}.${method}`, member);
          eat(';');
        });
      } else {
        expect(';');
      }
      scope.types.set(name, { kind: 'resource', name, methods, scope });
      return true;
    }
    if (peek()?.type === 'ident' && peek(1)?.text === ':' && (peek(2)?.text === 'func' || peek(2)?.text === 'async')) {
      const name = ident();
      expect(':');
      scope.funcs.set(name, func(name, scope));
      expect(';');
      return true;
    }
    return false;
  };

  const newScope = ({ name, versionless }) => ({ name, versionless, types: new Map(), funcs: new Map(), interfaces });

  const interfaceBody = (scope, pkg) =>
    block(() => {
      if (eat('use')) useItem(scope, pkg);
      else if (!typeOrFunc(scope)) fail('unexpected item in interface');
    });

  const world = (pkg) => {
    const name = ident();
    const scope = newScope({ name: `world ${name}`, versionless: `world ${name}` });
    const entry = { name, scope, imports: [], exports: [] };
    block(() => {
      const direction = peek()?.text;
      if (direction === 'import' || direction === 'export') {
        index++;
        const list = direction === 'import' ? entry.imports : entry.exports;
        if (peek()?.type === 'ident' && peek(1)?.text === ':' && ['func', 'async', 'interface'].includes(peek(2)?.text)) {
          const itemName = ident();
          expect(':');
          if (eat('interface')) {
            const inline = newScope({ name: itemName, versionless: itemName });
            interfaces.set(itemName, inline);
            interfaceBody(inline, pkg);
            list.push({ kind: 'interface', name: itemName });
          } else {
            const f = func(itemName, scope);
            expect(';');
            list.push({ kind: 'func', name: itemName, func: f });
          }
        } else {
          list.push({ kind: 'interface', name: usePath(pkg).name });
          expect(';');
        }
      } else if (eat('use')) {
        useItem(scope, pkg);
      } else if (eat('include')) {
        while (!eat(';') && index < tokens.length) index++;
      } else if (!typeOrFunc(scope)) {
        fail('unexpected item in world');
      }
    });
    worlds.push(entry);
  };

  const items = (pkg) => {
    skipAttributes();
    if (eat('interface')) {
      const name = ident();
      const scope = newScope(interfaceName(pkg, name));
      interfaces.set(scope.name, scope);
      interfaceBody(scope, pkg);
    } else if (eat('world')) {
      world(pkg);
    } else if (eat('use')) {
      while (!eat(';') && index < tokens.length) index++;
    } else if (!eat(';')) {
      fail('unexpected item');
    }
  };

  let topPackage = { namespace: 'root', name: 'component', version: null };
  while (index < tokens.length) {
    skipAttributes();
    if (eat('package')) {
      const pkg = packageId();
      if (eat(';')) {
        topPackage = pkg;
      } else {
        block(() => items(pkg));
      }
    } else {
      items(topPackage);
    }
  }
  return { worlds, interfaces };
}

/** Follows `use`s and named references to the definition: a record, variant, enum, … or a type. */
export function resolve(type) {
  let current = type;
  for (let hops = 0; hops < 64; hops++) {
    if (!current || current.kind !== 'ref') {
      if (current?.kind === 'alias') {
        current = current.type;
        continue;
      }
      return current;
    }
    const entry = current.scope.types.get(current.name);
    if (!entry) throw new Error(`unknown type \`${current.name}\``);
    if (entry.kind === 'use') {
      const scope = interfaceIn(current.scope.interfaces, entry.iface);
      if (!scope) throw new Error(`unknown interface \`${entry.iface.name}\``);
      current = { kind: 'ref', name: entry.name, scope };
      continue;
    }
    current = entry;
  }
  throw new Error(`type \`${type.name}\` refers to itself`);
}

/** The interface `{name, versionless}` among `interfaces`: by full name, else by the name without version. */
const interfaceIn = (interfaces, { name, versionless }) =>
  interfaces.get(name) ?? [...interfaces.values()].find((scope) => scope.versionless === versionless);

/**
 * The interface of an instance import or export, found by the `name` and `versionless` that
 * `component.imports` and `component.exports` give it.
 */
export function findInterface(wit, named) {
  return interfaceIn(wit.interfaces, named);
}

/** A world-level function (import or export) by name. */
export function findWorldFunc(wit, direction, name) {
  for (const world of wit.worlds) {
    const item = world[direction].find((entry) => entry.kind === 'func' && entry.name === name);
    if (item) return item.func;
  }
  return undefined;
}

/** The WIT spelling of a type, for labels: `list<u8>`, `option<point>`. */
export function typeName(type) {
  if (type === null || type === undefined) return '_';
  switch (type.kind) {
    case 'prim':
    case 'ref':
      return type.name;
    case 'list':
      return `list<${typeName(type.elem)}${type.length !== undefined ? `, ${type.length}` : ''}>`;
    case 'option':
      return `option<${typeName(type.inner)}>`;
    case 'result':
      if (!type.ok && !type.err) return 'result';
      return `result<${typeName(type.ok)}${type.err ? `, ${typeName(type.err)}` : ''}>`;
    case 'tuple':
      return `tuple<${type.items.map(typeName).join(', ')}>`;
    case 'handle':
      return `${type.own ? 'own' : 'borrow'}<${type.name}>`;
    default:
      return type.name ?? type.kind;
  }
}

const is64 = (name) => name === 's64' || name === 'u64';
const INTEGERS = new Set(['s8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64']);

/**
 * The JS spelling of a record field or flag, from `jsNames` (`component.jsNames`).
 * @param {ReadonlyMap<string, string>} jsNames
 */
export function jsNameOf(jsNames, name) {
  const jsName = jsNames.get(name);
  if (jsName === undefined) throw new Error(`the component gives no JS name for \`${name}\``);
  return jsName;
}

/**
 * A placeholder value of `type`, in jco's JS conventions: 0, 0n, '', [], records of those, the
 * first case of a variant or enum. `jsNames` (`component.jsNames`) spells record fields and flags;
 * `topLevelResult`: a function's `result<T, E>` is returned as T.
 */
export function zeroValue(type, jsNames, topLevelResult = false) {
  if (type === null || type === undefined) return undefined;
  const t = resolve(type);
  switch (t.kind) {
    case 'prim':
      if (t.name === 'bool') return false;
      if (is64(t.name)) return 0n;
      if (t.name === 'char') return 'a';
      if (t.name === 'string') return '';
      return 0;
    case 'list': {
      const elem = resolve(t.elem);
      if (t.length !== undefined) return Array.from({ length: t.length }, () => zeroValue(elem, jsNames));
      return [];
    }
    case 'option':
      return undefined;
    case 'result':
      return topLevelResult ? zeroValue(t.ok, jsNames) : { tag: 'ok', ...(t.ok ? { val: zeroValue(t.ok, jsNames) } : {}) };
    case 'tuple':
      return t.items.map((item) => zeroValue(item, jsNames));
    case 'record':
      return Object.fromEntries(t.fields.map((field) => [jsNameOf(jsNames, field.name), zeroValue(field.type, jsNames)]));
    case 'variant': {
      const first = t.cases[0];
      return first.type ? { tag: first.name, val: zeroValue(first.type, jsNames) } : { tag: first.name };
    }
    case 'enum':
      return t.cases[0];
    case 'flags':
      return Object.fromEntries(t.names.map((name) => [jsNameOf(jsNames, name), false]));
    default:
      throw new Error(`the playground cannot make a ${t.kind} value`);
  }
}

/** An example argument for a form field: `zeroValue`, with `null` for a top-level option. */
export function exampleValue(type, jsNames) {
  const t = resolve(type);
  if (t.kind === 'option') return null;
  return zeroValue(t, jsNames);
}

/** Whether values of `type` can be built from text in a form (no resources, streams, futures). */
export function isBuildable(type, seen = new Set()) {
  if (type === null || type === undefined) return true;
  let t;
  try {
    t = resolve(type);
  } catch {
    return false;
  }
  if (seen.has(t)) return true;
  seen.add(t);
  switch (t.kind) {
    case 'prim':
      return t.name !== 'error-context';
    case 'list':
      return isBuildable(t.elem, seen);
    case 'option':
      return isBuildable(t.inner, seen);
    case 'result':
      return isBuildable(t.ok, seen) && isBuildable(t.err, seen);
    case 'tuple':
      return t.items.every((item) => isBuildable(item, seen));
    case 'record':
      return t.fields.every((field) => isBuildable(field.type, seen));
    case 'variant':
      return t.cases.every((c) => isBuildable(c.type, seen));
    case 'enum':
    case 'flags':
      return true;
    default:
      return false;
  }
}

/**
 * Converts what the user typed (parsed by `parseValue`) to what the runtime expects for `type`:
 * integers to BigInt for s64/u64 (and back for the rest), `null` to `undefined` for options,
 * record fields and flags to their JS spelling in `jsNames` (`component.jsNames`). Anything else is
 * passed on as is, for the runtime to judge.
 */
export function coerce(value, type, jsNames) {
  if (type === null || type === undefined) return value;
  const t = resolve(type);
  switch (t.kind) {
    case 'prim':
      if (is64(t.name)) {
        if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
        if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
        return value;
      }
      if (typeof value === 'bigint' && (INTEGERS.has(t.name) || t.name === 'f32' || t.name === 'f64')) return Number(value);
      if (typeof value === 'string' && t.name !== 'string' && t.name !== 'char' && value.trim() !== '' && !Number.isNaN(Number(value))) {
        return Number(value);
      }
      return value;
    case 'list':
      if (Array.isArray(value)) return value.map((item) => coerce(item, t.elem, jsNames));
      return value;
    case 'option': {
      if (value === null || value === undefined) return undefined;
      const inner = resolve(t.inner);
      if (inner.kind === 'option' && value && typeof value === 'object' && 'tag' in value) {
        return value.tag === 'some' ? { tag: 'some', val: coerce(value.val, inner, jsNames) } : value;
      }
      return coerce(value, t.inner, jsNames);
    }
    case 'result':
      if (value && typeof value === 'object' && 'tag' in value) {
        const payload = value.tag === 'ok' ? t.ok : value.tag === 'err' ? t.err : null;
        return payload && 'val' in value ? { ...value, val: coerce(value.val, payload, jsNames) } : value;
      }
      return value;
    case 'tuple':
      if (Array.isArray(value)) return value.map((item, i) => coerce(item, t.items[i], jsNames));
      return value;
    case 'record':
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const out = {};
        for (const [key, item] of Object.entries(value)) {
          const field = t.fields.find((f) => f.name === key || jsNames.get(f.name) === key);
          out[field ? jsNameOf(jsNames, field.name) : key] = field ? coerce(item, field.type, jsNames) : item;
        }
        return out;
      }
      return value;
    case 'variant':
      if (value && typeof value === 'object' && 'tag' in value) {
        const c = t.cases.find((candidate) => candidate.name === value.tag);
        return c?.type && 'val' in value ? { ...value, val: coerce(value.val, c.type, jsNames) } : value;
      }
      return value;
    case 'flags':
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        return Object.fromEntries(Object.entries(value).map(([key, on]) => [t.names.includes(key) ? jsNameOf(jsNames, key) : key, on]));
      }
      if (Array.isArray(value)) {
        // ["read", "exec"] as a shorthand for {read: true, write: false, exec: true}.
        return Object.fromEntries(t.names.map((name) => {
          const jsName = jsNameOf(jsNames, name);
          return [jsName, value.includes(name) || value.includes(jsName)];
        }));
      }
      return value;
    default:
      return value;
  }
}
