// Two lab switches (two createLab namespaces, each a bridge with its own snmpd) joined by a trunk veth pair
// between their bridges, so that member traffic from one switch to the other crosses the trunk. The second
// switch's members are re-addressed (10.99.0.11, .12, ...) so both sides share one subnet without clashing.
// Everything stays inside the namespaces the labs create; destroy() removes both labs and the trunk with them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLab, type Lab, type LabOptions } from './lab.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

/** The trunk's interface name on both switches. */
export const TRUNK = 'trunk1';

export interface TrunkLab {
  a: Lab;
  b: Lab;
  /** Address of member `m` (1-based) of switch a or b. */
  address(side: 'a' | 'b', m: number): string;
  /** ifIndex of the trunk on each switch. */
  trunkIndex: { a: number; b: number };
  /**
   * Starts a traffic source (and sink) in every member namespace of both switches. `burst(flows)` sends each flow's
   * bytes at its rate and resolves when all are sent.
   */
  startTraffic(): Promise<{ burst(flows: TrunkFlow[]): Promise<void>; stop(): Promise<void> }>;
  destroy(): Promise<void>;
}

/** A flow between two members, on either switch. */
export interface TrunkFlow { from: ['a' | 'b', number]; to: ['a' | 'b', number]; bytes: number; rate: number }

async function ip(...args: string[]): Promise<string> {
  try { return (await run('ip', args)).stdout; } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`);
  }
}

async function linkIndex(ns: string, name: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const links = JSON.parse(await ip('-n', ns, '-j', 'link', 'show')) as { ifindex: number; ifname: string; operstate: string }[];
    const l = links.find((x) => x.ifname === name);
    if (l?.operstate === 'UP') return l.ifindex;
    if (Date.now() > deadline) throw new Error(`trunk lab: ${name} in ${ns} not up after 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function createTrunkLab(opts: { a?: LabOptions; b?: LabOptions } = {}): Promise<TrunkLab> {
  const a = await createLab({ members: 2, ...opts.a });
  let b: Lab | undefined;
  try {
    b = await createLab({ members: 2, ...opts.b });
    await ip('link', 'add', TRUNK, 'netns', a.switchNs, 'type', 'veth', 'peer', 'name', TRUNK, 'netns', b.switchNs);
    for (const ns of [a.switchNs, b.switchNs]) {
      await ip('-n', ns, 'link', 'set', TRUNK, 'master', 'br0');
      await ip('-n', ns, 'link', 'set', TRUNK, 'up');
    }
    for (const [i, p] of b.ports.entries()) {
      p.address = `10.99.0.${11 + i}`;
      await ip('-n', p.memberNs, 'addr', 'flush', 'dev', 'eth0');
      await ip('-n', p.memberNs, 'addr', 'add', `${p.address}/24`, 'dev', 'eth0');
    }
    const trunkIndex = { a: await linkIndex(a.switchNs, TRUNK), b: await linkIndex(b.switchNs, TRUNK) };
    const labs = { a, b };
    const address = (side: 'a' | 'b', m: number) => labs[side].ports[m - 1]!.address;
    return {
      a, b, trunkIndex, address,
      async startTraffic() {
        const sources: { key: string; child: ChildProcess; waiters: (() => void)[] }[] = [];
        const stopAll = () => Promise.all(sources.map((s) => new Promise<void>((r) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) { r(); return; }
          s.child.once('exit', () => r());
          s.child.kill('SIGTERM');
        })));
        try {
          for (const side of ['a', 'b'] as const) {
            for (const [i, p] of labs[side].ports.entries()) {
              // One source per member; its peer is given per burst line, so every member can also sink.
              const child = spawn('ip', ['netns', 'exec', p.memberNs, process.execPath, path.join(here, 'blaster.mjs'), '--bind', p.address, '--seconds', '300'], { stdio: ['pipe', 'pipe', 'pipe'] });
              const s = { key: `${side}${i + 1}`, child, waiters: [] as (() => void)[] };
              sources.push(s);
              await new Promise<void>((resolve, reject) => {
                let err = '';
                child.stderr!.on('data', (d) => { err += d; });
                createInterface({ input: child.stdout! }).on('line', (line) => {
                  if (line === 'ready') resolve();
                  else if (line.startsWith('done')) s.waiters.shift()?.();
                });
                child.once('exit', (code) => reject(new Error(`traffic source in ${p.memberNs} exited ${code}: ${err}`)));
              });
            }
          }
        } catch (e) {
          await stopAll();
          throw e;
        }
        return {
          async burst(flows: TrunkFlow[]) {
            await Promise.all(flows.map((f) => new Promise<void>((resolve) => {
              const s = sources.find((x) => x.key === `${f.from[0]}${f.from[1]}`)!;
              s.waiters.push(resolve);
              s.child.stdin!.write(`burst ${f.bytes} ${f.rate} ${address(f.to[0], f.to[1])}\n`);
            })));
          },
          async stop() { await stopAll(); },
        };
      },
      async destroy() {
        await Promise.all([a.destroy(), b?.destroy()]);
      },
    };
  } catch (e) {
    await Promise.all([a.destroy(), b?.destroy()]);
    throw e;
  }
}
