// The playground's file browser and command runner, driven like a user would: the `hello` sample
// imports wasi:filesystem, so the page mounts an in-memory filesystem (createFilesystem) at /data;
// a file is uploaded into it, a command reads it and writes another, the result is viewed and
// downloaded. Also: the mount point, stdin from a file, a file dropped on the browser, the
// model component as a sample (resources noted, a link to the Llama demo), and the header links.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { screenshot } from './support.mjs';

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

async function pick(page, name) {
  await page.getByTestId(`sample-${name}`).click();
  await expect(page.getByTestId('component-name')).toHaveText(name);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
}

/** Runs the command with these arguments (and stdin, when given); returns the exit code badge. */
async function runWith(page, args, stdin) {
  await page.getByTestId('run-args').fill(args);
  if (stdin !== undefined) await page.getByTestId('run-stdin').fill(stdin);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-button')).toHaveText('Run');
  await expect(page.getByTestId('exit-code')).toBeVisible();
  return page.getByTestId('exit-code');
}

const toolchainC = fileURLToPath(new URL('../dist/components/toolchain-c.wasm', import.meta.url));

const row = (page, path) => page.locator(`[data-testid="file-row"][data-path="${path}"]`);

test('hello + files: upload a file, run a command that reads it and writes another, view and download the result', async ({ page }) => {
  await pick(page, 'hello');
  const panel = page.getByTestId('files-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('mount-point')).toHaveValue('/data');
  // The sample files, and the first one shown.
  await expect(row(page, 'hello.txt')).toBeVisible();
  await expect(row(page, 'notes')).toHaveAttribute('data-type', 'directory');
  await expect(row(page, 'notes/ideas.md')).toBeVisible();
  await expect(page.getByTestId('file-view-path')).toHaveText('/data/hello.txt');
  await expect(page.getByTestId('file-content')).toContainText('Hello from the playground!');

  // Upload.
  await page.getByTestId('files-upload').setInputFiles({ name: 'story.txt', mimeType: 'text/plain', buffer: Buffer.from('once upon a time, a file.\n') });
  await expect(row(page, 'story.txt')).toBeVisible();
  await expect(row(page, 'story.txt').getByTestId('file-mark')).toHaveText('uploaded');
  await expect(page.getByTestId('file-view-path')).toHaveText('/data/story.txt');
  await expect(page.getByTestId('file-content')).toHaveText('once upon a time, a file.\n');

  // The guest lists the directory and reads the file.
  await expect(await runWith(page, 'ls /data', '')).toHaveText('exit code 0');
  const terminal = page.getByTestId('terminal');
  await expect(terminal).toContainText('story.txt');
  await expect(terminal).toContainText('notes/');
  await expect(await runWith(page, 'cat /data/story.txt')).toHaveText('exit code 0');
  await expect(terminal.locator('.stdout')).toHaveText('once upon a time, a file.\n');

  // It reads one file and writes another: the new file is marked, viewed, downloaded.
  await expect(await runWith(page, 'upper /data/story.txt /data/STORY.txt')).toHaveText('exit code 0');
  await expect(terminal).toContainText('wrote 26 bytes to /data/STORY.txt');
  await expect(row(page, 'STORY.txt').getByTestId('file-mark')).toHaveText('new');
  await row(page, 'STORY.txt').locator('.file-open').click();
  await expect(page.getByTestId('file-view-path')).toHaveText('/data/STORY.txt');
  await expect(page.getByTestId('file-content')).toHaveText('ONCE UPON A TIME, A FILE.\n');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('file-download').click()]);
  expect(download.suggestedFilename()).toBe('STORY.txt');
  expect(readFileSync(await download.path(), 'utf8')).toBe('ONCE UPON A TIME, A FILE.\n');
  await screenshot(page, expect, 'playground-files');

  // stdin into a file (from the examples), then a file changed by the guest.
  await page.locator('[data-testid="run-example"][data-args^="tee"]').click();
  await expect(page.getByTestId('run-args')).toHaveValue('tee /data/from-stdin.txt');
  await expect(page.getByTestId('run-stdin')).toHaveValue('typed into stdin\n');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('exit-code')).toHaveText('exit code 0');
  await expect(row(page, 'from-stdin.txt').getByTestId('file-mark')).toHaveText('new');
  await expect(await runWith(page, 'tee /data/story.txt', 'rewritten by the guest\n')).toHaveText('exit code 0');
  await expect(row(page, 'story.txt').getByTestId('file-mark')).toHaveText('changed');
  await row(page, 'story.txt').locator('.file-open').click();
  await expect(page.getByTestId('file-content')).toHaveText('rewritten by the guest\n');

  // Deleted from the page: the guest no longer finds it.
  await row(page, 'story.txt').getByTestId('file-delete').click();
  await expect(row(page, 'story.txt')).toHaveCount(0);
  await expect(await runWith(page, 'cat /data/story.txt')).toHaveAttribute('data-code', '1');
  await expect(terminal.locator('.stderr')).toContainText('/data/story.txt');

  // Reset brings back the sample files only.
  await page.getByTestId('files-reset').click();
  await expect(page.getByTestId('file-list').getByTestId('file-row')).toHaveCount(3);
});

test('the mount point is the guest\'s path; stdin can be a file, binary files show as hex', async ({ page }) => {
  await pick(page, 'hello');
  await page.getByTestId('mount-point').fill('/work');
  await expect(page.locator('[data-testid="run-example"][data-args^="ls"]')).toHaveAttribute('data-args', 'ls /work');
  await expect(await runWith(page, 'ls /work', '')).toHaveText('exit code 0');
  await expect(page.getByTestId('terminal')).toContainText('hello.txt');
  await expect(await runWith(page, 'ls /data')).toHaveAttribute('data-code', '1');

  const bytes = Buffer.from([0, 1, 2, 250, 251, 0x41, 0x42]);
  await page.getByTestId('stdin-file').setInputFiles({ name: 'blob.bin', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(page.getByTestId('stdin-chip')).toContainText('blob.bin · 7 bytes');
  await expect(page.getByTestId('run-stdin')).toBeHidden();
  await expect(await runWith(page, 'tee /work/copy.bin')).toHaveText('exit code 0');
  await row(page, 'copy.bin').locator('.file-open').click();
  await expect(page.getByTestId('file-view-path')).toHaveText('/work/copy.bin');
  await expect(page.getByTestId('file-content')).toHaveAttribute('data-kind', 'binary');
  await expect(page.getByTestId('file-content')).toContainText('00 01 02 fa fb 41 42');
  await expect(page.getByTestId('file-view')).toContainText('7 bytes');
  // Back to typed stdin.
  await page.getByTestId('stdin-chip').getByRole('button').click();
  await expect(page.getByTestId('run-stdin')).toBeVisible();
});

test('a file dropped on the file browser goes into the filesystem, not into the component picker', async ({ page }) => {
  await pick(page, 'hello');
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['dropped text'], 'dropped.txt', { type: 'text/plain' }));
    const target = document.querySelector('[data-testid="file-list"]');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
  await expect(row(page, 'dropped.txt')).toBeVisible();
  await expect(page.getByTestId('file-content')).toHaveText('dropped text');
  await expect(page.getByTestId('component-name')).toHaveText('hello');
  await expect(await runWith(page, 'cat /data/dropped.txt', '')).toHaveText('exit code 0');
  await expect(page.getByTestId('terminal')).toContainText('dropped text');
});

test('components without wasi:filesystem get no file browser; the files stay for the next one', async ({ page }) => {
  await pick(page, 'hello');
  await page.getByTestId('files-upload').setInputFiles({ name: 'keep.txt', mimeType: 'text/plain', buffer: Buffer.from('kept') });
  await pick(page, 'exit-code');
  await expect(page.getByTestId('files-panel')).toBeHidden();
  await expect(page.getByTestId('run-examples')).toBeHidden();
  await pick(page, 'hello');
  await expect(row(page, 'keep.txt')).toBeVisible();
});

test('the llama sample: WIT with resources, kernel() callable, and a link to the Llama demo (and back)', async ({ page }) => {
  await expect(page.getByTestId('llama-link')).toHaveAttribute('href', '/demo-site/llama.html');
  await pick(page, 'llama');
  await expect(page.getByTestId('wit')).toContainText('resource model {');
  await expect(page.getByTestId('wit')).toContainText('next-token: func() -> option<token>;');
  await expect(page.getByTestId('exports')).toContainText('terrarium:llama/llama@0.1.0');
  await expect(page.getByTestId('files-panel')).toBeHidden();
  await page.getByTestId('call-llama-kernel').click();
  await expect(page.getByTestId('result-llama-kernel')).toHaveText('"simd"');
  const note = page.getByTestId('resource-note');
  await expect(note).toContainText('exports.llama.Model');
  await expect(note).toContainText('Model.load');
  await expect(note).toContainText('exports.llama.Generation');
  await screenshot(page, expect, 'playground-llama');

  await page.getByTestId('llama-demo-card').click();
  await expect(page).toHaveURL(/\/demo-site\/llama\.html$/);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await page.getByTestId('playground-link').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('h1')).toHaveText('Terrarium');
});

test('a library that uses files: its exports come before the Files panel, a command\'s after', async ({ page }) => {
  const above = (first, second) => page.evaluate(([a, b]) =>
    document.querySelector(`[data-testid="${a}"]`).getBoundingClientRect().bottom
      <= document.querySelector(`[data-testid="${b}"]`).getBoundingClientRect().top, [first, second]);
  await page.getByTestId('file-input').setInputFiles(toolchainC);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('component-kind')).toHaveText('library');
  await expect(page.getByTestId('files-panel')).toBeVisible();
  await expect(page.getByTestId('functions-panel')).toBeVisible();
  expect(await above('functions-panel', 'files-panel')).toBe(true);

  await pick(page, 'hello');
  await expect(page.getByTestId('files-panel')).toBeVisible();
  expect(await above('command-panel', 'files-panel')).toBe(true);
});
