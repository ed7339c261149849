#!/usr/bin/env node
/**
 * The `terrarium` command: the same loader and runtime as in the page, from a terminal.
 *
 *   terrarium run [--env K=V]… [--dir HOST[::GUEST]]… <component.wasm> [--] [args…]
 *                                            run a command component; exits with its exit code
 *   terrarium wit <component.wasm>           print the component's world as WIT
 *   terrarium inspect <component.wasm>       list its imports and exports
 *   terrarium types <component.wasm> [-o f] [--blocking jspi|worker|none]
 *                                            TypeScript declarations of its exports and imports
 *   terrarium push <component.wasm> oci://HOST/REPO:TAG
 *                                            publish it to a registry; prints the manifest's digest
 *   terrarium transpile <component.wasm> -o <dir> [options]
 *                                            ahead-of-time output: core wasm files, an ES module, types
 *   terrarium serve <component.wasm> [--port 8080] [--addr 127.0.0.1] [--max-body BYTES] [--max-instances N]
 *                   [--timeout SECONDS] [--env K=V]… [--dir HOST[::GUEST]]…
 *                                            serve HTTP with a wasi:http/incoming-handler component
 *
 * Wherever a component is read, an `oci://HOST/REPO:TAG` (or `@sha256:…`) reference works too.
 */

import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { load, run, serve, TerrariumError } from './index.js';
import { pushComponent } from './oci/push.js';
import { sourceBytes } from './source.js';

const usage = `usage:
  terrarium run [--env K=V]... [--dir HOST[::GUEST]]... <component.wasm> [--] [args...]
                                             run a command component: stdin is streamed to it as it
                                             arrives; the environment is passed through, --env sets
                                             or adds a variable; --dir lets it read and write the
                                             folder HOST at GUEST (default: HOST); args go to the
                                             guest as they are
  terrarium wit <component.wasm>             print the component's world as WIT
  terrarium inspect <component.wasm>         list its imports and exports
  terrarium types <component.wasm> [-o out.d.ts] [--blocking jspi|worker|none]
                                             TypeScript declarations of its exports and imports (to
                                             stdout without -o); --blocking jspi or worker: for an
                                             instance made so, whose exports return promises
  terrarium push <component.wasm> oci://HOST[:PORT]/REPO:TAG
                                             publish it to an OCI registry as wkg does; prints the
                                             manifest's digest
  terrarium transpile <component.wasm> -o <dir> [--name NAME] [--instantiation async]
                    [--map IMPORT=SPECIFIER]... [--no-wasi] [--types] [--blocking none|jspi|worker]
                                             write the component ahead of time: its core modules as
                                             .wasm files, NAME.js (an ES module exporting its exports,
                                             or instantiate() with --instantiation async) and, with
                                             --types, NAME.d.ts; --map says which module an import
                                             comes from (IMPORT may end in *); --no-wasi leaves WASI
                                             imports to the host rather than the built-in polyfill
  terrarium serve <component.wasm> [--port 8080] [--addr 127.0.0.1] [--max-body BYTES]
                 [--max-instances N] [--timeout SECONDS] [--env K=V]... [--dir HOST[::GUEST]]...
                                             serve HTTP with a component exporting
                                             wasi:http/incoming-handler, an instance per request
                                             (at most N at once, default 32: later requests wait);
                                             prints the URL; a request body over --max-body bytes
                                             gets a 413, a handler that traps a 500, one that does
                                             not answer within --timeout (default 60) a 504; --env
                                             and --dir as for run (no variable is passed through)
a component may also be an oci://HOST[:PORT]/REPO:TAG or oci://HOST[:PORT]/REPO@sha256:... reference`;

async function main([command, ...words]) {
  const options = command === 'run' ? runOptions(words) : { file: words[0], rest: words.slice(1), env: {} };
  const { file, rest, problem } = options ?? {};
  if (problem !== undefined) console.error(`terrarium run: ${problem}`);
  if (!command || !file || problem !== undefined || !['run', 'wit', 'inspect', 'types', 'push', 'transpile', 'serve'].includes(command)) {
    console.error(usage);
    return 2;
  }
  if (command === 'push') return push(file, rest);
  if (command === 'serve') return serveCommand(file, rest);
  if (command === 'transpile') return transpileCommand(file, rest);
  const component = await load(file);
  if (command === 'wit') {
    process.stdout.write(await component.wit());
    return 0;
  }
  if (command === 'types') {
    const options = typesOptions(rest);
    if (options === null) {
      console.error(usage);
      return 2;
    }
    const text = await component.types({ name: path.basename(file), blocking: options.blocking });
    if (options.out === undefined) process.stdout.write(text);
    else await writeFile(options.out, text);
    return 0;
  }
  if (command === 'inspect') {
    console.log(JSON.stringify({ size: component.byteLength, imports: component.imports, exports: component.exports }, null, 2));
    return 0;
  }
  const { exitCode } = await run(component, {
    args: [file, ...rest],
    env: { ...process.env, ...options.env },
    preopens: options.preopens,
    stdin: stdinStream(),
    stdout: (bytes) => process.stdout.write(bytes),
    stderr: (bytes) => process.stderr.write(bytes),
  });
  // What the guest left unread stays unread; an open terminal must not keep the process alive.
  process.stdin.destroy();
  return exitCode;
}

/** Publishes the component `file` under the reference `rest[0]`, once it loads as one. */
async function push(file, rest) {
  if (rest.length !== 1) {
    console.error(usage);
    return 2;
  }
  const bytes = await sourceBytes(file);
  const digest = await pushComponent(bytes, await load(bytes), rest[0]);
  console.log(digest);
  return 0;
}

/** Writes the ahead-of-time output of `file` into the folder `-o` names, all of it or, on any error, nothing. */
async function transpileCommand(file, rest) {
  const options = transpileOptions(rest);
  if (typeof options === 'string') {
    console.error(`terrarium transpile: ${options}`);
    console.error(usage);
    return 2;
  }
  const { transpile } = await import('./transpile/index.js');
  const files = await transpile(file, options);
  await mkdir(options.out, { recursive: true });
  await Promise.all([...files].map(([name, contents]) => writeFile(path.join(options.out, name), contents)));
  for (const name of files.keys()) console.log(path.join(options.out, name));
  return 0;
}

/**
 * Serves HTTP with the handler component `file` until the process is stopped; prints the URL.
 * Resolves only if the options are wrong (a usage error).
 */
async function serveCommand(file, rest) {
  const options = { port: 8080, addr: '127.0.0.1', maxBody: Infinity, maxInstances: 32, timeout: 60 };
  const wasi = { env: {}, preopens: {} };
  for (let i = 0; i < rest.length; i += 2) {
    const [option, value] = [rest[i], rest[i + 1]];
    const number = /^\d+$/.test(value ?? '') ? Number(value) : NaN;
    const taken = wasiOption(option, value, wasi);
    if (taken === true) continue;
    if (taken !== false) {
      console.error(`terrarium serve: ${taken}`);
      return 2;
    }
    if (option === '--port' && number <= 65535) options.port = number;
    else if (option === '--addr' && value !== undefined && value !== '') options.addr = value;
    else if (option === '--max-body' && number >= 0) options.maxBody = number;
    else if (option === '--max-instances' && number >= 1) options.maxInstances = number;
    else if (option === '--timeout' && Number(value) > 0) options.timeout = Number(value);
    else {
      console.error(`terrarium serve: ${value === undefined ? `${option} needs a value` : `${option} ${value}: not an option it takes`}`);
      console.error(usage);
      return 2;
    }
  }
  const handle = await serve(file, {
    maxBody: options.maxBody,
    maxInstances: options.maxInstances,
    timeout: options.timeout * 1000,
    wasi: { ...wasi, stdout: (bytes) => process.stdout.write(bytes), stderr: (bytes) => process.stderr.write(bytes) },
  });
  const { listen } = await import('./serve-node.js');
  const { url } = await listen(handle, options);
  console.log(`serving ${url}`);
  return new Promise(() => {});
}

/** `transpile`'s options after the component, or what is wrong with them. */
function transpileOptions(words) {
  const options = { map: {} };
  for (let i = 0; i < words.length; i++) {
    const [option, value] = [words[i], words[i + 1]];
    const takesValue = ['-o', '--out', '--name', '--instantiation', '--map', '--blocking'].includes(option);
    if (takesValue && value === undefined) return `${option} needs a value`;
    if (takesValue) i++;
    if (option === '-o' || option === '--out') options.out = value;
    else if (option === '--name') options.name = value;
    else if (option === '--instantiation' && value === 'async') options.instantiation = 'async';
    else if (option === '--map' && /^[^=]+=./.test(value)) options.map[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
    else if (option === '--blocking' && ['none', 'jspi', 'worker'].includes(value)) options.blocking = value;
    else if (option === '--no-wasi') options.wasi = false;
    else if (option === '--types') options.types = true;
    else return takesValue ? `${option} ${value}: not a value it takes` : `unknown option ${option}`;
  }
  if (options.out === undefined) return 'the output folder (-o DIR) is missing';
  return options;
}

/** `[-o file] [--blocking mode]`, in either order → `{out, blocking}` (each may be undefined); null: misused. */
function typesOptions(rest) {
  const options = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [option, value] = [rest[i], rest[i + 1]];
    if ((option === '-o' || option === '--out') && value !== undefined && options.out === undefined) {
      options.out = value;
    } else if (option === '--blocking' && ['none', 'jspi', 'worker'].includes(value) && options.blocking === undefined) {
      options.blocking = value;
    } else {
      return null;
    }
  }
  return options;
}

/**
 * `run`'s words: `--env K=V` and `--dir HOST[::GUEST]` options, then the component, then its
 * arguments (after an optional `--`), as `wasmtime run` takes them; null for a malformed option,
 * `{ problem }` for a folder that cannot be mounted (refused before anything loads).
 */
function runOptions(words) {
  const wasi = { env: {}, preopens: {} };
  let i = 0;
  for (; i < words.length && words[i].startsWith('-'); i += 2) {
    const taken = wasiOption(words[i], words[i + 1], wasi);
    if (taken === false) return null;
    if (taken !== true) return { problem: taken };
  }
  const [file, ...rest] = words.slice(i);
  return { file, rest: rest[0] === '--' ? rest.slice(1) : rest, ...wasi };
}

/**
 * One `--env K=V` or `--dir HOST[::GUEST]` option of `run` or `serve`, added to `wasi`: true when
 * taken, false when it is not one of these (or malformed), else what is wrong with the folder.
 * @param {{env: Record<string, string>, preopens: Record<string, {hostPath: string}>}} wasi
 */
function wasiOption(option, value, { env, preopens }) {
  if (option === '--env' && value !== undefined && /^[^=]+=/.test(value)) {
    const at = value.indexOf('=');
    env[value.slice(0, at)] = value.slice(at + 1);
    return true;
  }
  if (option === '--dir' && value !== undefined && value !== '') {
    const at = value.indexOf('::');
    const [host, guest] = at < 0 ? [value, value] : [value.slice(0, at), value.slice(at + 2)];
    if (!isDirectory(host)) return `--dir ${value}: '${host}' is not a directory`;
    if (guest === '' || guest in preopens) return `--dir ${value}: the guest path '${guest}' is empty or mounted twice`;
    preopens[guest] = { hostPath: host };
    return true;
  }
  return false;
}

const isDirectory = (path) => path !== '' && statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

/**
 * The process's stdin as the guest reads it: chunk by chunk as it arrives (a guest that reads
 * then waits, under `run`'s automatic blocking), never read ahead of the guest.
 */
function stdinStream() {
  const input = process.stdin;
  return new ReadableStream(
    {
      async pull(controller) {
        const chunk = input.readableEnded ? null : await nextChunk(input);
        if (chunk === null) controller.close();
        else controller.enqueue(new Uint8Array(chunk));
      },
      cancel() {
        input.destroy();
      },
    },
    // Pulled only when the guest reads: nothing is read ahead of it.
    { highWaterMark: 0 },
  );
}

/** The next chunk of `input` once there is one, or null at its end. */
function nextChunk(input) {
  return new Promise((resolve, reject) => {
    const done = () => {
      input.off('readable', readable);
      input.off('end', ended);
      input.off('error', reject);
    };
    const readable = () => {
      const data = input.read();
      if (data !== null) {
        done();
        resolve(data);
      }
    };
    const ended = () => {
      done();
      resolve(null);
    };
    input.on('readable', readable);
    input.on('end', ended);
    input.on('error', reject);
    readable();
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // Terrarium's own errors and a misused argument (a malformed oci:// reference) in one line; a
    // bug of ours with its stack.
    if (error instanceof TerrariumError) console.error(`terrarium: ${error.kind}: ${error.message}`);
    else if (error instanceof TypeError) console.error(`terrarium: ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  },
);
