// Under `Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'` (the /csp/ pages), Terrarium
// must load, compile and run components without tripping the policy: no eval, no inline scripts,
// no blob: or data: modules.

import { test, expect } from '@playwright/test';

const CSP = "script-src 'self' 'wasm-unsafe-eval'";

/** Records CSP violations (from before any page script runs) and console errors. */
async function watch(page) {
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations.push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample });
    });
  });
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

test('the test harness under the strict CSP loads bench, calls it, prints WIT and runs hello', async ({ page }) => {
  const problems = await watch(page);
  const response = await page.goto('/csp/test-harness.html');
  expect(response.headers()['content-security-policy']).toBe(CSP);
  await page.waitForFunction(() => window.harnessReady === true);

  const result = await page.evaluate(async () => {
    const { load, run } = window.terrarium;
    const component = await load('/components/bench.wasm');
    const logged = [];
    const { exports } = await component.instantiate({ 'example:bench/host': { log: (msg) => logged.push(msg) } });
    const trusted = await load('/components/bench.wasm', { validate: false });
    const trustedInstance = await trusted.instantiate({ 'example:bench/host': { log() {} } });
    exports.api.callHost('under csp');
    const stdout = window.harness.collector();
    const { exitCode } = await run('/components/hello.wasm', { args: ['hello', 'csp'], stdout, stderr: () => {} });
    return {
      add: exports.api.add(2, 3),
      trustedAdd: trustedInstance.exports.api.add(20, 22),
      echo: exports.api.echoString('𝄞 csp'),
      logged,
      wit: await component.wit(),
      exitCode,
      stdout: stdout.text(),
    };
  });
  expect(result.add).toBe(5);
  expect(result.trustedAdd).toBe(42);
  expect(result.echo).toBe('𝄞 csp');
  expect(result.logged).toEqual(['under csp']);
  expect(result.wit).toContain('add: func(a: u32, b: u32) -> u32;');
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain('arg: csp\n');

  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  expect(problems).toEqual([]);

  // Positive control: the policy is really in force and the listener really hears violations.
  const inlineRan = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true;';
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return window.inlineRan === true;
  });
  expect(inlineRan).toBe(false);
  await page.waitForFunction(() => window.cspViolations.length > 0);
  expect((await page.evaluate(() => window.cspViolations))[0].directive).toMatch(/^script-src/);
});

test('the playground works under the strict CSP', async ({ page }) => {
  const problems = await watch(page);
  const response = await page.goto('/csp/index.html');
  expect(response.headers()['content-security-policy']).toBe(CSP);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'idle');

  await page.getByTestId('sample-bench').click();
  await expect(page.getByTestId('component-name')).toHaveText('bench');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('wit')).toContainText('add: func(a: u32, b: u32) -> u32;');
  await page.getByTestId('param-api-add-a').fill('2');
  await page.getByTestId('param-api-add-b').fill('3');
  await page.getByTestId('call-api-add').click();
  await expect(page.getByTestId('result-api-add')).toHaveText('5');

  await page.getByTestId('sample-hello').click();
  await expect(page.getByTestId('component-name')).toHaveText('hello');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('exit-code')).toHaveAttribute('data-code', '0');
  await expect(page.getByTestId('terminal')).toContainText('hello from wasi');

  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  expect(problems).toEqual([]);
});
