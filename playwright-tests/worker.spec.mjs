// Terrarium in a module Web Worker: demo-site/test-worker.js imports /js/index.js, loads bench and
// runs hello off the main thread, and posts the results back.

import { test, expect } from '@playwright/test';

test('a module worker loads bench, calls add(2, 3) and runs hello', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/demo-site/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);

  const result = await page.evaluate(() => new Promise((resolve, reject) => {
    const worker = new Worker('/demo-site/test-worker.js', { type: 'module' });
    const timer = setTimeout(() => reject(new Error('the worker did not answer in 20 s')), 20_000);
    worker.addEventListener('error', (event) => {
      clearTimeout(timer);
      reject(new Error(`worker error: ${event.message}`));
    });
    worker.addEventListener('message', ({ data }) => {
      if (data.ready) {
        worker.postMessage('go');
        return;
      }
      clearTimeout(timer);
      worker.terminate();
      resolve(data);
    });
  }));

  expect(result.error).toBeUndefined();
  expect(result.isWorker).toBe(true);
  expect(result.add).toBe(5);
  expect(result.logged).toEqual(['from the worker']);
  expect(result.helloExitCode).toBe(0);
  expect(result.helloStdout).toBe('hello from wasi\narg: hello\narg: in-worker\nenv A=worker\nstdin: worker stdin\n');
  expect(errors).toEqual([]);
});
