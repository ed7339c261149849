#!/usr/bin/env node
// Builds the test guest components in tests/guests (their own cargo workspace)
// and copies each one to dist/components/<name>.wasm.
//
// Usage: node scripts/build-guests.mjs   (works from any cwd)
//
// rustc's wasm32-wasip2 target links a component directly, so no other
// tooling is needed. Guests use their own target dir (target/guests) so their
// builds never invalidate the host's.

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const guestsDir = join(root, "tests", "guests");
const targetDir = join(root, "target", "guests");
const outDir = join(root, "dist", "components");
const target = "wasm32-wasip2";

// Crate name -> artifact file name (cargo turns `-` into `_` for libraries).
const guests = {
  bench: "bench.wasm",
  types: "types.wasm",
  hello: "hello.wasm",
  "exit-code": "exit_code.wasm",
  trap: "trap.wasm",
  "wasi-sockets": "wasi-sockets.wasm",
};

function fail(msg) {
  console.error(`build-guests: ${msg}`);
  process.exit(1);
}

const args = ["build", "--release", "--locked", "--target", target];
console.log(`build-guests: cargo ${args.join(" ")}  (in ${relative(root, guestsDir)}, CARGO_TARGET_DIR=${relative(root, targetDir)})`);
const started = Date.now();
const res = spawnSync("cargo", args, {
  cwd: guestsDir,
  stdio: "inherit",
  env: { ...process.env, CARGO_TARGET_DIR: targetDir },
});
if (res.error) fail(`could not run cargo: ${res.error.message}`);
if (res.status !== 0) fail(`cargo exited with ${res.status ?? res.signal}`);
console.log(`build-guests: cargo finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);

mkdirSync(outDir, { recursive: true });
for (const [name, file] of Object.entries(guests)) {
  const from = join(targetDir, target, "release", file);
  if (!existsSync(from)) fail(`missing build output ${relative(root, from)}`);
  const to = join(outDir, `${name}.wasm`);
  copyFileSync(from, to);
  console.log(`build-guests: ${relative(root, to)} (${statSync(to).size} bytes)`);
}
