/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { coiServiceWorker } from './scripts/coi-serviceworker-plugin.ts';
import { requestUrl } from './scripts/request-url.ts';
import { testRoutes } from './tests/fixtures/test-routes.ts';

/**
 * Cross-origin isolation: SharedArrayBuffer (the loader's ring) exists only on
 * pages served with COOP `same-origin` and COEP `require-corp`.
 *
 * Every response gets both headers, from the dev server and from `vite preview`,
 * except a page requested with `?coi=0`: that page is deliberately *not*
 * isolated, so the loader falls back to its `'transfer'` mode. It is how a docs
 * site that cannot send these headers sees Feedline, and how the tests compare
 * the two modes on the same server.
 */
function crossOriginIsolation(): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    if (requestUrl(req.url).searchParams.get('coi') !== '0') {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    // Any site may embed the demo frame (embed.html) and load embed-host.js, isolated hosts included:
    // under their own COEP require-corp a cross-origin frame or script must opt in with CORP.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  };
  return {
    name: 'feedline:cross-origin-isolation',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

export default defineConfig({
  // A relative base: the built site works from a domain root or any sub-path of a static host (src/app/app-url.ts).
  base: './',
  // testRoutes: a broken, flaky server under /__test__/ for the reliability tests; dev server only.
  plugins: [crossOriginIsolation(), coiServiceWorker(), testRoutes(), svelte()],
  // Several pages (the app, the test harness, the bench), and no SPA fallback:
  // a missing image must be a 404, not index.html with status 200.
  appType: 'mpa',
  // Module workers: the default 'iife' format cannot code-split a worker.
  worker: { format: 'es' },
  // Every page but the package test's fixture app, which imports 'feedline' as installed elsewhere.
  optimizeDeps: { entries: ['**/*.html', '!tests/package/**'] },
  // The dev page's build; dist/ is the library's (npm run build:lib), which the package ships.
  build: {
    outDir: 'dist-app',
    // The playground, the embeddable demo frame, and the article built from it.
    rollupOptions: { input: { index: 'index.html', embed: 'embed.html', learn: 'learn.html' } },
  },
  server: { port: 5173 },
  preview: { port: 4173 },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Vitest's default (cores - 1) runs one file at a time on two cores; most files wait on worker
    // threads and timers, not the CPU, so two at once took the suite from 146 s to 90 s there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
