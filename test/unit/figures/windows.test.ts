// Member windows from port windows (collector/figures/windows.ts): sums, coverage, attribution at window time,
// imported coarse history under 5-minute windows, and the IXP's window counting members only while members.
import { describe, expect, it } from 'vitest';
import { memberWindows, type MemberWindowRow, type Owner, type PortWindow } from '../../../collector/figures/windows.ts';

const T0 = Date.UTC(2026, 3, 1);
const M5 = 300_000;
const pw = (port: string, t: number, inBps: number | null, outBps: number | null, extra: Partial<PortWindow> = {}): PortWindow =>
  ({ switch: 'sw1', port, t, res: 300, inBps, outBps, coverage: 1, utilIn: null, utilOut: null, ...extra });

/** p1, p2 → 65001; p3 → 65002 until T0 + 10 min, then 65003; trunk → nobody. */
const owner: Owner = (_sw, port, t) => {
  if (port === 'p1' || port === 'p2') return 65001;
  if (port === 'p3') return t < T0 + 2 * M5 ? 65002 : 65003;
  if (port === 'p4') return 65004;
  return undefined;
};
const always = () => undefined;
const byKey = (rows: MemberWindowRow[]) => new Map(rows.map((r) => [`${r.asn}@${(r.t - T0) / M5}`, r]));

describe('memberWindows', () => {
  const cases: { name: string; input: PortWindow[]; membership?: (asn: number) => { start: number | null; end: number | null } | undefined; want: Record<string, Partial<MemberWindowRow> | undefined> }[] = [
    {
      name: 'a member\'s ports summed; a missing direction is not a zero; coverage is the mean; the highest utilisation',
      input: [pw('p1', T0, 10, 5, { coverage: 1, utilIn: 0.1, utilOut: 0.3 }), pw('p2', T0, 20, null, { coverage: 0.5, utilIn: 0.2 })],
      want: { '65001@0': { inBps: 30, outBps: 5, coverage: 0.75, ports: 2, maxUtil: 0.3, res: 300 }, '0@0': { inBps: 30, outBps: 5, coverage: 0.75, ports: 2, maxUtil: 0.3 } },
    },
    {
      name: 'a port nobody owns (a trunk) counts for no one, not even the IXP',
      input: [pw('trunk', T0, 1000, 1000), pw('p1', T0, 1, 2)],
      want: { '65001@0': { inBps: 1, outBps: 2, ports: 1 }, '0@0': { inBps: 1, outBps: 2, ports: 1 } },
    },
    {
      name: 'a port that moved belongs to its owner at each window\'s time',
      input: [pw('p3', T0, 7, 7), pw('p3', T0 + M5, 8, 8), pw('p3', T0 + 2 * M5, 9, 9)],
      want: { '65002@0': { inBps: 7 }, '65002@1': { inBps: 8 }, '65002@2': undefined, '65003@2': { inBps: 9 }, '65003@0': undefined },
    },
    {
      name: 'a window off the 5-minute grid is ignored',
      input: [pw('p1', T0 + 1000, 5, 5)],
      want: { '65001@0': undefined },
    },
    {
      name: 'imported coarse history: dropped under a 5-minute window of the member, kept where none, summed per start',
      input: [
        pw('p1', T0, 100, 100, { res: 1800, coverage: 1 }), pw('p1', T0 + 2 * M5, 50, 50),
        pw('p4', T0, 300, 100, { res: 7200, coverage: 0.5 }), pw('p4', T0, 100, null, { res: 7200, port: 'p4' , coverage: 1 }),
      ],
      want: { '65001@0': undefined, '65001@2': { inBps: 50, res: 300 }, '65004@0': { res: 7200, inBps: 400, outBps: 100, coverage: 0.75, ports: 2 } },
    },
    {
      name: 'the IXP counts a member only while it is a member (a window straddling the start counts)',
      input: [pw('p1', T0, 10, 10), pw('p4', T0, 1, 1), pw('p4', T0 + M5, 2, 2)],
      membership: (asn) => (asn === 65004 ? { start: T0 + M5 + 1, end: null } : undefined),
      want: { '65004@0': { inBps: 1 }, '0@0': { inBps: 10, ports: 1 }, '0@1': { inBps: 2, ports: 1 } },
    },
    {
      name: 'a member that left is not in the IXP\'s windows from its leave instant',
      input: [pw('p1', T0, 10, 10), pw('p4', T0, 1, 1)],
      membership: (asn) => (asn === 65004 ? { start: null, end: T0 } : undefined),
      want: { '65004@0': { inBps: 1 }, '0@0': { inBps: 10, outBps: 10 } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = byKey(memberWindows(c.input, owner, c.membership ?? always));
      for (const [k, want] of Object.entries(c.want)) {
        if (want === undefined) { expect(got.has(k), k).toBe(false); continue; }
        expect(got.get(k), k).toMatchObject(want);
      }
    });
  }

  it('sorts member rows by asn then time and puts the IXP\'s last', () => {
    const rows = memberWindows([pw('p4', T0 + M5, 1, 1), pw('p1', T0 + M5, 1, 1), pw('p1', T0, 1, 1)], owner, always);
    expect(rows.map((r) => [r.asn, (r.t - T0) / M5])).toEqual([[65001, 0], [65001, 1], [65004, 1], [0, 0], [0, 1]]);
  });
});
