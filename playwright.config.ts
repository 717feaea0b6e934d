import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, requireChromium } from './tests/browser/chromium-path.ts';

const PORT = Number(process.env.FEEDLINE_TEST_PORT ?? 5199);
/**
 * The built app (`vite build`, then `vite preview`), for the playground spec: what a visitor gets.
 * 1000 above the dev server's, so that helpers on neighbouring test ports never collide.
 */
const BUILT_PORT = Number(process.env.FEEDLINE_PREVIEW_PORT ?? PORT + 1000);
/** The specs of the built site: the playground under `vite preview`, and dist-app/ on a static host under a sub-path. */
const BUILT_SPECS = ['playground.spec.ts', 'static-site.spec.ts'];
// Building takes about 30 s: skip it when the command names spec files and none of them is the built app's.
const specArgs = process.argv.filter((arg) => arg.endsWith('.spec.ts'));
const wantsBuilt = specArgs.length === 0 || specArgs.some((arg) => BUILT_SPECS.some((spec) => arg.endsWith(spec)));

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
  projects: [
    { name: 'dev', testIgnore: BUILT_SPECS.map((spec) => `**/${spec}`) },
    { name: 'built', testMatch: BUILT_SPECS.map((spec) => `**/${spec}`), use: { baseURL: `http://localhost:${BUILT_PORT}` } },
  ],
  webServer: [
    {
      command: `npx vite --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}/tests/browser/harness.html`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
    ...(wantsBuilt
      ? [
          {
            command: `npx vite build --logLevel warn && npx vite preview --port ${BUILT_PORT} --strictPort`,
            url: `http://localhost:${BUILT_PORT}/`,
            reuseExistingServer: !process.env.CI,
            timeout: 180_000,
          },
        ]
      : []),
  ],
});
