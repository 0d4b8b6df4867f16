import {
  AddressPolicy,
  blockedReason,
  canonicalAddress,
  isBlockedAddress,
  parseIPv6,
} from './address-policy';

describe('address policy', () => {
  it.each([
    // IPv4
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'ietf-protocol-assignment'],
    ['192.0.2.10', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['[::1]', 'loopback'],
    // IPv6 forms embedding IPv4
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::127.0.0.1', 'ipv4-compatible'],
    ['::8.8.8.8', 'ipv4-compatible'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', '6to4:loopback'],
    ['2002:c0a8:101::1', '6to4:private'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo:loopback'], // client 127.0.0.1 (inverted)
    // not IP addresses at all: fail closed
    ['localhost', 'invalid'],
    ['', 'invalid'],
    ['1.2.3', 'invalid'],
    ['256.1.1.1', 'invalid'],
  ])('blocks %s (%s)', (address, reason) => {
    expect(blockedReason(address)).toBe(reason);
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '100.63.255.255', // just below CGNAT
    '100.128.0.0', // just above CGNAT
    '172.15.255.255', // just below 172.16/12
    '172.32.0.0', // just above 172.16/12
    '169.253.255.255',
    '192.169.0.1',
    '11.0.0.1',
    '126.255.255.255',
    '128.0.0.1',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // NAT64 of 8.8.8.8
    '2002:808:808::1', // 6to4 of 8.8.8.8
    '2400::1', // ordinary global unicast
  ])('allows public %s', (address) => {
    expect(blockedReason(address)).toBeNull();
    expect(isBlockedAddress(address)).toBe(false);
  });

  it('parses IPv6 forms to 16 bytes', () => {
    expect(parseIPv6('::1')).toEqual([...new Array<number>(15).fill(0), 1]);
    expect(parseIPv6('::ffff:1.2.3.4')?.slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('127.0.0.1')).toBeNull();
  });

  it('canonicalizes addresses for comparison', () => {
    expect(canonicalAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalAddress('::FFFF:7f00:1')).toBe('127.0.0.1');
    expect(canonicalAddress('2001:DB8::1')).toBe('2001:db8:0:0:0:0:0:1');
    expect(canonicalAddress('example.com')).toBeNull();
  });

  describe('AddressPolicy', () => {
    it('applies the block list by default', () => {
      const policy = new AddressPolicy();
      expect(policy.isAllowed('8.8.8.8')).toBe(true);
      expect(policy.isAllowed('127.0.0.1')).toBe(false);
      expect(policy.check('10.0.0.1')).toBe('private');
    });

    it('allowPrivateNetworks turns it off', () => {
      const policy = new AddressPolicy({ allowPrivateNetworks: true });
      expect(policy.isAllowed('127.0.0.1')).toBe(true);
      expect(policy.isAllowed('::1')).toBe(true);
    });

    it('exempts exactly the allowed addresses, in any notation', () => {
      const policy = new AddressPolicy({ allowedAddresses: ['10.0.0.5', '::ffff:127.0.0.1'] });
      expect(policy.isAllowed('10.0.0.5')).toBe(true);
      expect(policy.isAllowed('::ffff:a00:5')).toBe(true);
      expect(policy.isAllowed('127.0.0.1')).toBe(true);
      expect(policy.isAllowed('10.0.0.6')).toBe(false);
      expect(policy.isAllowed('127.0.0.2')).toBe(false);
      expect(policy.isAllowed('::1')).toBe(false);
    });
  });
});
