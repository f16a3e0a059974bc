// Benchmark: replay of a forwarding backlog — 24 h x 500 ports at 60 s (720,000 port samples) —
// from the local store into a real InfluxDB 1.6.7, beside the same line protocol posted by curl in
// the same run (the server's own limit). Reports points/s and the forwarder's peak RSS.
// Run: node bin/tsx-run.mjs bench/forward.ts   (not a test: numbers go to bench/RESULTS.md)
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir, cpus, totalmem, release } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createStore } from '../collector/store/index.ts';
import { createForwarder } from '../collector/forward/index.ts';
import { portLine, seriesKey, type RateRowLP } from '../collector/forward/lineProtocol.ts';

const PORTS = 500;
const POLLS = 1440;
const BATCH = 5000;
const T0 = Date.UTC(2026, 0, 5);

if (process.argv[2] === '--child') {
  // The forwarder alone in its own process, as in the collector: drain the backlog, report.
  const [, , , db, url, database] = process.argv;
  const store = createStore({ path: db, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
  store.open();
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const fwd = createForwarder({ url, api: 'v1', database, batchSize: BATCH, timeout: 60, gzip: true, ixp: 'bench' }, { store, hooks: {} });
  const t = performance.now();
  const points = await fwd.drain();
  const secs = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  // The kernel's high-water mark is exact (sampling can miss a peak).
  const hwm = /VmHWM:\s+(\d+) kB/.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'));
  if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ points, secs, peakRss: peak, cpuUser: cpu.user / 1e6, cpuSys: cpu.system / 1e6 }) + '\n');
  store.close();
  process.exit(0);
}

const { startInfluxDB } = await import('../test/helpers/influxdb.ts');

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = ''; let err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    c.on('exit', (code) => resolve({ code, out, err }));
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'ixm-bench-fwd-'));
// Every round gets a fresh InfluxDB, so no round pays for an earlier round's compactions.
let influx = await startInfluxDB();
const fresh = async () => { await influx.stop(); influx = await startInfluxDB(); };
try {
  // 1. The backlog: 720,000 rates rows written straight into a store (the poll path is not measured here).
  const dbFile = path.join(dir, 'ixmeter.db');
  const store = createStore({ path: dbFile, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } });
  store.open();
  const t0 = performance.now();
  store.db.transaction(() => {
    const port = store.db.prepare('INSERT INTO ports (switch, if_index, name, speed_mbps, first_seen, last_seen) VALUES (?, ?, ?, 10000, ?, ?) RETURNING id');
    const ins = store.db.prepare(`INSERT INTO rates (port_id, t, interval, in_bps, out_bps, in_pps, out_pps, in_errors, out_errors,
      in_discards, out_discards, util_in, util_out, oper_up, speed_mbps, in_octets, out_octets, gap) VALUES (?, ?, 60, ?, ?, ?, ?, 0, 0, ?, 0, ?, ?, 1, 10000, ?, ?, NULL)`);
    const ids = Array.from({ length: PORTS }, (_, k) => (port.get('bench-sw', k + 1, `Ethernet1/${k + 1}`, T0, T0) as { id: number }).id);
    const oct = ids.map((_, k) => [2n ** 53n + BigInt(k) * 1_000_000_007n, 2n ** 40n + BigInt(k)]);
    for (let p = 1; p <= POLLS; p++) {
      const t = T0 + p * 60_000;
      for (let k = 0; k < PORTS; k++) {
        const bps = 1e6 + ((k * 7919 + p * 104729) % 9_000_000) * 8.125;
        oct[k][0] += BigInt(Math.round(bps * 60 / 8)); oct[k][1] += BigInt(Math.round(bps * 30 / 8));
        ins.run(ids[k], t, bps, bps / 2, bps / 8000, bps / 16000, p % 3, bps / 1e10, bps / 2e10, oct[k][0].toString(), oct[k][1].toString());
      }
    }
  })();
  const fillSecs = (performance.now() - t0) / 1000;
  const rows = (store.db.prepare('SELECT count(*) n FROM rates').get() as { n: number }).n;

  // 2. The same line protocol as files for curl (exactly what the forwarder sends), plain and gzipped.
  const lpDir = path.join(dir, 'lp'); mkdirSync(lpDir);
  const files: string[] = [];
  const gzFiles: string[] = [];
  let lastSeq = 0;
  let lpBytes = 0; let gzBytes = 0;
  const sel = store.db.prepare(`SELECT r.*, p.switch AS sw, p.name AS port FROM rates r JOIN ports p ON p.id = r.port_id WHERE r.seq > ? ORDER BY r.seq LIMIT ?`);
  for (;;) {
    const batch = sel.all(lastSeq, BATCH) as (RateRowLP & { seq: number; sw: string; port: string })[];
    if (!batch.length) break;
    const body = batch.map((r) => portLine(seriesKey('ixp_port', { ixp: 'bench', switch: r.sw, port: r.port }), r)).join('\n');
    lastSeq = batch[batch.length - 1].seq;
    const f = path.join(lpDir, `b${files.length}.lp`);
    writeFileSync(f, body); files.push(f); lpBytes += Buffer.byteLength(body);
    const gz = gzipSync(body); writeFileSync(`${f}.gz`, gz); gzFiles.push(`${f}.gz`); gzBytes += gz.length;
  }
  store.close();

  const count = async (db: string) => {
    const r = await influx.query('SELECT count(in_octets) FROM ixp_port', db);
    return (r.results[0].series?.[0].values[0][1] as number) ?? 0;
  };
  // curl: one process, one keep-alive connection, every batch in order (--next).
  const curl = async (db: string, list: string[], gz: boolean) => {
    await fresh();
    await influx.query(`CREATE DATABASE ${db}`);
    const cfg = path.join(dir, `${db}.curl`);
    writeFileSync(cfg, list.map((f, i) => `${i ? 'next\n' : ''}url = "${influx.url}/write?db=${db}&precision=ms"\ndata-binary = "@${f}"\nsilent\nfail\noutput = "/dev/null"\n${gz ? 'header = "Content-Encoding: gzip"\n' : ''}`).join(''));
    const t = performance.now();
    const r = await run('curl', ['-K', cfg]);
    const secs = (performance.now() - t) / 1000;
    if (r.code !== 0) throw new Error(`curl failed: ${r.err}`);
    const n = await count(db);
    return { secs, points: n, pps: n / secs };
  };
  // The collector runs from the esbuild bundle (bin/ixmeter.mjs picks dist/ixmeter.mjs): bundle this file the same
  // way, packages external, so the forwarder is also measured without tsx's loader thread.
  const bundled = path.resolve('bench/out/forward.mjs');
  await (await import('esbuild')).build({ entryPoints: ['bench/forward.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: bundled, logLevel: 'error' });
  const node = async (db: string, nodeFlags: string[] = [], plain = false) => {
    await fresh();
    await influx.query(`CREATE DATABASE ${db}`);
    const entry = plain ? [bundled] : ['bin/tsx-run.mjs', 'bench/forward.ts'];
    const r = await run(process.execPath, [...nodeFlags, ...entry, '--child', dbFile, influx.url, db]);
    if (r.code !== 0) throw new Error(`forwarder failed: ${r.err}`);
    const res = JSON.parse(r.out.trim().split('\n').pop()!);
    // reset the cursor for the next round
    const s = createStore({ path: dbFile, retention: { rawDays: 3650, rollupDays: 3650, pollDays: 3650 } }); s.open();
    s.db.prepare('DELETE FROM cursors').run(); s.close();
    return { ...res, stored: await count(db), pps: res.points / res.secs };
  };

  // The collector's systemd unit runs node with these flags: they are what is judged.
  const deployed = ['--max-semi-space-size=1', '--optimize-for-size'];
  const results = {
    curlPlain1: await curl('curl_plain_1', files, false),
    curlGzip1: await curl('curl_gzip_1', gzFiles, true),
    deployed1: await node('node_1', deployed, true),
    bundledSmallYoungGen: await node('node_2', ['--max-semi-space-size=1'], true),
    bundledDefaults: await node('node_3', [], true),
    curlPlain2: await curl('curl_plain_2', files, false),
    curlGzip2: await curl('curl_gzip_2', gzFiles, true),
    deployed2: await node('node_4', deployed, true),
    viaTsx: await node('node_5'),
    curlGzip3: await curl('curl_gzip_3', gzFiles, true),
    deployed3: await node('node_6', deployed, true),
  };
  const curlBest = Math.max(results.curlPlain1.pps, results.curlPlain2.pps, results.curlGzip1.pps, results.curlGzip2.pps, results.curlGzip3.pps);
  const deployedBest = Math.max(results.deployed1.pps, results.deployed2.pps, results.deployed3.pps);
  const summary = {
    date: new Date().toISOString(), machine: `${cpus()[0]?.model} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}`,
    rows, fillSecs, batch: BATCH, lpMB: lpBytes / 1e6, gzMB: gzBytes / 1e6, results,
    deployedVsCurlBest: deployedBest / curlBest,
    // Each deployed round against the gzip curl round just before it (the server's state of that minute).
    deployedVsCurlBefore: [results.deployed1.pps / results.curlGzip1.pps, results.deployed2.pps / results.curlGzip2.pps, results.deployed3.pps / results.curlGzip3.pps],
    deployedPeakRssMB: Math.max(results.deployed1.peakRss, results.deployed2.peakRss, results.deployed3.peakRss) / 1e6,
  };
  console.log(JSON.stringify(summary, null, 2));
} finally {
  await influx.stop();
  rmSync(dir, { recursive: true, force: true });
}
