#!/usr/bin/env node
// Builds the model components from models/llama (a member of the root cargo workspace) for
// wasm32-wasip2, three times, into dist/components/:
//
//   llama-relaxed.wasm RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd": f32x4.relaxed_madd
//                      and the relaxed int8 dot product (for engines with relaxed SIMD)
//   llama.wasm         RUSTFLAGS="-C target-feature=+simd128": the f32x4 kernels
//   llama-scalar.wasm  no simd128: the scalar kernels
//
// with the `model` profile (release at opt-level 3, from the root Cargo.toml) in their own target
// dir (target/models, or models/ under $CARGO_TARGET_DIR when that is set), so these builds and
// the web crate's never invalidate each other. Cargo keeps the dependencies of the builds apart (RUSTFLAGS are part of their hash); only the
// component's own crate is recompiled when switching, about a second.
//
// Skipped, without running cargo, when all outputs are newer than every input (models/llama's
// Cargo.toml, src/ and wit/; the root Cargo.toml, Cargo.lock and rust-toolchain.toml; this script).
//
// Usage: node scripts/build-models.mjs [--force]   (works from any cwd)

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const crateDir = join(root, 'models', 'llama');
const targetDir = join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'models');
const outDir = join(root, 'dist', 'components');
const target = 'wasm32-wasip2';
const profile = 'model';
const built = join(targetDir, target, profile, 'llama.wasm');

const builds = [
  { out: 'llama-relaxed.wasm', rustflags: '-C target-feature=+simd128,+relaxed-simd', kernel: 'relaxed-simd' },
  { out: 'llama.wasm', rustflags: '-C target-feature=+simd128', kernel: 'simd' },
  { out: 'llama-scalar.wasm', rustflags: '', kernel: 'scalar' },
];

function fail(msg) {
  console.error(`build-models: ${msg}`);
  process.exit(1);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest mtime among the build's inputs, and which file it is. */
function newestInput() {
  let newest = { time: 0, path: '' };
  const consider = (path) => {
    const t = mtime(path);
    if (t > newest.time) newest = { time: t, path };
  };
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else consider(p);
    }
  };
  for (const f of ['Cargo.toml', 'Cargo.lock', 'rust-toolchain.toml']) consider(join(root, f));
  consider(join(crateDir, 'Cargo.toml'));
  walk(join(crateDir, 'src'));
  walk(join(crateDir, 'wit'));
  consider(fileURLToPath(import.meta.url));
  return newest;
}

const force = process.argv.includes('--force');
const outputs = builds.map((b) => join(outDir, b.out));
const input = newestInput();
const oldestOutput = Math.min(...outputs.map(mtime));
if (!force && oldestOutput > 0 && oldestOutput >= input.time) {
  console.log(`build-models: ${builds.map((b) => b.out).join(', ')} up to date`);
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
for (const b of builds) {
  const args = ['build', '-p', 'terrarium-llama', '--profile', profile, '--target', target];
  console.log(`build-models: ${b.out} (${b.kernel}): RUSTFLAGS="${b.rustflags}" cargo ${args.join(' ')}`);
  const env = { ...process.env, CARGO_TARGET_DIR: targetDir, RUSTFLAGS: b.rustflags };
  delete env.CARGO_ENCODED_RUSTFLAGS; // it would win over RUSTFLAGS
  const started = Date.now();
  const r = spawnSync('cargo', args, { cwd: root, stdio: 'inherit', env });
  if (r.error) fail(`could not run cargo: ${r.error.message}`);
  if (r.status !== 0) fail(`cargo exited with ${r.status ?? r.signal}`);
  if (!existsSync(built)) fail(`cargo did not produce ${relative(root, built)}`);
  // Copied every time (even when cargo had nothing to do) so the output is newer than the inputs.
  const to = join(outDir, b.out);
  copyFileSync(built, to);
  console.log(`build-models: ${relative(root, to)} (${statSync(to).size} bytes, ${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
