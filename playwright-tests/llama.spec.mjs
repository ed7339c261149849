// The Llama demo (demo-site/llama.html) driven like a user would: the stories260K model served from
// /models/ loads in a module worker hosted by Terrarium; the default settings are greedy and give the
// model's golden text (token for token, in the three kernel builds: relaxed SIMD, picked because
// Chromium has it, SIMD and scalar); 8-bit weights (stories260K quantized to Q8_0 in the worker) take
// less memory and keep the f32 logits within 5% in every build; revealed at a readable pace while the
// model runs at full speed, with the model's own tokens per second; Stop stops the text and the model; a user's own checkpoint and tokenizer
// load from the file pickers and by drag and drop; a bad checkpoint is a readable error. Each view
// is screenshotted into test-results/ and checked not to be blank.

import { readFileSync, writeFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { screenshot, watchProblems } from './support.mjs';
import { FIRST_SENTENCE, GOLDEN, MODEL_DIR, goldenPrefixTokens, syntheticCheckpoint } from './llama-support.mjs';

test.use({ viewport: { width: 1280, height: 900 } });

let problems;

test.beforeEach(async ({ page }) => {
  problems = watchProblems(page);
  await page.goto('/demo-site/llama.html');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
});

test.afterEach(() => {
  expect(problems).toEqual([]);
});

/** Sets the sampling controls. */
async function settings(page, { prompt = '', temperature = '0', topP = '0.9', seed = '42', maxTokens = '64' } = {}) {
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('temperature').fill(temperature);
  await page.getByTestId('top-p').fill(topP);
  await page.getByTestId('seed').fill(seed);
  await page.getByTestId('max-tokens').fill(maxTokens);
}

/** Clicks Generate and waits for the generation to end; returns the tokens the page received. */
async function generate(page) {
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
  return page.evaluate(() => window.llamaDemo.run.tokens);
}

/** The length of the generated text after `frames` animation frames. */
const textAfterFrames = (page, frames) =>
  page.evaluate(async (frames) => {
    for (let i = 0; i < frames; i++) await new Promise(requestAnimationFrame);
    return document.querySelector('[data-testid="generated"]').textContent.length;
  }, frames);

/** Picks a kernel build with its toggle and waits until the worker has loaded it. */
async function pickKernel(page, kernel) {
  await page.locator(`label:has([data-testid="kernel-${kernel}"])`).click();
  await expect(page.getByTestId(`kernel-${kernel}`)).toBeChecked();
  await expect(page.locator('body')).toHaveAttribute('data-kernel', kernel, { timeout: 20_000 });
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
}

test('the start: stories260K ready in the worker, relaxed SIMD picked when the browser has it, f32 weights, JSPI shown', async ({ page }) => {
  const features = await page.evaluate(() => window.llamaDemo.features);
  expect(features.relaxedSimd).toBe(true);
  await expect(page.locator('h1')).toContainText('Llama');
  await expect(page.getByTestId('playground-link')).toHaveAttribute('href', '/');
  await expect(page.getByTestId('model-status')).toContainText('stories260K ready');
  await expect(page.getByTestId('model-shape')).toHaveText(/^dim 64 · 5 layers · 8 heads \(4 kv\) · vocab 512 · context 512/);
  await expect(page.getByTestId('kernel-relaxed-simd')).toBeChecked();
  await expect(page.getByTestId('kernel-ran')).toHaveAttribute('data-kernel', 'relaxed-simd');
  await expect(page.getByTestId('kernel-ran')).toHaveText('Relaxed SIMD · llama-relaxed.wasm');
  await expect(page.getByTestId('weights-f32')).toBeChecked();
  await expect(page.getByTestId('weights-memory')).toHaveAttribute('data-bytes', '1056540');
  await expect(page.getByTestId('weights-memory')).toContainText('· f32');
  await expect(page.getByTestId('jspi')).toHaveAttribute('data-available', String(features.jspi));
  await expect(page.getByTestId('jspi')).toHaveText(features.jspi ? 'available' : 'not in this browser');
  await expect(page.getByTestId('generate')).toBeEnabled();
  await expect(page.getByTestId('stop')).toBeDisabled();
  expect(await page.evaluate(() => window.llamaDemo.host)).toMatchObject({ source: 'default', ready: true, config: { dim: 64, seqLen: 512 } });
  await screenshot(page, expect, 'llama-start');
});

test('the first Generate with the defaults: the golden story, revealed after the model finished, at the model\'s tokens per second', async ({ page }) => {
  await expect(page.getByTestId('temperature')).toHaveValue('0');
  await expect(page.getByTestId('prompt')).toHaveValue('Once upon a time');
  await page.getByTestId('generate').click();
  // The model is done long before the text is all shown; the page says so and Stop stays reachable.
  await expect.poll(() => page.evaluate(() => window.llamaDemo.run.done !== null), { timeout: 20_000 }).toBe(true);
  const { done, tokens } = await page.evaluate(() => window.llamaDemo.run);
  expect(done.shownWhenDone).toBeLessThan(done.tokens);
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', /^(revealing|done)$/);
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('output')).toContainText(FIRST_SENTENCE);
  await expect(page.getByTestId('generated')).toHaveText(/^, there was a little girl named Lily\. She loved to play outside in the park\./);
  await expect(page.getByTestId('generated')).toHaveText(tokens.map((t) => t.piece).join(''));
  await expect(page.getByTestId('token-count')).toHaveText(String(done.tokens));
  // Tokens per second: the model's count over the model's time in the worker, not the display's pace.
  expect(Number(await page.getByTestId('tokens-per-second').getAttribute('data-value'))).toBe((done.tokens * 1000) / done.elapsedMs);
  expect(done.elapsedMs).toBeGreaterThan(0);
});

test('Stop while the text is still being revealed stops it growing; on a 390×844 screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('generate').click();
  await expect.poll(() => page.evaluate(() => window.llamaDemo.run.done !== null), { timeout: 20_000 }).toBe(true);
  await expect.poll(() => page.evaluate(() => window.llamaDemo.run.shown)).toBeGreaterThan(0);
  await expect(page.getByTestId('stop')).toBeEnabled();
  const growing = await textAfterFrames(page, 0);
  await expect.poll(() => textAfterFrames(page, 1)).toBeGreaterThan(growing);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('stop-reason')).toHaveText('stopped');
  await expect(page.getByTestId('stop')).toBeDisabled();
  const { shown, done, tokens } = await page.evaluate(() => window.llamaDemo.run);
  expect(shown).toBeLessThan(done.tokens);
  const stoppedAt = await textAfterFrames(page, 0);
  expect(await textAfterFrames(page, 10)).toBe(stoppedAt);
  expect(stoppedAt).toBe(tokens.slice(0, shown).map((t) => t.piece).join('').length);
  expect(await page.evaluate(() => window.llamaDemo.run.shown)).toBe(shown);
  await expect(page.getByTestId('token-count')).toHaveText(String(shown));
  expect(Number(await page.getByTestId('tokens-per-second').getAttribute('data-value'))).toBe((done.tokens * 1000) / done.elapsedMs);
  // The page fits the phone's width.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, expect, 'llama-phone-stopped');
});

test('greedy from BOS: the golden text token for token, with tokens per second (relaxed SIMD)', async ({ page }) => {
  await settings(page, { prompt: '', temperature: '0', maxTokens: '64' });
  const tokens = await generate(page);
  expect(tokens).toHaveLength(64);
  expect(goldenPrefixTokens(tokens)).toBeGreaterThan(20);
  expect(tokens[0].piece).toBe('Once');
  await expect(page.getByTestId('output')).toContainText(FIRST_SENTENCE);
  await expect(page.getByTestId('output')).toContainText(GOLDEN);
  await expect(page.getByTestId('token-count')).toHaveText('64');
  await expect(page.getByTestId('stop-reason')).toHaveText('max tokens');
  await expect(page.getByTestId('tokens-per-second')).toHaveText(/^\d[\d,]*(\.\d)?$/);
  expect(Number(await page.getByTestId('tokens-per-second').getAttribute('data-value'))).toBeGreaterThan(0);
  await expect(page.getByTestId('kernel-ran')).toHaveAttribute('data-kernel', 'relaxed-simd');
  await expect(page.getByTestId('kernel-ran')).toContainText('Relaxed SIMD');
  await screenshot(page, expect, 'llama-greedy');

  // A prompt is shown, then continued.
  await settings(page, { prompt: 'Once upon a time', temperature: '0', maxTokens: '20' });
  const continued = await generate(page);
  expect(continued).toHaveLength(20);
  await expect(page.getByTestId('output').locator('.prompt-text')).toHaveText('Once upon a time');
});

test('the SIMD and scalar toggles run llama.wasm and llama-scalar.wasm: the same greedy tokens as relaxed SIMD, golden too', async ({ page }) => {
  test.setTimeout(60_000); // six generations revealed at a reading pace, three builds loaded
  await settings(page, { prompt: '', temperature: '0', maxTokens: '64' });
  const relaxed = await generate(page);
  expect(goldenPrefixTokens(relaxed)).toBeGreaterThan(20);
  await pickKernel(page, 'simd');
  await expect(page.getByTestId('kernel-ran')).toHaveText('SIMD · llama.wasm');
  const simd = await generate(page);
  expect(simd.map((t) => t.id)).toEqual(relaxed.map((t) => t.id));
  await pickKernel(page, 'scalar');
  await expect(page.getByTestId('model-status')).toContainText('stories260K ready');
  const scalar = await generate(page);
  expect(goldenPrefixTokens(scalar)).toBeGreaterThan(20);
  expect(scalar.map((t) => t.id)).toEqual(relaxed.map((t) => t.id));
  await expect(page.getByTestId('output')).toContainText(FIRST_SENTENCE);
  await expect(page.getByTestId('kernel-ran')).toHaveAttribute('data-kernel', 'scalar');
  await expect(page.getByTestId('kernel-ran')).toContainText('llama-scalar.wasm');
  expect(Number(await page.getByTestId('tokens-per-second').getAttribute('data-value'))).toBeGreaterThan(0);
  await screenshot(page, expect, 'llama-scalar');
  // And back: sampling with a seed repeats in one build.
  await pickKernel(page, 'simd');
  await settings(page, { prompt: 'Lily and Ben', temperature: '0.9', topP: '0.9', seed: '7', maxTokens: '40' });
  const a = await generate(page);
  const b = await generate(page);
  expect(b).toEqual(a);
  await settings(page, { prompt: 'Lily and Ben', temperature: '0.9', topP: '0.9', seed: '8', maxTokens: '40' });
  expect((await generate(page)).map((t) => t.id)).not.toEqual(a.map((t) => t.id));
});

test('8-bit weights: stories260K quantized to Q8_0 and kept int8 in the worker, in less memory; both speeds shown', async ({ page }) => {
  await settings(page, { prompt: '', temperature: '0', maxTokens: '64' });
  const f32 = await generate(page);
  await page.locator('label:has([data-testid="weights-q8"])').click();
  await expect(page.locator('body')).toHaveAttribute('data-weights', 'q8', { timeout: 20_000 });
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('model-shape')).toContainText('v2 Q8_0/64');
  // The Q8_0 file, used in place: a quarter of the f32 weights.
  await expect(page.getByTestId('weights-memory')).toHaveAttribute('data-bytes', '278608');
  await expect(page.getByTestId('weights-memory')).toContainText('8-bit Q8_0/64');
  const q8 = await generate(page);
  expect(q8).toHaveLength(64);
  await expect(page.getByTestId('output')).toContainText(FIRST_SENTENCE);
  expect(q8.slice(0, 20).map((t) => t.id)).toEqual(f32.slice(0, 20).map((t) => t.id));
  await expect(page.getByTestId('kernel-ran')).toHaveAttribute('data-kernel', 'relaxed-simd');
  // Both speeds, with the memory each took, side by side.
  const speeds = await page.evaluate(() => window.llamaDemo.speeds);
  expect(speeds.map((s) => [s.kernel, s.format, s.bytes])).toEqual([['relaxed-simd', 'f32', 1056540], ['relaxed-simd', 'q8', 278608]]);
  for (const s of speeds) expect(s.rate).toBeGreaterThan(0);
  await expect(page.getByTestId('speed-relaxed-simd-f32')).toContainText('1.01 MiB');
  await expect(page.getByTestId('speed-relaxed-simd-q8')).toContainText('8-bit Q8_0/64');
  await screenshot(page, expect, 'llama-8-bit');
});

test('in every build: 300 greedy tokens the same, the int8 products of a Q8_0 stories260K within 5% of its f32 logits, a truncated Q8_0 file refused', async ({ page }) => {
  const results = await page.evaluate(async () => {
    const { load } = await import('/dist/terrarium.js');
    const { quantizeCheckpoint } = await import('/demo-site/llama-q8.js');
    const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
    const [checkpoint, tokenizer] = await Promise.all([bytes('/models/stories260K/stories260K.bin'), bytes('/models/stories260K/tok512.bin')]);
    const q8 = quantizeCheckpoint(checkpoint, { twin: true });
    const out = {};
    for (const file of ['llama-relaxed.wasm', 'llama.wasm', 'llama-scalar.wasm']) {
      const api = (await (await load(`/components/${file}`)).instantiate()).exports.llama;
      const greedy = api.Model.load(checkpoint, tokenizer).generate('', { temperature: 0, topP: 0, seed: 0n, maxTokens: 300 });
      const tokens = [];
      for (let t; (t = greedy.nextToken()) !== undefined; ) tokens.push(t);
      const quantized = api.Model.load(q8.checkpoint, tokenizer);
      const twin = api.Model.load(q8.twin, tokenizer);
      const generation = twin.generate('', { temperature: 0, topP: 0, seed: 0n, maxTokens: 40 });
      const ids = [1];
      for (let t; (t = generation.nextToken()) !== undefined; ) ids.push(t.id);
      const worst = [1, 2, 10, 41].map((n) => {
        const a = quantized.logits(ids.slice(0, n));
        const b = twin.logits(ids.slice(0, n));
        const largest = Math.max(...b.map(Math.abs));
        return Math.max(...a.map((x, i) => Math.abs(x - b[i]))) / largest;
      });
      let refused = null;
      try {
        api.Model.load(q8.checkpoint.subarray(0, 1000), tokenizer);
      } catch (error) {
        refused = error.message;
      }
      out[api.kernel()] = { tokens, worst: Math.max(...worst), refused, bytes: Number(quantized.weightsBytes()) };
    }
    return out;
  });
  expect(Object.keys(results)).toEqual(['relaxed-simd', 'simd', 'scalar']);
  expect(goldenPrefixTokens(results['relaxed-simd'].tokens)).toBeGreaterThan(20);
  for (const [kernel, r] of Object.entries(results)) {
    // Fused multiply-adds (relaxed_madd) round once where SIMD rounds twice: not one of 300 tokens changes.
    expect(r.tokens.map((t) => t.id), kernel).toEqual(results.scalar.tokens.map((t) => t.id));
    expect(r.worst, kernel).toBeLessThanOrEqual(0.05);
    expect(r.bytes).toBe(278608);
    expect(r.refused).toMatch(/^checkpoint: 1000 bytes, but a version-2 \(Q8_0\) checkpoint .*: truncated\?$/);
  }
});

test('your own files from the pickers (progress shown), a long generation, Stop stops it, the page stays responsive', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  // 18 MB of random weights, a 4096-token context: hundreds of tokens a second, for many seconds.
  const checkpointPath = testInfo.outputPath('synthetic-4M.bin');
  const checkpoint = syntheticCheckpoint();
  writeFileSync(checkpointPath, checkpoint);
  const tokenizerSize = readFileSync(`${MODEL_DIR}tok512.bin`).length;

  await page.locator('label:has([data-testid="model-files"])').click();
  await expect(page.getByTestId('own-files')).toBeVisible();
  await expect(page.getByTestId('model-status')).toContainText('Pick a checkpoint and a tokenizer');
  await expect(page.getByTestId('generate')).toBeDisabled();
  await page.getByTestId('checkpoint-input').setInputFiles(checkpointPath);
  await expect(page.getByTestId('checkpoint-name')).toContainText('synthetic-4M.bin');
  await expect(page.getByTestId('model-status')).toContainText('Pick a tokenizer');
  await page.getByTestId('tokenizer-input').setInputFiles(`${MODEL_DIR}tok512.bin`);
  await expect(page.getByTestId('model-status')).toContainText('synthetic-4M.bin ready', { timeout: 30_000 });
  await expect(page.getByTestId('model-shape')).toContainText('dim 256 · 6 layers · 8 heads (4 kv) · vocab 512 · context 4096');
  // The progress bar went to the end of both files.
  expect(await page.evaluate(() => window.llamaDemo.lastProgress)).toEqual({
    label: 'Reading tok512.bin', done: checkpoint.length + tokenizerSize, total: checkpoint.length + tokenizerSize,
  });

  await settings(page, { prompt: 'Once upon a time', temperature: '0', maxTokens: '4000' });
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'generating');
  await expect(page.getByTestId('stop')).toBeEnabled();
  await expect.poll(() => page.evaluate(() => window.llamaDemo.run.tokens.length), { timeout: 20_000 }).toBeGreaterThan(20);

  // The page answers while the worker computes: typing works and the generation is still going.
  await page.getByTestId('seed').fill('123');
  await expect(page.getByTestId('seed')).toHaveValue('123');
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'generating');
  // Tokens stream into the page while the generation runs: the shown text and count grow.
  const shownBefore = (await page.getByTestId('generated').textContent()).length;
  const countBefore = Number((await page.getByTestId('token-count').textContent()).replace(/,/g, ''));
  expect(shownBefore).toBeGreaterThan(0);
  await expect.poll(async () => (await page.getByTestId('generated').textContent()).length).toBeGreaterThan(shownBefore);
  await expect.poll(async () => Number((await page.getByTestId('token-count').textContent()).replace(/,/g, ''))).toBeGreaterThan(countBefore);
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'generating');

  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute("data-state", "stopped", { timeout: 30_000 });
  await expect(page.getByTestId('stop-reason')).toHaveText('stopped');
  await expect(page.getByTestId('stop')).toBeDisabled();
  const stoppedAt = await page.evaluate(() => window.llamaDemo.run.tokens.length);
  expect(stoppedAt).toBeLessThan(4000);
  const shownAt = await page.evaluate(() => window.llamaDemo.run.shown);
  const textAt = await textAfterFrames(page, 0);
  await page.waitForTimeout(800);
  expect(await page.evaluate(() => window.llamaDemo.run.tokens.length)).toBe(stoppedAt);
  expect(await textAfterFrames(page, 10)).toBe(textAt);
  await expect(page.getByTestId('token-count')).toHaveText(shownAt.toLocaleString('en'));
  await expect(page.getByTestId('tokens-per-second')).toHaveText(/^\d[\d,]*(\.\d)?$/);
  await screenshot(page, expect, 'llama-stopped');

  // The same worker goes on: another generation starts and stops.
  await page.getByTestId('generate').click();
  await expect.poll(() => page.evaluate(() => window.llamaDemo.run.tokens.length), { timeout: 20_000 }).toBeGreaterThan(5);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute("data-state", "stopped", { timeout: 30_000 });
  expect(await page.evaluate(() => window.llamaDemo.run.reason)).toBe('stopped');
});

test('Stop during a long prompt (one next-token() call of seconds) ends the worker and starts a fresh one', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const checkpointPath = testInfo.outputPath('synthetic-4M.bin');
  writeFileSync(checkpointPath, syntheticCheckpoint());
  await page.locator('label:has([data-testid="model-files"])').click();
  await page.getByTestId('checkpoint-input').setInputFiles(checkpointPath);
  await page.getByTestId('tokenizer-input').setInputFiles(`${MODEL_DIR}tok512.bin`);
  await expect(page.getByTestId('model-status')).toContainText('synthetic-4M.bin ready', { timeout: 30_000 });
  // About 2,400 prompt tokens: the first next-token() runs them all, for seconds, without yielding.
  await settings(page, { prompt: 'a big red ball '.repeat(400), temperature: '0', maxTokens: '10' });
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'generating');
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.llamaDemo.run.tokens.length)).toBe(0);
  await page.getByTestId('stop').click();
  // Stopped without the long call returning: no token ever arrives from the ended worker.
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'stopped', { timeout: 30_000 });
  await expect(page.getByTestId('stop-reason')).toHaveText('stopped');
  // A new worker loads the same files again, and works.
  await expect(page.getByTestId('model-status')).toContainText('synthetic-4M.bin ready', { timeout: 30_000 });
  expect(await page.evaluate(() => window.llamaDemo.run.tokens.length)).toBe(0);
  await settings(page, { prompt: 'Once', temperature: '0', maxTokens: '5' });
  expect(await generate(page)).toHaveLength(5);
});

test('drag and drop: a checkpoint and tokenizer dropped on the page load; a bad checkpoint is a readable error', async ({ page }) => {
  /** Drops files made from the served model files, under the names given. */
  const drop = (files) =>
    page.evaluate(async (files) => {
      const transfer = new DataTransfer();
      for (const [url, name] of files) {
        const bytes = await (await fetch(url)).arrayBuffer();
        transfer.items.add(new File([bytes], name));
      }
      const zone = document.querySelector('[data-testid="model-drop"]');
      const target = zone.offsetParent ? zone : document.body;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    }, files);

  await drop([['/models/stories260K/tok512.bin', 'tok512.bin'], ['/models/stories260K/stories260K.bin', 'stories260K.bin']]);
  await expect(page.getByTestId('model-files')).toBeChecked();
  await expect(page.getByTestId('checkpoint-name')).toContainText('stories260K.bin');
  await expect(page.getByTestId('tokenizer-name')).toContainText('tok512.bin');
  await expect(page.getByTestId('model-status')).toContainText('stories260K.bin ready', { timeout: 20_000 });
  await settings(page, { prompt: '', temperature: '0', maxTokens: '48' });
  expect(goldenPrefixTokens(await generate(page))).toBeGreaterThan(10);
  await expect(page.getByTestId('output')).toContainText('Once upon a time, there was a little girl');

  // A tokenizer dropped as the checkpoint: Model.load refuses it, and says why.
  await drop([['/models/stories260K/tok512.bin', 'broken-model.bin'], ['/models/stories260K/tok512.bin', 'tokenizer.bin']]);
  await expect(page.getByTestId('model-error')).toHaveText(/^checkpoint: /, { timeout: 20_000 });
  await expect(page.getByTestId('generate')).toBeDisabled();
  await screenshot(page, expect, 'llama-bad-checkpoint');

  // Back to the bundled model.
  await page.locator('label:has([data-testid="model-default"])').click();
  await expect(page.getByTestId('model-status')).toContainText('stories260K ready', { timeout: 20_000 });
  await expect(page.getByTestId('generate')).toBeEnabled();
});

test('/models/ serves the shared model files read-only, and nothing beside them', async ({ request }) => {
  const checkpoint = await request.get('/models/stories260K/stories260K.bin');
  expect(checkpoint.status()).toBe(200);
  expect(checkpoint.headers()['content-length']).toBe('1056540');
  expect(checkpoint.headers()['cross-origin-resource-policy']).toBe('same-origin');
  expect((await request.get('/models/stories260K/README.md')).status()).toBe(200);
  expect((await request.post('/models/stories260K/tok512.bin', { data: 'x' })).status()).toBe(405);
  expect((await request.get('/models/stories260K/missing.bin')).status()).toBe(404);
});

test('under the strict CSP (/csp/llama.html) the page, its worker and the component run the same', async ({ page }) => {
  const response = await page.goto('/csp/llama.html');
  expect(response.headers()['content-security-policy']).toBe("script-src 'self' 'wasm-unsafe-eval'");
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await settings(page, { prompt: '', temperature: '0', maxTokens: '48' });
  expect(goldenPrefixTokens(await generate(page))).toBeGreaterThan(10);
  await expect(page.getByTestId('output')).toContainText(FIRST_SENTENCE);
});
