/**
 * Bans and IPv6, against a dual-stack server (`--host ::`): an IPv6 client (::1) banned by
 * address and by range, and IPv4 clients, which such a server sees as `::ffff:a.b.c.d`, shown,
 * banned and matched as the IPv4 addresses they are, however the ban was written.
 */
import { event } from '../helpers/chat-client';
import { adminRoom, bannedError, joinFrom, turnedAway } from '../helpers/admin';

test('an IPv6 client is banned by address and by range; IPv4-mapped clients as IPv4', async () => {
  const { server, admin } = await adminRoom(['--host', '::']);
  expect(server.host).toBe('::');
  const six = await joinFrom(server, '::1', [admin]);
  await admin.send(`/whois ${six.nick}`);
  expect(await admin.next()).toEqual(
    event('WHOIS', [six.nick, `[::1]:${six.localPort}`], expect.any(String)),
  );
  // An IPv4 client is shown as IPv4, in WHOIS and in the log, as the bans and limits see it.
  const four = await joinFrom(server, '127.0.0.2', [admin, six]);
  await admin.send(`/whois ${four.nick}`);
  expect(await admin.next()).toEqual(
    event('WHOIS', [four.nick, `127.0.0.2:${four.localPort}`], expect.any(String)),
  );
  expect(server.records).toContainEqual(
    expect.objectContaining({
      peer: `127.0.0.2:${four.localPort}`,
      msg: `connected as ${four.nick}`,
    }),
  );

  // By nick, an IPv4 client is banned as its IPv4 address, and refused as one.
  await admin.send(`/ban ${four.nick} v4`);
  for (const c of [admin, six])
    expect(await c.next()).toEqual(event('BAN', ['127.0.0.2', admin.nick], 'v4'));
  for (const c of [admin, six]) await c.next('QUIT');
  expect(await turnedAway(server, '127.0.0.2')).toEqual([bannedError('v4')]);
  // Written as a mapped address, it is the same IPv4 ban.
  await admin.send('/ban ::FFFF:127.0.0.3 mapped');
  for (const c of [admin, six])
    expect(await c.next()).toEqual(event('BAN', ['127.0.0.3', admin.nick], 'mapped'));
  expect(await turnedAway(server, '127.0.0.3')).toEqual([bannedError('mapped')]);

  // ::1 written the long way is still ::1.
  await admin.send('/ban 0:0:0:0:0:0:0:1 v6');
  for (const c of [admin, six])
    expect(await c.next()).toEqual(event('BAN', ['[::1]', admin.nick], 'v6'));
  expect(await six.rest()).toEqual([]);
  expect(await admin.next()).toEqual(event('QUIT', [six.nick], `banned by ${admin.nick}: v6`));
  expect(await turnedAway(server, '::1')).toEqual([bannedError('v6')]);
  await admin.send('/unban ::1');
  expect(await admin.next()).toEqual(event('INFO', [], 'ban on [::1] lifted'));
  const back = await joinFrom(server, '::1', [admin]);

  // A range: ::/127 holds :: and ::1, not the admin's IPv4 address.
  // IPv6 targets are written in brackets, as WHOIS writes addresses: an ARG never starts with ':'.
  await admin.send('/ban [0::1]/127 range');
  expect(await admin.next()).toEqual(event('BAN', ['[::]/127', admin.nick], 'range'));
  expect(await admin.next()).toEqual(event('QUIT', [back.nick], `banned by ${admin.nick}: range`));
  expect(await turnedAway(server, '::1')).toEqual([bannedError('range')]);
  await admin.send('/bans');
  expect((await admin.until('INFO')).map((e) => e.args[0] ?? e.text)).toEqual([
    '127.0.0.2',
    '127.0.0.3',
    '[::]/127',
    '3 bans',
  ]);
  // Nowhere in the log (connections, refusals of the banned, bans) is an IPv4 client mapped.
  expect(server.records.filter((r) => JSON.stringify(r).includes('::ffff:'))).toEqual([]);
});
