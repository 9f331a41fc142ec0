/** Addresses as users see them: IPv6 in brackets before the port, IPv4-mapped ones as IPv4. */
import { formatHostPort, unmapIPv4 } from '../../src/protocol/address';

test('host:port, an IPv6 host in brackets', () => {
  expect(formatHostPort('127.0.0.1', 7000)).toBe('127.0.0.1:7000');
  expect(formatHostPort('::1', 7000)).toBe('[::1]:7000');
  expect(formatHostPort('2001:db8::5', 0)).toBe('[2001:db8::5]:0');
  expect(formatHostPort('chat.example.org', 7443)).toBe('chat.example.org:7443');
});

test('an IPv4-mapped address is the IPv4 address; others are unchanged', () => {
  expect(unmapIPv4('::ffff:127.0.0.2')).toBe('127.0.0.2');
  expect(unmapIPv4('::FFFF:10.1.2.3')).toBe('10.1.2.3');
  for (const other of [
    '127.0.0.2',
    '::1',
    '2001:db8::ffff:1.2.3.4',
    '::ffff:1.2.3',
    'unknown',
    '',
  ]) {
    expect(unmapIPv4(other)).toBe(other);
  }
});
