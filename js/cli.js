#!/usr/bin/env node
/**
 * The `terrarium` command: the same loader and runtime as in the page, from a terminal.
 *
 *   terrarium run <component.wasm> [args…]   run a command component; exits with its exit code
 *   terrarium wit <component.wasm>           print the component's world as WIT
 *   terrarium inspect <component.wasm>       list its imports and exports
 *   terrarium types <component.wasm> [-o f]  TypeScript declarations of its exports and imports
 */

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { load, run, TerrariumError } from './index.js';

const usage = `usage:
  terrarium run <component.wasm> [args...]   run a command component (stdio and env are passed through)
  terrarium wit <component.wasm>             print the component's world as WIT
  terrarium inspect <component.wasm>         list its imports and exports
  terrarium types <component.wasm> [-o out.d.ts]
                                             TypeScript declarations of its exports and imports (to stdout without -o)`;

async function main([command, file, ...rest]) {
  if (!command || !file || !['run', 'wit', 'inspect', 'types'].includes(command)) {
    console.error(usage);
    return 2;
  }
  const component = await load(file);
  if (command === 'wit') {
    process.stdout.write(await component.wit());
    return 0;
  }
  if (command === 'types') {
    const out = typesOutput(rest);
    if (out === undefined) {
      console.error(usage);
      return 2;
    }
    const text = await component.types({ name: path.basename(file) });
    if (out === null) process.stdout.write(text);
    else await writeFile(out, text);
    return 0;
  }
  if (command === 'inspect') {
    console.log(JSON.stringify({ size: component.byteLength, imports: component.imports, exports: component.exports }, null, 2));
    return 0;
  }
  const stdin = process.stdin.isTTY ? undefined : await readAll(process.stdin);
  const { exitCode } = await run(component, {
    args: [file, ...rest],
    env: process.env,
    stdin,
    stdout: (bytes) => process.stdout.write(bytes),
    stderr: (bytes) => process.stderr.write(bytes),
  });
  return exitCode;
}

/** `[-o file]` → the file, `[]` → null (stdout); anything else → undefined (usage). */
function typesOutput(rest) {
  if (rest.length === 0) return null;
  if (rest.length === 2 && (rest[0] === '-o' || rest[0] === '--out')) return rest[1];
  return undefined;
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof TerrariumError ? `terrarium: ${error.kind}: ${error.message}` : error);
    process.exitCode = 1;
  },
);
