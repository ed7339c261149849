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
 *   (`example:bench/api@0.1.0`); each world also has its own scope for world-level types.
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
  const interfaceName = (pkg, name) =>
    `${pkg.namespace}:${pkg.name}/${name}${pkg.version ? `@${pkg.version}` : ''}`;

  /** A `use`/`import` path: `local-iface` or `ns:pkg/iface@ver`, as a full interface name. */
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
            methods.push({ ...func('constructor', scope, false), kind: 'constructor' });
            eat(';');
            return;
          }
          const method = ident();
          expect(':');
          const isStatic = eat('static');
          methods.push({ ...func(method, scope), kind: isStatic ? 'static' : 'method' });
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

  const newScope = (name) => ({ name, types: new Map(), funcs: new Map(), interfaces });

  const interfaceBody = (scope, pkg) =>
    block(() => {
      if (eat('use')) useItem(scope, pkg);
      else if (!typeOrFunc(scope)) fail('unexpected item in interface');
    });

  const world = (pkg) => {
    const name = ident();
    const scope = newScope(`world ${name}`);
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
            const inline = newScope(itemName);
            interfaces.set(itemName, inline);
            interfaceBody(inline, pkg);
            list.push({ kind: 'interface', name: itemName });
          } else {
            const f = func(itemName, scope);
            expect(';');
            list.push({ kind: 'func', name: itemName, func: f });
          }
        } else {
          list.push({ kind: 'interface', name: usePath(pkg) });
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
      const scope = current.scope.interfaces.get(entry.iface) ?? current.scope.interfaces.get(stripVersion(entry.iface));
      if (!scope) throw new Error(`unknown interface \`${entry.iface}\``);
      current = { kind: 'ref', name: entry.name, scope };
      continue;
    }
    current = entry;
  }
  throw new Error(`type \`${type.name}\` refers to itself`);
}

const stripVersion = (name) => name.replace(/@[^/]*$/, '');

/** Finds an interface by full name, with or without its version. */
export function findInterface(wit, name) {
  if (wit.interfaces.has(name)) return wit.interfaces.get(name);
  const wanted = stripVersion(name);
  for (const [key, scope] of wit.interfaces) if (stripVersion(key) === wanted) return scope;
  return undefined;
}

/** A world-level function (import or export) by name. */
export function findWorldFunc(wit, direction, name) {
  for (const world of wit.worlds) {
    const item = world[direction].find((entry) => entry.kind === 'func' && entry.name === name);
    if (item) return item.func;
  }
  return undefined;
}

/** `echo-string` → `echoString`, as jco names functions, record fields and flags. */
export function camel(name) {
  return name.replace(/-([a-zA-Z0-9])/g, (_, c) => c.toUpperCase());
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
 * A placeholder value of `type`, in jco's JS conventions: 0, 0n, '', [], records of those, the
 * first case of a variant or enum. `topLevelResult`: a function's `result<T, E>` is returned as T.
 */
export function zeroValue(type, topLevelResult = false) {
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
      if (t.length !== undefined) return Array.from({ length: t.length }, () => zeroValue(elem));
      return [];
    }
    case 'option':
      return undefined;
    case 'result':
      return topLevelResult ? zeroValue(t.ok) : { tag: 'ok', ...(t.ok ? { val: zeroValue(t.ok) } : {}) };
    case 'tuple':
      return t.items.map((item) => zeroValue(item));
    case 'record':
      return Object.fromEntries(t.fields.map((field) => [camel(field.name), zeroValue(field.type)]));
    case 'variant': {
      const first = t.cases[0];
      return first.type ? { tag: first.name, val: zeroValue(first.type) } : { tag: first.name };
    }
    case 'enum':
      return t.cases[0];
    case 'flags':
      return Object.fromEntries(t.names.map((name) => [camel(name), false]));
    default:
      throw new Error(`the playground cannot make a ${t.kind} value`);
  }
}

/** An example argument for a form field: `zeroValue`, with `null` for a top-level option. */
export function exampleValue(type) {
  const t = resolve(type);
  if (t.kind === 'option') return null;
  return zeroValue(t);
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
 * record fields to camelCase. Anything else is passed on as is, for the runtime to judge.
 */
export function coerce(value, type) {
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
      if (Array.isArray(value)) return value.map((item) => coerce(item, t.elem));
      return value;
    case 'option': {
      if (value === null || value === undefined) return undefined;
      const inner = resolve(t.inner);
      if (inner.kind === 'option' && value && typeof value === 'object' && 'tag' in value) {
        return value.tag === 'some' ? { tag: 'some', val: coerce(value.val, inner) } : value;
      }
      return coerce(value, t.inner);
    }
    case 'result':
      if (value && typeof value === 'object' && 'tag' in value) {
        const payload = value.tag === 'ok' ? t.ok : value.tag === 'err' ? t.err : null;
        return payload && 'val' in value ? { ...value, val: coerce(value.val, payload) } : value;
      }
      return value;
    case 'tuple':
      if (Array.isArray(value)) return value.map((item, i) => coerce(item, t.items[i]));
      return value;
    case 'record':
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const out = {};
        for (const [key, item] of Object.entries(value)) {
          const field = t.fields.find((f) => f.name === key || camel(f.name) === key);
          out[field ? camel(field.name) : key] = field ? coerce(item, field.type) : item;
        }
        return out;
      }
      return value;
    case 'variant':
      if (value && typeof value === 'object' && 'tag' in value) {
        const c = t.cases.find((candidate) => candidate.name === value.tag);
        return c?.type && 'val' in value ? { ...value, val: coerce(value.val, c.type) } : value;
      }
      return value;
    case 'flags':
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        return Object.fromEntries(Object.entries(value).map(([key, on]) => [camel(key), on]));
      }
      if (Array.isArray(value)) {
        // ["read", "exec"] as a shorthand for {read: true, write: false, exec: true}.
        return Object.fromEntries(t.names.map((name) => [camel(name), value.includes(name) || value.includes(camel(name))]));
      }
      return value;
    default:
      return value;
  }
}
