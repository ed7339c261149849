#!/usr/bin/env node
// `npm start`: sets up only what the demo site needs (not the tools the tests use), builds the
// package, the sample components and the model, and serves the site. Each step prints one line;
// its full output only if it fails.
//
// Usage: node scripts/start.mjs [--port N]   (the port as for scripts/serve.mjs; default 8080)

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;

const STEPS = [
  { what: 'set-up (Rust targets, wasm-bindgen-cli, npm packages)', cmd: 'bash', args: ['scripts/setup.sh'] },
  { what: 'the package (the engine wasm and the bundle)', cmd: node, args: ['scripts/build.mjs'] },
  { what: 'the sample components', cmd: node, args: ['scripts/build-guests.mjs', '--rust-only'] },
  { what: 'the Llama model component', cmd: node, args: ['scripts/build-models.mjs'] },
];

/** Runs one step with its output kept, resolving to [exit code, output]. */
function quietly(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('error', (error) => resolve([1, Buffer.from(String(error))]));
    child.on('close', (code) => resolve([code ?? 1, Buffer.concat(output)]));
  });
}

for (const step of STEPS) {
  const started = Date.now();
  process.stdout.write(`start: ${step.what} … `);
  const [code, output] = await quietly(step.cmd, step.args);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    process.stdout.write(`failed after ${seconds} s:\n`);
    process.stdout.write(output);
    process.exit(code);
  }
  process.stdout.write(`ok (${seconds} s)\n`);
}

const serve = spawn(node, ['scripts/serve.mjs', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => serve.kill(signal));
serve.on('exit', (code) => process.exit(code ?? 0));
