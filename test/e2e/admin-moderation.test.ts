/**
 * Kicking and banning against the real server: non-admins refused, `/kick`, every ban form
 * (a present user's nick, an address, a CIDR range, `nick:<name>`), durations and expiry, the
 * admin's own address protected, and banned clients turned away, over plain TCP and TLS, before
 * anyone sees them join. Users connect from distinct loopback addresses (127.0.0.2, ...).
 */
import { ChatClient, event } from '../helpers/chat-client';
import { barrier } from '../helpers/chat-room';
import { adminRoom, bannedError, joinFrom, turnedAway, turnedAwayTls } from '../helpers/admin';

test('a non-admin gets not-permitted for every admin command, and nothing happens', async () => {
  const { server, admin } = await adminRoom();
  const user = await joinFrom(server, '127.0.0.2', [admin]);
  for (const [line, name] of [
    [`/kick ${admin.nick}`, 'kick'],
    ['/ban 127.0.0.9 spam', 'ban'],
    [`/ban ${admin.nick}`, 'ban'],
    ['/unban 127.0.0.9', 'unban'],
    ['/bans', 'bans'],
  ]) {
    await user.send(line as string);
    expect(await user.next()).toEqual(
      event('ERROR', ['not-permitted'], `/${name} is for admins; /login <name> <password> first`),
    );
  }
  expect(await barrier(user, [admin, user])).toEqual([[], []]);
  await admin.send('/bans');
  expect(await admin.next()).toEqual(event('INFO', [], 'no bans'));
});

test('/kick: everyone, the target included, gets KICK; the target is closed, the others get QUIT', async () => {
  const { server, admin } = await adminRoom();
  const bob = await joinFrom(server, '127.0.0.2', [admin]);
  const carol = await joinFrom(server, '127.0.0.3', [admin, bob]);
  await admin.send(`/kick ${bob.nick.toUpperCase()} flooding the room`);
  const kick = event('KICK', [bob.nick, admin.nick], 'flooding the room');
  for (const c of [admin, bob, carol]) expect(await c.next()).toEqual(kick);
  expect(await bob.rest()).toEqual([]);
  const quit = event('QUIT', [bob.nick], `kicked by ${admin.nick}: flooding the room`);
  for (const c of [admin, carol]) expect(await c.next()).toEqual(quit);

  await admin.send(`/kick ${carol.nick}`);
  for (const c of [admin, carol]) {
    expect(await c.next()).toEqual(event('KICK', [carol.nick, admin.nick], 'no reason given'));
  }
  expect(await admin.next()).toEqual(event('QUIT', [carol.nick], `kicked by ${admin.nick}`));
  await admin.send('/kick nobody');
  expect(await admin.next()).toEqual(
    event('ERROR', ['no-such-user'], 'no user named nobody; /list shows who is here'),
  );
  // A kick is not a ban: bob may come back.
  await joinFrom(server, '127.0.0.2', [admin]);
});

test('/ban <nick> bans the address; a reconnect is refused before it joins; /unban lifts it', async () => {
  const { server, admin } = await adminRoom();
  const bob = await joinFrom(server, '127.0.0.2', [admin]);
  const carol = await joinFrom(server, '127.0.0.3', [admin, bob]);
  await admin.send(`/ban ${bob.nick} spamming links`);
  const ban = event('BAN', ['127.0.0.2', admin.nick], 'spamming links');
  for (const c of [admin, bob, carol]) expect(await c.next()).toEqual(ban);
  expect(await bob.rest()).toEqual([]);
  const quit = event('QUIT', [bob.nick], `banned by ${admin.nick}: spamming links`);
  for (const c of [admin, carol]) expect(await c.next()).toEqual(quit);

  expect(await turnedAway(server, '127.0.0.2')).toEqual([bannedError('spamming links')]);
  // Nobody saw it join (or leave): the next thing anyone gets is the marker.
  expect(await barrier(carol, [admin, carol])).toEqual([[], []]);
  expect(server.messages).toContain('refused (plain): banned (ban on 127.0.0.2)');

  await admin.send('/bans');
  expect(await admin.until('INFO')).toEqual([
    event('BANS', ['127.0.0.2', admin.nick, expect.any(String), 'permanent'], 'spamming links'),
    event('INFO', [], '1 ban'),
  ]);
  await admin.send('/unban 127.0.0.2');
  expect(await admin.next()).toEqual(event('INFO', [], 'ban on 127.0.0.2 lifted'));
  await admin.send('/unban 127.0.0.2');
  expect(await admin.next()).toEqual(
    event('ERROR', ['no-such-ban'], 'there is no ban on 127.0.0.2; /bans lists them'),
  );
  await joinFrom(server, '127.0.0.2', [admin, carol]);
});

test('bans on an address, a CIDR range and a name, with durations, listed by /bans', async () => {
  const { server, admin } = await adminRoom();
  const users: ChatClient[] = [];
  for (const n of [3, 5, 6, 8])
    users.push(await joinFrom(server, `127.0.0.${n}`, [admin, ...users]));
  const [u3, u5, u6, u8] = users as [ChatClient, ChatClient, ChatClient, ChatClient];
  await u8.send('/nick mallory');
  for (const c of [admin, ...users]) await c.next('NICK');

  const everyone = (): ChatClient[] => [admin, ...users.filter((u) => !u.eof)];
  const banned = async (line: string, target: string, reason: string, gone: ChatClient[]) => {
    await admin.send(line);
    const seen = everyone();
    for (const c of seen)
      expect(await c.next()).toEqual(event('BAN', [target, admin.nick], reason));
    // Each is closed; one may hear of another of the same ban leaving first.
    for (const c of gone) for (const e of await c.rest()) expect(e.type).toBe('QUIT');
    for (const c of everyone())
      for (const g of gone) expect(await c.next('QUIT')).toMatchObject({ args: [g.nick] });
  };
  await banned('/ban 127.0.0.3 30m spam', '127.0.0.3', 'spam', [u3]);
  // 127.0.0.5/30 is 127.0.0.4 to 127.0.0.7: u5 and u6, not u8 (or the admin).
  await banned('/ban 127.0.0.5/30 12h the whole block', '127.0.0.4/30', 'the whole block', [
    u5,
    u6,
  ]);
  await banned('/ban NICK:Mallory 7d', 'nick:mallory', 'no reason given', [u8]);

  expect(await turnedAway(server, '127.0.0.3')).toEqual([
    event('ERROR', ['banned'], expect.stringMatching(/^spam \(until \S+Z\)$/)),
  ]);
  expect(await turnedAway(server, '127.0.0.7')).toHaveLength(1);
  // The name: nobody may take it, in any case; the address is free.
  const newcomer = await joinFrom(server, '127.0.0.8', [admin]);
  await newcomer.send('/nick MALLORY');
  expect(await newcomer.next()).toEqual(
    event(
      'ERROR',
      ['banned'],
      expect.stringMatching(
        /^the nick MALLORY is banned: no reason given \(until \S+\); usage: \/nick <name>$/,
      ),
    ),
  );

  const now = Date.now();
  await admin.send('/bans');
  const listed = await admin.until('INFO');
  expect(listed.map((e) => [e.type, e.args[0], e.args[1], e.text])).toEqual([
    ['BANS', '127.0.0.3', admin.nick, 'spam'],
    ['BANS', '127.0.0.4/30', admin.nick, 'the whole block'],
    ['BANS', 'nick:mallory', admin.nick, 'no reason given'],
    ['INFO', undefined, undefined, '3 bans'],
  ]);
  const lengths = listed
    .slice(0, 3)
    .map((e) => Date.parse(e.args[3] as string) - Date.parse(e.args[2] as string));
  expect(lengths).toEqual([30 * 60_000, 12 * 3_600_000, 7 * 86_400_000]);
  for (const e of listed.slice(0, 3))
    expect(Math.abs(Date.parse(e.args[2] as string) - now)).toBeLessThan(10_000);
});

test('an admin cannot ban their own address or name, however it is written', async () => {
  const { server, admin } = await adminRoom();
  for (const target of [
    admin.nick,
    '127.0.0.1',
    '127.0.0.0/8',
    '::ffff:127.0.0.1',
    `nick:${admin.nick}`,
  ]) {
    await admin.send(`/ban ${target} oops`);
    expect(await admin.next()).toEqual(
      event(
        'ERROR',
        ['not-permitted'],
        expect.stringMatching(
          /would ban you too \(you are 127\.0\.0\.1:\d+\); an admin cannot lock themselves out$/,
        ),
      ),
    );
  }
  await admin.send('/bans');
  expect(await admin.next()).toEqual(event('INFO', [], 'no bans'));
  expect(server.messages.some((m) => m.startsWith('ban on'))).toBe(false);
});

const BAD_LINES: [string, string, string][] = [
  ['/ban', 'missing-argument', 'usage: /ban <target> [duration] [reason]'],
  ['/ban nobody', 'no-such-user', 'no user named nobody; /list shows who is here'],
  [
    '/ban 300.1.2.3',
    'invalid-argument',
    '300.1.2.3 is not an address, a range (CIDR) or nick:<name>; usage: /ban <target> [duration] [reason]',
  ],
  [
    '/ban 10.0.0.0/33',
    'invalid-argument',
    '10.0.0.0/33: the prefix length must be 0 to 32; usage: /ban <target> [duration] [reason]',
  ],
  [
    '/ban nick:2cool',
    'invalid-argument',
    'nick:2cool: "2cool" is not a valid nick; usage: /ban <target> [duration] [reason]',
  ],
  [
    '/ban 10.1.1.1 10x bad',
    'invalid-argument',
    'bad duration 10x: use a number and s, m, h, d or w (30m, 12h, 7d), at most 3650d, or none for a permanent ban; usage: /ban <target> [duration] [reason]',
  ],
  [
    '/ban 10.1.1.1 3651d',
    'invalid-argument',
    'bad duration 3651d: use a number and s, m, h, d or w (30m, 12h, 7d), at most 3650d, or none for a permanent ban; usage: /ban <target> [duration] [reason]',
  ],
  ['/unban', 'missing-argument', 'usage: /unban <target>'],
  [
    '/unban bob',
    'invalid-argument',
    'bob is not an address, a range (CIDR) or nick:<name>; usage: /unban <target>',
  ],
  ['/unban 10.9.9.9', 'no-such-ban', 'there is no ban on 10.9.9.9; /bans lists them'],
  ['/bans all', 'invalid-argument', 'too many arguments; usage: /bans'],
  ['/kick', 'missing-argument', 'usage: /kick <nick> [reason]'],
];

test('bad admin command lines are errors saying the syntax; the server goes on serving', async () => {
  const { server, admin } = await adminRoom();
  const user = await joinFrom(server, '127.0.0.2', [admin]);
  for (const [line, code, text] of BAD_LINES) {
    await admin.send(line);
    expect([line, await admin.next()]).toEqual([line, event('ERROR', [code], text)]);
  }
  await admin.send('/bans');
  expect(await admin.next()).toEqual(event('INFO', [], 'no bans'));
  expect(await barrier(user, [admin, user])).toEqual([[], []]);
});

test('a ban with a duration stops applying when it ends, and is pruned', async () => {
  const { server, admin } = await adminRoom();
  const bob = await joinFrom(server, '127.0.0.2', [admin]);
  await admin.send(`/ban ${bob.nick} 2s cool off`);
  expect(await admin.next('BAN')).toEqual(event('BAN', ['127.0.0.2', admin.nick], 'cool off'));
  await admin.next('QUIT');
  await admin.send('/bans');
  const [listed] = await admin.until('INFO');
  const until = (listed as { args: string[] }).args[3] as string;
  expect(await turnedAway(server, '127.0.0.2')).toEqual([bannedError('cool off', until)]);
  // Wait for the end of the ban itself; then the address is welcome again.
  await new Promise((resolve) => setTimeout(resolve, Date.parse(until) - Date.now() + 50));
  await joinFrom(server, '127.0.0.2', [admin]);
  await admin.send('/bans');
  expect(await admin.next('INFO')).toEqual(event('INFO', [], 'no bans'));
});

test('a banned TLS client completes its handshake and reads ERROR banned over TLS; nobody sees it', async () => {
  const { server, admin, ca } = await adminRoom();
  const watcher = await joinFrom(server, '127.0.0.3', [admin]);
  await admin.send('/ban 127.0.0.2 no TLS either');
  for (const c of [admin, watcher]) await c.next('BAN');
  expect(await turnedAwayTls(server, ca, '127.0.0.2')).toEqual([bannedError('no TLS either')]);
  expect(server.messages).toContain('refused (tls): banned (ban on 127.0.0.2)');
  expect(await barrier(watcher, [admin, watcher])).toEqual([[], []]);
});
