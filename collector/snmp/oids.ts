// The numeric IF-MIB / SNMPv2-MIB OIDs the collector reads (RFC 2863, RFC 3418). One table,
// no MIB parsing at run time. Column OIDs have no trailing dot; append `.ifIndex` for an instance.

/** SNMPv2-MIB system scalars (instance `.0` included). */
export const SYS = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
} as const;

/** ifTable (1.3.6.1.2.1.2.2) entry prefix. */
export const IF_TABLE = '1.3.6.1.2.1.2.2.1';
/** ifXTable (1.3.6.1.2.1.31.1.1) entry prefix. */
export const IFX_TABLE = '1.3.6.1.2.1.31.1.1.1';

/** ifTable columns. */
export const IF = {
  ifDescr: `${IF_TABLE}.2`,
  ifType: `${IF_TABLE}.3`,
  ifSpeed: `${IF_TABLE}.5`,
  ifAdminStatus: `${IF_TABLE}.7`,
  ifOperStatus: `${IF_TABLE}.8`,
  ifInOctets: `${IF_TABLE}.10`,
  ifInUcastPkts: `${IF_TABLE}.11`,
  ifInNUcastPkts: `${IF_TABLE}.12`,
  ifInDiscards: `${IF_TABLE}.13`,
  ifInErrors: `${IF_TABLE}.14`,
  ifOutOctets: `${IF_TABLE}.16`,
  ifOutUcastPkts: `${IF_TABLE}.17`,
  ifOutNUcastPkts: `${IF_TABLE}.18`,
  ifOutDiscards: `${IF_TABLE}.19`,
  ifOutErrors: `${IF_TABLE}.20`,
} as const;

/** ifXTable columns. */
export const IFX = {
  ifName: `${IFX_TABLE}.1`,
  ifHCInOctets: `${IFX_TABLE}.6`,
  ifHCInUcastPkts: `${IFX_TABLE}.7`,
  ifHCInMulticastPkts: `${IFX_TABLE}.8`,
  ifHCInBroadcastPkts: `${IFX_TABLE}.9`,
  ifHCOutOctets: `${IFX_TABLE}.10`,
  ifHCOutUcastPkts: `${IFX_TABLE}.11`,
  ifHCOutMulticastPkts: `${IFX_TABLE}.12`,
  ifHCOutBroadcastPkts: `${IFX_TABLE}.13`,
  ifHighSpeed: `${IFX_TABLE}.15`,
  ifAlias: `${IFX_TABLE}.18`,
  ifCounterDiscontinuityTime: `${IFX_TABLE}.19`,
} as const;

/** ifXTable columns walked on every poll. */
export const IFX_COLUMNS: readonly string[] = Object.values(IFX);

/** ifTable columns walked on every poll: names, status, errors and discards. */
export const IF_COLUMNS: readonly string[] = [
  IF.ifDescr, IF.ifType, IF.ifAdminStatus, IF.ifOperStatus,
  IF.ifInDiscards, IF.ifInErrors, IF.ifOutDiscards, IF.ifOutErrors,
];

/**
 * ifTable columns read only where ifXTable lacks them (RFC 2863 3.1.6: 64-bit counters are
 * optional below 20 Mbit/s, and some agents have no ifXTable at all): ifSpeed and 32-bit counters.
 */
export const IF_FALLBACK_COLUMNS: readonly string[] = [
  IF.ifSpeed, IF.ifInOctets, IF.ifInUcastPkts, IF.ifInNUcastPkts,
  IF.ifOutOctets, IF.ifOutUcastPkts, IF.ifOutNUcastPkts,
];

/**
 * IF-MIB ifStackTable (RFC 2863 6): ifStackStatus, indexed by higher-layer.lower-layer ifIndex. Which interfaces
 * form a LAG. Walked hourly, not on every poll (a stack changes when someone reconfigures the switch).
 */
export const IF_STACK_STATUS = '1.3.6.1.2.1.31.1.2.1.3';
