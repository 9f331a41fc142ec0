/**
 * Password hashes: scrypt with a salt per hash and its parameters stored with it, verification
 * of the right password only, hashes that are damaged or too costly refused, the decoy that
 * nothing matches, and the rules a new password must meet to be typed on a chat line.
 */
import {
  DECOY_HASH,
  hashPassword,
  hashProblem,
  passwordProblem,
  randomPassword,
  SCRYPT_PARAMS,
  verifyPassword,
} from '../../src/admin/password';

const CHEAP = { N: 1024, r: 8, p: 1 };

test('a hash verifies its password only; two hashes of one password differ (salt)', async () => {
  const a = await hashPassword('pass word ünïcode', CHEAP);
  const b = await hashPassword('pass word ünïcode', CHEAP);
  expect(a).toMatch(/^scrypt:1024:8:1:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/]{43}=$/);
  expect(a).not.toBe(b);
  expect(await verifyPassword('pass word ünïcode', a)).toBe(true);
  // The same text in another Unicode normal form is the same password.
  expect(await verifyPassword('pass word ünïcode'.normalize('NFD'), a)).toBe(true);
  for (const wrong of ['pass word unicode', 'pass word ünïcode ', '', 'PASS WORD ÜNÏCODE']) {
    expect(await verifyPassword(wrong, a)).toBe(false);
  }
});

test('the default cost is the one stored', async () => {
  const { N, r, p } = SCRYPT_PARAMS;
  expect(await hashPassword('x')).toMatch(new RegExp(`^scrypt:${N}:${r}:${p}:`));
  expect(N).toBe(32768);
});

test('damaged or too costly hashes are refused, never checked', async () => {
  const good = await hashPassword('secret secret', CHEAP);
  const [, , , , salt, key] = good.split(':');
  for (const [stored, problem] of [
    ['plain text', 'not a scrypt:N:r:p:salt:key password hash'],
    [`scrypt:1000:8:1:${salt}:${key}`, 'scrypt parameters N=1000 r=8 p=1 are out of range'],
    [`scrypt:2097152:8:1:${salt}:${key}`, 'scrypt parameters N=2097152 r=8 p=1 are out of range'],
    [`scrypt:1024:8:17:${salt}:${key}`, 'scrypt parameters N=1024 r=8 p=17 are out of range'],
    [`scrypt:1024:8:1:AAAA:${key}`, 'password hash with a short salt or key'],
  ] as const) {
    expect(hashProblem(stored)).toBe(problem);
    expect(await verifyPassword('secret secret', stored)).toBe(false);
  }
  expect(hashProblem(good)).toBeUndefined();
  expect(hashProblem(DECOY_HASH)).toBeUndefined();
});

test('the decoy hash costs a check and matches nothing', async () => {
  for (const password of ['', 'admin', randomPassword()]) {
    expect(await verifyPassword(password, DECOY_HASH)).toBe(false);
  }
});

test('random passwords: 24 URL-safe characters, each new', () => {
  const seen = new Set(Array.from({ length: 50 }, randomPassword));
  expect(seen.size).toBe(50);
  for (const p of seen)
    expect([p, passwordProblem(p)]).toEqual([expect.stringMatching(/^[\w-]{24}$/), undefined]);
});

test.each([
  ['short', 'a password needs at least 8 characters'],
  ['ümlaut7', 'a password needs at least 8 characters'],
  [' padded password', 'a password may not start or end with a space'],
  ['padded password ', 'a password may not start or end with a space'],
  ['tab\tinside', 'a password may not contain control characters'],
  ['c1\u0085inside', 'a password may not contain control characters'],
  ['x'.repeat(1025), 'a password may have at most 1024 bytes'],
])('%j is refused: %s', (password, problem) => {
  expect(passwordProblem(password)).toBe(problem);
});

test('spaces inside, Unicode and 8 characters are fine', () => {
  for (const ok of ['eight ch', 'correct horse battery staple', 'пароль-пароль']) {
    expect(passwordProblem(ok)).toBeUndefined();
  }
});
