/**
 * Property tests (fast-check) of command dispatch: random lines, most of them commands with
 * random arguments (addresses, ranges, nick: targets, durations, `:`-prefixed words, unicode,
 * blanks), from an admin and from ordinary members, through the real room and the server's real
 * moderation (bans in memory). Nothing a client sends may reach a bug: the room's guard would
 * turn a throw into `ERROR internal-error`, so the property is that it never fires; every line
 * anyone receives is a well-formed event; every ERROR has a documented code; and the nick index
 * stays consistent (each member found by its nick, nicks unique ignoring case).
 */
import fc from 'fast-check';

import { BanList } from '../../src/admin/bans';
import { ServerModeration } from '../../src/admin/moderation';
import { accountsFile } from '../../src/admin/accounts';
import { ERROR_CODES } from '../../src/protocol/errors';
import { COMMAND_SYNTAX } from '../../src/protocol/parse';
import { tempDir } from '../helpers/tls';
import { FakePeer, Harness, T0, type Conn } from './fake-peer';

const NAMES = [...Object.keys(COMMAND_SYNTAX), '?', 'HELP', 'Nick', 'nope', ''];

const word = fc.oneof(
  fc.constantFrom(
    'bob',
    'BOB',
    'guest-1',
    'guest-2',
    ':colon',
    '::1',
    '[::1]',
    '10.0.0.2',
    '10.0.0.0/8',
    '10.0.0.0/33',
    '2001:db8::/32',
    '[2001:db8::]/32',
    '::ffff:10.0.0.3',
    'nick:bob',
    'nick:',
    'nick::x',
    '30m',
    '0s',
    '99999999999d',
    '1w',
    '/',
    '//',
    'é',
    '😀',
    '\u009b[31m',
    '-',
    '_x',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

const blank = fc.constantFrom(' ', '  ', '\t', ' \t ');

/** A command line: `/name` then up to four words, or any string at all. */
const line = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...NAMES),
        fc.array(fc.tuple(blank, word), { maxLength: 4 }),
        fc.boolean(),
      )
      .map(
        ([name, args, slash]) => (slash ? '/' : '') + name + args.map(([b, w]) => b + w).join(''),
      ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

function setup(): { h: Harness; faults: unknown[]; conns: Conn[] } {
  const faults: unknown[] = [];
  const clock = { now: (): number => Date.parse(T0) };
  const moderation = new ServerModeration({
    accountsFile: accountsFile(tempDir()),
    bans: new BanList(() => clock.now()),
    allowPlainLogin: false,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => clock.now(),
  });
  const h = new Harness(moderation, (error) => faults.push(error));
  clock.now = () => h.ms;
  const admin = h.connect(new FakePeer('10.0.0.1', 40001, true));
  admin.member.promote('root');
  const conns = [
    admin,
    h.connect(new FakePeer('10.0.0.2', 40002)),
    h.connect(new FakePeer('2001:db8::5', 40003)),
    h.connect(new FakePeer('::ffff:10.0.0.3', 40004)),
  ];
  return { h, faults, conns };
}

test('random command lines from admins and members: no bug is reached, every line well formed', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(3), line), { minLength: 1, maxLength: 30 }), (script) => {
      const { h, faults, conns } = setup();
      for (const [who, text] of script) {
        let conn = conns[who] as Conn;
        if (!conn.member.present) conn = conns[who] = h.connect(new FakePeer(`10.1.0.${who}`));
        h.room.handleLine(conn.member, text);
        h.ms += 1000;
        for (const c of conns) {
          for (const e of c.peer.takeEvents()) {
            if (e.type === 'ERROR') expect(ERROR_CODES).toContain(e.args[0]);
          }
        }
      }
      expect(faults).toEqual([]);
      const keys = new Set<string>();
      for (const member of h.room.members()) {
        expect(h.room.find(member.nick)).toBe(member);
        keys.add(member.nick.toLowerCase());
      }
      expect(keys.size).toBe(h.room.size);
    }),
    { numRuns: 300 },
  );
});
