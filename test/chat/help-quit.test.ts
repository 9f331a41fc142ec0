import { COMMAND_SYNTAX } from '../../src/protocol/parse';
import { Harness } from './fake-peer';

const ALL_HELP = [
  'HELP :/say <text> - say something to everyone (a line without a leading / does the same)',
  'HELP :/me <text> - describe what you are doing, e.g. /me waves',
  'HELP :/whisper <user> <text> - send a private message to one user',
  'HELP :/nick <name> - change your name (1-24 letters, digits, _ or -, starting with a letter)',
  'HELP :/list - list the users in the room',
  'HELP :/whois <user> - show where a user connects from, since when and how long they have been idle',
  'HELP :/filter [word] - hide messages containing a word (ignoring case); alone, list your filters',
  'HELP :/unfilter <word> - stop hiding messages containing a word',
  'HELP :/help [command] (or /?) - list the commands, or show one',
  'HELP :/quit [reason] - leave the chat, optionally saying why',
  'HELP :/login <name> <password> - log in as an admin (over TLS); the password is the rest of the line',
  'HELP :/kick <nick> [reason] - disconnect a user, telling everyone why (admins only)',
  'HELP :/ban <target> [duration] [reason] - ban a user (their address, or their IPv6 /64), an address, a CIDR range or nick:<name>; for 30m, 12h, 7d... or for good (admins only)',
  'HELP :/unban <target> - lift a ban; the target as /bans lists it (admins only)',
  'HELP :/bans - list the bans in force (admins only)',
  "HELP :/stats - the server's limits, current counts and drops (admins only)",
];

describe('help', () => {
  test.each(['/help', '/?', '/HELP'])('%j lists every command with its syntax', (line) => {
    const h = new Harness();
    const a = h.connect();
    h.room.handleLine(a.member, line);
    expect(h.take(a.peer)).toEqual(ALL_HELP);
    expect(ALL_HELP).toHaveLength(Object.keys(COMMAND_SYNTAX).length);
  });

  test.each([
    ['/help whisper', ALL_HELP[2]],
    ['/help /WHISPER', ALL_HELP[2]],
    ['/? ?', ALL_HELP[8]],
  ])('%j shows one command', (line, text) => {
    const h = new Harness();
    const a = h.connect();
    h.room.handleLine(a.member, line);
    expect(h.take(a.peer)).toEqual([text]);
  });

  test.each([
    ['/help nope', 'ERROR unknown-command :unknown command /nope; try /help'],
    ['/help a b', 'ERROR invalid-argument :too many arguments; usage: /help [command]'],
  ])('%j is an error', (line, error) => {
    const h = new Harness();
    const a = h.connect();
    h.room.handleLine(a.member, line);
    expect(h.take(a.peer)).toEqual([error]);
  });
});

describe('unknown commands', () => {
  test('get an ERROR pointing to /help', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.handleLine(a.member, '/dance wildly');
    expect(h.take(a.peer)).toEqual(['ERROR unknown-command :unknown command /dance; try /help']);
    expect(h.take(b.peer)).toEqual([]);
  });
});

describe('quit', () => {
  test('with a reason: the others get QUIT with it and the connection is closed', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.handleLine(a.member, '/quit gone for lunch');
    expect(h.take(b.peer)).toEqual(['QUIT guest-1 :gone for lunch']);
    expect(h.take(a.peer)).toEqual([]);
    expect(a.peer.closes).toEqual(['gone for lunch']);
    expect(h.room.size).toBe(1);
    // The transport's later leave() changes nothing.
    h.room.leave(a.member, 'connection closed');
    expect(h.take(b.peer)).toEqual([]);
  });

  test('without a reason: "quit"', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.handleLine(a.member, '/QUIT');
    expect(h.take(b.peer)).toEqual(['QUIT guest-1 :quit']);
    expect(a.peer.closes).toEqual(['quit']);
  });

  test('lines after /quit are ignored', () => {
    const h = new Harness();
    const a = h.connect();
    const b = h.connect();
    h.room.handleLine(a.member, '/quit');
    h.take(b.peer);
    h.room.handleLine(a.member, 'too late');
    expect(h.take(b.peer)).toEqual([]);
  });
});
