// The Terrarium playground: pick or drop a component, read its WIT, call its exports, run commands.
// Plain ES modules, no inline scripts, so it also works under a strict CSP (see /csp/index.html).

// The bundled package entry, as a page using the npm package gets it (one request, not ~35).
import { load, run, features, TerrariumError, ComponentError } from '/dist/terrarium.js';
import { parseValue, formatValue } from './values.js';
import {
  parseWit, findInterface, findWorldFunc, jsNameOf, typeName, zeroValue, exampleValue, isBuildable, coerce, resolve,
} from './wit.js';
import { $, h, renderFeatures, formatBytes, formatMs, nextPaint } from './ui.js';
import { wireFiles, showPanel as showFiles, preopens, beforeRun, afterRun, mountPoint } from './files.js';

/* ---------------------------------------------------------------- errors */

/** `{kind, message}` for any error, for display. */
function describeError(error) {
  if (error instanceof ComponentError) {
    return { kind: 'err', message: formatValue(error.payload), title: 'the function returned err(…)' };
  }
  if (error instanceof TerrariumError) {
    const extra = error.kind === 'exit' ? ` (exit code ${error.exitCode})` : '';
    return { kind: error.kind, message: `${error.message}${extra}`, title: `TerrariumError of kind '${error.kind}'` };
  }
  if (error instanceof Error) return { kind: error.name, message: error.message, title: error.name };
  return { kind: 'error', message: String(error), title: 'thrown value' };
}

function errorBox(error, testid) {
  const { kind, message, title } = describeError(error);
  return h('div', { class: `outcome error ${kind === 'err' ? 'err-result' : ''}`, dataset: { testid, kind, status: kind === 'err' ? 'err' : 'error' } },
    h('span', { class: 'kind', title, text: kind }),
    h('pre', { class: 'message', text: message }));
}

function showStatus(content, kind = 'info') {
  const status = $('status');
  status.hidden = !content;
  status.className = `status ${kind}`;
  status.replaceChildren(...(content ? [content] : []));
}

/* ---------------------------------------------------------------- WIT display */

const WIT_KEYWORDS = new Set(['package', 'world', 'interface', 'import', 'export', 'use', 'as', 'func', 'record', 'variant', 'enum', 'flags', 'resource', 'type', 'constructor', 'static', 'include', 'with', 'async']);
const WIT_TYPES = new Set(['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string', 'list', 'option', 'result', 'tuple', 'own', 'borrow', 'future', 'stream']);

/** The WIT text with keywords, types and comments wrapped in spans (built as nodes, never HTML). */
function highlightWit(text) {
  const nodes = [];
  const pattern = /(\/\/[^\n]*)|(%?[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)|(@[\d.]+[\w.+-]*)|([^A-Za-z/@%]+|[/@%])/g;
  let match;
  while ((match = pattern.exec(text))) {
    const [token, comment, word, version] = match;
    if (comment) nodes.push(h('span', { class: 'tok-comment', text: comment }));
    else if (version) nodes.push(h('span', { class: 'tok-version', text: version }));
    else if (word && WIT_KEYWORDS.has(word)) nodes.push(h('span', { class: 'tok-keyword', text: word }));
    else if (word && WIT_TYPES.has(word)) nodes.push(h('span', { class: 'tok-type', text: word }));
    else if (word && isDefinition(text, match.index, pattern.lastIndex)) nodes.push(h('span', { class: 'tok-name', text: word }));
    else nodes.push(token);
  }
  return nodes;
}

/** Whether the word at [start, end) begins its line and is followed by `: func` (a function name). */
function isDefinition(text, start, end) {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return /^\s*$/.test(text.slice(lineStart, start)) && /^:\s*(static\s+)?(async\s+)?func\b/.test(text.slice(end, end + 24));
}

/* ---------------------------------------------------------------- state */

let generation = 0;
/** @type {{name: string, component: any, wit: any, witText: string, stubs: object, instance: any, instanceNumber: number, alive: boolean, handleCount: number} | null} */
let current = null;

const SAMPLE_URL = (name) => new URL(`/components/${name}.wasm`, location.href);

async function pickSample(name) {
  for (const button of document.querySelectorAll('.sample')) button.setAttribute('aria-pressed', String(button.dataset.sample === name));
  history.replaceState(null, '', `#${name}`);
  await openComponent(SAMPLE_URL(name), name);
}

async function pickFile(file) {
  for (const button of document.querySelectorAll('.sample')) button.setAttribute('aria-pressed', 'false');
  history.replaceState(null, '', location.pathname + location.search);
  await openComponent(file, file.name);
}

async function openComponent(source, name) {
  const mine = ++generation;
  saveCommandInputs();
  document.body.dataset.state = 'loading';
  showStatus(h('span', {}, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Loading ${name}…`), 'info');
  let component;
  const started = performance.now();
  try {
    component = await load(source);
  } catch (error) {
    if (mine !== generation) return;
    current = null;
    $('component').hidden = true;
    $('empty-state').hidden = false;
    const { kind, message } = describeError(error);
    showStatus(h('div', { class: 'load-error', dataset: { testid: 'load-error', kind } },
      h('strong', { text: `Could not load ${name}` }),
      h('span', { class: 'kind', text: kind }),
      h('pre', { class: 'message', text: message })), 'error');
    document.body.dataset.state = 'error';
    return;
  }
  const loadTime = performance.now() - started;

  let witText = '';
  let wit = null;
  let witError = null;
  try {
    witText = await component.wit();
    try {
      wit = parseWit(witText);
    } catch (error) {
      console.warn('playground: could not read the WIT, falling back to JSON argument lists', error);
    }
  } catch (error) {
    witError = error;
  }
  if (mine !== generation) return;

  const usesFiles = component.imports.some((i) => i.name.startsWith('wasi:filesystem/'));
  const sample = source instanceof URL ? name : null;
  // The JS spellings of the component's record fields and flags, for the values the forms build.
  const { jsNames } = component;
  current = { name, sample, component, wit, witText, jsNames, usesFiles, stubs: null, instance: null, instanceNumber: 0, alive: false, handleCount: 0 };
  showStatus(null);
  $('empty-state').hidden = true;
  $('component').hidden = false;
  renderOverview(component, name, loadTime);
  renderWit(witText, witError);
  $('host-calls').replaceChildren();
  $('console').replaceChildren();
  current.stubs = hostStubs(component, wit);

  const command = isCommand(component);
  $('command-panel').hidden = !command;
  if (command) renderCommand(name);
  // A library's exports come first; the files are what a call reads and writes.
  if (command) $('files-panel').after($('functions-panel'));
  else $('files-panel').before($('functions-panel'));
  // A component importing wasi:filesystem gets the page's in-memory filesystem, with a browser.
  await showFiles(usesFiles);
  if (mine !== generation) return;
  const callable = component.exports.filter((e) => !e.name.startsWith('wasi:cli/run@'));
  $('functions-panel').hidden = callable.length === 0;
  // A command without host imports writes only to the terminal: nothing for this panel to show.
  $('host-panel').hidden = callable.length === 0 && component.imports.every((i) => i.providedByWasi);
  if (callable.length > 0) {
    renderFunctions(callable, wit);
    await newInstance();
  }
  if (mine === generation) document.body.dataset.state = 'ready';
}

const isCommand = (component) => component.exports.some((e) => e.name.startsWith('wasi:cli/run@'));

/* ---------------------------------------------------------------- overview */

function renderOverview(component, name, loadTime) {
  $('component-name').textContent = name;
  $('component-size').textContent = formatBytes(component.byteLength);
  $('component-load-time').textContent = `${loadTime.toFixed(1)} ms`;
  const kind = $('component-kind');
  kind.textContent = isCommand(component) ? 'command' : 'library';
  kind.title = isCommand(component) ? 'exports wasi:cli/run: run it like a program' : 'call its exported functions';

  $('exports').replaceChildren(
    ...component.exports.map((e) => h('li', { dataset: { export: e.name } },
      h('code', { text: e.name }),
      e.kind === 'instance'
        ? h('span', { class: 'members', text: e.members.map(memberLabel).join(', ') })
        : h('span', { class: 'tag', text: 'function' }))),
  );

  const host = component.imports.filter((i) => !i.providedByWasi);
  const wasi = component.imports.filter((i) => i.providedByWasi);
  const items = host.map((i) => h('li', { dataset: { import: i.name } },
    h('code', { text: i.name }),
    h('span', { class: 'tag host', text: 'host stub' }),
    i.kind === 'instance' && i.members.length > 0 ? h('span', { class: 'members', text: i.members.map(memberLabel).join(', ') }) : null));
  if (wasi.length > 0) {
    items.push(h('li', { class: 'wasi-group' },
      h('details', {},
        h('summary', {}, `${wasi.length} WASI interface${wasi.length === 1 ? '' : 's'} `, h('span', { class: 'tag wasi', text: 'WASI polyfill' })),
        h('ul', { class: 'names nested' }, wasi.map((i) => h('li', { dataset: { import: i.name } }, h('code', { text: i.name })))))));
  }
  if (items.length === 0) items.push(h('li', { class: 'muted', text: 'none' }));
  $('imports').replaceChildren(...items);
}

function renderWit(text, error) {
  const pre = $('wit');
  if (error) {
    pre.replaceChildren(errorBox(error, 'wit-error'));
    return;
  }
  pre.replaceChildren(...highlightWit(text.trimEnd()));
}

/* ---------------------------------------------------------------- host stubs */

function hostStubs(component, wit) {
  const stubs = {};
  const { jsNames } = component;
  const stub = (label, func) => {
    const stubbed = (...args) => {
      let value;
      try {
        value = func ? zeroValue(func.result, jsNames, true) : undefined;
      } catch {
        value = undefined;
      }
      logHostCall(label, args, value, func);
      return value;
    };
    Object.defineProperty(stubbed, 'name', { value: label });
    return stubbed;
  };
  for (const imported of component.imports) {
    if (imported.providedByWasi) continue;
    if (imported.kind === 'func') {
      stubs[imported.jsName] = stub(imported.name, wit && findWorldFunc(wit, 'imports', imported.name));
      continue;
    }
    const scope = wit && findInterface(wit, imported);
    const members = {};
    for (const member of imported.members) {
      if (member.kind !== 'func') continue; // resources: not stubbed, the link error says so
      members[member.jsName] = stub(`${imported.name}#${member.name}`, scope?.funcs.get(member.name));
    }
    stubs[imported.name] = members;
  }
  return stubs;
}

function logHostCall(label, args, value, func) {
  const list = $('host-calls');
  const [where, fn] = label.includes('#') ? label.split('#') : ['', label];
  const shownArgs = args.map((arg) => formatValue(arg)).join(', ');
  const returns = func && func.result ? formatValue(value) : null;
  list.append(h('li', { dataset: { testid: 'host-call', function: fn } },
    where ? h('span', { class: 'where', text: where }) : null,
    h('code', {}, h('strong', { text: fn }), `(${shownArgs})`, returns !== null ? h('span', { class: 'returns', text: ` → ${returns}` }) : null)));
  while (list.children.length > 200) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

/* ---------------------------------------------------------------- instances */

function appendOutput(pre, stream) {
  const decoder = new TextDecoder();
  return (bytes) => {
    const text = decoder.decode(bytes, { stream: true });
    if (!text) return;
    const last = pre.lastElementChild;
    if (last && last.classList.contains(stream)) last.textContent += text;
    else pre.append(h('span', { class: stream, text }));
    pre.scrollTop = pre.scrollHeight;
  };
}

async function newInstance() {
  const state = current;
  const status = $('instance-status');
  try {
    const consolePre = $('console');
    state.instance = await state.component.instantiate(state.stubs, {
      wasi: {
        stdout: appendOutput(consolePre, 'stdout'),
        stderr: appendOutput(consolePre, 'stderr'),
        preopens: state.usesFiles ? await preopens() : undefined,
      },
    });
    state.instanceNumber++;
    state.alive = true;
    status.textContent = `instance #${state.instanceNumber} · live`;
    status.dataset.state = 'live';
    status.title = 'Calls go to this instance; its memory persists between calls.';
  } catch (error) {
    state.instance = null;
    state.alive = false;
    const { kind, message } = describeError(error);
    status.textContent = `could not instantiate (${kind})`;
    status.dataset.state = 'failed';
    status.title = message;
    $('functions').prepend(errorBox(error, 'instantiate-error'));
  }
}

function markDead(reason) {
  current.alive = false;
  const status = $('instance-status');
  status.textContent = `instance #${current.instanceNumber} · dead (${reason})`;
  status.dataset.state = 'dead';
  status.title = 'A trap or exit ends an instance: its state is gone. Start a new instance to keep calling.';
}

/* ---------------------------------------------------------------- function forms */

/** What to call and how to read its arguments, for one export. */
function functionsOf(exported, wit) {
  if (exported.kind === 'func') {
    return [{ group: null, name: exported.name, id: exported.jsName, func: wit && findWorldFunc(wit, 'exports', exported.name), get: (e) => e[exported.jsName] }];
  }
  const scope = wit && findInterface(wit, exported);
  const object = (e) => e[exported.jsName];
  return exported.members.flatMap((member) => {
    const func = scope?.funcs.get(member.name);
    if (member.kind === 'func') {
      return [{ group: exported, name: member.name, id: `${exported.jsName}-${member.name}`, func, get: (e) => object(e)?.[member.jsName] }];
    }
    // Methods need a handle: they are offered under each result that holds one.
    if (member.kind === 'method') return [];
    const { resource } = member;
    const Class = (e) => object(e)?.[resource.jsName];
    return [{
      group: exported,
      name: memberLabel(member),
      id: `${exported.jsName}-${resource.name}-${member.kind === 'constructor' ? 'new' : member.jsName}`,
      // A constructor's WIT has no result; it gives a handle.
      func: func && member.kind === 'constructor' ? { ...func, result: { kind: 'handle', own: true, name: resource.name, scope } } : func,
      get: member.kind === 'constructor'
        ? (e) => Class(e) && ((...args) => new (Class(e))(...args))
        : (e) => Class(e)?.[member.jsName]?.bind(Class(e)),
    }];
  });
}

/** A member of an instance as JS calls it: `new Counter`, `Counter.setLabel`, or its WIT name. */
function memberLabel({ name, jsName, kind, resource }) {
  if (kind === 'func') return name;
  return kind === 'constructor' ? `new ${resource.jsName}` : `${resource.jsName}.${jsName}`;
}

/** The resource definition a handle type refers to, or undefined. */
function resourceOf(type) {
  try {
    const t = resolve(type);
    const definition = t.kind === 'handle' ? resolve({ kind: 'ref', name: t.name, scope: t.scope }) : t;
    return definition?.kind === 'resource' ? definition : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The resource handles in a value, found by walking it along its WIT type: `[{handle, resource}]`.
 * `jsNames`: the component's, to find record fields.
 */
function handlesIn(value, type, jsNames, topLevelResult = false) {
  if (!type || value === null || value === undefined) return [];
  const resource = resourceOf(type);
  if (resource) return [{ handle: value, resource }];
  const t = resolve(type);
  const walk = (item, itemType) => handlesIn(item, itemType, jsNames);
  switch (t.kind) {
    case 'list':
      return Array.from(value, (item) => walk(item, t.elem)).flat();
    case 'tuple':
      return t.items.flatMap((item, i) => walk(value[i], item));
    case 'option':
      // option<option<T>> is {tag, val}; a single option is the value or undefined.
      return walk(resolve(t.inner).kind === 'option' ? value.val : value, t.inner);
    case 'result':
      if (topLevelResult) return walk(value, t.ok);
      return walk(value.val, value.tag === 'ok' ? t.ok : t.err);
    case 'record':
      return t.fields.flatMap((field) => walk(value[jsNameOf(jsNames, field.name)], field.type));
    case 'variant':
      return walk(value.val, t.cases.find((c) => c.name === value.tag)?.type);
    default:
      return [];
  }
}

/**
 * The members of a WIT resource, as the component describes them: those of the instance export or
 * import whose interface defines it.
 */
function membersOf(resource) {
  const { component, wit } = current;
  const owner = [...component.exports, ...component.imports]
    .find((entry) => entry.kind === 'instance' && findInterface(wit, entry) === resource.scope);
  return owner ? owner.members.filter((member) => member.resource?.name === resource.name) : [];
}

/** A handle returned by a call: its class name and a form per method, called on it. */
function handleCard(handle, resource) {
  const number = ++current.handleCount;
  const members = membersOf(resource);
  const name = members[0]?.resource.jsName ?? resource.name;
  const methods = members.filter((m) => m.kind === 'method').map((m) => functionForm({
    name: memberLabel(m),
    id: `${resource.name}-${number}-${m.jsName}`,
    func: resource.scope.funcs.get(m.name),
    get: () => handle[m.jsName]?.bind(handle),
  }));
  return h('div', { class: 'handle', dataset: { testid: 'handle', resource: resource.name, handle: String(number) } },
    h('div', { class: 'handle-head' }, h('code', { text: `${name} #${number}` }), h('span', { class: 'muted', text: ' a resource handle' })),
    methods);
}

function renderFunctions(exported, wit) {
  const container = $('functions');
  const sections = [];
  let count = 0;
  for (const e of exported) {
    const entries = functionsOf(e, wit);
    count += entries.length;
    const forms = entries.map((entry) => functionForm(entry));
    if (e.kind === 'instance') {
      sections.push(h('section', { class: 'fn-group', dataset: { interface: e.name } },
        h('h3', {}, h('code', { text: e.name }), h('span', { class: 'muted', text: ` as exports.${e.jsName}` })),
        forms,
        resourceNote(e)));
    } else {
      sections.push(...forms);
    }
  }
  container.replaceChildren(...sections);
  const filter = $('function-filter');
  filter.hidden = count <= 6;
  filter.value = '';
  container.classList.toggle('scroll', count > 6);
}

/** The classes of an exported interface's resources, each with its constructor, methods and statics. */
function resourcesOf(exported) {
  const resources = new Map();
  for (const member of exported.members) {
    if (!member.resource) continue;
    const { jsName } = member.resource;
    if (!resources.has(jsName)) resources.set(jsName, []);
    resources.get(jsName).push(memberLabel(member));
  }
  return resources;
}

/**
 * A note under an interface's functions for its resources: their members, where methods are called
 * (and, for the model component, where to see it run).
 */
function resourceNote(exported) {
  const resources = resourcesOf(exported);
  if (resources.size === 0) return null;
  const isLlama = exported.name.startsWith('terrarium:llama/');
  return h('div', { class: 'resource-note', dataset: { testid: 'resource-note' } },
    h('p', {}, 'Resources: ',
      [...resources.entries()].flatMap(([name, members], i) => [i ? ', ' : '',
        h('code', { text: `exports.${exported.jsName}.${name}` }), h('span', { class: 'muted', text: ` (${members.join(', ')})` })]),
      '. A constructor or a call that returns a handle lists it under its result, with its methods to call.'),
    isLlama
      ? h('a', { class: 'demo-card', href: '/demo-site/llama.html', dataset: { testid: 'llama-demo-card' } },
        h('span', { class: 'demo-card-icon', 'aria-hidden': 'true', text: '✦' }),
        h('span', {},
          h('strong', { text: 'Run it in the Llama demo →' }),
          h('span', { class: 'muted', text: 'Model.load(), generate(), then next-token() one at a time, in a Web Worker: a story streams in, with tokens per second and SIMD or scalar kernels.' })))
      : null);
}

function signature(entry) {
  const { func } = entry;
  if (!func) return h('span', { class: 'sig' }, h('span', { class: 'fn-name', text: entry.name }), '(…)');
  const params = func.params.flatMap((p, i) => [i ? ', ' : '', h('span', { class: 'param', text: p.name }), ': ', h('span', { class: 'type', text: typeName(p.type) })]);
  return h('span', { class: 'sig' },
    h('span', { class: 'fn-name', text: entry.name }), '(', params, ')',
    func.result ? [' → ', h('span', { class: 'type', text: typeName(func.result) })] : null);
}

function functionForm(entry) {
  const { func, id } = entry;
  const testid = (what) => `${what}-${id}`;
  const form = h('form', { class: 'fn', dataset: { testid: testid('fn'), function: entry.name }, novalidate: true });
  const fields = [];
  let readArgs;

  if (!func) {
    // No WIT to go by: one JSON array of arguments.
    const input = h('input', { class: 'mono', dataset: { testid: testid('args') }, value: '[]', spellcheck: 'false', 'aria-label': `arguments of ${entry.name} as a JSON array` });
    fields.push(h('label', { class: 'field' }, h('span', { class: 'label', text: 'arguments (JSON array)' }), input));
    readArgs = () => {
      const value = parseValue(input.value);
      if (!Array.isArray(value)) throw new SyntaxError('arguments must be an array');
      return value;
    };
  } else if (!func.params.every((p) => isBuildable(p.type))) {
    fields.push(h('p', { class: 'muted small-text', text: 'Takes resources, streams or futures: not callable from the playground.' }));
    readArgs = null;
  } else {
    const readers = func.params.map((param) => {
      const { element, read } = paramField(param, testid(`param`), current.jsNames);
      fields.push(element);
      return read;
    });
    readArgs = () => readers.map((read) => read());
  }

  const button = h('button', { type: 'submit', class: 'primary small', dataset: { testid: testid('call') }, disabled: readArgs === null }, 'Call');
  const outcome = h('div', { class: 'outcome-slot', dataset: { slot: id } });
  form.append(...[
    h('div', { class: 'fn-head' }, signature(entry)),
    fields.length ? h('div', { class: 'fields' }, fields) : null,
    h('div', { class: 'actions' }, button),
    outcome,
  ].filter(Boolean));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // A handle's method forms sit in this form's outcome: their submits bubble here.
    if (event.target !== form || !readArgs) return;
    let args;
    try {
      args = readArgs();
    } catch (error) {
      const box = errorBox(error, testid('outcome'));
      box.querySelector('.message').dataset.testid = testid('result');
      outcome.replaceChildren(box);
      return;
    }
    await callExport(entry, args, outcome);
  });
  return form;
}

/**
 * One form field for a parameter: `{element, read}`, where `read()` gives the argument.
 * `jsNames`: the component's, to spell record fields and flags.
 */
function paramField(param, prefix, jsNames) {
  const t = resolve(param.type);
  const testid = `${prefix}-${param.name}`;
  const label = (control, extra) => h('label', { class: `field ${extra ?? ''}` },
    h('span', { class: 'label' }, h('span', { class: 'param', text: param.name }), h('span', { class: 'type', text: `: ${typeName(param.type)}` })),
    control);

  if (t.kind === 'prim' && t.name === 'bool') {
    const select = h('select', { dataset: { testid } }, h('option', { value: 'false', text: 'false' }), h('option', { value: 'true', text: 'true' }));
    return { element: label(select), read: () => select.value === 'true' };
  }
  if (t.kind === 'enum') {
    const select = h('select', { dataset: { testid } }, t.cases.map((c) => h('option', { value: c, text: c })));
    return { element: label(select), read: () => select.value };
  }
  if (t.kind === 'flags') {
    const boxes = t.names.map((name) => h('input', { type: 'checkbox', value: name, dataset: { testid: `${testid}-${name}` } }));
    const group = h('span', { class: 'flags', dataset: { testid } }, boxes.map((box) => h('label', { class: 'flag' }, box, box.value)));
    return {
      element: label(group, 'wide'),
      read: () => Object.fromEntries(boxes.map((box) => [jsNameOf(jsNames, box.value), box.checked])),
    };
  }
  if (t.kind === 'prim' && (t.name === 'string' || t.name === 'char')) {
    const input = h('input', { dataset: { testid }, spellcheck: 'false', autocomplete: 'off', placeholder: t.name === 'char' ? 'one character' : 'text' });
    // A valid example, so a first Call works without typing.
    input.value = zeroValue(t, jsNames);
    return { element: label(input), read: () => input.value };
  }
  if (t.kind === 'prim') {
    const is64 = t.name === 'u64' || t.name === 's64';
    const input = h('input', { class: 'mono', dataset: { testid }, inputmode: 'decimal', spellcheck: 'false', autocomplete: 'off', placeholder: is64 ? '0 or 0n' : '0' });
    input.value = '0';
    return {
      element: label(input),
      read: () => {
        const text = input.value.trim();
        if (text === '') throw new SyntaxError(`\`${param.name}\` needs a ${t.name}`);
        return coerce(withContext(param.name, () => parseValue(text)), param.type, jsNames);
      },
    };
  }
  const example = formatValue(exampleValue(param.type, jsNames));
  const textarea = h('textarea', {
    class: 'mono', dataset: { testid }, spellcheck: 'false', rows: String(Math.min(8, example.split('\n').length)),
    'aria-label': `${param.name}: ${typeName(param.type)}`,
  });
  textarea.value = example;
  return {
    element: label(textarea, 'wide'),
    read: () => coerce(withContext(param.name, () => parseValue(textarea.value)), param.type, jsNames),
  };
}

function withContext(name, read) {
  try {
    return read();
  } catch (error) {
    if (error instanceof SyntaxError) throw new SyntaxError(`\`${name}\`: ${error.message}`);
    throw error;
  }
}

async function callExport(entry, args, outcome) {
  const state = current;
  const outcomeId = `outcome-${entry.id}`;
  const resultId = `result-${entry.id}`;
  if (!state.instance) await newInstance();
  const fn = state.instance && entry.get(state.instance.exports);
  const started = performance.now();
  let box;
  if (state.usesFiles) beforeRun();
  try {
    if (typeof fn !== 'function') throw new TerrariumError('link', `the instance has no export \`${entry.name}\``);
    const value = await fn(...args);
    const elapsed = performance.now() - started;
    const shown = entry.func && !entry.func.result ? 'done (no result)' : formatValue(value);
    const handles = entry.func ? handlesIn(value, entry.func.result, state.jsNames, true) : [];
    box = h('div', { class: 'outcome ok', dataset: { testid: outcomeId, status: 'ok', kind: 'ok' } },
      h('span', { class: 'kind', text: 'ok' }),
      h('pre', { class: 'message', dataset: { testid: resultId }, text: shown }),
      h('span', { class: 'time', text: `${formatMs(elapsed)}` }),
      handles.length ? h('div', { class: 'handles' }, handles.map(({ handle, resource }) => handleCard(handle, resource))) : null);
  } catch (error) {
    box = errorBox(error, outcomeId);
    box.querySelector('.message').dataset.testid = resultId;
    if (error instanceof TerrariumError && ['trap', 'exit', 'dead'].includes(error.kind) && state.alive) {
      markDead(error.kind === 'exit' ? 'exited' : 'trapped');
    }
    if (error instanceof TerrariumError && ['trap', 'exit', 'dead'].includes(error.kind)) {
      box.append(h('p', { class: 'hint' }, 'The instance is dead now. ',
        h('button', { type: 'button', class: 'link-button', onclick: () => restart() }, 'Start a new instance'), ' to call it again.'));
    }
  }
  if (state === current) outcome.replaceChildren(box);
  if (state.usesFiles && state === current) afterRun();
}

async function restart() {
  if (!current) return;
  await newInstance();
}

/* ---------------------------------------------------------------- commands */

function renderCommand(name) {
  $('run-program').textContent = name.replace(/\.wasm$/, '');
  $('terminal').replaceChildren(h('span', { class: 'hint', text: 'Press Run to start the program.' }));
  $('exit-code').hidden = true;
  $('run-time').textContent = '';
  restoreCommandInputs(name);
  renderExamples();
}

/** What was typed for each command, by component name: another component starts empty, this one gets it back. */
const commandInputs = new Map();

function saveCommandInputs() {
  if (!current || !isCommand(current.component)) return;
  commandInputs.set(current.name, { args: $('run-args').value, env: $('run-env').value, stdin: $('run-stdin').value, stdinFile });
}

function restoreCommandInputs(name) {
  const saved = commandInputs.get(name);
  $('run-args').value = saved?.args ?? '';
  $('run-env').value = saved?.env ?? '';
  $('run-stdin').value = saved?.stdin ?? '';
  if (saved?.stdinFile) showStdinFile(saved.stdinFile);
  else clearStdinFile();
}

/** Command lines to try, per bundled sample; `m` is the file browser's mount point. */
const EXAMPLES = {
  hello: (m) => [
    { args: 'x "y z"', env: 'A=1', stdin: 'piped in', title: 'arguments, an environment variable and stdin' },
    { args: `ls ${m}`, title: 'list the mounted directory' },
    { args: `cat ${m}/hello.txt`, title: 'print a file' },
    { args: `upper ${m}/hello.txt ${m}/HELLO.txt`, title: 'read one file, write another' },
    { args: `tee ${m}/from-stdin.txt`, stdin: 'typed into stdin\n', title: 'write stdin to a file' },
    { args: 'exit 3', title: 'exit with an error' },
    { args: 'panic', title: 'a trap' },
  ],
};

function renderExamples() {
  const box = $('run-examples');
  const make = current && current.sample && EXAMPLES[current.sample];
  box.hidden = !make;
  if (!make) return box.replaceChildren();
  let mount = '/data';
  try {
    mount = mountPoint();
  } catch {
    // keep /data until the mount point is fixed
  }
  box.replaceChildren(h('span', { class: 'label', text: 'Try' }), ...make(mount).map((example) =>
    h('button', {
      type: 'button',
      class: 'example',
      title: example.title,
      dataset: { testid: 'run-example', args: example.args },
      onclick: () => {
        $('run-args').value = example.args;
        if (example.env !== undefined) $('run-env').value = example.env;
        if (example.stdin !== undefined) {
          clearStdinFile();
          $('run-stdin').value = example.stdin;
        }
        $('run-args').focus();
      },
    }, h('code', { text: `${current.sample} ${example.args}` }))));
}

/** A file picked as standard input: `{ name, bytes }`, used instead of the text. */
let stdinFile = null;

async function setStdinFile(file) {
  showStdinFile({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
}

function showStdinFile(file) {
  stdinFile = file;
  $('stdin-chip-name').textContent = `${file.name} · ${file.bytes.length.toLocaleString('en')} bytes`;
  $('stdin-chip').hidden = false;
  $('run-stdin').hidden = true;
}

function clearStdinFile() {
  stdinFile = null;
  $('stdin-chip').hidden = true;
  $('run-stdin').hidden = false;
}

/** Splits `a "b c" 'd'` like a shell: whitespace separates, quotes group, backslash escapes. */
export function splitArgs(text) {
  const args = [];
  let arg = null;
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = null;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) arg += text[++i];
      else arg += char;
    } else if (/\s/.test(char)) {
      if (arg !== null) args.push(arg);
      arg = null;
    } else if (char === '"' || char === "'") {
      quote = char;
      arg ??= '';
    } else if (char === '\\' && i + 1 < text.length) {
      arg = (arg ?? '') + text[++i];
    } else {
      arg = (arg ?? '') + char;
    }
  }
  if (quote) throw new SyntaxError(`unclosed ${quote} in the arguments`);
  if (arg !== null) args.push(arg);
  return args;
}

function parseEnv(text) {
  const env = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new SyntaxError(`environment line ${i + 1}: expected KEY=VALUE, got \`${line}\``);
    env.push([line.slice(0, eq).trim(), line.slice(eq + 1)]);
  });
  return env;
}

async function runCommand() {
  const state = current;
  if (!state) return;
  const terminal = $('terminal');
  const badge = $('exit-code');
  const button = $('run-button');
  terminal.replaceChildren();
  badge.hidden = true;
  let args;
  let env;
  let mounts;
  try {
    args = [$('run-program').textContent, ...splitArgs($('run-args').value)];
    env = parseEnv($('run-env').value);
    mounts = state.usesFiles ? await preopens() : undefined;
  } catch (error) {
    terminal.append(errorBox(error, 'run-error'));
    return;
  }
  button.disabled = true;
  button.textContent = 'Running…';
  // Let the page paint "Running…": the guest runs synchronously on this thread.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const started = performance.now();
  if (mounts) beforeRun();
  try {
    const { exitCode } = await run(state.component, {
      args,
      env,
      stdin: stdinFile ? stdinFile.bytes : $('run-stdin').value,
      stdout: appendOutput(terminal, 'stdout'),
      stderr: appendOutput(terminal, 'stderr'),
      imports: state.stubs,
      preopens: mounts,
    });
    badge.textContent = `exit code ${exitCode}`;
    badge.dataset.code = String(exitCode);
    badge.className = `exit-code ${exitCode === 0 ? 'success' : 'failure'}`;
  } catch (error) {
    terminal.append(errorBox(error, 'run-error'));
    const { kind } = describeError(error);
    badge.textContent = kind === 'trap' ? 'trapped' : `failed (${kind})`;
    badge.dataset.code = '';
    badge.className = 'exit-code failure';
  } finally {
    if (state === current) {
      badge.hidden = false;
      $('run-time').textContent = `in ${formatMs(performance.now() - started)}`;
      if (terminal.childNodes.length === 0) terminal.append(h('span', { class: 'hint', text: '(no output)' }));
      if (mounts) afterRun();
    }
    button.disabled = false;
    button.textContent = 'Run';
  }
}

/* ---------------------------------------------------------------- wiring */

function wire() {
  for (const button of document.querySelectorAll('.sample')) {
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => pickSample(button.dataset.sample));
  }

  const input = $('file-input');
  input.addEventListener('change', () => {
    const [file] = input.files;
    if (file) pickFile(file);
    input.value = '';
  });

  const zone = $('drop-zone');
  const over = (on) => (event) => {
    event.preventDefault();
    zone.classList.toggle('dragging', on);
  };
  zone.addEventListener('dragenter', over(true));
  zone.addEventListener('dragover', over(true));
  zone.addEventListener('dragleave', over(false));
  zone.addEventListener('drop', (event) => {
    over(false)(event);
    const file = [...(event.dataTransfer?.files ?? [])][0];
    if (file) pickFile(file);
  });
  // A file dropped anywhere else would make the browser navigate away from the page.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = [...(event.dataTransfer?.files ?? [])][0];
    if (file && !zone.contains(event.target)) pickFile(file);
  });

  $('run-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runCommand();
  });
  $('new-instance').addEventListener('click', () => restart());
  $('stdin-file').addEventListener('change', (event) => {
    const [file] = event.target.files;
    event.target.value = '';
    if (file) setStdinFile(file);
  });
  $('stdin-clear').addEventListener('click', () => clearStdinFile());
  wireFiles({ onChange: () => current && isCommand(current.component) && renderExamples() });
  $('clear-host-calls').addEventListener('click', () => {
    $('host-calls').replaceChildren();
    $('console').replaceChildren();
  });
  $('copy-wit').addEventListener('click', async () => {
    if (!current) return;
    try {
      await navigator.clipboard.writeText(current.witText);
      $('copy-wit').textContent = 'Copied';
    } catch {
      $('copy-wit').textContent = 'Copy failed';
    }
    setTimeout(() => { $('copy-wit').textContent = 'Copy'; }, 1500);
  });
  $('function-filter').addEventListener('input', (event) => {
    const wanted = event.target.value.trim().toLowerCase();
    for (const form of document.querySelectorAll('#functions form.fn')) {
      form.hidden = wanted !== '' && !form.dataset.function.toLowerCase().includes(wanted);
    }
    for (const group of document.querySelectorAll('#functions .fn-group')) {
      group.hidden = [...group.querySelectorAll('form.fn')].every((form) => form.hidden);
    }
  });
}

renderFeatures($('features'), features);
wire();
document.body.dataset.state = 'idle';
/** `#hello` in the address opens that sample, on load and when the hash changes. */
function openFromHash() {
  const name = decodeURIComponent(location.hash.slice(1));
  if (name && name !== current?.name && document.querySelector(`.sample[data-sample="${CSS.escape(name)}"]`)) pickSample(name);
}
window.addEventListener('hashchange', openFromHash);
openFromHash();
// For tests and the curious: the playground's own view of things.
window.playground = { get current() { return current; }, pickSample, pickFile };
