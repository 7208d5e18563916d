import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advertisedAddress,
  formatAddress,
  isAddress,
  isWildcardHost,
  parseAddress,
} from '../src/address.js';

describe('addresses', () => {
  it('parseAddress reads back what formatAddress writes, IPv4, names and IPv6', () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());
    fc.assert(
      fc.property(host, fc.integer({ min: 0, max: 65_535 }), (h, port) => {
        expect(parseAddress(formatAddress(h, port))).toEqual({ host: h, port });
        expect(isAddress(formatAddress(h, port))).toBe(true);
      }),
    );
  });

  it('isAddress refuses what is not host:port', () => {
    for (const address of [
      '',
      'host',
      ':80',
      'host:',
      'host:65536',
      'a:b:1',
      'not an address',
      '[::1]',
    ]) {
      expect(isAddress(address)).toBe(false);
    }
  });

  it('wildcard hosts are the ones meaning every interface', () => {
    for (const host of ['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::0'])
      expect(isWildcardHost(host)).toBe(true);
    for (const host of ['127.0.0.1', '::1', '10.0.0.1', 'localhost', 'fe80::1']) {
      expect(isWildcardHost(host)).toBe(false);
    }
  });

  it('a node advertises the address it was given, else the one it listens on unless that is a wildcard', () => {
    expect(advertisedAddress('10.0.0.5:7946', '0.0.0.0', '0.0.0.0:7946')).toBe('10.0.0.5:7946');
    expect(advertisedAddress('10.0.0.5:7946', '127.0.0.1', '127.0.0.1:7946')).toBe('10.0.0.5:7946');
    expect(advertisedAddress(undefined, '127.0.0.1', '127.0.0.1:7946')).toBe('127.0.0.1:7946');
    expect(advertisedAddress(undefined, '0.0.0.0', '0.0.0.0:7946')).toBeUndefined();
    expect(advertisedAddress(undefined, '::', '[::]:7946')).toBeUndefined();
  });
});
