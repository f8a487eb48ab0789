/**
 * Builds the web app (web/dist) when it is missing or older than its sources, so that
 * `npm install && npm start` on a fresh clone serves a working /app and later starts cost nothing.
 * Run by `npm start` (prestart) and by the browser tests; `npm run build:web` always builds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const built = path.join(root, 'dist', 'index.html');

function newest(file: string): number {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((f) => newest(path.join(file, f))));
}

export function isStale(): boolean {
  if (!fs.existsSync(built)) return true;
  const sources = ['src', 'index.html', 'vite.config.ts'].map((f) => newest(path.join(root, f)));
  return Math.max(...sources) > fs.statSync(built).mtimeMs;
}

export async function buildWebApp(force = false): Promise<void> {
  if (!force && !isStale()) return;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    // Installed without dev dependencies: the API still runs, /app explains how to build it.
    console.warn('web app not built: vite is not installed (npm install without --omit=dev)');
    return;
  }
  await vite.build({ configFile: path.join(root, 'vite.config.ts') });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWebApp(process.argv.includes('--force'));
}
