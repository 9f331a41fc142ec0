/**
 * `/nick` and `/whois` against the real server over TCP: every confirmation and error exactly as
 * PROTOCOL.md shows it, NICK reaching everyone (the renamer included), names unique ignoring
 * case, and WHOIS reporting the client's own address, port, connect time and idle seconds.
 */
import { ChatClient, event } from '../helpers/chat-client';
import { barrier, rename, startRoom } from '../helpers/chat-room';

const NICK_USAGE = 'usage: /nick <name>';
const invalid = (nick: string): object =>
  event(
    'ERROR',
    ['invalid-nick'],
    `invalid nick ${nick}: use 1-24 letters, digits, _ or -, starting with a letter; ${NICK_USAGE}`,
  );

test('/nick renames: NICK to everyone, the renamer included; the new name is in use at once', async () => {
  const { clients } = await startRoom(3);
  const [a, b, c] = clients as [ChatClient, ChatClient, ChatClient];
  expect([a.nick, b.nick, c.nick]).toEqual(['guest-1', 'guest-2', 'guest-3']);

  await a.send('/nick alice');
  for (const x of clients) expect(await x.next()).toEqual(event('NICK', ['guest-1', 'alice']));
  expect(a.nick).toBe('alice');

  // Surrounding blanks are not part of the name; the longest name is 24 characters.
  const longest = 'B'.repeat(23) + '9';
  await b.send(`/nick \t ${longest}  `);
  for (const x of clients) expect(await x.next()).toEqual(event('NICK', ['guest-2', longest]));
  await c.send('/nick x_-1');
  for (const x of clients) expect(await x.next()).toEqual(event('NICK', ['guest-3', 'x_-1']));

  await a.send('/list');
  expect(await a.next()).toEqual(event('USERS', ['alice', longest, 'x_-1']));
  await a.send('hi');
  for (const x of clients) expect(await x.next()).toEqual(event('MSG', ['alice'], 'hi'));
});

test('/nick errors: taken ignoring case, invalid, missing, too many; nobody else hears', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  await rename(clients, ['alice', 'bob']);

  await b.send('/nick ALICE');
  expect(await b.next()).toEqual(
    event('ERROR', ['nick-taken'], `nick alice is taken; ${NICK_USAGE}`),
  );
  for (const bad of ['2cool', '_under', '-dash', 'a'.repeat(25), 'bad!char', 'café', 'a.b']) {
    await b.send(`/nick ${bad}`);
    expect(await b.next()).toEqual(invalid(bad));
  }
  await b.send('/nick');
  expect(await b.next()).toEqual(event('ERROR', ['missing-argument'], NICK_USAGE));
  await b.send('/nick   ');
  expect(await b.next()).toEqual(event('ERROR', ['missing-argument'], NICK_USAGE));
  await b.send('/nick a b');
  expect(await b.next()).toEqual(
    event('ERROR', ['invalid-argument'], `too many arguments; ${NICK_USAGE}`),
  );
  // None of it reached alice, and bob is still bob.
  expect(await barrier(b, [a, b])).toEqual([[], []]);
  expect(b.nick).toBe('bob');
});

test('/nick with your own name: INFO if identical, NICK if only the case changes', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  await rename(clients, ['alice']);

  await a.send('/nick alice');
  expect(await a.next()).toEqual(event('INFO', [], 'you are already alice'));
  await a.send('/nick Alice');
  for (const x of clients) expect(await x.next()).toEqual(event('NICK', ['alice', 'Alice']));
  expect(a.nick).toBe('Alice');
  // The old spelling is free for nobody else: it is still the same name ignoring case.
  await b.send('/nick aLiCe');
  expect(await b.next()).toEqual(
    event('ERROR', ['nick-taken'], `nick Alice is taken; ${NICK_USAGE}`),
  );
  // A guest name is a name like any other: taken while its owner is here.
  await a.send(`/nick ${b.nick.toUpperCase()}`);
  expect(await a.next()).toEqual(
    event('ERROR', ['nick-taken'], `nick ${b.nick} is taken; ${NICK_USAGE}`),
  );
  expect(await barrier(a, [a, b])).toEqual([[], []]);
});

test('/whois: nick, ip:port as the client sees it, since, idle, plain; errors', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  await rename(clients, ['alice', 'Bob']);

  await a.send('/whois bob'); // ignoring case; the reply spells it as its owner does
  const whois = await a.next();
  expect(whois).toEqual(
    event('WHOIS', ['Bob', `127.0.0.1:${b.localPort}`], expect.stringMatching(/^since /)),
  );
  const details = /^since (\S+) idle (\d+)s plain$/.exec(whois.text as string);
  expect(details).not.toBeNull();
  const [, since, idle] = details as RegExpExecArray;
  // `since` is when bob connected: no later than his WELCOME, and a real UTC time.
  expect(new Date(since as string).toISOString()).toBe(since);
  expect(Date.parse(since as string)).toBeLessThanOrEqual(Date.parse(b.welcome.time));
  expect(Date.parse(b.welcome.time) - Date.parse(since as string)).toBeLessThan(1000);
  // Idle: whole seconds since bob's last line (his /nick), as of the WHOIS line's TIME.
  expect(Number(idle)).toBeLessThanOrEqual(
    Math.floor((Date.parse(whois.time) - Date.parse(since as string)) / 1000),
  );

  await a.send('/WhoIs alice');
  expect(await a.next()).toEqual(
    event('WHOIS', ['alice', `127.0.0.1:${a.localPort}`], expect.stringMatching(/ idle 0s plain$/)),
  );
  await a.send('/whois nobody');
  expect(await a.next()).toEqual(
    event('ERROR', ['no-such-user'], 'no user named nobody; /list shows who is here'),
  );
  await a.send('/whois');
  expect(await a.next()).toEqual(event('ERROR', ['missing-argument'], 'usage: /whois <user>'));
  await a.send('/whois a b');
  expect(await a.next()).toEqual(
    event('ERROR', ['invalid-argument'], 'too many arguments; usage: /whois <user>'),
  );
  expect(await barrier(a, [a, b])).toEqual([[], []]);
});

test('/whois idle counts whole seconds since the last line, and any line resets it', async () => {
  const { clients } = await startRoom(2);
  const [a, b] = clients as [ChatClient, ChatClient];
  await b.send('/list'); // a command counts as activity
  const listed = await b.next('USERS');
  // The one unavoidable wait: idle time is measured in whole seconds (bounded: ~1.1 s).
  await new Promise((resolve) => setTimeout(resolve, Date.parse(listed.time) + 1100 - Date.now()));

  await a.send(`/whois ${b.nick}`);
  const idle = await a.next();
  expect(idle.text).toMatch(/ idle [1-9]\d*s plain$/);
  await a.send(`/whois ${a.nick}`); // a's own /whois line made a active just now
  expect((await a.next()).text).toMatch(/ idle 0s plain$/);
  await b.send('hello'); // and so does text
  await a.next('MSG');
  await a.send(`/whois ${b.nick}`);
  expect((await a.next()).text).toMatch(/ idle 0s plain$/);
});
