// Playwright runs against Debian's Chromium (no browser download) and the
// project's own static server (scripts/serve.mjs), which sets COOP/COEP.
import { defineConfig, devices } from '@playwright/test';

/** TERRARIUM_TEST_PORT: another port, for test runs side by side (each serves its own checkout). */
const PORT = Number(process.env.TERRARIUM_TEST_PORT ?? 8123);
const BASE_URL = `http://127.0.0.1:${PORT}/`;

export default defineConfig({
  testDir: 'playwright-tests',
  testMatch: '**/*.spec.mjs',
  timeout: 30_000,
  retries: 0,
  workers: 2,
  reporter: 'list',
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: BASE_URL,
    trace: 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: `node scripts/serve.mjs --port ${PORT}`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
