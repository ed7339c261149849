#!/usr/bin/env node
// Builds the test guest components into dist/components/<name>.wasm:
//
// 1. the Rust crates in tests/guests (their own cargo workspace); rustc's
//    wasm32-wasip2 target links a component directly. Guests use their own
//    target dir (target/guests) so their builds never invalidate the host's;
// 2. the hand-written components in tests/guests/wat/*.wat (`wasm-tools parse`):
//    the only guests using the utf16 and latin1+utf16 string encodings;
// 3. compositions of those (`wac plug`): one component made of several;
// 4. host-core's WAT fixtures that plan (those with a .plan.json) into
//    dist/components/fixtures/, for the Node tests that run them: assembled by
//    host-core's `wat` example, whose wat crate knows `map` and `list<T, N>`.
//
// Steps 2 and 3 redo an output only when it is older than one of its inputs,
// and cargo leaves unchanged artifacts alone, so a second run takes as long as
// cargo's no-op check.
//
// Usage: node scripts/build-guests.mjs [--rust-only]   (works from any cwd)
//   --rust-only: step 1 only, what the demo site shows (no wasm-tools or wac needed)

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
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
  "bench-resource": "bench_resource.wasm",
  types: "types.wasm",
  hello: "hello.wasm",
  "exit-code": "exit_code.wasm",
  trap: "trap.wasm",
  "wasi-sockets": "wasi-sockets.wasm",
  resources: "resources.wasm",
  names: "names.wasm",
  greeter: "greeter.wasm",
  "strings-client": "strings_client.wasm",
  "wasi-fs": "wasi-fs.wasm",
  "wasi-clocks": "wasi-clocks.wasm",
  "wasi-poll": "wasi-poll.wasm",
  "wasi-stdin": "wasi-stdin.wasm",
  "wasi-http": "wasi-http.wasm",
  "wasi-config": "wasi-config.wasm",
  "wasi-p3": "wasi_p3.wasm",
  "async-calls": "async_calls.wasm",
  "async-client": "async_client.wasm",
  "async-streams": "async_streams.wasm",
  "stream-relay": "stream_relay.wasm",
  "http-handler": "http_handler.wasm",
  "http-handler-p3": "http_handler_p3.wasm",
  "cli-p3": "cli_p3.wasm",
};

// Composition -> [socket, ...plugs] (names in dist/components), in build order:
// `wac plug socket --plug plug…` fills the socket's imports with the plugs' exports.
const compositions = {
  // Rust + Rust: a resource, records, lists and strings cross between the two.
  "greeter-names": ["greeter", "names"],
  // utf8 (Rust) calling utf16 and latin1+utf16 (WAT).
  "client-utf16": ["strings-client", "echo-utf16"],
  "client-latin1": ["strings-client", "echo-latin1"],
  // WAT + WAT: latin1+utf16 calling utf16, and utf16 calling latin1+utf16.
  "relay-latin1-utf16": ["relay-latin1", "echo-utf16"],
  "relay-utf16-latin1": ["relay-utf16", "echo-latin1"],
  // Three components, three encodings: utf8 -> latin1+utf16 -> utf16.
  "client-chain": ["strings-client", "relay-latin1-utf16"],
  // Rust + Rust, component-model async: async calls between the two (wit-bindgen's async support).
  "async-client-calls": ["async-client", "async-calls"],
  // Rust + Rust: streams and futures handed between the two, copied memory to memory.
  "stream-relay-streams": ["stream-relay", "async-streams"],
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
  if (!fresh(to, [from])) copyFileSync(from, to);
  report(to);
}

if (process.argv.includes("--rust-only")) process.exit(0);

// Hand-written components.
const watDir = join(guestsDir, "wat");
for (const file of readdirSync(watDir).filter((f) => f.endsWith(".wat")).sort()) {
  const from = join(watDir, file);
  const to = join(outDir, file.replace(/\.wat$/, ".wasm"));
  if (!fresh(to, [from])) tool("wasm-tools", ["parse", from, "-o", to]);
  report(to);
}

// host-core's fixtures, in one cargo run for all the stale ones.
const fixturesDir = join(root, "host-core", "tests", "fixtures");
const fixturesOut = join(outDir, "fixtures");
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".plan.json"))
  .map((f) => ({ from: join(fixturesDir, f.replace(/\.plan\.json$/, ".wat")), to: join(fixturesOut, f.replace(/\.plan\.json$/, ".wasm")) }))
  .sort((a, b) => a.from.localeCompare(b.from));
const stale = fixtures.filter(({ from, to }) => !fresh(to, [from]));
if (stale.length > 0) {
  tool("cargo", ["run", "--quiet", "-p", "terrarium-host-core", "--example", "wat", "--", fixturesOut, ...stale.map((f) => f.from)]);
}
for (const { to } of fixtures) report(to);

// Compositions.
for (const [name, [socket, ...plugs]] of Object.entries(compositions)) {
  const inputs = [socket, ...plugs].map((n) => join(outDir, `${n}.wasm`));
  for (const input of inputs) if (!existsSync(input)) fail(`composition ${name}: missing ${relative(root, input)}`);
  const to = join(outDir, `${name}.wasm`);
  // This script is an input too: it says what plugs into what.
  if (!fresh(to, [...inputs, fileURLToPath(import.meta.url)])) {
    tool("wac", ["plug", inputs[0], ...inputs.slice(1).flatMap((p) => ["--plug", p]), "-o", to]);
  }
  report(to);
}

/** Whether `out` exists and is at least as new as every one of `inputs`. */
function fresh(out, inputs) {
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  return inputs.every((input) => statSync(input).mtimeMs <= built);
}

function tool(cmd, toolArgs) {
  const r = spawnSync(cmd, toolArgs, { cwd: root, stdio: "inherit" });
  if (r.error) fail(`could not run ${cmd} (npm run setup installs it): ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${toolArgs.join(" ")} exited with ${r.status ?? r.signal}`);
}

function report(file) {
  console.log(`build-guests: ${relative(root, file)} (${statSync(file).size} bytes)`);
}
