// `npm run bench`: runs every benchmark, one after another, each in its own process (bench/snmp.ts,
// then bench/forward.ts and bench/dashboard.ts where they exist). Each writes its own section of
// bench/RESULTS.md. Not a test: nothing here asserts, and a missed goal is reported, not failed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const BENCHMARKS = ['snmp.ts', 'forward.ts', 'dashboard.ts', 'reports.ts', 'capacity.ts', 'latency.ts', 'sflow.ts', 'store-size.ts', 'figures.ts'];

const failed: string[] = [];
for (const name of BENCHMARKS) {
  const file = path.join(here, name);
  if (!existsSync(file)) continue;
  process.stdout.write(`\n=== bench/${name}\n`);
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [path.join(repo, 'bin/tsx-run.mjs'), file], { cwd: repo, stdio: 'inherit' });
    child.once('error', () => resolve(-1));
    child.once('exit', (c) => resolve(c));
  });
  process.stdout.write(`=== bench/${name}: ${code === 0 ? 'done' : `exit ${code}`} in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  if (code !== 0) failed.push(name);
}
process.stdout.write(`\nResults: bench/RESULTS.md${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`);
process.exitCode = failed.length ? 1 : 0;
