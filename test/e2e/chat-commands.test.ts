/**
 * The chat commands against the real server over TCP, asserting each event's exact shape:
 * text and `/say`, `//`, `/me`, `/whisper`, `/list`, `/help` and `/?`, unknown commands, and
 * command names matched ignoring case. Where a line must reach nobody else, a barrier message
 * proves it did not.
 */
import { ChatClient, event } from '../helpers/chat-client';
import { barrier, rename, startRoom } from '../helpers/chat-room';

/** The HELP lines PROTOCOL.md shows for `/help`, in order. */
const HELP = [
  '/say <text> - say something to everyone (a line without a leading / does the same)',
  '/me <text> - describe what you are doing, e.g. /me waves',
  '/whisper <user> <text> - send a private message to one user',
  '/nick <name> - change your name (1-24 letters, digits, _ or -, starting with a letter)',
  '/list - list the users in the room',
  '/whois <user> - show where a user connects from, since when and how long they have been idle',
  '/filter [word] - hide messages containing a word (ignoring case); alone, list your filters',
  '/unfilter <word> - stop hiding messages containing a word',
  '/help [command] (or /?) - list the commands, or show one',
  '/quit [reason] - leave the chat, optionally saying why',
  '/login <name> <password> - log in as an admin (over TLS); the password is the rest of the line',
  '/kick <nick> [reason] - disconnect a user, telling everyone why (admins only)',
  '/ban <target> [duration] [reason] - ban a user (their address, or their IPv6 /64), an address, a CIDR range or nick:<name>; for 30m, 12h, 7d... or for good (admins only)',
  '/unban <target> - lift a ban; the target as /bans lists it (admins only)',
  '/bans - list the bans in force (admins only)',
  "/stats - the server's limits, current counts and drops (admins only)",
];

test('text, /say, // and /me reach everyone, the sender included, verbatim', async () => {
  const { clients } = await startRoom(3);
  const [a] = clients as [ChatClient];
  await rename(clients, ['alice']);
  const said: [string, string, string?][] = [
    ['hello, bob!', 'MSG', 'hello, bob!'],
    ['/say hello again', 'MSG', 'hello again'],
    ['/say \t  blanks around a command text go  \t', 'MSG', 'blanks around a command text go'],
    ['//shrug', 'MSG', '/shrug'],
    ['//', 'MSG', '/'],
    ['// spaces kept  ', 'MSG', '/ spaces kept  '],
    ['  two leading spaces and trailing ones  ', 'MSG'],
    [' /nick not-a-command', 'MSG'],
    ['tab\tinside, a colon :here and :: there', 'MSG'],
    ['unicode: héllo wörld ✓ 😀', 'MSG'],
    ['/me waves', 'ACTION', 'waves'],
    ['/me  waves   twice', 'ACTION', 'waves   twice'],
  ];
  for (const [line, type, text = line] of said) {
    await a.send(line);
    const got = await Promise.all(clients.map((x) => x.next()));
    for (const e of got) expect(e).toEqual(event(type, ['alice'], text));
    // One broadcast is one line: every recipient gets the same one, TIME included.
    expect(new Set(got.map((e) => JSON.stringify(e))).size).toBe(1);
  }
});

test('/say and /me without text get missing-argument with the usage', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  for (const [line, usage] of [
    ['/say', '/say <text>'],
    ['/say  \t ', '/say <text>'],
    ['/me', '/me <text>'],
    ['/ME ', '/me <text>'],
  ]) {
    await a.send(line as string);
    expect(await a.next()).toEqual(event('ERROR', ['missing-argument'], `usage: ${usage}`));
  }
  expect(await barrier(a, [a, b])).toEqual([[], []]);
});

test('/whisper reaches the target and echoes to the sender, nobody else', async () => {
  const { clients } = await startRoom(3);
  const [a, b, c] = clients as [ChatClient, ChatClient, ChatClient];
  await rename(clients, ['alice', 'Bob', 'carol']);

  // Blanks around the text of a command are not part of it (PROTOCOL.md "Client to server").
  await a.send('/whisper  BOB \t lunch at noon?  :) \t ');
  const whisper = event('WHISPER', ['alice', 'Bob'], 'lunch at noon?  :)');
  expect(await b.next()).toEqual(whisper);
  expect(await a.next()).toEqual(whisper);
  // Whispering to yourself delivers one copy.
  await c.send('/whisper carol note to self');
  expect(await c.next()).toEqual(event('WHISPER', ['carol', 'carol'], 'note to self'));
  // carol got nothing of the first, and neither a nor b anything of the second.
  expect(await barrier(a, clients)).toEqual([[], [], []]);
});

test('/whisper errors: unknown user, missing text, missing everything', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  await rename(clients, ['alice', 'bob']);
  const usage = event('ERROR', ['missing-argument'], 'usage: /whisper <user> <text>');

  await a.send('/whisper carol hi');
  expect(await a.next()).toEqual(
    event('ERROR', ['no-such-user'], 'no user named carol; /list shows who is here'),
  );
  for (const line of ['/whisper bob', '/whisper bob   ', '/whisper']) {
    await a.send(line);
    expect(await a.next()).toEqual(usage);
  }
  expect(await barrier(a, [a, b])).toEqual([[], []]);
});

test('/list: USERS in join order, to the asker only; extra arguments are refused', async () => {
  const { clients } = await startRoom(3);
  const [a, b, c] = clients as [ChatClient, ChatClient, ChatClient];
  await rename(clients, ['zed', 'amy', 'Mo']);

  await b.send('/list');
  expect(await b.next()).toEqual(event('USERS', ['zed', 'amy', 'Mo']));
  await c.send('/list everyone');
  expect(await c.next()).toEqual(
    event('ERROR', ['invalid-argument'], 'too many arguments; usage: /list'),
  );
  await a.send('/quit bye');
  for (const x of [b, c]) expect(await x.next()).toEqual(event('QUIT', ['zed'], 'bye'));
  await b.send('/list');
  expect(await b.next()).toEqual(event('USERS', ['amy', 'Mo']));
  expect(await barrier(c, [b, c])).toEqual([[], []]);
});

test('/help and /? list every command as PROTOCOL.md shows; /help <command> shows one', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  const helpLines = HELP.map((text) => event('HELP', [], text));

  for (const line of ['/help', '/?', '/HELP']) {
    await a.send(line);
    await a.send('/list'); // USERS marks the end of the HELP lines
    expect(await a.until('USERS')).toEqual([...helpLines, event('USERS', [a.nick, b.nick])]);
  }
  for (const [line, index] of [
    ['/help nick', 3],
    ['/help /whisper', 2],
    ['/? WHOIS', 5],
    ['/help ?', 8],
    ['/help quit', 9],
  ] as const) {
    await a.send(line);
    expect(await a.next()).toEqual(event('HELP', [], HELP[index]));
  }
  await a.send('/help bogus');
  expect(await a.next()).toEqual(
    event('ERROR', ['unknown-command'], 'unknown command /bogus; try /help'),
  );
  await a.send('/help nick whois');
  expect(await a.next()).toEqual(
    event('ERROR', ['invalid-argument'], 'too many arguments; usage: /help [command]'),
  );
  expect(await barrier(a, [a, b])).toEqual([[], []]);
});

test('unknown commands get unknown-command; command names ignore case', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];

  for (const [line, name] of [
    ['/dance', 'dance'],
    ['/dance with me', 'dance'],
    ['/Nicks x', 'Nicks'],
    ['/ hello', ''],
    ['/', ''],
  ]) {
    await a.send(line as string);
    expect(await a.next()).toEqual(
      event('ERROR', ['unknown-command'], `unknown command /${name}; try /help`),
    );
  }
  const guest = a.nick;
  await a.send('/NICK Alice');
  for (const x of clients) expect(await x.next()).toEqual(event('NICK', [guest, 'Alice']));
  await a.send('/SaY hi');
  for (const x of clients) expect(await x.next()).toEqual(event('MSG', ['Alice'], 'hi'));
  await a.send('/Me bows');
  for (const x of clients) expect(await x.next()).toEqual(event('ACTION', ['Alice'], 'bows'));
  await a.send(`/WHISPER ${b.nick} psst`);
  expect(await b.next()).toEqual(event('WHISPER', ['Alice', b.nick], 'psst'));
  expect(await a.next()).toEqual(event('WHISPER', ['Alice', b.nick], 'psst'));
  await a.send('/LIST');
  expect(await a.next()).toEqual(event('USERS', ['Alice', b.nick]));
  await a.send('/FILTER Darn');
  expect(await a.next()).toEqual(event('INFO', [], 'filter added: darn'));
  await a.send('/UnFilter DARN');
  expect(await a.next()).toEqual(event('INFO', [], 'filter removed: darn'));
  await a.send('/QUIT bye now');
  expect(await b.next()).toEqual(event('QUIT', ['Alice'], 'bye now'));
  expect(await a.rest()).toEqual([]);
});
