// firmware-config is data that cannot drift: every YAML file loads against its schema, the switch
// profiles' patterns are checked against real switch recordings, the udev rule matches the modem files,
// and the Pi's cloud-init user-data passes cloud-init's own schema check.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync, statSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import YAML from 'yaml';
import { loadSwitchProfile, loadFirmwareFile, listSwitchProfiles, filtersFor, keepInterface, type SwitchProfile } from '../../../collector/profiles.ts';
import { ConfigError } from '../../../collector/config/load.ts';

const FC = path.join(process.cwd(), 'firmware-config');
const SNMPREC = '/work/shared/data/snmprec';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(f) ? [p] : [];
  });
}

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(path.join(tmpdir(), 'ixm-fc-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

describe('every firmware-config YAML file loads against its schema', () => {
  const files = yamlFiles(FC);
  it('finds the files, and each one has a schema', () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const f of files) expect(path.relative(FC, f)).toMatch(/^(switches\/[a-z0-9-]+\.yaml|modem\/[a-z0-9-]+\.yaml|pi\/user-data\.yaml)$/);
  });
  for (const f of files.filter((x) => !x.endsWith('user-data.yaml'))) {
    const rel = path.relative(FC, f);
    it(rel, () => {
      const data = loadFirmwareFile<{ name: string }>(f, rel.startsWith('switches/') ? 'switch-profile' : 'modem');
      expect(data.name).toBe(path.basename(f, '.yaml'));
    });
  }
  it('a file that breaks its schema is refused with every problem listed', () => {
    const bad = path.join(tmp, 'bad.yaml');
    writeFileSync(bad, 'name: Bad Name\nvendor: x\nos: y\ndoc: bad.md\ninclude: []\nexclude: []\nifAlias: {convention: x, example: y, set: z}\nsnmpv3: {authProtocol: md5, privProtocol: des}\nquirks: []\ncolour: red\n');
    let err: ConfigError | undefined;
    try { loadFirmwareFile(bad, 'switch-profile'); } catch (e) { err = e as ConfigError; }
    expect(err).toBeInstanceOf(ConfigError);
    const text = err!.problems.join('\n');
    for (const p of ['/name: must match pattern', '/include: must NOT have fewer than 1 items', '/snmpv3/authProtocol: must be equal to one of the allowed values', '/ifAlias/example: must match pattern', '/: must NOT have additional properties (colour)']) {
      expect(text).toContain(p);
    }
  });
});

/** ifIndex -> {name, type} from a recording (ifName, or ifDescr where there is no ifXTable). */
function recordingInterfaces(community: string): { name: string; type: number }[] {
  const byIndex = new Map<string, { name?: string; descr?: string; type?: number }>();
  for (const line of readFileSync(path.join(SNMPREC, `${community}.snmprec`), 'utf8').split('\n')) {
    const [oid, , value] = line.split('|');
    const m = oid?.match(/^1\.3\.6\.1\.2\.1\.(31\.1\.1\.1\.1|2\.2\.1\.2|2\.2\.1\.3)\.(\d+)$/);
    if (!m) continue;
    const e = byIndex.get(m[2]) ?? {};
    if (m[1] === '31.1.1.1.1') e.name = value; else if (m[1] === '2.2.1.2') e.descr = value; else e.type = Number(value);
    byIndex.set(m[2], e);
  }
  return [...byIndex.values()].map((e) => ({ name: e.name ?? e.descr ?? '', type: e.type ?? 0 }));
}

// What each profile must keep and drop in its real recording. Kept interfaces must be Ethernet-like
// (6 ethernetCsmacd, 117 gigabitEthernet) or LAGs (161 ieee8023adLag, 53 propVirtual on vendors that type LAGs so).
const EXPECT: Record<string, { keep: string[]; drop: string[]; count: number; lagType?: number }> = {
  'arista-eos': { keep: ['Ethernet1', 'Ethernet52', 'Port-Channel1'], drop: ['Management1', 'Vlan13'], count: 53 },
  'juniper-junos': { keep: ['xe-0/0/0', 'ge-0/0/47'], drop: ['xe-0/0/0.0', 'lo0', 'irb.23', 'em0', 'pfe-0/0/0', 'ge-0/0/45.0', 'vtep'], count: 9 },
  'cisco-nxos': { keep: ['Ethernet1/1', 'Ethernet1/52', 'port-channel10'], drop: ['mgmt0'], count: 53 },
  'cisco-iosxe': { keep: ['Fif1/0/1', 'Fou1/0/31', 'Fou1/0/31/1'], drop: ['Gi0/0', 'Ap1/0/1', 'Vl1'], count: 192 },
  'mikrotik-routeros': { keep: ['sfp-sfpplus1', 'sfp-sfpplus16'], drop: ['ether1', 'bridge1', 'shop-trunk', 'server-trunk'], count: 16 },
  sonic: { keep: ['Eth6/3(Port1)', 'Eth56(Port56)', 'PortChannel1'], drop: ['eth0', 'Vlan501'], count: 62 },
  'extreme-slxos': { keep: ['Ethernet 0/1', 'Ethernet 0/54:1', 'Port-channel 1'], drop: ['eth0', 'Loopback 1'], count: 112, lagType: 1 }, // SLX types its LAGs other(1)
};

describe('switch profiles', () => {
  it('covers the vendors IXPs commonly run', () => {
    expect(listSwitchProfiles()).toEqual(Object.keys(EXPECT).sort());
  });

  for (const name of Object.keys(EXPECT)) {
    describe(name, () => {
      let p: SwitchProfile;
      beforeAll(() => { p = loadSwitchProfile(name); });

      it('keeps the member-facing ports of its real recording and drops the rest', () => {
        const ifs = recordingInterfaces(p.recording!);
        const names = ifs.map((i) => i.name);
        for (const n of [...EXPECT[name].keep, ...EXPECT[name].drop]) expect(names).toContain(n);
        const kept = ifs.filter((i) => keepInterface(i.name, p));
        for (const n of EXPECT[name].keep) expect(kept.map((k) => k.name)).toContain(n);
        for (const n of EXPECT[name].drop) expect(kept.map((k) => k.name)).not.toContain(n);
        for (const k of kept) expect([6, 117, 161, 53, EXPECT[name].lagType ?? 6], `${k.name} has ifType ${k.type}`).toContain(k.type);
        expect(kept.length).toBe(EXPECT[name].count);
      });

      it('has its .md with an SNMPv3 read-only CLI snippet and the ifAlias convention', () => {
        const md = readFileSync(path.join(FC, 'switches', p.doc), 'utf8');
        expect(md).toMatch(/## SNMPv3, read-only\n[\s\S]*?```\n[\s\S]*?ixmeter[\s\S]*?```/);
        expect(md).toContain(p.ifAlias.example);
        expect(p.ifAlias.set).toContain(p.ifAlias.example);
        for (const q of p.quirks) expect(q.description.length).toBeGreaterThan(10);
      });
    });
  }

  it('filtersFor: the switch include replaces the profile one, excludes add up; unknown profiles are named', () => {
    expect(filtersFor({ profile: 'arista-eos', exclude: ['^Ethernet52$'] })).toEqual({ include: loadSwitchProfile('arista-eos').include, exclude: ['^Management', '^Vlan', '^Loopback', '^Vxlan', '^Ethernet52$'] });
    expect(filtersFor({ profile: 'arista-eos', include: ['^Ethernet1$'] }).include).toEqual(['^Ethernet1$']);
    expect(filtersFor({ include: ['x'] })).toEqual({ include: ['x'], exclude: undefined });
    expect(() => loadSwitchProfile('cisco-ios')).toThrow(/no switch profile "cisco-ios" \(known: arista-eos, cisco-iosxe, cisco-nxos, extreme-slxos, juniper-junos, mikrotik-routeros, sonic\)/);
    expect(() => loadSwitchProfile('../../etc/passwd')).toThrow(/not a profile name/);
  });
});

describe('modems and the Pi', () => {
  it('the udev rule names the AT port of every modem file, and user-data carries the same rule file', () => {
    const rules = readFileSync(path.join(FC, 'pi/99-ixmeter-modem.rules'), 'utf8');
    const modems = readdirSync(path.join(FC, 'modem')).filter((f) => f.endsWith('.yaml'));
    expect(modems.length).toBeGreaterThanOrEqual(3);
    for (const f of modems) {
      const m = loadFirmwareFile<{ usb?: { vendorId: string; productId: string; atInterface: string } }>(path.join(FC, 'modem', f), 'modem');
      if (!m.usb) continue;
      expect(rules).toContain(`ATTRS{idVendor}=="${m.usb.vendorId}", ATTRS{idProduct}=="${m.usb.productId}", ENV{ID_USB_INTERFACE_NUM}=="${m.usb.atInterface}", SYMLINK+="ixmeter-modem"`);
    }
    const ud = YAML.parse(readFileSync(path.join(FC, 'pi/user-data.yaml'), 'utf8'));
    const wf = ud.write_files.find((w: { path: string }) => w.path === '/etc/udev/rules.d/99-ixmeter-modem.rules');
    expect(wf.content).toBe(rules);
    const text = JSON.stringify(ud);
    for (const s of ['Storage=volatile', 'RuntimeWatchdogSec=', 'dtparam=watchdog=on', 'enable_uart=1', 'install.sh', 'chrony']) expect(text).toContain(s);
  });

  it('cloud-init accepts user-data.yaml, and rejects a broken copy', async () => {
    const check = (file: string) => new Promise<{ code: number; out: string }>((resolve) => {
      execFile('cloud-init', ['schema', '--config-file', file], { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout + stderr }));
    });
    const ok = await check(path.join(FC, 'pi/user-data.yaml'));
    expect(ok.out).toContain('Valid cloud-config');
    expect(ok.code).toBe(0);
    const broken = path.join(tmp, 'user-data.yaml');
    writeFileSync(broken, readFileSync(path.join(FC, 'pi/user-data.yaml'), 'utf8').replace('ssh_pwauth: false', 'ssh_pwauth: [nope]'));
    const bad = await check(broken);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('ssh_pwauth');
    expect(existsSync(broken)).toBe(true);
  });
});
