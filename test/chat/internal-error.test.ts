/**
 * A bug in a command handler (here, in the moderation it calls) must not take the server down:
 * the room catches what carrying out one line throws, reports it to its owner with the error
 * (for the log), answers that member with one `ERROR internal-error` line and goes on serving
 * everyone, that member included. The bugs are injected the way real ones appear: a Moderation
 * implementation that throws, and one that hands the formatter an ARG starting with `:` (the
 * RangeError that once crashed the server on `/ban ::1`). Production code has no hook for it.
 */
import type { BanEntry, Moderation } from '../../src/chat/commands/moderation';
import type { Member } from '../../src/chat/member';
import { NO_MODERATION } from '../../src/chat/commands/moderation';
import { FakePeer, Harness } from './fake-peer';

const INTERNAL =
  'ERROR internal-error :the server failed to carry out that line (a bug, now in its log); it was dropped';

/** A moderation with bugs: nickBan throws on one name; prepareBan makes an unformattable ban. */
const buggy: Moderation = {
  ...NO_MODERATION,
  nickBan: (nick) => {
    if (nick === 'boom')
      throw new TypeError("Cannot read properties of undefined (reading 'until')");
    return undefined;
  },
  prepareBan: (request): BanEntry => ({
    target: `:${request.target}`, // an ARG starting with ':': the formatter throws RangeError
    by: request.by,
    setAt: 0,
    until: undefined,
    reason: request.reason,
    matches: () => false,
  }),
  addBan: () => undefined,
};

function setup(): { h: Harness; faults: [unknown, Member][] } {
  const faults: [unknown, Member][] = [];
  const h = new Harness(buggy, (error, member) => faults.push([error, member]));
  return { h, faults };
}

test('a handler that throws: one ERROR internal-error to the sender, the room goes on', () => {
  const { h, faults } = setup();
  const a = h.connect();
  const b = h.connect();
  h.room.handleLine(a.member, '/nick boom');
  expect(h.take(a.peer)).toEqual([INTERNAL]);
  expect(h.take(b.peer)).toEqual([]);
  expect(faults).toEqual([[expect.any(TypeError), a.member]]);
  expect((faults[0]?.[0] as Error).stack).toMatch(/internal-error\.test\.ts/);
  // Nothing was half done, and both go on chatting.
  expect(a.member.nick).toBe('guest-1');
  h.room.handleLine(a.member, '/nick fine');
  h.room.handleLine(b.member, 'hello');
  expect(h.take(a.peer)).toEqual(['NICK guest-1 fine', 'MSG guest-2 :hello']);
  expect(h.take(b.peer)).toEqual(['NICK guest-1 fine', 'MSG guest-2 :hello']);
});

test('the formatter throwing (an ARG starting with ":") is caught the same way', () => {
  const { h, faults } = setup();
  const admin = h.connect(new FakePeer('10.0.0.1', 40001, true));
  const bob = h.connect(new FakePeer('10.0.0.2', 40002));
  admin.member.promote('root');
  h.room.handleLine(admin.member, '/ban 10.9.9.9 1h testing');
  expect(h.take(admin.peer)).toEqual([INTERNAL]);
  expect(faults.map(([error]) => String(error))).toEqual([
    'RangeError: invalid event argument ":10.9.9.9"',
  ]);
  h.room.handleLine(bob.member, 'still here');
  expect(h.take(admin.peer)).toEqual(['MSG guest-2 :still here']);
  expect(h.take(bob.peer)).toEqual(['MSG guest-2 :still here']);
});

test('without an owner to tell, the stack goes to stderr', () => {
  const h = new Harness(buggy);
  const a = h.connect();
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    h.room.handleLine(a.member, '/nick boom');
  } finally {
    spy.mockRestore();
  }
  expect(h.take(a.peer)).toEqual([INTERNAL]);
  expect(written.join('')).toMatch(/^internal error: TypeError: Cannot read properties/);
});
