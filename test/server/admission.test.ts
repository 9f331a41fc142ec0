/**
 * Admission on its own: the connection limit, the per-address limit (IPv6 per /64, IPv4-mapped
 * IPv6 as IPv4), loopback exempt unless asked, tickets released once, and the /stats lines.
 */
import { Admission, type AdmissionLimits, type Ticket } from '../../src/server/admission';

function admission(limits: Partial<AdmissionLimits> = {}): Admission {
  return new Admission({ maxClients: 100, maxPerIp: 2, limitLoopback: false, ...limits });
}

function ticket(verdict: Ticket | string): Ticket {
  if (typeof verdict === 'string') throw new Error(`refused: ${verdict}`);
  return verdict;
}

test('at most maxClients at once; a released ticket makes room', () => {
  const a = admission({ maxClients: 2, maxPerIp: 0 });
  const first = ticket(a.admit('10.0.0.1'));
  ticket(a.admit('10.0.0.2'));
  expect(a.admit('10.0.0.3')).toBe('server-full');
  first.release();
  first.release(); // idempotent: it does not free a second place
  ticket(a.admit('10.0.0.3'));
  expect(a.admit('10.0.0.4')).toBe('server-full');
  expect(a.connections).toBe(2);
});

test('at most maxPerIp from one address; others are unaffected', () => {
  const a = admission();
  const one = ticket(a.admit('10.0.0.1'));
  ticket(a.admit('10.0.0.1'));
  expect(a.admit('10.0.0.1')).toBe('too-many-connections');
  ticket(a.admit('10.0.0.2'));
  one.release();
  ticket(a.admit('10.0.0.1'));
});

test('IPv6 counts per /64, IPv4-mapped addresses as IPv4', () => {
  const a = admission();
  ticket(a.admit('2001:db8:1:2::1'));
  ticket(a.admit('2001:db8:1:2:ffff::9'));
  expect(a.admit('2001:db8:1:2::77')).toBe('too-many-connections');
  ticket(a.admit('2001:db8:1:3::1'));
  ticket(a.admit('::ffff:10.1.2.3'));
  ticket(a.admit('10.1.2.3'));
  expect(a.admit('10.1.2.3')).toBe('too-many-connections');
});

test('loopback is exempt from the per-address limit unless limitLoopback', () => {
  const exempt = admission();
  for (let i = 0; i < 5; i++) {
    ticket(exempt.admit('127.0.0.1'));
    ticket(exempt.admit('127.0.0.2'));
    ticket(exempt.admit('::1'));
  }
  const limited = admission({ limitLoopback: true });
  ticket(limited.admit('127.0.0.1'));
  ticket(limited.admit('127.0.0.1'));
  expect(limited.admit('127.0.0.1')).toBe('too-many-connections');
  expect(limited.admit('::ffff:127.0.0.1')).toBe('too-many-connections');
});

test('maxPerIp 0: no per-address limit, only maxClients', () => {
  const a = admission({ maxPerIp: 0, maxClients: 3, limitLoopback: true });
  for (let i = 0; i < 3; i++) ticket(a.admit('10.9.9.9'));
  expect(a.admit('10.9.9.9')).toBe('server-full');
});

test('/stats lines: connections, addresses, the busiest first', () => {
  const a = admission({ maxPerIp: 0 });
  for (let i = 0; i < 3; i++) ticket(a.admit('10.0.0.3'));
  ticket(a.admit('10.0.0.1'));
  for (let i = 0; i < 2; i++) ticket(a.admit('2001:db8::1'));
  expect(a.statsLines()).toEqual([
    ['connections', 6],
    ['addresses', 3],
    ['ip:10.0.0.3', 3],
    ['ip:2001:db8::/64', 2],
    ['ip:10.0.0.1', 1],
  ]);
});
