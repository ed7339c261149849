// The playground (demo-site/index.html) driven like a user would: pick samples, fill forms, click.
// Each view is screenshotted into test-results/ and checked not to be blank.

import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { screenshot } from './support.mjs';

const typesWasm = fileURLToPath(new URL('../dist/components/types.wasm', import.meta.url));
const namesWasm = fileURLToPath(new URL('../dist/components/names.wasm', import.meta.url));

test.use({ viewport: { width: 1280, height: 900 } });

let problems;

test.beforeEach(async ({ page }) => {
  problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'idle');
});

test.afterEach(() => {
  expect(problems).toEqual([]);
});

/** Clicks a sample and waits until the playground shows it. */
async function pick(page, name) {
  await page.getByTestId(`sample-${name}`).click();
  await expect(page.getByTestId('component-name')).toHaveText(name);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
}

test('the start page: header, feature badges, samples and the drop zone', async ({ page }) => {
  await expect(page.locator('h1')).toHaveText('Terrarium');
  await expect(page.locator('.tagline')).toBeVisible();
  const badges = page.getByTestId('features').locator('li');
  // One badge per entry of Terrarium's `features` (simd, jspi, …).
  const featureCount = await page.evaluate(async () => Object.keys((await import('/dist/terrarium.js')).features).length);
  expect(featureCount).toBeGreaterThanOrEqual(6);
  await expect(badges).toHaveCount(featureCount);
  await expect(page.getByTestId('feature-simd')).toHaveAttribute('data-supported', 'true');
  await expect(page.getByTestId('llama-link')).toBeVisible();
  await expect(page.getByTestId('llama-link')).toHaveAttribute('href', '/demo-site/llama.html');
  for (const name of ['bench', 'types', 'hello', 'exit-code', 'trap', 'llama']) {
    await expect(page.getByTestId(`sample-${name}`)).toBeVisible();
  }
  await expect(page.getByTestId('drop-zone')).toContainText('.wasm');
  await expect(page.getByTestId('llama-banner')).toHaveAttribute('href', '/demo-site/llama.html');
  await expect(page.getByTestId('component')).toBeHidden();
  await screenshot(page, expect, 'playground-start');
});

test('bench: WIT, size, imports, exports; add(2, 3) is 5; the host import is logged', async ({ page }) => {
  await pick(page, 'bench');
  const wit = page.getByTestId('wit');
  await expect(wit).toContainText(/world \S+ \{/);
  await expect(wit).toContainText('export example:bench/api@0.1.0;');
  await expect(wit).toContainText('add: func(a: u32, b: u32) -> u32;');
  await expect(page.getByTestId('component-size')).toContainText('bytes');
  await expect(page.getByTestId('component-kind')).toHaveText('library');
  await expect(page.getByTestId('exports')).toContainText('example:bench/api@0.1.0');
  await expect(page.getByTestId('imports')).toContainText('example:bench/host@0.1.0');
  await expect(page.getByTestId('imports')).toContainText('host stub');
  await expect(page.getByTestId('instance-status')).toContainText('live');

  await page.getByTestId('param-api-add-a').fill('2');
  await page.getByTestId('param-api-add-b').fill('3');
  await page.getByTestId('call-api-add').click();
  await expect(page.getByTestId('result-api-add')).toHaveText('5');
  await expect(page.getByTestId('outcome-api-add')).toHaveAttribute('data-status', 'ok');

  await page.getByTestId('param-api-call-host-msg').fill('hello, host');
  await page.getByTestId('call-api-call-host').click();
  await expect(page.getByTestId('outcome-api-call-host')).toHaveAttribute('data-status', 'ok');
  const calls = page.getByTestId('host-call');
  await expect(calls).toHaveCount(1);
  await expect(calls.first()).toContainText('log("hello, host")');
  await expect(calls.first()).toContainText('example:bench/host@0.1.0');

  await page.getByTestId('param-api-echo-string-s').fill('𝄞 and 🎉');
  await page.getByTestId('call-api-echo-string').click();
  await expect(page.getByTestId('result-api-echo-string')).toHaveText('"𝄞 and 🎉"');

  // list<u8> as JSON, u64 result shown as a BigInt.
  await page.getByTestId('param-api-sum-bytes-data').fill('[1, 2, 3, 250]');
  await page.getByTestId('call-api-sum-bytes').click();
  await expect(page.getByTestId('result-api-sum-bytes')).toHaveText('256n');

  // A bad argument is reported readably, and the instance is unharmed.
  await page.getByTestId('param-api-add-a').fill('-1');
  await page.getByTestId('call-api-add').click();
  await expect(page.getByTestId('outcome-api-add')).toHaveAttribute('data-status', 'error');
  await expect(page.getByTestId('outcome-api-add')).toContainText('RangeError');
  await expect(page.getByTestId('instance-status')).toContainText('live');
  await page.getByTestId('param-api-add-a').fill('40');
  await page.getByTestId('param-api-add-b').fill('2');
  await page.getByTestId('call-api-add').click();
  await expect(page.getByTestId('result-api-add')).toHaveText('42');
  await screenshot(page, expect, 'playground-bench');
});

test('hello: args, env and stdin in; stdout, stderr and exit code 0 out', async ({ page }) => {
  await pick(page, 'hello');
  await expect(page.getByTestId('component-kind')).toHaveText('command');
  await expect(page.getByTestId('command-panel')).toBeVisible();
  await expect(page.getByTestId('functions-panel')).toBeHidden();
  await page.getByTestId('run-args').fill('x "y z"');
  await page.getByTestId('run-env').fill('A=1\nB=two');
  await page.getByTestId('run-stdin').fill('piped in');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('exit-code')).toHaveText('exit code 0');
  await expect(page.getByTestId('exit-code')).toHaveAttribute('data-code', '0');
  const terminal = page.getByTestId('terminal');
  await expect(terminal.locator('.stdout').first()).toContainText('hello from wasi\narg: hello\narg: x\narg: y z\nenv A=1\n');
  await expect(terminal).toContainText('stdin: piped in');
  await expect(terminal.locator('.stderr')).toHaveText('to stderr\n');
  await screenshot(page, expect, 'playground-hello');

  // `exit 3` gives 1 (Rust's process::exit maps non-zero to exit(err)); a panic is a trap.
  await page.getByTestId('run-args').fill('exit 3');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('exit-code')).toHaveAttribute('data-code', '1');
  await page.getByTestId('run-args').fill('panic');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('exit-code')).toHaveText('trapped');
  await expect(page.getByTestId('run-error')).toHaveAttribute('data-kind', 'trap');
  await expect(terminal).toContainText('panic requested');
});

test('exit-code: Run shows exit code 42', async ({ page }) => {
  await pick(page, 'exit-code');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('exit-code')).toHaveText('exit code 42');
  await expect(page.getByTestId('exit-code')).toHaveAttribute('data-code', '42');
});

test('a .wasm from the file input: types shows its exports and takes JSON arguments', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles(typesWasm);
  await expect(page.getByTestId('component-name')).toHaveText('types.wasm');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  const exportsList = page.getByTestId('exports');
  await expect(exportsList).toContainText('example:types/roundtrip@0.1.0');
  await expect(exportsList).toContainText('version');
  await expect(exportsList).toContainText('echo-mixed');
  await expect(page.getByTestId('imports')).toContainText('example:types/host-values@0.1.0');
  await expect(page.getByTestId('imports')).toContainText('get-seed');
  await expect(page.getByTestId('wit')).toContainText('record mixed {');

  await page.getByTestId('call-version').click();
  await expect(page.getByTestId('result-version')).toHaveText('"0.1.0"');

  // 64-bit values: plain digits in, BigInt out.
  await page.getByTestId('param-roundtrip-echo-u64-v').fill('18446744073709551615');
  await page.getByTestId('call-roundtrip-echo-u64').click();
  await expect(page.getByTestId('result-roundtrip-echo-u64')).toHaveText('18446744073709551615n');

  // A record as JSON (unquoted keys, a BigInt-free record).
  await page.getByTestId('param-roundtrip-echo-point-v').fill('{x: -1, y: 2, label: "p"}');
  await page.getByTestId('call-roundtrip-echo-point').click();
  await expect(page.getByTestId('result-roundtrip-echo-point')).toHaveText('{ x: -1, y: 2, label: "p" }');

  // Enums as a select, flags as checkboxes, variants as {tag, val}.
  await page.getByTestId('param-roundtrip-echo-color-v').selectOption('blue-ish');
  await page.getByTestId('call-roundtrip-echo-color').click();
  await expect(page.getByTestId('result-roundtrip-echo-color')).toHaveText('"blue-ish"');
  await page.getByTestId('param-roundtrip-echo-permissions-v-exec').check();
  await page.getByTestId('call-roundtrip-echo-permissions').click();
  await expect(page.getByTestId('result-roundtrip-echo-permissions')).toHaveText('{ read: false, write: false, exec: true }');
  await page.getByTestId('param-roundtrip-echo-payload-v').fill('{tag: "big", val: 123n}');
  await page.getByTestId('call-roundtrip-echo-payload').click();
  await expect(page.getByTestId('result-roundtrip-echo-payload')).toHaveText('{ tag: "big", val: 123n }');
  await page.getByTestId('param-roundtrip-echo-bytes-v').fill('[0, 1, 255]');
  await page.getByTestId('call-roundtrip-echo-bytes').click();
  await expect(page.getByTestId('result-roundtrip-echo-bytes')).toHaveText('[0, 1, 255]');

  // An err result is shown as the component's err value, not as a crash.
  await page.getByTestId('param-roundtrip-echo-result-v').fill('{tag: "err", val: "bad"}');
  await page.getByTestId('call-roundtrip-echo-result').click();
  await expect(page.getByTestId('outcome-roundtrip-echo-result')).toHaveAttribute('data-kind', 'err');
  await expect(page.getByTestId('result-roundtrip-echo-result')).toHaveText('"bad"');

  // Host imports are stubbed and logged: make-point returns a zero point.
  await page.getByTestId('param-roundtrip-call-make-point-x').fill('3');
  await page.getByTestId('param-roundtrip-call-make-point-y').fill('4');
  await page.getByTestId('call-roundtrip-call-make-point').click();
  await expect(page.getByTestId('result-roundtrip-call-make-point')).toHaveText('{ x: 0, y: 0, label: "" }');
  await expect(page.getByTestId('host-call').last()).toContainText('make-point(3, 4)');
  await page.getByTestId('call-roundtrip-call-get-seed').click();
  await expect(page.getByTestId('result-roundtrip-call-get-seed')).toHaveText('0n');
  await expect(page.getByTestId('host-call').last()).toContainText('get-seed()');

  // Bad JSON is a readable SyntaxError naming the parameter.
  await page.getByTestId('param-roundtrip-echo-point-v').fill('{x: 1,');
  await page.getByTestId('call-roundtrip-echo-point').click();
  await expect(page.getByTestId('outcome-roundtrip-echo-point')).toHaveAttribute('data-kind', 'SyntaxError');
  await expect(page.getByTestId('result-roundtrip-echo-point')).toContainText('`v`');

  await page.getByTestId('outcome-roundtrip-echo-result').scrollIntoViewIfNeeded();
  await screenshot(page, expect, 'playground-types');
});

test('a file that is not a component gets a readable load error', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles({ name: 'junk.wasm', mimeType: 'application/wasm', buffer: Buffer.from('definitely not wasm') });
  const error = page.getByTestId('load-error');
  await expect(error).toHaveAttribute('data-kind', 'malformed');
  await expect(error).toContainText('junk.wasm');
  await expect(page.getByTestId('component')).toBeHidden();
  await screenshot(page, expect, 'playground-load-error');
  // And the page goes on.
  await pick(page, 'bench');
  await expect(page.getByTestId('status')).toBeHidden();
});

test('trap: boom is a readable trap, the instance is dead, a new one works, the page goes on', async ({ page }) => {
  await pick(page, 'trap');
  await page.getByTestId('call-api-ok').click();
  await expect(page.getByTestId('result-api-ok')).toHaveText('7');

  await page.getByTestId('call-api-boom').click();
  const outcome = page.getByTestId('outcome-api-boom');
  await expect(outcome).toHaveAttribute('data-kind', 'trap');
  await expect(outcome.locator('.kind')).toHaveText('trap');
  await expect(page.getByTestId('result-api-boom')).toContainText('trap in `example:trap/api#boom`');
  await expect(page.getByTestId('instance-status')).toContainText('dead');
  await expect(page.getByTestId('console')).toContainText('boom');

  await page.getByTestId('call-api-ok').click();
  await expect(page.getByTestId('outcome-api-ok')).toHaveAttribute('data-kind', 'dead');
  await screenshot(page, expect, 'playground-trap');

  await page.getByTestId('new-instance').click();
  await expect(page.getByTestId('instance-status')).toContainText('#2');
  await expect(page.getByTestId('instance-status')).toContainText('live');
  await page.getByTestId('call-api-ok').click();
  await expect(page.getByTestId('result-api-ok')).toHaveText('7');

  // quit(5) is an exit, not a trap.
  await page.getByTestId('param-api-quit-code').fill('5');
  await page.getByTestId('call-api-quit').click();
  await expect(page.getByTestId('outcome-api-quit')).toHaveAttribute('data-kind', 'exit');

  // The page still works: another component, another call.
  await pick(page, 'bench');
  await page.getByTestId('param-api-add-a').fill('2');
  await page.getByTestId('param-api-add-b').fill('3');
  await page.getByTestId('call-api-add').click();
  await expect(page.getByTestId('result-api-add')).toHaveText('5');
});

test('a sample named in the URL hash opens on load', async ({ page }) => {
  await page.goto('/#trap');
  await expect(page.getByTestId('component-name')).toHaveText('trap');
  await expect(page.getByTestId('sample-trap')).toHaveAttribute('aria-pressed', 'true');
});

test('every field starts with a valid example: a first Call on each form succeeds without typing', async ({ page }) => {
  await pick(page, 'bench');
  await page.getByTestId('call-api-add').click();
  await expect(page.getByTestId('result-api-add')).toHaveText('0');
  await page.getByTestId('call-api-sum-bytes').click();
  await expect(page.getByTestId('result-api-sum-bytes')).toHaveText('0n');

  await pick(page, 'types');
  const forms = page.locator('#functions form.fn');
  const count = await forms.count();
  expect(count).toBeGreaterThan(30);
  let numeric = 0;
  for (let i = 0; i < count; i++) {
    const form = forms.nth(i);
    numeric += await form.locator('input[inputmode=decimal]').count();
    await form.getByRole('button', { name: 'Call' }).click();
    await expect(form.locator('.outcome'), await form.getAttribute('data-function')).toHaveAttribute('data-status', 'ok');
  }
  // sum-many alone has 18 numeric fields, all starting at 0.
  expect(numeric).toBeGreaterThanOrEqual(18);
  await expect(page.getByTestId('result-roundtrip-sum-many')).toHaveText('0');
  await expect(page.getByTestId('result-roundtrip-echo-s8')).toHaveText('0');

  await pick(page, 'trap');
  await page.getByTestId('call-api-quit').click();
  // quit(0) runs, and exits: not "needs a u32".
  await expect(page.getByTestId('outcome-api-quit')).toHaveAttribute('data-kind', 'exit');
});

test('error kinds keep their case: a bad argument shows SyntaxError', async ({ page }) => {
  await pick(page, 'bench');
  await page.getByTestId('param-api-add-a').fill('1 2');
  await page.getByTestId('call-api-add').click();
  const kind = page.getByTestId('outcome-api-add').locator('.kind');
  // innerText, so a CSS text-transform would show.
  await expect(kind).toHaveText('SyntaxError', { useInnerText: true });
});

test('resources: members read as JS calls them; a constructed handle is listed with its methods, which call it', async ({ page }) => {
  await page.getByTestId('file-input').setInputFiles(namesWasm);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  const members = page.getByTestId('exports').locator('.members');
  await expect(members).toContainText('new Name, Name.full, Name.parts, Name.greeting, Name.rename, Name.join, Name.upper, describe');
  await expect(members).not.toContainText('[');
  await expect(page.getByTestId('fn-names-name-new').locator('.fn-name')).toHaveText('new Name');
  await expect(page.getByTestId('fn-names-name-join').locator('.fn-name')).toHaveText('Name.join');
  await expect(page.getByTestId('resource-note')).toContainText('exports.names.Name');

  await page.getByTestId('param-names-name-new-full').fill('Ada Lovelace');
  await page.getByTestId('call-names-name-new').click();
  await expect(page.getByTestId('result-names-name-new')).toHaveText('Name');
  const handle = page.getByTestId('outcome-names-name-new').getByTestId('handle');
  await expect(handle).toHaveCount(1);
  await expect(handle.locator('.handle-head')).toContainText('Name #1');
  await expect(handle.locator('.fn-name')).toHaveText(['Name.full', 'Name.parts', 'Name.greeting', 'Name.rename']);

  await page.getByTestId('call-name-1-full').click();
  await expect(page.getByTestId('result-name-1-full')).toHaveText('"Ada Lovelace"');
  await page.getByTestId('call-name-1-parts').click();
  await expect(page.getByTestId('result-name-1-parts')).toHaveText('["Ada", "Lovelace"]');
  // The handle keeps its state between calls: rename it, read it back.
  await page.getByTestId('param-name-1-rename-full').fill('Grace Hopper');
  await page.getByTestId('call-name-1-rename').click();
  await expect(page.getByTestId('outcome-name-1-rename')).toHaveAttribute('data-status', 'ok');
  await page.getByTestId('call-name-1-full').click();
  await expect(page.getByTestId('result-name-1-full')).toHaveText('"Grace Hopper"');
  // A method's submit does not also call the constructor whose result holds it.
  await expect(page.getByTestId('outcome-names-name-new').getByTestId('handle')).toHaveCount(1);
  await page.getByTestId('call-names-live').click();
  await expect(page.getByTestId('result-names-live')).toHaveText('1');
  await handle.scrollIntoViewIfNeeded();
  await screenshot(page, expect, 'playground-resources');
});

test('arguments, environment and stdin belong to their component: another starts empty, switching back restores them', async ({ page }) => {
  await pick(page, 'hello');
  await page.getByTestId('run-args').fill('x "y z"');
  await page.getByTestId('run-env').fill('A=1');
  await page.getByTestId('run-stdin').fill('piped in');

  await pick(page, 'exit-code');
  for (const field of ['run-args', 'run-env', 'run-stdin']) await expect(page.getByTestId(field)).toHaveValue('');
  await page.getByTestId('run-args').fill('only for exit-code');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('exit-code')).toHaveText('exit code 42');

  await pick(page, 'hello');
  await expect(page.getByTestId('run-args')).toHaveValue('x "y z"');
  await expect(page.getByTestId('run-env')).toHaveValue('A=1');
  await expect(page.getByTestId('run-stdin')).toHaveValue('piped in');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('terminal')).toContainText('arg: y z\nenv A=1\n');
  await expect(page.getByTestId('terminal')).toContainText('stdin: piped in');
  await pick(page, 'exit-code');
  await expect(page.getByTestId('run-args')).toHaveValue('only for exit-code');
});

test('on a phone (390×844): no page-wide horizontal scroll, the exports on the first screen, the size on one line', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const noOverflow = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  expect(await noOverflow()).toBe(true);
  // The sample cards leave room below them on the first screen.
  const dropZone = await page.getByTestId('drop-zone').boundingBox();
  expect(dropZone.y + dropZone.height).toBeLessThan(700);

  // types has the longest WIT lines: the WIT block scrolls inside itself.
  for (const name of ['bench', 'types']) {
    await pick(page, name);
    expect(await noOverflow()).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    const exportsTop = (await page.getByTestId('functions-panel').boundingBox()).y;
    expect(exportsTop).toBeLessThan(844);
    const size = page.getByTestId('component-size');
    const { height, lineHeight } = await size.evaluate((element) => ({
      height: element.getBoundingClientRect().height,
      lineHeight: Number.parseFloat(getComputedStyle(element).lineHeight),
    }));
    expect(height).toBeLessThan(lineHeight * 1.5);
  }
  const wit = page.getByTestId('wit');
  expect(await wit.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);

  // Not blank: screenshot() counts the distinct colours.
  await screenshot(page, expect, 'playground-phone');
});
