// Benchmark: one latency round of the collector's prober (collector/latency) for 100 targets x 20 pings, as
// the collector runs it: real fping from a lab namespace to 100 addresses of another one across the lab bridge.
// Wall time and CPU of each round (fping's own rusage through /usr/bin/time), fping's peak RSS, and the memory
// the prober adds to the collector process (RSS and heap before the first round and after the last).
// Run: node bin/tsx-run.mjs bench/latency.ts [--targets 100] [--pings 20] [--rounds 3] [--no-write]  (needs root: netns)
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({ options: { targets: { type: 'string' }, pings: { type: 'string' }, rounds: { type: 'string' }, 'no-write': { type: 'boolean' } } });
const N = Number(values.targets ?? 100);
const PINGS = Number(values.pings ?? 20);
const ROUNDS = Number(values.rounds ?? 3);

const { createLab } = await import('../test/lab/lab.ts');
const { createStore } = await import('../collector/store/index.ts');
const { createLatency } = await import('../collector/latency/index.ts');
const { runFping } = await import('../collector/latency/fping.ts');

const lab = await createLab({ members: 2 });
const dir = mkdtempSync(path.join(tmpdir(), 'ixmeter-bench-latency-'));
try {
  const prober = lab.ports[0].memberNs;
  const hosts = lab.ports[1].memberNs;
  // N router addresses in one namespace on the peering LAN (10.99.0.0/24 holds up to 150 beside the lab's own).
  const addrs = Array.from({ length: N }, (_, i) => (i < 150 ? `10.99.0.${100 + i}` : `fd99::${(i + 1).toString(16)}`));
  const batch = path.join(dir, 'addrs');
  await run('ip', ['netns', 'exec', hosts, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=0', 'net.ipv6.conf.eth0.disable_ipv6=0']);
  await run('ip', ['netns', 'exec', prober, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=0', 'net.ipv6.conf.eth0.disable_ipv6=0']);
  await run('ip', ['-n', prober, 'addr', 'add', 'fd99::ffff/64', 'dev', 'eth0', 'nodad']);
  writeFileSync(batch, addrs.map((a) => `addr add ${a}/${a.includes(':') ? 64 : 24} dev eth0${a.includes(':') ? ' nodad' : ''}`).join('\n') + '\n');
  await run('ip', ['-n', hosts, '-batch', batch]);
  // fping in the prober namespace, its rusage from /usr/bin/time on stderr (the round's parser sets such lines aside).
  const fping = path.join(dir, 'fping');
  writeFileSync(fping, `#!/bin/sh\nexec /usr/bin/time -f 'rusage %U %S %M %e' ip netns exec ${prober} fping "$@"\n`);
  chmodSync(fping, 0o755);

  const store = createStore({ path: path.join(dir, 'store.db'), retention: { rawDays: 35, rollupDays: 1826, pollDays: 35 } });
  store.open();
  const rusage: { user: number; sys: number; maxRssKb: number; wall: number }[] = [];
  const cfg = { interval: 300, pings: PINGS, periodMs: 1000, intervalMs: 10, timeoutMs: 1500, sizeBytes: 56, fping, ixfRouters: false,
    routers: addrs.map((address, i) => ({ asn: 65000 + i, address })), references: [], outageRounds: 1, alerts: { lossThreshold: 0.2, lossRounds: 3, silentRounds: 2, outage: true } };
  const latency = createLatency(cfg, {
    store,
    runFping: async (t, o) => {
      const r = await runFping(t, o);
      const line = r.other.find((l) => l.startsWith('rusage '));
      if (line) { const [u, s, m, e] = line.split(' ').slice(1).map(Number); rusage.push({ user: u, sys: s, maxRssKb: m, wall: e }); }
      return r;
    },
  });
  latency.targets();
  global.gc?.();
  const before = process.memoryUsage();
  const rows: string[] = [];
  let answered = 0;
  for (let k = 0; k < ROUNDS; k++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await latency.roundNow();
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - t0) / 1000;
    if (!r.ok) throw new Error(`round failed: ${r.error}`);
    answered = r.rows.filter((x) => x.received === PINGS).length;
    const u = rusage[rusage.length - 1];
    rows.push(`| ${k + 1} | ${wall.toFixed(2)} | ${u.user.toFixed(2)} | ${u.sys.toFixed(2)} | ${((u.user + u.sys) / wall * 100).toFixed(1)} % | ${(u.maxRssKb / 1024).toFixed(1)} | ${((cpu.user + cpu.system) / 1000).toFixed(0)} | ${answered}/${N} |`);
    process.stdout.write(rows[rows.length - 1] + '\n');
  }
  global.gc?.();
  const after = process.memoryUsage();
  const stored = (store.db.prepare('SELECT count(*) AS n FROM latency').get() as { n: number }).n;
  store.close();
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const md = [
    `Run ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? '?'}), load average ${loadavg()[0].toFixed(1)} at the end. bench/latency.ts.`,
    `One round of the collector's prober (createLatency → fping -C ${PINGS} -q -p 1000 -i 10 -t 1500, parse, store) to ${N} addresses`,
    `held by one lab namespace across the lab bridge, from another (${addrs.filter((a) => !a.includes(':')).length} IPv4, ${addrs.filter((a) => a.includes(':')).length} IPv6). fping's CPU and peak RSS from /usr/bin/time`,
    `(user + sys of the fping process; the round's parsing and storing run in the collector, whose added memory is below). ${ROUNDS} rounds.`,
    '',
    '| round | wall s | fping user s | fping sys s | fping CPU share | fping max RSS MB | collector CPU ms (spawn, parse, store) | targets with every reply |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Collector process: RSS ${mb(before.rss)} → ${mb(after.rss)} MB, heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB over the ${ROUNDS} rounds`,
    `(${stored} rows stored, each with its ${PINGS} sorted RTTs; RSS varies with the garbage collector, the heap is the prober's own).`,
    `The wall time is set by fping's pacing, not by the CPU: at least ${PINGS - 1} periods of 1 s, and the minimum gap of 10 ms between any`,
    `two packets makes ${N * PINGS} packets take at least ${(N * PINGS * 10 / 1000).toFixed(0)} s; a loaded machine (see the load average) stretches it further.`,
    'A round fits the default 300 s interval many times over; above ~1,000 targets x 20 pings, lower latency.intervalMs or pings.',
  ].join('\n');
  process.stdout.write('\n' + md + '\n');
  if (!values['no-write']) writeSection(path.join(here, 'RESULTS.md'), '## Latency round', md);
} finally {
  await lab.destroy();
  rmSync(dir, { recursive: true, force: true });
}

/** Replaces (or appends) one `## Title` section of RESULTS.md, leaving every other section as it is. */
function writeSection(file: string, title: string, body: string): void {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const lines = old.split('\n');
  const start = lines.findIndex((l) => l.trim() === title);
  const section = [title, '', body.trimEnd(), ''];
  if (start < 0) { writeFileSync(file, old.trimEnd() + '\n\n' + section.join('\n')); return; }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  writeFileSync(file, [...lines.slice(0, start), ...section, ...lines.slice(end)].join('\n').trimEnd() + '\n');
}
