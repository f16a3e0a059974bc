// ifAlias conventions IXPs use for member ports, as a table.
import { describe, expect, it } from 'vitest';
import { parseIfAlias } from '../../../collector/members/ifalias.ts';

const TABLE: [string, { asn: number; name?: string } | undefined][] = [
  ['AS65001 Raajje Online', { asn: 65001, name: 'Raajje Online' }],
  ['Peering: AS65001 Raajje Online', { asn: 65001, name: 'Raajje Online' }],
  ['peering: as65001 raajje', { asn: 65001, name: 'raajje' }],
  ['AS65001 - Raajje Online', { asn: 65001, name: 'Raajje Online' }],
  ['AS65001: Raajje Online', { asn: 65001, name: 'Raajje Online' }],
  ['AS65001_Raajje', { asn: 65001, name: 'Raajje' }],
  ['[AS65001] Raajje Online', { asn: 65001, name: 'Raajje Online' }],
  ['Raajje Online (AS65001)', { asn: 65001, name: 'Raajje Online' }],
  ['Raajje Online AS65001', { asn: 65001, name: 'Raajje Online' }],
  ['Member - ASN 4200000001 Big ISP', { asn: 4200000001, name: 'Big ISP' }],
  ['CUST: AS 64512 | Island Cable', { asn: 64512, name: 'Island Cable' }],
  ['AS65001', { asn: 65001 }],
  ['  AS65001  ', { asn: 65001 }],
  ['AS65001 <img src=x onerror=alert(1)>', { asn: 65001, name: '<img src=x onerror=alert(1)>' }],
  ['uplink to core', undefined],
  ['', undefined],
  ['ASPATH filter', undefined],
  ['AS0 nobody', undefined],
  ['AS23456 transition', undefined],
  ['AS99999999999 too big', undefined],
  ['Raajje Online', undefined],
  ['LAS65001 not an asn', undefined],
];

describe('parseIfAlias', () => {
  it.each(TABLE)('%j', (alias, want) => {
    expect(parseIfAlias(alias)).toEqual(want);
  });
  it('drops control characters', () => {
    expect(parseIfAlias('AS65001\u0007 Bell\nName')).toEqual({ asn: 65001, name: 'Bell Name' });
  });
});
