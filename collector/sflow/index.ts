// The sFlow component: receives datagrams (receiver.ts), keeps one matrix per switch for the current
// 5-minute window (matrix.ts), writes each window when it closes (store.ts), and re-reads the switches'
// forwarding tables every sflow.fdbRefreshInterval seconds (fdb.ts) so MACs map to members. No maths here: it only wires them.
import { readFileSync } from 'node:fs';
import type { Config } from '../config/types.ts';
import { getLogger, type Logger } from '../log.ts';
import { createSnmpClient, targetFromConfig, type SnmpClient, type SnmpTarget } from '../snmp/index.ts';
import type { Store } from '../store/index.ts';
import { parseListen, SFLOW_DEFAULTS, type SflowConfig } from './config.ts';
import type { Datagram } from './decode.ts';
import { macsFromFdb, readFdb } from './fdb.ts';
import { buildMacTable, macsFromIxf, type MacSource, type MacTable } from './macs.ts';
import { doubleSampled, Matrix, Renormaliser, type AgentFilter } from './matrix.ts';
import { openReceiver, type Receiver } from './receiver.ts';
import { WINDOW_MS, writeP2pWindow } from './store.ts';

export interface SflowDeps {
  store: Store;
  log?: Logger;
  now?: () => number;
  createSnmpClient?: (t: SnmpTarget) => SnmpClient;
}

export interface SflowStatus {
  datagrams: number; samples: number; dropped: number; unknownAgent: number;
  macs: number; fdbMacs: number; windowsWritten: number; receiveBuffer: number;
}

export interface Sflow {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Closes (writes) every window that ended before `now`. Called by the timer; exposed for tools and tests. */
  closeWindows(now?: number): number;
  /** Re-reads every switch's forwarding table now. */
  refreshFdb(): Promise<void>;
  status(): SflowStatus;
  /** The bound address (after start). */
  address(): { address: string; port: number } | undefined;
}

interface SwitchWindow {
  matrix: Matrix;
  datagrams: number;
  dropped: number;
}

export function createSflow(config: Config, deps: SflowDeps): Sflow {
  const cfg: SflowConfig = { ...SFLOW_DEFAULTS, ...config.sflow };
  const log = deps.log ?? getLogger('collector:sflow');
  const now = deps.now ?? Date.now;
  const makeClient = deps.createSnmpClient ?? createSnmpClient;
  const renorm = new Renormaliser();
  const agentToSwitch = new Map(cfg.agents.map((a) => [a.address, a.switch]));
  const staticMacs: MacSource[] = cfg.macs.map((m) => ({ mac: m.mac, asn: m.asn, from: 'config' as const }));
  let fdbMacs: MacSource[] = [];
  let table: MacTable = buildMacTable(staticMacs);
  const lookup = (mac: string) => table.lookup(mac);
  const filters = new Map<string, AgentFilter>();
  let windowStart: number | undefined;
  let windows = new Map<string, SwitchWindow>();
  let previous: { t: number; windows: Map<string, SwitchWindow> } | undefined;
  let rx: Receiver | undefined;
  let closeTimer: NodeJS.Timeout | undefined;
  let fdbTimer: NodeJS.Timeout | undefined;
  let written = 0;
  const unknownLogged = new Set<string>();

  const switchOf = (agent: string): string | undefined => (agentToSwitch.size ? agentToSwitch.get(agent) : agent);

  /** Member ports (ifIndex) per switch from the ports the poller stored, and ifIndex → member ASN. */
  function memberPorts(): Map<string, Map<number, number>> {
    const out = new Map<string, Map<number, number>>();
    const rows = deps.store.db.prepare('SELECT switch, if_index AS ifIndex, name FROM ports ORDER BY last_seen').all() as { switch: string; ifIndex: number; name: string }[];
    const byName = new Map(rows.map((r) => [`${r.switch}\u0000${r.name}`, r.ifIndex]));
    for (const m of config.members) for (const p of m.ports) {
      const ifIndex = byName.get(`${p.switch}\u0000${p.port}`);
      if (ifIndex === undefined) continue;
      if (!out.has(p.switch)) out.set(p.switch, new Map());
      out.get(p.switch)!.set(ifIndex, m.asn);
    }
    return out;
  }

  function refreshFilters(): Map<string, Map<number, number>> {
    const ports = memberPorts();
    filters.clear();
    for (const [sw, m] of ports) filters.set(sw, { memberIfIndexes: new Set(m.keys()) });
    return ports;
  }

  function windowFor(sw: string): SwitchWindow {
    let w = windows.get(sw);
    if (!w) { w = { matrix: new Matrix(renorm, lookup), datagrams: 0, dropped: 0 }; windows.set(sw, w); }
    return w;
  }

  function roll(at: number): void {
    const t = Math.floor(at / WINDOW_MS) * WINDOW_MS;
    if (windowStart === undefined) windowStart = t;
    if (t > windowStart) sflow.closeWindows(at);
  }

  function onDatagram(d: Datagram): void {
    roll(now());
    const sw = switchOf(d.agent)!;
    const w = windowFor(sw);
    w.datagrams++;
    w.matrix.add(d, filters.get(sw));
  }

  /** SNMP received octets per member port over a closed window, from the 5-minute rollups. */
  function snmpOctets(sw: string, t: number): Map<number, number> {
    const rows = deps.store.db.prepare(`SELECT p.if_index AS ifIndex, r.in_bps_avg AS bps, r.coverage AS coverage FROM rollups r JOIN ports p ON p.id = r.port_id
      WHERE r.res = 300 AND r.ts = ? AND p.switch = ?`).all(t / 1000, sw) as { ifIndex: number; bps: number | null; coverage: number }[];
    return new Map(rows.filter((r) => r.bps !== null && r.coverage >= 0.9).map((r) => [r.ifIndex, (r.bps! * WINDOW_MS) / 8000]));
  }

  function checkDirections(p: { t: number; windows: Map<string, SwitchWindow> }): void {
    for (const [sw, w] of p.windows) {
      for (const d of doubleSampled(w.matrix.byInput, snmpOctets(sw, p.t))) {
        log.sampled('warn', `double:${sw}:${d.ifIndex}`, { switch: sw, ifIndex: d.ifIndex, ratio: d.ratio, window: new Date(p.t).toISOString() },
          `switch ${sw}: sFlow bytes of ifIndex ${d.ifIndex} are ${d.ratio}x its SNMP received octets: the switch seems to sample this port in both directions (configure ingress-only sampling); the matrix counts only samples whose input is a member port`, 3_600_000);
      }
    }
  }

  const sflow: Sflow = {
    async start() {
      const listen = parseListen(cfg.listen);
      if (!listen) throw new Error(`sflow.listen: ${JSON.stringify(cfg.listen)} is not HOST:PORT`);
      if (config.memberSources.ixf) {
        try {
          const { macs, invalid } = macsFromIxf(JSON.parse(readFileSync(config.memberSources.ixf, 'utf8')));
          staticMacs.push(...macs);
          if (invalid.length) log.warn({ file: config.memberSources.ixf, invalid: invalid.slice(0, 5), count: invalid.length }, 'IX-F export: mac_addresses that are not MAC addresses skipped');
        } catch (e) {
          log.warn({ file: config.memberSources.ixf, err: (e as Error).message }, 'IX-F export unreadable: its mac_addresses are not used');
        }
      }
      table = buildMacTable(staticMacs);
      refreshFilters();
      rx = await openReceiver({
        host: listen.host, port: listen.port, receiveBuffer: cfg.receiveBuffer,
        accept: agentToSwitch.size ? (a) => agentToSwitch.has(a) : undefined,
        onDatagram: (d) => onDatagram(d),
        onDropped: (error, from) => {
          roll(now());
          // Counted in the sender's window when the sender is a known agent (most agents send from their agent address).
          const sw = switchOf(from.address);
          if (sw) windowFor(sw).dropped++;
          log.sampled('warn', `dropped:${from.address}`, { from: from.address, err: error }, 'sFlow datagram dropped');
        },
        onUnknownAgent: (agent, from) => {
          if (unknownLogged.has(agent)) return;
          unknownLogged.add(agent);
          log.warn({ agent, from: from.address }, `sFlow agent ${agent} is not in sflow.agents: its datagrams are counted and not used`);
        },
      });
      // Linux reports twice the usable size it granted; less than asked means net.core.rmem_max caps it.
      if (rx.receiveBuffer > 0 && rx.receiveBuffer < cfg.receiveBuffer) {
        log.warn({ asked: cfg.receiveBuffer, got: rx.receiveBuffer }, 'sFlow receive buffer smaller than asked (raise net.core.rmem_max): bursts of datagrams may be lost');
      }
      log.info({ listen: `${rx.address.address}:${rx.address.port}`, receiveBuffer: rx.receiveBuffer, macs: table.size }, 'sFlow receiver listening');
      const tick = () => {
        sflow.closeWindows();
        const next = WINDOW_MS - (now() % WINDOW_MS) + 1000;
        closeTimer = setTimeout(tick, next);
        closeTimer.unref();
      };
      closeTimer = setTimeout(tick, WINDOW_MS - (now() % WINDOW_MS) + 1000);
      closeTimer.unref();
      void sflow.refreshFdb();
      fdbTimer = setInterval(() => { void sflow.refreshFdb(); }, cfg.fdbRefreshInterval * 1000);
      fdbTimer.unref();
    },
    async stop() {
      if (closeTimer) clearTimeout(closeTimer);
      if (fdbTimer) clearInterval(fdbTimer);
      closeTimer = fdbTimer = undefined;
      await rx?.close();
      rx = undefined;
      // The window in progress is incomplete: it is not stored (a partial window would read as a quiet one).
    },
    closeWindows(at = now()) {
      const t = Math.floor(at / WINDOW_MS) * WINDOW_MS;
      if (windowStart === undefined || t <= windowStart) return 0;
      const closing = { t: windowStart, windows };
      windows = new Map();
      windowStart = t;
      let n = 0;
      for (const [sw, w] of closing.windows) {
        const rows = w.matrix.memberRows();
        writeP2pWindow(deps.store.db, deps.store.file, {
          t: closing.t, switch: sw, rows, datagrams: w.datagrams, samples: w.matrix.counts.samples, dropped: w.dropped,
          notIngress: w.matrix.counts.notIngress, noFrame: w.matrix.counts.noFrame, rateMin: w.matrix.rateMin, rateMax: w.matrix.rateMax,
        });
        n++;
      }
      written += n;
      // The SNMP rollup of the window before is closed by now: check it against its sFlow.
      if (previous) { try { checkDirections(previous); } catch (e) { log.sampled('warn', 'direction-check', { err: (e as Error).message }, 'sFlow direction check failed'); } }
      previous = closing;
      return n;
    },
    async refreshFdb() {
      const ports = refreshFilters();
      const found: MacSource[] = [];
      for (const sw of config.switches) {
        const members = ports.get(sw.name);
        if (!members?.size) continue;
        let client: SnmpClient | undefined;
        try {
          client = makeClient(targetFromConfig(sw));
          const fdb = await readFdb(client, sw.maxRepetitions);
          const { macs, ambiguous } = macsFromFdb(fdb, members);
          found.push(...macs);
          if (fdb.source === 'none') log.sampled('info', `fdb-none:${sw.name}`, { switch: sw.name }, `switch ${sw.name}: no forwarding table over SNMP (Q-BRIDGE-MIB, BRIDGE-MIB); MACs map from the config and the IX-F export only`, 86_400_000);
          else if (fdb.entries.length === 0 && fdb.portZero) log.sampled('info', `fdb-zero:${sw.name}`, { switch: sw.name, rows: fdb.portZero }, `switch ${sw.name}: forwarding table reports port 0 for every entry; it maps no MAC`, 86_400_000);
          if (ambiguous.length) log.sampled('warn', `fdb-ambiguous:${sw.name}`, { switch: sw.name, macs: ambiguous.slice(0, 5), count: ambiguous.length }, `switch ${sw.name}: MACs learned on ports of two members are left unmapped`, 3_600_000);
        } catch (e) {
          log.sampled('warn', `fdb:${sw.name}`, { switch: sw.name, err: (e as Error).message }, `switch ${sw.name}: walk forwarding table: ${(e as Error).message}`);
        } finally { client?.close(); }
      }
      fdbMacs = found;
      table = buildMacTable([...staticMacs, ...fdbMacs]);
    },
    status() {
      const s = rx?.stats ?? { datagrams: 0, samples: 0, dropped: 0, unknownAgent: 0 };
      return { ...s, macs: table.size, fdbMacs: fdbMacs.length, windowsWritten: written, receiveBuffer: rx?.receiveBuffer ?? 0 };
    },
    address: () => rx?.address,
  };
  return sflow;
}
