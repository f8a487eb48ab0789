import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

/** The operator web app: a static bundle served by the API server at /app (src/http/web-app.ts). */
export default defineConfig({
  root,
  base: '/app/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true, sourcemap: false },
});
