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

const lock = path.join(root, '.build-lock');

/**
 * One build at a time: test files run in parallel and each makes sure the app is built, and two
 * vite builds into one folder would delete each other's files. A lock folder (mkdir is atomic);
 * one left behind by a killed build is taken over after two minutes.
 */
async function withLock(fn: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
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
  await withLock(async () => {
    // Another process may have built it while this one waited for the lock.
    if (!force && !isStale()) return;
    await vite.build({ configFile: path.join(root, 'vite.config.ts') });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWebApp(process.argv.includes('--force'));
}
