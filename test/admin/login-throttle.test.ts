/**
 * The login throttle on a test clock: failures answered after doubling delays, a lockout after
 * the fifth (doubling at each lockout), one attempt per address at a time, IPv6 counted per /64,
 * a success forgetting the record, a quiet hour forgetting it too, and bounded memory.
 */
import { LoginThrottle, type Attempt } from '../../src/admin/login-throttle';
import { ProtocolError } from '../../src/protocol/errors';

function throttle(options: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  const clock = { ms: 1_000_000 };
  return { clock, t: new LoginThrottle({ now: () => clock.ms, ...options }) };
}

function begin(t: LoginThrottle, address: string): Attempt {
  const attempt = t.begin(address);
  if (attempt instanceof ProtocolError) throw attempt;
  return attempt;
}

function fail(t: LoginThrottle, address: string): [number, string, string] {
  const attempt = begin(t, address);
  const { delayMs, error } = attempt.failed();
  attempt.release();
  return [delayMs, error.code, error.message];
}

test('failures are answered after 250, 500, 1000, 2000 ms; the fifth locks out for 60 s', () => {
  const { t, clock } = throttle();
  const wrong = 'wrong name or password';
  expect([1, 2, 3, 4].map(() => fail(t, '10.0.0.1'))).toEqual([
    [250, 'not-permitted', wrong],
    [500, 'not-permitted', wrong],
    [1000, 'not-permitted', wrong],
    [2000, 'not-permitted', wrong],
  ]);
  expect(fail(t, '10.0.0.1')).toEqual([
    0,
    'rate-limited',
    'too many failed logins from 10.0.0.1; try again in 60s',
  ]);
  clock.ms += 30_500;
  expect(t.begin('10.0.0.1')).toMatchObject({
    code: 'rate-limited',
    message: 'too many failed logins from 10.0.0.1; try again in 30s',
  });
  expect(t.begin('10.0.0.2')).not.toBeInstanceOf(ProtocolError);
  // After the lockout a new round starts, and the next lockout is twice as long.
  clock.ms += 30_000;
  expect(fail(t, '10.0.0.1')[0]).toBe(250);
  for (let i = 0; i < 3; i++) fail(t, '10.0.0.1');
  expect(fail(t, '10.0.0.1')[2]).toBe('too many failed logins from 10.0.0.1; try again in 120s');
});

test('a success forgets the failures; so does an hour without one', () => {
  const { t, clock } = throttle();
  fail(t, '10.0.0.1');
  fail(t, '10.0.0.1');
  const ok = begin(t, '10.0.0.1');
  ok.succeeded();
  ok.release();
  expect(fail(t, '10.0.0.1')[0]).toBe(250);
  clock.ms += 3_600_001;
  expect(fail(t, '10.0.0.1')[0]).toBe(250);
});

test('one attempt per address at a time; others go on; and a cap on all at once', () => {
  const { t } = throttle({ maxConcurrent: 2 });
  const first = begin(t, '10.0.0.1');
  expect(t.begin('::ffff:10.0.0.1')).toMatchObject({
    code: 'rate-limited',
    message: 'a login from 10.0.0.1 is being checked; wait for its answer',
  });
  const second = begin(t, '10.0.0.2');
  expect(t.begin('10.0.0.3')).toMatchObject({
    code: 'rate-limited',
    message: 'the server is checking too many logins; try again in a moment',
  });
  first.failed();
  first.release();
  first.release(); // twice is once
  second.release();
  begin(t, '10.0.0.3');
  begin(t, '10.0.0.1');
});

test('a failure gives its server-wide slot back once checked; its address stays busy', () => {
  const { t } = throttle({ maxConcurrent: 1 });
  const guess = begin(t, '10.0.0.1');
  expect(t.begin('10.0.0.2')).toMatchObject({ message: expect.stringMatching(/too many logins/) });
  guess.checked();
  guess.failed(); // now waiting out its delay
  expect(t.checking).toBe(0);
  const admin = begin(t, '10.0.0.2');
  expect(t.begin('10.0.0.1')).toMatchObject({
    message: 'a login from 10.0.0.1 is being checked; wait for its answer',
  });
  admin.checked();
  admin.succeeded();
  admin.release();
  guess.release();
  guess.release(); // twice is once: it must not free the address's next attempt
  const next = begin(t, '10.0.0.1');
  guess.release();
  expect(t.begin('10.0.0.1')).toMatchObject({ code: 'rate-limited' });
  expect(t.checking).toBe(1);
  next.release();
  expect(t.checking).toBe(0);
});

test('IPv6 clients are counted per /64', () => {
  const { t } = throttle();
  const attempt = begin(t, '2001:db8:1:2::1');
  expect(attempt.key).toBe('2001:db8:1:2::/64');
  expect(t.begin('2001:db8:1:2:ffff::9')).toMatchObject({ code: 'rate-limited' });
  expect(t.begin('2001:db8:1:3::1')).not.toBeInstanceOf(ProtocolError);
  expect(begin(t, '::1').key).toBe('::1'); // the loopback is one host
});

test('at most maxTracked addresses are remembered; the longest quiet go first', () => {
  const { t } = throttle({ maxTracked: 3 });
  for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) fail(t, a);
  fail(t, '10.0.0.1'); // now the most recent
  fail(t, '10.0.0.4');
  expect(t.tracked).toBe(3);
  expect(fail(t, '10.0.0.1')[0]).toBe(1000); // still remembered: third failure
  expect(fail(t, '10.0.0.2')[0]).toBe(250); // forgotten
});
