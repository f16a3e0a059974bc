#!/usr/bin/env node
// The ixmeter command. Runs the bundle dist/ixmeter.mjs (built by `npm install` / `npm run build`) when it is newer
// than every source file, and otherwise the TypeScript sources through tsx's loader: an edited checkout never runs
// stale code, and an installed one pays neither the loader's start-up nor its ~30 MB. IXMETER_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'ixmeter.mjs');

/** Newest modification time of the TypeScript sources the bundle is built from (the pages are built separately). */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'web' && e.name !== 'node_modules') newest = Math.max(newest, newestSource(p));
    } else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.IXMETER_SOURCE === '1' || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return ['cli', 'collector', 'dashboard'].every((d) => newestSource(path.join(root, d)) <= built);
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/index.ts'));
}
process.exitCode = await main(process.argv.slice(2));
