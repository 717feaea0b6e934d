import { defineConfig } from 'vite';

// Cross-origin isolation, so the loader can use its SharedArrayBuffer ring. Nothing else:
// the package must work in an app's default Vite setup.
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({ server: { headers }, preview: { headers } });
