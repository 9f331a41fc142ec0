/**
 * The ban list: one ban per target, replacing and lifting, expiry on a clock, lookups by address
 * and by name, its file form (parsed back exactly, or refused by line), the size limit, and the
 * change notifications its owner saves on.
 */
import { Ban, BanList, MAX_BANS, parseBanLine } from '../../src/admin/bans';
import { parseBanTarget, type BanTarget } from '../../src/admin/ban-target';
import { DataFileError } from '../../src/admin/data-file';

const T0 = Date.parse('2026-11-24T16:55:58.414Z');

function ban(text: string, until?: number, reason = 'why'): Ban {
  const target = parseBanTarget(text) as BanTarget;
  return new Ban(target, { by: 'alice', setAt: T0, until, reason });
}

function list(): { bans: BanList; clock: { ms: number }; changes: () => number } {
  const clock = { ms: T0 };
  const bans = new BanList(() => clock.ms);
  let changes = 0;
  bans.onChange = () => changes++;
  return { bans, clock, changes: () => changes };
}

test('one ban per target: a new ban on it replaces the old; remove lifts it', () => {
  const { bans, changes } = list();
  bans.add(ban('10.0.0.1', undefined, 'first'));
  bans.add(ban('10.0.0.2'));
  bans.add(ban('10.0.0.1', undefined, 'second'));
  expect(bans.list().map((b) => [b.target, b.reason])).toEqual([
    ['10.0.0.2', 'why'],
    ['10.0.0.1', 'second'],
  ]);
  expect(bans.remove('10.0.0.1')?.reason).toBe('second');
  expect(bans.remove('10.0.0.1')).toBeUndefined();
  expect(changes()).toBe(4);
});

test('lookups: exact addresses, then ranges, then names; only bans in force', () => {
  const { bans, clock, changes } = list();
  bans.add(ban('10.0.0.0/8', T0 + 60_000, 'range'));
  bans.add(ban('10.1.1.1', undefined, 'exact'));
  bans.add(ban('[::1]'));
  bans.add(ban('nick:bob', T0 + 1000));
  expect(bans.forAddress('10.1.1.1')?.reason).toBe('exact');
  expect(bans.forAddress('::ffff:10.2.2.2')?.reason).toBe('range');
  expect(bans.forAddress('::1')?.target).toBe('[::1]');
  expect(bans.forAddress('11.0.0.1')).toBeUndefined();
  expect(bans.forAddress('not an address')).toBeUndefined();
  expect(bans.forNick('BOB')?.target).toBe('nick:bob');
  expect(bans.forNick('2bad')).toBeUndefined();
  const before = changes();
  clock.ms = T0 + 1000; // the name ban ends now: it no longer applies, and is dropped
  expect(bans.forNick('bob')).toBeUndefined();
  expect(changes()).toBe(before + 1);
  clock.ms = T0 + 60_000;
  expect(bans.forAddress('10.2.2.2')).toBeUndefined();
  expect(bans.list().map((b) => b.target)).toEqual(['10.1.1.1', '[::1]']);
  expect(bans.prune()).toBe(false);
});

test("an IPv6 user's /64 is found for every address in it, and ends like any ban", () => {
  const { bans, clock } = list();
  bans.add(ban('2001:db8:1:2::5/64', T0 + 1000, 'user'));
  bans.add(ban('[2001:db8::]/32', undefined, 'wide'));
  bans.add(ban('[::]/64', undefined, 'the loopback block')); // matched as a range: ::1 is in it
  expect(bans.forAddress('2001:db8:1:2:ffff:1:2:3')?.reason).toBe('user');
  expect(bans.forAddress('2001:db8:1:3::1')?.reason).toBe('wide');
  expect(bans.forAddress('::1')?.reason).toBe('the loopback block');
  expect(bans.forAddress('::2')?.reason).toBe('the loopback block');
  expect(bans.forAddress('2001:db9::1')).toBeUndefined();
  clock.ms = T0 + 1000;
  expect(bans.forAddress('2001:db8:1:2::5')?.reason).toBe('wide');
  bans.remove('[2001:db8::]/32');
  expect(bans.forAddress('2001:db8:1:2::5')).toBeUndefined();
});

test('the file form parses back to the same bans', () => {
  const { bans } = list();
  bans.add(ban('10.0.0.0/8', T0 + 60_000, 'a range: with " :" in it'));
  bans.add(ban('[2001:db8::]/32', undefined, ''));
  bans.add(ban('nick:bob'));
  const text = bans.serialize();
  expect(text.split('\n')).toEqual([
    '# selectchat bans, one per line: <target> <by> <set-at> <until|permanent> :<reason>',
    '10.0.0.0/8 alice 2026-11-24T16:55:58.414Z 2026-11-24T16:56:58.414Z :a range: with " :" in it',
    '[2001:db8::]/32 alice 2026-11-24T16:55:58.414Z permanent :',
    'nick:bob alice 2026-11-24T16:55:58.414Z permanent :why',
    '',
  ]);
  const again = BanList.parse('bans', Buffer.from(text), () => T0);
  expect(again.serialize()).toBe(text);
});

test('a bad line is a DataFileError naming file and line', () => {
  const data = Buffer.from(
    `# ok\n10.0.0.1 a ${new Date(T0).toISOString()} permanent :x\nnonsense\n`,
  );
  expect(() => BanList.parse('/data/bans', data)).toThrow(DataFileError);
  expect(() => BanList.parse('/data/bans', data)).toThrow(
    '/data/bans:3: nonsense is not an address, a range (CIDR) or nick:<name>',
  );
  expect(parseBanLine('10.0.0.1 :alice 2026-11-24T16:55:58.414Z permanent :x')).toBe(
    'bad "by" ":alice"',
  );
  expect(parseBanLine('10.0.0.1 alice 2026-11-24T16:55:58.414Z 2026-02-30T00:00:00.000Z :x')).toBe(
    'bad until "2026-02-30T00:00:00.000Z": a time or permanent',
  );
});

test(`at most ${MAX_BANS} bans; replacing one is still allowed when full`, () => {
  const { bans } = list();
  for (let i = 0; i < MAX_BANS; i++)
    expect(bans.add(ban(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`))).toBe(true);
  expect(bans.add(ban('11.0.0.1'))).toBe(false);
  expect(bans.add(ban('10.0.0.1', undefined, 'again'))).toBe(true);
  expect(bans.size).toBe(MAX_BANS);
});
