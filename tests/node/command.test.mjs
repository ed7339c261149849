// Command components through `run`: stdio, args, env, exit codes; traps and exits inside exports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, run, TerrariumError } from '../../js/index.js';
import { collector, guestBytes } from './support.mjs';

const hello = await load(await guestBytes('hello'));

test('runs a command: stdout, stderr, args, env, stdin, exit code 0', async () => {
  const stdout = collector();
  const stderr = collector();
  const { exitCode } = await run(hello, {
    args: ['hello', 'x', 'y z'],
    env: { A: '1', B: 'two' },
    stdin: 'piped in',
    stdout,
    stderr,
  });
  assert.equal(exitCode, 0);
  assert.equal(
    stdout.text(),
    'hello from wasi\narg: hello\narg: x\narg: y z\nenv A=1\nstdin: piped in\n',
  );
  assert.equal(stderr.text(), 'to stderr\n');
});

test('runs from a file path too, with env as pairs', async () => {
  const stdout = collector();
  const { exitCode } = await run(new URL('../../dist/components/hello.wasm', import.meta.url), {
    env: [['A', 'pairs']],
    stdout,
    stderr: () => {},
  });
  assert.equal(exitCode, 0);
  assert.match(stdout.text(), /env A=pairs/);
});

test('exit codes: process::exit(n) gives 0 or 1 through wasi:cli/exit', async () => {
  for (const [code, expected] of [['0', 0], ['3', 1], ['1', 1]]) {
    const { exitCode } = await run(hello, { args: ['hello', 'exit', code], stdout: () => {}, stderr: () => {} });
    assert.equal(exitCode, expected, `exit ${code}`);
  }
});

test('exit-with-code(n) gives n', async () => {
  const { exitCode } = await run(await guestBytes('exit-code'), { stdout: () => {}, stderr: () => {} });
  assert.equal(exitCode, 42);
});

test('a panic rejects with a trap, after the panic message reached stderr', async () => {
  const stderr = collector();
  const error = await run(hello, { args: ['hello', 'panic'], stdout: () => {}, stderr }).then(
    () => assert.fail('ran to the end'),
    (e) => e,
  );
  assert.ok(error instanceof TerrariumError);
  assert.equal(error.kind, 'trap');
  assert.match(error.message, /wasi:cli\/run/);
  assert.match(stderr.text(), /panic requested/);
});

test('a trap kills its instance only; exit inside an export is an exit error', async () => {
  const trap = await load(await guestBytes('trap'));
  const quiet = { wasi: { stdout: () => {}, stderr: () => {} } };
  const doomed = await trap.instantiate({}, quiet);
  const bystander = await trap.instantiate({}, quiet);
  assert.equal(doomed.exports.api.ok(), 7);

  assert.throws(() => doomed.exports.api.boom(), (e) => {
    assert.ok(e instanceof TerrariumError);
    assert.equal(e.kind, 'trap');
    assert.match(e.message, /boom/);
    return true;
  });
  assert.throws(() => doomed.exports.api.ok(), (e) => e instanceof TerrariumError && e.kind === 'dead');
  assert.equal(bystander.exports.api.ok(), 7, 'another instance goes on');

  const quitter = await trap.instantiate({}, quiet);
  assert.throws(() => quitter.exports.api.quit(5), (e) => {
    assert.ok(e instanceof TerrariumError);
    assert.equal(e.kind, 'exit');
    assert.equal(e.exitCode, 1, 'process::exit(5) maps to exit(err) in Rust std');
    return true;
  });
  assert.throws(() => quitter.exports.api.ok(), (e) => e.kind === 'dead');
  assert.equal(bystander.exports.api.ok(), 7);
});

test('a user-supplied wasi interface overrides the built-in one', async () => {
  const stdout = collector();
  const { exitCode } = await run(hello, {
    args: ['ignored'],
    stdout,
    stderr: () => {},
    imports: { 'wasi:cli/environment': { getArguments: () => ['custom', 'args'] } },
  });
  assert.equal(exitCode, 0);
  assert.match(stdout.text(), /arg: custom\narg: args\n/);
});
