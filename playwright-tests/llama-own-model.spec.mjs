// The Llama demo with a user's own bigger model, through the file pickers as a person picks files:
// a checkpoint of llama2.c's stories15M shape with random weights (scripts/llama-test-model.mjs,
// cached in target/test-models/), f32 and Q8_0. Before the worker reads it the page shows the
// memory it needs (the formula), then the reading progress in order; then it generates. A model
// the engine cannot give memory to is refused with a message, nothing read.

import { writeFileSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { test, expect } from '@playwright/test';
import { screenshot, watchProblems } from './support.mjs';
import { STORIES15M_SHAPE, expectedFootprint, testModel } from '../scripts/llama-test-model.mjs';

test.use({ viewport: { width: 1280, height: 900 } });

const paths = testModel();
let problems;

test.beforeEach(async ({ page }) => {
  problems = watchProblems(page);
  await page.goto('/demo-site/llama.html');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await page.locator('label:has([data-testid="model-files"])').click();
});

test.afterEach(() => {
  expect(problems).toEqual([]);
});

/** Picks the files; the tokenizer last, so loading starts once. */
async function pick(page, checkpoint) {
  await page.getByTestId('checkpoint-input').setInputFiles(checkpoint);
  await page.getByTestId('tokenizer-input').setInputFiles(paths.tokenizer);
}

/** The loader's events the page saw, and the figures it shows, once the model is ready. */
async function loaded(page, checkpoint) {
  await expect(page.getByTestId('model-status')).toContainText(`${basename(checkpoint)} ready`, { timeout: 60_000 });
  return page.evaluate(() => window.llamaDemo.loadEvents);
}

/** The events in order: the footprint, reads going forward to the end of both files, then the rest. */
function expectOrder(events, checkpoint, after) {
  const total = statSync(checkpoint).size + statSync(paths.tokenizer).size;
  expect(events[0].type).toBe('footprint');
  const reads = events.filter((e) => e.type === 'read');
  expect(reads.length).toBeGreaterThan(2);
  expect(reads[0].done).toBe(0);
  for (let i = 1; i < reads.length; i++) expect(reads[i].done).toBeGreaterThanOrEqual(reads[i - 1].done);
  expect(reads.at(-1)).toEqual({ type: 'read', file: basename(paths.tokenizer), done: total, total });
  const order = events.map((e) => e.type).filter((type, i, all) => type !== all[i - 1]);
  expect(order).toEqual(['footprint', 'read', ...after]);
}

/** Greedy tokens from a prompt; the page's own count. */
async function generateTokens(page, maxTokens) {
  await page.getByTestId('prompt').fill('Once upon a time');
  await page.getByTestId('temperature').fill('0');
  await page.getByTestId('max-tokens').fill(String(maxTokens));
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  return page.evaluate(() => window.llamaDemo.run.tokens);
}

test('a stories15M-shaped f32 checkpoint from the pickers: the memory it needs first, progress in order, then tokens', async ({ page }) => {
  test.setTimeout(120_000);
  await pick(page, paths.f32);
  const events = await loaded(page, paths.f32);
  expectOrder(events, paths.f32, ['load']);
  const expected = expectedFootprint(STORIES15M_SHAPE, statSync(paths.f32).size);
  const needed = page.getByTestId('memory-needed');
  await expect(needed).toHaveAttribute('data-bytes', String(expected.total));
  await expect(needed).toHaveAttribute('data-kv-cache', String(expected.kvCache));
  await expect(needed).toHaveAttribute('data-activations', String(expected.activations));
  await expect(needed).toContainText('weights 57.95 MiB + KV cache 3.38 MiB');
  await expect(needed).toContainText('of 4.00 GiB');
  await expect(page.getByTestId('weights-memory')).toHaveAttribute('data-bytes', String(expected.weights));
  await expect(page.getByTestId('model-shape')).toContainText('dim 288 · 6 layers · 6 heads (6 kv) · vocab 32,000 · context 256');
  const tokens = await generateTokens(page, 12);
  expect(tokens).toHaveLength(12);
  await expect(page.getByTestId('stop-reason')).toHaveText('max tokens');
  await screenshot(page, expect, 'llama-own-15M');
});

test('8-bit weights: the f32 checkpoint is counted and loaded as its Q8_0 export; the Q8_0 file itself as it is', async ({ page }) => {
  test.setTimeout(120_000);
  await page.locator('label:has([data-testid="weights-q8"])').click();
  await pick(page, paths.f32);
  expectOrder(await loaded(page, paths.f32), paths.f32, ['quantize', 'load']);
  const q8Bytes = statSync(paths.q8).size;
  await expect(page.getByTestId('memory-needed')).toHaveAttribute('data-bytes', String(expectedFootprint(STORIES15M_SHAPE, q8Bytes).total));
  await expect(page.getByTestId('weights-memory')).toHaveAttribute('data-bytes', String(q8Bytes));
  expect(await generateTokens(page, 12)).toHaveLength(12);

  await page.locator('label:has([data-testid="weights-f32"])').click();
  await pick(page, paths.q8);
  expectOrder(await loaded(page, paths.q8), paths.q8, ['load']);
  await expect(page.getByTestId('model-shape')).toContainText('v2 Q8_0/32');
  expect(await generateTokens(page, 12)).toHaveLength(12);
});

test('a checkpoint whose footprint is beyond wasm32 is refused with a message before it is read', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  // The f32 checkpoint with a context of 2^20: a 13.5 GiB KV cache, the file's length unchanged.
  const bytes = readFileSync(paths.f32);
  bytes.writeInt32LE(2 ** 20, 8 + 6 * 4);
  const huge = testInfo.outputPath('stories15M-long-context.bin');
  writeFileSync(huge, bytes);
  await pick(page, huge);
  await expect(page.getByTestId('model-error')).toHaveText(/^stories15M-long-context\.bin needs 13\.\d\d GiB: weights 57\.95 MiB \+ KV cache 13\.50 GiB .*a wasm32 instance addresses 4 GiB at most$/, { timeout: 30_000 });
  expect((await page.evaluate(() => window.llamaDemo.loadEvents)).map((e) => e.type)).toEqual(['footprint']);
  await expect(page.getByTestId('memory-needed')).toContainText('KV cache 13.50 GiB');
  await expect(page.getByTestId('generate')).toBeDisabled();
  await screenshot(page, expect, 'llama-own-too-big');
});
