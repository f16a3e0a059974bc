// Where ixmeter's own files are: the package root, found by walking up from this module to the
// package.json named "ixmeter". Works from the TypeScript sources and from the bundled dist/ixmeter.mjs alike.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try { if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ixmeter') return dir; } catch { /* not ours */ }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find ixmeter's package.json above ${start}`);
  }
}

/** The package root (the folder holding package.json, collector/, dashboard/, firmware-config/). */
export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the package. */
export const fromRoot = (...parts: string[]): string => path.join(ROOT, ...parts);

/** The package version. */
export const VERSION: string = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;
