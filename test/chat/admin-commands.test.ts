/**
 * The admin commands in the room, with the server's Moderation in memory (accounts in a temporary
 * file, hashed cheaply; bans on the harness's clock): logging in, the table-driven admin check,
 * /kick, every /ban form, self-bans refused, name bans on /nick and on guest names, /bans,
 * /unban, expiry, and /whois showing admins.
 */
import { Accounts, accountsFile } from '../../src/admin/accounts';
import { BanList } from '../../src/admin/bans';
import { ServerModeration } from '../../src/admin/moderation';
import { runCommand } from '../../src/chat/commands/command-table';
import type { CommandTable } from '../../src/chat/commands/context';
import { eventually } from '../helpers/teardown';
import { tempDir } from '../helpers/tls';
import { FakePeer, Harness, T0, type Conn } from './fake-peer';

const PASSWORD = 'the admin password';

interface Setup {
  h: Harness;
  moderation: ServerModeration;
  admin: Conn;
  bob: Conn;
  carol: Conn;
  log: string[];
}

/** Waits for the answer to a /login (after an asynchronous hash) to a drained peer. */
async function answer(h: Harness, conn: Conn): Promise<string[]> {
  const before = conn.peer.sent.length;
  await eventually(() => (conn.peer.sent.length > before ? true : undefined));
  return h.take(conn.peer);
}

async function setup(allowPlainLogin = false): Promise<Setup> {
  const file = accountsFile(tempDir());
  const accounts = await Accounts.load(file);
  await accounts.set('root', PASSWORD, { N: 1024, r: 8, p: 1 });
  await accounts.save();
  const log: string[] = [];
  const record = (m: string): number => log.push(m);
  // The moderation shares the harness's clock, and the harness is built around the moderation.
  const clock = { now: (): number => Date.parse(T0) };
  const moderation = new ServerModeration({
    accountsFile: file,
    bans: new BanList(() => clock.now()),
    allowPlainLogin,
    log: { info: record, warn: record, error: record },
    now: () => clock.now(),
    throttle: { baseDelayMs: 1 },
  });
  const h = new Harness(moderation);
  clock.now = () => h.ms;
  const admin = h.connect(new FakePeer('10.0.0.1', 40001, true));
  const bob = h.connect(new FakePeer('10.0.0.2', 40002));
  const carol = h.connect(new FakePeer('10.0.0.3', 40003));
  h.room.handleLine(bob.member, '/nick bob');
  h.room.handleLine(carol.member, '/nick carol');
  h.drain();
  h.room.handleLine(admin.member, `/login root ${PASSWORD}`);
  expect(await answer(h, admin)).toEqual(['INFO :you are now an admin (account root)']);
  h.drain();
  return { h, moderation, admin, bob, carol, log };
}

test('login: over TLS only; a wrong password is refused; the member becomes an admin', async () => {
  const { h, admin, bob, log } = await setup();
  expect(admin.member.admin).toBe('root');
  h.room.handleLine(bob.member, `/login root ${PASSWORD}`);
  expect(h.take(bob.peer)).toEqual([
    expect.stringMatching(/^ERROR not-permitted :log in over TLS/),
  ]);
  const tls = h.connect(new FakePeer('10.0.0.4', 40004, true));
  h.room.handleLine(tls.member, '/login root wrong password');
  expect(await answer(h, tls)).toEqual(['ERROR not-permitted :wrong name or password']);
  expect(tls.member.admin).toBeUndefined();
  expect(log).toEqual([
    'admin login: root from 10.0.0.1',
    'failed admin login as "root" from 10.0.0.4 (1 in a row)',
  ]);
});

test('with allowPlainLogin a plain connection may log in; an answer after leaving is dropped', async () => {
  const { h, bob, log } = await setup(true);
  const before = bob.peer.sent.length;
  h.room.handleLine(bob.member, `/login root ${PASSWORD}`);
  h.room.leave(bob.member, 'gone');
  await eventually(() => (log.includes('admin login: root from 10.0.0.2') ? true : undefined));
  expect(bob.peer.sent).toHaveLength(before);
  expect(bob.member.admin).toBeUndefined();
});

test('admin-only is a flag on the table entry: any such entry is refused to non-admins', async () => {
  const { h, admin, bob } = await setup();
  let ran = 0;
  const table = {
    ...h.room.commands,
    list: { admin: true, summary: 'a future admin command', run: () => void ran++ },
  } as CommandTable;
  expect(runCommand(table, h.room, bob.member, { kind: 'list' })).toMatchObject({
    code: 'not-permitted',
    message: '/list is for admins; /login <name> <password> first',
  });
  expect(runCommand(table, h.room, admin.member, { kind: 'list' })).toBeUndefined();
  expect(ran).toBe(1);
});

test('/kick: KICK to all, the target closed and gone, QUIT to the others', async () => {
  const { h, admin, bob, carol } = await setup();
  h.room.handleLine(admin.member, '/kick BOB enough');
  const kick = 'KICK bob guest-1 :enough';
  expect(h.take(bob.peer)).toEqual([kick]);
  expect(bob.peer.closes).toEqual(['kicked by guest-1: enough']);
  expect(bob.member.present).toBe(false);
  for (const p of [admin, carol]) {
    expect(h.take(p.peer)).toEqual([kick, 'QUIT bob :kicked by guest-1: enough']);
  }
});

test('/ban by nick, address, range and name; matching members closed; /bans; /unban', async () => {
  const { h, admin, bob, carol } = await setup();
  const dave = h.connect(new FakePeer('10.0.0.4', 40004));
  h.drain();
  h.room.handleLine(admin.member, '/ban bob 30m spam');
  expect(h.take(carol.peer)).toEqual([
    'BAN 10.0.0.2 guest-1 :spam',
    'QUIT bob :banned by guest-1: spam',
  ]);
  expect(bob.peer.closes).toEqual(['banned by guest-1: spam']);
  h.room.handleLine(admin.member, '/ban 10.0.0.2/31 range');
  // carol (10.0.0.3) is in 10.0.0.2/31: she sees the ban, the others see her go.
  expect(h.take(carol.peer)).toEqual(['BAN 10.0.0.2/31 guest-1 :range']);
  expect(h.take(dave.peer)).toEqual([
    'BAN 10.0.0.2 guest-1 :spam',
    'QUIT bob :banned by guest-1: spam',
    'BAN 10.0.0.2/31 guest-1 :range',
    'QUIT carol :banned by guest-1: range',
  ]);
  h.room.handleLine(admin.member, '/ban nick:Guest-4');
  expect(h.take(dave.peer)).toEqual(['BAN nick:guest-4 guest-1 :no reason given']);
  expect(dave.peer.closes).toEqual(['banned by guest-1']);
  h.room.handleLine(admin.member, '/bans');
  expect(h.take(admin.peer).slice(-4)).toEqual([
    `BANS 10.0.0.2 guest-1 ${T0} 2026-11-24T17:25:58.414Z :spam`,
    `BANS 10.0.0.2/31 guest-1 ${T0} permanent :range`,
    `BANS nick:guest-4 guest-1 ${T0} permanent :no reason given`,
    'INFO :3 bans',
  ]);
  h.room.handleLine(admin.member, '/unban 10.0.0.3/31');
  expect(h.take(admin.peer)).toEqual(['INFO :ban on 10.0.0.2/31 lifted']);
});

test('/ban <nick> of an IPv6 user bans their /64, which their other addresses are in', async () => {
  const { h, moderation, admin, carol } = await setup();
  const eve = h.connect(new FakePeer('2001:db8:1:2::5', 40005));
  const again = h.connect(new FakePeer('2001:db8:1:2:ffff:ee:0:9', 40006)); // eve, renumbered
  const frank = h.connect(new FakePeer('2001:db8:1:3::1', 40007)); // the next /64
  const local = h.connect(new FakePeer('::1', 40008));
  h.drain();
  h.room.handleLine(admin.member, `/ban ${eve.member.nick} 1d temporary addresses`);
  const ban = 'BAN [2001:db8:1:2::]/64 guest-1 :temporary addresses';
  const why = 'banned by guest-1: temporary addresses';
  expect(h.take(frank.peer)).toEqual([
    ban,
    `QUIT ${eve.member.nick} :${why}`,
    `QUIT ${again.member.nick} :${why}`,
  ]);
  expect([eve.peer.closes, again.peer.closes, frank.peer.closes]).toEqual([[why], [why], []]);
  expect(moderation.addressBan('2001:db8:1:2:abcd::1')?.target).toBe('[2001:db8:1:2::]/64');
  expect(moderation.addressBan('2001:db8:1:3::2')).toBeUndefined();
  // The loopback ::1 is one host: its user is banned as that address.
  h.room.handleLine(admin.member, `/ban ${local.member.nick}`);
  expect(h.take(carol.peer)).toEqual([
    ban,
    `QUIT ${eve.member.nick} :${why}`,
    `QUIT ${again.member.nick} :${why}`,
    'BAN [::1] guest-1 :no reason given',
    `QUIT ${local.member.nick} :banned by guest-1`,
  ]);
  h.room.handleLine(admin.member, '/bans');
  expect(h.take(admin.peer).slice(-3)).toEqual([
    `BANS [2001:db8:1:2::]/64 guest-1 ${T0} 2026-11-25T16:55:58.414Z :temporary addresses`,
    `BANS [::1] guest-1 ${T0} permanent :no reason given`,
    'INFO :2 bans',
  ]);
});

test('an admin in the /64 of a user they ban is told how to ban the one address', async () => {
  const { h } = await setup();
  const admin6 = h.connect(new FakePeer('2001:db8:1:2::1', 40009, true));
  const eve = h.connect(new FakePeer('2001:db8:1:2::5', 40005));
  h.room.handleLine(admin6.member, `/login root ${PASSWORD}`);
  expect(await answer(h, admin6)).toEqual(['INFO :you are now an admin (account root)']);
  h.room.handleLine(admin6.member, `/ban ${eve.member.nick}`);
  expect(h.take(admin6.peer)).toEqual([
    'ERROR not-permitted :a ban on [2001:db8:1:2::]/64 would ban you too ' +
      '(you are [2001:db8:1:2::1]:40009); an admin cannot lock themselves out; ' +
      '/ban 2001:db8:1:2::5 bans their address alone',
  ]);
  h.room.handleLine(admin6.member, '/ban 2001:db8:1:2::5');
  expect(h.take(admin6.peer)).toEqual([
    'BAN [2001:db8:1:2::5] guest-4 :no reason given',
    `QUIT ${eve.member.nick} :banned by guest-4`,
  ]);
});

test('no one may take a banned name; guest names skip it', async () => {
  const { h, admin, bob } = await setup();
  h.room.handleLine(admin.member, '/ban nick:mallory');
  h.room.handleLine(admin.member, '/ban nick:guest-5');
  h.drain();
  h.room.handleLine(bob.member, '/nick Mallory');
  expect(h.take(bob.peer)).toEqual([
    'ERROR banned :the nick Mallory is banned: no reason given (permanent); usage: /nick <name>',
  ]);
  h.room.handleLine(bob.member, '/nick 2cool');
  expect(h.take(bob.peer)).toEqual([expect.stringMatching(/^ERROR invalid-nick /)]);
  expect(h.connect().member.nick).toBe('guest-4');
  expect(h.connect().member.nick).toBe('guest-6');
});

test('an admin cannot ban themselves; errors leave the room untouched', async () => {
  const { h, admin, carol } = await setup();
  for (const line of ['/ban guest-1', '/ban 10.0.0.1', '/ban 10.0.0.0/24', '/ban nick:guest-1']) {
    h.room.handleLine(admin.member, line);
    expect(h.take(admin.peer)).toEqual([
      expect.stringMatching(
        /^ERROR not-permitted :a ban on \S+ would ban you too \(you are 10\.0\.0\.1:40001\)/,
      ),
    ]);
  }
  h.room.handleLine(admin.member, '/ban dave');
  expect(h.take(admin.peer)).toEqual([
    'ERROR no-such-user :no user named dave; /list shows who is here',
  ]);
  expect(h.take(carol.peer)).toEqual([]);
});

test('a ban with a duration ends on the clock', async () => {
  const { h, admin, bob } = await setup();
  h.room.handleLine(admin.member, `/ban nick:bob 1m`);
  expect(bob.peer.closes).toHaveLength(1);
  const eve = h.connect();
  h.room.handleLine(eve.member, '/nick bob');
  expect(h.take(eve.peer)).toEqual([
    expect.stringMatching(/^ERROR banned .*\(until 2026-11-24T16:56:58\.414Z\)/),
  ]);
  h.ms += 60_000;
  h.room.handleLine(eve.member, '/nick bob');
  expect(h.take(eve.peer)).toEqual(['NICK guest-4 bob']);
  h.drain();
  h.room.handleLine(admin.member, '/bans');
  expect(h.take(admin.peer)).toEqual(['INFO :no bans']);
});

test('/whois shows admins; /login twice says so', async () => {
  const { h, admin, bob } = await setup();
  h.room.handleLine(bob.member, '/whois guest-1');
  h.room.handleLine(bob.member, '/whois bob');
  expect(h.take(bob.peer)).toEqual([
    `WHOIS guest-1 10.0.0.1:40001 :since ${T0} idle 0s tls admin`,
    `WHOIS bob 10.0.0.2:40002 :since ${T0} idle 0s plain`,
  ]);
  h.room.handleLine(admin.member, '/login root again');
  expect(h.take(admin.peer)).toEqual(['INFO :you are already logged in as admin root']);
});

test('a room without moderation has no accounts: /login is refused', async () => {
  const h = new Harness();
  const a = h.connect(new FakePeer('10.0.0.1', 1, true));
  h.room.handleLine(a.member, '/login admin x');
  expect(await answer(h, a)).toEqual(['ERROR not-permitted :this server has no admin accounts']);
});
