// The house's arrows: cli/ composes collector/ and dashboard/; collector/ never imports dashboard/ or cli/, and
// dashboard/ never imports cli/. Read from the sources' import statements.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** The top-level folders a file's relative imports reach. */
function reaches(file: string): { spec: string; top: string }[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const out: { spec: string; top: string }[] = [];
  for (const m of text.matchAll(/(?:from|import\()\s*['"](\.\.?\/[^'"]+)['"]/g)) {
    const target = path.relative(root, path.resolve(path.dirname(path.join(root, file)), m[1]!));
    out.push({ spec: m[1]!, top: target.split(path.sep)[0]! });
  }
  return out;
}

describe('layout', () => {
  it.each([
    ['collector', ['dashboard', 'cli']],
    ['dashboard', ['cli']],
  ])('%s imports none of %j', (dir, forbidden) => {
    const files = sources(dir);
    expect(files.length).toBeGreaterThan(10);
    const bad = files.flatMap((f) => reaches(f).filter((r) => forbidden.includes(r.top)).map((r) => `${f} -> ${r.spec}`));
    expect(bad).toEqual([]);
  });

  it('the command line composes both', () => {
    const tops = new Set(sources('cli').flatMap((f) => reaches(f).map((r) => r.top)));
    expect(tops.has('collector') && tops.has('dashboard')).toBe(true);
  });
});
