import { toChatEvent } from '../../../src/client/chat-event.js';
import { describe as describeEvent, localStamp } from '../../../src/client/display-line.js';
import { updateUsers } from '../../../src/client/users.js';

const T = '2026-11-24T16:55:58.414Z';
const event = (rest: string) => toChatEvent(`${T} ${rest}`);
const textOf = (rest: string) =>
  describeEvent(event(rest))
    .segments.map((s) => s.text)
    .join('');

test('the admin events are read by their documented form', () => {
  expect(event('KICK bob admin :spamming')).toEqual({
    time: T,
    type: 'KICK',
    nick: 'bob',
    by: 'admin',
    reason: 'spamming',
  });
  expect(event('BAN 127.0.0.2 admin :flood')).toEqual({
    time: T,
    type: 'BAN',
    target: '127.0.0.2',
    by: 'admin',
    reason: 'flood',
  });
  expect(event(`BANS bob admin ${T} permanent :rude`)).toEqual({
    time: T,
    type: 'BANS',
    target: 'bob',
    by: 'admin',
    setAt: T,
    until: 'permanent',
    reason: 'rude',
  });
});

test('a line that breaks the grammar, or an admin event of the wrong shape, is shown as it came', () => {
  const now = () => new Date(T);
  expect(toChatEvent('garbage', now)).toEqual({ time: T, type: 'other', line: 'garbage' });
  expect(toChatEvent(`${T} MSG bob`, now)).toMatchObject({ type: 'other' });
  expect(toChatEvent(`${T} KICK bob`, now)).toMatchObject({ type: 'other' });
  expect(toChatEvent(`${T} DANCE bob`, now)).toEqual({
    time: T,
    type: 'other',
    line: `${T} DANCE bob`,
  });
});

test('each kind of event reads as a person would say it', () => {
  expect(textOf('MSG alice :hi there')).toBe('<alice> hi there');
  expect(textOf('ACTION alice :waves')).toBe('* alice waves');
  expect(textOf('WHISPER alice bob :psst')).toBe('[whisper alice → bob] psst');
  expect(textOf('JOIN bob')).toBe('--> bob joined');
  expect(textOf('QUIT bob :see you')).toBe('<-- bob left (see you)');
  expect(textOf('NICK bob bobby')).toBe('--- bob is now bobby');
  expect(textOf('KICK bob admin :spam')).toBe('!!! bob was kicked by admin (spam)');
  expect(textOf('BAN bob admin :spam')).toBe('!!! bob was banned by admin (spam)');
  expect(textOf('ERROR nick-taken :nick bob is taken')).toBe('error nick-taken: nick bob is taken');
  expect(describeEvent(event('KICK bob admin :spam')).kind).toBe('kick');
  expect(describeEvent(event('ERROR x :y')).kind).toBe('error');
});

test('time stamps are local time', () => {
  const date = new Date(T);
  const two = (n: number) => String(n).padStart(2, '0');
  expect(localStamp(T)).toBe(
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`,
  );
});

describe('the user list follows the room', () => {
  const apply = (users: readonly string[], ...lines: string[]) =>
    lines.reduce((u, line) => updateUsers(u, event(line)), users);

  test('USERS replaces, JOIN adds, QUIT removes, NICK renames in place (ignoring case)', () => {
    expect(
      apply([], 'USERS alice bob', 'JOIN carol', 'QUIT BOB :bye', 'NICK Alice alicia'),
    ).toEqual(['alicia', 'carol']);
  });

  test('KICK takes a nick out, before or after its QUIT', () => {
    const users = ['alice', 'bob', 'carol'];
    expect(apply(users, 'KICK bob admin :x', 'QUIT bob :kicked by admin: x')).toEqual([
      'alice',
      'carol',
    ]);
    expect(apply(users, 'QUIT bob :kicked by admin: x', 'KICK bob admin :x')).toEqual([
      'alice',
      'carol',
    ]);
  });

  test('BAN nick:<name> takes that nick out, before or after its QUIT', () => {
    const users = ['alice', 'Mallory', 'carol'];
    expect(apply(users, 'BAN nick:mallory admin :y')).toEqual(['alice', 'carol']);
    expect(apply(users, 'QUIT Mallory :banned by admin', 'BAN nick:mallory admin :y')).toEqual([
      'alice',
      'carol',
    ]);
  });

  test('a BAN of an address or range names nobody: only the QUITs that follow take users out', () => {
    // Whoever has "carol" is not the user of 10.0.0.1 (the server writes a nick's address).
    const users = ['alice', 'bob', 'carol'];
    for (const target of ['10.0.0.1', '[2001:db8::1]', '10.0.0.0/8', 'carol']) {
      expect(apply(users, `BAN ${target} admin :z`)).toBe(users);
    }
    expect(apply(users, 'BAN 10.0.0.1 admin :z', 'QUIT bob :banned by admin: z')).toEqual([
      'alice',
      'carol',
    ]);
  });

  test('other events leave the very same list', () => {
    const users = ['alice'];
    expect(updateUsers(users, event('MSG alice :hi'))).toBe(users);
  });
});
