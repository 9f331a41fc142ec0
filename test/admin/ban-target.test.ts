/**
 * Ban targets: every spelling an admin may type comes out in one canonical form, bad ones are
 * explained, and matching handles IPv4, IPv6, ranges, IPv4-mapped clients and names.
 */
import {
  parseAddress,
  parseBanTarget,
  targetMatches,
  type BanTarget,
} from '../../src/admin/ban-target';

test.each([
  ['127.0.0.2', 'address', '127.0.0.2'],
  ['::1', 'address', '[::1]'],
  ['[::1]', 'address', '[::1]'],
  ['0:0:0:0:0:0:0:1', 'address', '[::1]'],
  ['2001:DB8:0:0::5', 'address', '[2001:db8::5]'],
  ['::ffff:127.0.0.3', 'address', '127.0.0.3'],
  ['10.1.2.3/8', 'range', '10.0.0.0/8'],
  ['127.0.0.5/30', 'range', '127.0.0.4/30'],
  ['0.0.0.0/0', 'range', '0.0.0.0/0'],
  ['2001:db8:ffff::1/32', 'range', '[2001:db8::]/32'],
  ['[2001:db8::]/32', 'range', '[2001:db8::]/32'],
  ['::ffff:10.9.8.7/104', 'range', '10.0.0.0/8'],
  ['nick:Bob', 'nick', 'nick:bob'],
  ['NICK:guest-7', 'nick', 'nick:guest-7'],
])('%j is the %s %j', (typed, kind, text) => {
  expect(parseBanTarget(typed)).toMatchObject({ kind, text });
});

test.each([
  ['bob', 'bob is not an address, a range (CIDR) or nick:<name>'],
  ['300.1.2.3', '300.1.2.3 is not an address, a range (CIDR) or nick:<name>'],
  ['127.1', '127.1 is not an address, a range (CIDR) or nick:<name>'],
  ['fe80::1%eth0', 'fe80::1%eth0 is not an address, a range (CIDR) or nick:<name>'],
  ['[::1', '[::1 is not an address, a range (CIDR) or nick:<name>'],
  ['10.0.0.0/33', '10.0.0.0/33: the prefix length must be 0 to 32'],
  ['::/129', '::/129: the prefix length must be 0 to 128'],
  [
    '::ffff:10.0.0.0/80',
    '::ffff:10.0.0.0/80: an IPv4-mapped range takes a prefix length of 96 to 128, 96 more than ' +
      'the IPv4 one (::ffff:10.0.0.0/104 is 10.0.0.0/8); or type the IPv4 range, 10.0.0.0/<0 to 32>',
  ],
  [
    '[::FFFF:10.1.2.3]/129',
    '[::FFFF:10.1.2.3]/129: an IPv4-mapped range takes a prefix length of 96 to 128, 96 more ' +
      'than the IPv4 one (::ffff:10.1.2.3/104 is 10.1.2.3/8); or type the IPv4 range, 10.1.2.3/<0 to 32>',
  ],
  ['10.0.0.0/', '10.0.0.0/ is not a range: use an address and a prefix length, e.g. 10.0.0.0/8'],
  [
    '10.0.0.0/8/8',
    '10.0.0.0/8/8 is not a range: use an address and a prefix length, e.g. 10.0.0.0/8',
  ],
  ['bob/8', 'bob/8 is not a range: use an address and a prefix length, e.g. 10.0.0.0/8'],
  ['nick:', 'nick:: "" is not a valid nick'],
  ['nick:a b', 'nick:a b: "a b" is not a valid nick'],
])('%j is refused: %s', (typed, problem) => {
  expect(parseBanTarget(typed)).toBe(problem);
});

function target(text: string): BanTarget {
  const parsed = parseBanTarget(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

test.each([
  ['127.0.0.2', '127.0.0.2', true],
  ['127.0.0.2', '::ffff:127.0.0.2', true],
  ['127.0.0.2', '127.0.0.3', false],
  ['::1', '::1', true],
  ['::1', '127.0.0.1', false],
  ['127.0.0.4/30', '127.0.0.7', true],
  ['127.0.0.4/30', '::ffff:127.0.0.6', true],
  ['127.0.0.4/30', '127.0.0.8', false],
  ['0.0.0.0/0', '::1', false],
  ['::/0', '127.0.0.1', false],
  ['::/0', '::ffff:127.0.0.1', false],
  ['[2001:db8::]/32', '2001:db8:1::9', true],
  ['[2001:db8::]/32', '2001:db9::', false],
  ['nick:bob', '127.0.0.1', false],
])('%j matches a client at %j: %s', (ban, address, expected) => {
  expect(targetMatches(target(ban), parseAddress(address), 'carol')).toBe(expected);
});

test('a name ban matches the nick ignoring case, whatever the address', () => {
  const ban = target('nick:Bob');
  expect(targetMatches(ban, parseAddress('10.0.0.1'), 'BOB')).toBe(true);
  expect(targetMatches(ban, undefined, 'bob')).toBe(true);
  expect(targetMatches(ban, undefined, 'bobby')).toBe(false);
  expect(targetMatches(target('10.0.0.1'), undefined, 'bob')).toBe(false);
});
