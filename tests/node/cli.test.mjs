// The `terrarium run` command: stdin streamed to the guest as it arrives (not read whole first),
// `--env`, arguments after `--`, and usage errors; a WASI 0.3 command (cli-p3) as a 0.2 one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { componentsDir } from './support.mjs';

const cli = fileURLToPath(new URL('../../js/cli.js', import.meta.url));

test('stdin reaches the guest as it arrives: a line is echoed before the next one is written', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, [cli, 'run', '--env', 'EXPECT=first\nsecond\n', `${componentsDir}wasi-stdin.wasm`, 'lines']);
  let out = '';
  const seen = (text) =>
    new Promise((resolve) => {
      const look = () => out.includes(text) && (child.stdout.off('data', look), resolve());
      child.stdout.on('data', (d) => {
        out += d;
        look();
      });
      look();
    });
  child.stdin.write('first\n');
  // The guest answers the first line while stdin is still open: had the command read stdin to
  // its end first, this would never come.
  await seen('line: first\n');
  assert.doesNotMatch(out, /second/);
  child.stdin.end('second\n');
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(out, 'line: first\nline: second\nok lines read everything\n1 passed, 0 failed\n');
  assert.equal(code, 0);
});

test('--env sets a variable; arguments after `--` reach the guest as they are', () => {
  const r = spawnSync(process.execPath, [cli, 'run', '--env', 'A=from the flag', `${componentsDir}hello.wasm`, '--', '--not-an-option', 'x'], {
    encoding: 'utf8',
    input: '',
    env: { ...process.env, A: 'from the environment' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^arg: --not-an-option$/m);
  assert.match(r.stdout, /^arg: x$/m);
  assert.match(r.stdout, /^env A=from the flag$/m);
  // Without the flag the environment is passed through.
  const inherited = spawnSync(process.execPath, [cli, 'run', `${componentsDir}hello.wasm`], {
    encoding: 'utf8',
    input: '',
    env: { ...process.env, A: 'from the environment' },
  });
  assert.match(inherited.stdout, /^env A=from the environment$/m);
});

test('a WASI 0.3 command: stdin streamed to it as it arrives, stdout and stderr through streams, exit codes', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, [cli, 'run', `${componentsDir}cli-p3.wasm`, 'one', 'two']);
  let out = '';
  const firstEchoed = new Promise((resolve) =>
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('FIRST\n')) resolve();
    }),
  );
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdin.write('first\n');
  // Upper-cased while stdin is still open: the guest's read-via-stream got the line as it came.
  await firstEchoed;
  child.stdin.end('second\n');
  assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0);
  assert.equal(out, 'FIRST\nSECOND\n');
  assert.equal(err, `args: ${componentsDir}cli-p3.wasm one two\n`);
  const exit = (env) => spawnSync(process.execPath, [cli, 'run', '--env', env, `${componentsDir}cli-p3.wasm`], { encoding: 'utf8', input: 'x' });
  assert.equal(exit('EXIT_CODE=7').status, 7, 'exit-with-code');
  assert.equal(exit('FAIL=1').status, 1, 'run returned err');
  assert.equal(exit('EXIT_CODE=0').stdout, 'X');
});

test('a malformed option is a usage error before anything loads', () => {
  for (const words of [['--nope', 'x.wasm'], ['--env', 'NOEQUALS', 'x.wasm'], ['--env'], ['--dir']]) {
    const r = spawnSync(process.execPath, [cli, 'run', ...words], { encoding: 'utf8', input: '' });
    assert.equal(r.status, 2, words.join(' '));
    assert.match(r.stderr, /^usage:\n {2}terrarium run \[--env K=V\]\.\.\. \[--dir HOST\[::GUEST\]\]\.\.\. <component\.wasm> \[--\] \[args\.\.\.\]/);
  }
});
