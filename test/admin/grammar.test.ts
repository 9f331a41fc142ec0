/**
 * The admin commands' grammar (parseCommand), ban durations, the new events' shapes
 * (parseEvent), and the error codes they use.
 */
import { ERROR_CODES } from '../../src/protocol/errors';
import { parseEvent } from '../../src/protocol/event-parser';
import { EVENT_TYPES } from '../../src/protocol/format';
import { MAX_BAN_DURATION_MS, parseCommand, parseDuration } from '../../src/protocol/parse';

test.each([
  ['/login admin s3cret', { kind: 'login', name: 'admin', password: 's3cret' }],
  [
    '/login  admin   a pass  phrase  ',
    { kind: 'login', name: 'admin', password: 'a pass  phrase' },
  ],
  ['/kick bob', { kind: 'kick', nick: 'bob' }],
  ['/KICK bob  go away', { kind: 'kick', nick: 'bob', reason: 'go away' }],
  ['/ban bob', { kind: 'ban', target: 'bob' }],
  ['/ban bob spamming links', { kind: 'ban', target: 'bob', reason: 'spamming links' }],
  ['/ban 10.0.0.0/8 30m', { kind: 'ban', target: '10.0.0.0/8', durationMs: 1_800_000 }],
  ['/ban ::1 12h loud', { kind: 'ban', target: '::1', durationMs: 43_200_000, reason: 'loud' }],
  ['/ban nick:bob 7D', { kind: 'ban', target: 'nick:bob', durationMs: 604_800_000 }],
  ['/ban bob 2w x', { kind: 'ban', target: 'bob', durationMs: 1_209_600_000, reason: 'x' }],
  ['/unban 10.0.0.1', { kind: 'unban', target: '10.0.0.1' }],
  ['/bans', { kind: 'bans' }],
])('%j parses', (line, command) => {
  expect(parseCommand(line)).toEqual(command);
});

test.each([
  ['/login', 'missing-argument', 'usage: /login <name> <password>'],
  ['/login admin', 'missing-argument', 'usage: /login <name> <password>'],
  ['/kick', 'missing-argument', 'usage: /kick <nick> [reason]'],
  ['/ban', 'missing-argument', 'usage: /ban <target> [duration] [reason]'],
  ['/ban bob 0m', 'invalid-argument', expect.stringMatching(/^bad duration 0m: .*usage: \/ban/)],
  ['/ban bob 1y', 'invalid-argument', expect.stringMatching(/^bad duration 1y: /)],
  ['/ban bob 30 minutes', 'invalid-argument', expect.stringMatching(/^bad duration 30: /)],
  ['/unban', 'missing-argument', 'usage: /unban <target>'],
  ['/unban a b', 'invalid-argument', 'too many arguments; usage: /unban <target>'],
  ['/bans x', 'invalid-argument', 'too many arguments; usage: /bans'],
])('%j is %s', (line, code, message) => {
  expect(parseCommand(line)).toMatchObject({ code, message });
});

test('durations: s, m, h, d, w, up to ten years', () => {
  expect(['1s', '30m', '12h', '7d', '1w'].map(parseDuration)).toEqual([
    1000, 1_800_000, 43_200_000, 604_800_000, 604_800_000,
  ]);
  expect(parseDuration('3650d')).toBe(MAX_BAN_DURATION_MS);
  for (const bad of ['3651d', '0s', '-1m', '1.5h', 'h', '12', '99999999999s', '1 h']) {
    expect([bad, parseDuration(bad)]).toEqual([bad, undefined]);
  }
});

const T = '2026-11-24T16:55:58.414Z';

test('KICK, BAN and BANS are event types with fixed shapes', () => {
  expect(EVENT_TYPES).toEqual(expect.arrayContaining(['KICK', 'BAN', 'BANS']));
  expect(parseEvent(`${T} KICK bob alice :flooding`)).toMatchObject({ args: ['bob', 'alice'] });
  expect(parseEvent(`${T} BAN [::1] alice :spam`)).toMatchObject({ args: ['[::1]', 'alice'] });
  expect(parseEvent(`${T} BANS 10.0.0.0/8 alice ${T} permanent :`)).toMatchObject({
    args: ['10.0.0.0/8', 'alice', T, 'permanent'],
    text: '',
  });
  for (const bad of [
    `${T} KICK bob :x`,
    `${T} BAN a b`,
    `${T} BANS a b c :x`,
    `${T} KICK a b c :x`,
  ]) {
    expect(parseEvent(bad)).toBeInstanceOf(Error);
  }
});

test('the codes admins use are live', () => {
  for (const code of ['not-permitted', 'rate-limited', 'banned', 'no-such-ban'] as const) {
    expect(ERROR_CODES).toContain(code);
  }
});
