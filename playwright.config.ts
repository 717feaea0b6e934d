import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, requireChromium } from './tests/browser/chromium-path.ts';

const PORT = Number(process.env.FEEDLINE_TEST_PORT ?? 5199);

export default defineConfig({
  testDir: 'tests/browser',
  testMatch: '**/*.spec.ts',
  // Two cores and WebGPU in software: one browser at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: requireChromium(), args: CHROMIUM_FLAGS },
  },
  webServer: {
    command: `npx vite --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}/tests/browser/harness.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
