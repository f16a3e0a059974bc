// The discover/poll target options: HOST[:PORT] forms, v2c vs v3, keys from env, clear mistakes.
import { describe, it, expect } from 'vitest';
import { parseHostPort, targetFromArgs, TargetOptionError, printable } from '../../../collector/snmp/cli-target.ts';

describe('parseHostPort', () => {
  it.each([
    ['sw1', 'sw1', 161], ['10.0.0.2:1161', '10.0.0.2', 1161], ['[::1]:16161', '::1', 16161], ['[fe80::1]', 'fe80::1', 161], ['2001:db8::5', '2001:db8::5', 161],
  ])('%s', (s, host, port) => { expect(parseHostPort(s)).toEqual({ host, port }); });
  it('rejects bad ports', () => {
    expect(() => parseHostPort('sw1:abc')).toThrow(TargetOptionError);
    expect(() => parseHostPort('sw1:70000')).toThrow(/not HOST\[:PORT\]/);
  });
});

describe('targetFromArgs', () => {
  it('v2c from the command line, the named env var or IXMETER_SNMP_COMMUNITY', () => {
    expect(targetFromArgs({ target: 'h:2', community: 'c1' }, {}).target).toMatchObject({ version: '2c', community: 'c1', host: 'h', port: 2, name: 'h', timeout: 2, retries: 1 });
    expect(targetFromArgs({ target: 'h', 'community-env': 'X' }, { X: 'c2' }).target.community).toBe('c2');
    expect(targetFromArgs({ target: 'h' }, { IXMETER_SNMP_COMMUNITY: 'c3' }).target.community).toBe('c3');
    expect(() => targetFromArgs({ target: 'h', 'community-env': 'X' }, {})).toThrow('--community-env: environment variable X is not set');
    expect(() => targetFromArgs({ target: 'h' }, {})).toThrow(/give --community/);
  });
  it('v3 needs protocols and keys of 8+ characters, and never says the key', () => {
    const v = { target: 'h', 'v3-user': 'u', 'auth-protocol': 'sha256', 'priv-protocol': 'aes256r', 'max-repetitions': '40', timeout: '0.5', retries: '0' };
    const t = targetFromArgs(v, { IXMETER_SNMP_AUTH_KEY: 'authkey-1', IXMETER_SNMP_PRIV_KEY: 'privkey-1' });
    expect(t.target).toMatchObject({ version: '3', user: 'u', authProtocol: 'sha256', privProtocol: 'aes256r', authKey: 'authkey-1', privKey: 'privkey-1', timeout: 0.5, retries: 0 });
    expect(t.maxRepetitions).toBe(40);
    expect(() => targetFromArgs({ ...v, 'auth-key': 'short' }, { IXMETER_SNMP_PRIV_KEY: 'privkey-1' })).toThrow(/at least 8 characters/);
    expect(() => targetFromArgs({ ...v, 'auth-key': 'short' }, { IXMETER_SNMP_PRIV_KEY: 'privkey-1' })).not.toThrow(/short/);
    expect(() => targetFromArgs({ ...v, 'priv-protocol': 'des' }, {})).toThrow('--priv-protocol must be aes, aes256b or aes256r, not "des"');
    expect(() => targetFromArgs({ ...v, community: 'c' }, {})).toThrow('either --community or --v3-user');
    expect(() => targetFromArgs({ ...v, timeout: 'x' }, {})).toThrow('--timeout');
  });
  it('requires --target', () => { expect(() => targetFromArgs({ community: 'c' }, {})).toThrow('--target HOST[:PORT] is required'); });
});

describe('printable', () => {
  it('escapes control characters of untrusted agent text', () => {
    expect(printable('a\u001b[31mb\r\n')).toBe('a\\x1b[31mb\\r\\n');
    expect(printable('\\A EDICION-1\\')).toBe('\\A EDICION-1\\');
  });
});
