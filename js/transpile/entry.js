/**
 * The ES module `terrarium transpile` writes for a component: its plan as data, its core modules
 * as `.wasm` files beside it, and the runtime (`terrarium-wasm/aot`) with only the parts the
 * component uses: the code of its kinds of types and string encodings, the WASI packages it
 * imports, the resource runtime if it has resources, JSPI's and the worker's side if its options
 * may ask for them, and so on. No code is generated per function: the runtime makes the closures
 * from the plan, as it does for `load()`, so strict CSP holds.
 */

import { buildExports } from '../runtime/export-tree.js';
import { placeMember } from '../runtime/resources.js';
import { usesAsync } from '../runtime/async/detect.js';
import { callsBetweenComponents } from '../runtime/parts.js';
import { isPlainIdentifier } from '../types/identifiers.js';
import { kindExport } from '../abi/kinds.js';

/** How an entry starts, so that bundler plugins know it for Terrarium's (its `new URL`s name files to emit). */
export const ENTRY_HEADER = '// Written by `terrarium transpile`';

/** The module of each polyfill package, and the `WasiPackage` it exports (polyfill-wasi/js/compose.js). */
const WASI_PACKAGES = {
  cli: 'cliPackage',
  clocks: 'clocksPackage',
  filesystem: 'filesystemPackage',
  http: 'createHttp',
  io: 'ioPackage',
  random: 'randomPackage',
  sockets: 'socketsPackage',
};

/**
 * @param {any} plan
 * @param {object} o
 * @param {string} o.source the component's file name, for the header
 * @param {(string|null)[]} o.coreFiles per plan module, its file beside the entry (null: an import)
 * @param {'async'|undefined} o.instantiation 'async': export `instantiate(getCoreModule, imports,
 *   options)`, as jco's `--instantiation async` does; else instantiate at import (top-level await),
 *   importing each non-WASI import from its module specifier
 * @param {(imp: {name: string, versionless: string}) => string} o.specifier the module an import comes from (`--map`)
 * @param {boolean} o.wasi whether the polyfill serves WASI imports (`--no-wasi`: false)
 * @param {string} o.runtime the specifier of the runtime package
 * @param {(file: string) => string} [o.coreUrl] the JS expression of a core file's URL (a bundler
 *   plugin's), by default `new URL('./file', import.meta.url)`
 */
export function entryModule(plan, { source, coreFiles, instantiation, specifier, wasi, runtime, coreUrl = fileUrl }) {
  const packages = wasi ? wasiPackagesOf(plan) : [];
  const isAsync = usesAsync(plan);
  const between = callsBetweenComponents(plan);
  const kinds = [...new Set([...plan.types.map((t) => t.kind), ...stringEncodingsOf(plan)])].sort();
  // Only `instantiate(…, options)` can ask for JSPI or a worker, or be handed wrong arguments: an
  // entry that instantiates at import runs with 'none', and makes its arguments itself.
  const blockingParts = instantiation === 'async';
  const probes = plan.modules.some((m) => m.features?.length > 0);
  // Instantiated at import with no WASI: nothing to choose or compose, the plan runs as it is.
  const bare = instantiation !== 'async' && packages.length === 0;
  // The executor's side beyond its core (instantiateTranspiled's path always has it).
  const extended = bare && (plan.resources.length > 0 || isAsync || between);
  const lines = [
    `${ENTRY_HEADER} from ${source}: the component's plan, run by Terrarium's runtime.`,
    `import { ${bare ? 'instantiateAtImport' : 'instantiateTranspiled'} } from '${runtime}/aot';`,
    ...(kinds.length ? [`import { ${kinds.map(kindExport).join(', ')} } from '${runtime}/aot/kinds';`] : []),
    ...(extended ? [`import { extend } from '${runtime}/aot/extended';`] : []),
    ...(plan.resources.length ? [`import { planResources } from '${runtime}/aot/resources';`] : []),
    ...(isAsync ? [`import * as asyncRuntime from '${runtime}/aot/async';`] : []),
    ...(blockingParts ? [`import { checkInstantiateArguments, resolveBlocking } from '${runtime}/aot/options';`, `import * as jspi from '${runtime}/aot/jspi';`] : []),
    ...(probes ? [`import * as features from '${runtime}/aot/features';`] : []),
    ...(between ? [`import * as inner from '${runtime}/aot/inner';`, `import * as fused from '${runtime}/aot/fused';`] : []),
    ...(packages.length ? [`import { wasiOfPackages } from '${runtime}/wasi/compose.js';`] : []),
    ...packages.map((p) => `import { ${WASI_PACKAGES[p]} } from '${runtime}/wasi/${p}.js';`),
  ];
  const hostImports = plan.imports.map((imp, index) => ({ imp, index })).filter(({ imp }) => !wasi || imp.wasi === null);
  if (instantiation !== 'async') {
    for (const { imp, index } of hostImports) {
      const from = JSON.stringify(specifier(imp));
      lines.push(imp.kind === 'instance' ? `import * as import${index} from ${from};` : `import import${index} from ${from};`);
    }
  }
  lines.push(
    '',
    `const plan = JSON.parse('${JSON.stringify(plan, runtimeFields).replace(/[\\']/g, '\\$&')}');`,
    `const parts = {`,
    `  kinds: { ${kinds.map((k) => `${JSON.stringify(k)}: ${kindExport(k)}`).join(', ')} },`,
    ...(bare ? [] : [`  wasi: ${packages.length ? `wasiOfPackages([${packages.map((p) => WASI_PACKAGES[p]).join(', ')}])` : 'null'},`]),
    `  resources: ${plan.resources.length ? 'planResources' : 'null'},`,
    ...(extended ? ['  extend,'] : []),
    ...(isAsync ? ['  async: asyncRuntime,'] : []),
    ...(blockingParts ? ['  blocking: resolveBlocking,', '  jspi,', `  worker: () => import('${runtime}/aot/worker'),`] : []),
    ...(probes ? ['  features,'] : []),
    ...(between ? ['  inner,', '  fused,'] : []),
    '};',
  );
  const modules = `[${coreFiles.map((file) => (file === null ? 'null' : coreUrl(file))).join(', ')}]`;
  if (instantiation === 'async') {
    lines.push(
      `const coreFiles = ${JSON.stringify(coreFiles)};`,
      '',
      '/**',
      ' * A new instance; resolves to its exports. `getCoreModule(file)` returns (a promise of) the',
      ' * `WebAssembly.Module` of a core file; without it the files beside this module are fetched.',
      ' * `imports` and `options` are those of `component.instantiate` in `terrarium-wasm`.',
      ' */',
      'export async function instantiate(getCoreModule, imports = {}, options = {}) {',
      "  checkInstantiateArguments('instantiate', imports, options);",
      '  const modules = getCoreModule',
      '    ? coreFiles.map((file) => (file === null ? null : getCoreModule(file)))',
      `    : ${modules};`,
      '  const { exports } = await instantiateTranspiled(plan, modules, imports, options, parts);',
      '  return exports;',
      '}',
    );
    return `${lines.join('\n')}\n`;
  }
  const imports = hostImports.map(({ imp, index }) =>
    imp.kind === 'instance' ? `  ${JSON.stringify(imp.name)}: import${index},` : `  ${JSON.stringify(imp.jsName)}: import${index},`,
  );
  lines.push(
    `const modules = ${modules};`,
    `const imports = {${imports.length ? `\n${imports.join('\n')}\n` : ''}};`,
    '',
    bare
      ? 'const { exports } = await instantiateAtImport(plan, modules, imports, parts);'
      : 'const { exports } = await instantiateTranspiled(plan, modules, imports, {}, parts);',
  );
  exportNames(plan).forEach((name, i) => {
    if (isPlainIdentifier(name)) lines.push(`export const ${name} = exports[${JSON.stringify(name)}];`);
    else lines.push(`const export${i} = exports[${JSON.stringify(name)}];`, `export { export${i} as ${JSON.stringify(name)} };`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * The plan as the entry carries it: without the fields only declarations and descriptions read
 * (TypeScript names, an import's list of functions), which the runtime never does.
 */
const runtimeFields = (key, value) => (DECLARATION_ONLY.has(key) ? undefined : value);
const DECLARATION_ONLY = new Set(['typeName', 'qualifiedTypeName', 'functions']);

const fileUrl = (file) => `new URL(${JSON.stringify(`./${file}`)}, import.meta.url)`;

/**
 * The names at the top of `instance.exports`, known from the plan alone: the entry exports each by
 * name. The tree is built as an instance builds it, with stand-ins for the functions and guest
 * classes, so the two cannot disagree.
 */
function exportNames(plan) {
  const resources = plan.resources.map((def) => ({ def, Class: def.import === null ? class {} : undefined }));
  const tree = buildExports(plan.exports, {
    resources,
    modules: [],
    lift: () => () => {},
    placeMember: (exp, fn, out) => placeMember(resources, exp, fn, out),
  });
  return Object.keys(tree);
}

/** The polyfill packages serving the component's WASI imports, in a stable order. */
function wasiPackagesOf(plan) {
  const packages = new Set();
  for (const imp of plan.imports) {
    const name = imp.wasi === null ? undefined : /^wasi:([^/]+)\//.exec(imp.wasi)?.[1];
    if (name !== undefined && name in WASI_PACKAGES) packages.add(name);
  }
  return [...packages].sort();
}

/** The string encodings of the plan's canonical options, wherever they are. */
function stringEncodingsOf(plan) {
  const found = new Set();
  const visit = (value) => {
    if (value === null || typeof value !== 'object') return;
    if (typeof value.stringEncoding === 'string') found.add(value.stringEncoding);
    for (const v of Object.values(value)) visit(v);
  };
  visit(plan);
  return found;
}
