/**
 * Becoming an admin against the real server: the default admin a fresh data dir gets, `/login`
 * over TLS (refused on plain TCP unless --allow-plain-login), wrong names and passwords, the
 * per-address throttle (growing delays, then `rate-limited`), and `/whois` showing admins.
 * Clients come from distinct loopback addresses (127.0.0.2, ...), which the throttle tells apart.
 */
import fs from 'node:fs';
import path from 'node:path';

import { ChatClient, event } from '../helpers/chat-client';
import { adminRoom, defaultPassword, joinFrom, login } from '../helpers/admin';
import { startServer } from '../helpers/process';
import { logged } from '../helpers/tls';

const WRONG = event('ERROR', ['not-permitted'], 'wrong name or password');

test('a fresh server makes the default admin: its password in a 0600 file, logged by path only', async () => {
  const { server, admin } = await adminRoom();
  const file = path.join(server.dataDir, 'admin-password');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.join(server.dataDir, 'admins')).mode & 0o777).toBe(0o600);
  const password = defaultPassword(server.dataDir);
  expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  const created =
    `created the admin account "admin"; its password is in ${file} (readable only by you): ` +
    'connect over TLS and type /login admin <password>';
  expect(await logged(server, /^created the admin account/)).toEqual([created]);
  expect(server.messages).toContain('admin login: admin from 127.0.0.1');
  expect(server.messages.join('\n')).not.toContain(password);
  // The file holds only a hash of it.
  expect(fs.readFileSync(path.join(server.dataDir, 'admins'), 'utf8')).not.toContain(password);

  await admin.send('/login admin whatever');
  expect(await admin.next()).toEqual(event('INFO', [], 'you are already logged in as admin admin'));
});

test('/whois shows admin status to everyone', async () => {
  const { server, admin } = await adminRoom();
  const user = await joinFrom(server, '127.0.0.2', [admin]);
  const tail = (what: string): RegExp => new RegExp(`^since \\S+ idle \\d+s ${what}$`);
  const expected = [
    event(
      'WHOIS',
      [admin.nick, `127.0.0.1:${admin.localPort}`],
      expect.stringMatching(tail('tls admin')),
    ),
    event(
      'WHOIS',
      [user.nick, `127.0.0.2:${user.localPort}`],
      expect.stringMatching(tail('plain')),
    ),
  ];
  for (const asker of [user, admin]) {
    await asker.send(`/whois ${admin.nick}`);
    await asker.send(`/whois ${user.nick}`);
    expect([await asker.next(), await asker.next()]).toEqual(expected);
  }
});

test('/login on plain TCP is refused before any check, unless --allow-plain-login', async () => {
  const { server } = await adminRoom();
  const plain = await ChatClient.connect(server.port);
  await plain.send(`/login admin ${defaultPassword(server.dataDir)}`);
  expect(await plain.next()).toEqual(
    event(
      'ERROR',
      ['not-permitted'],
      'log in over TLS: this server does not take passwords on plain connections, where anyone on the way could read them',
    ),
  );
  await plain.send(`/whois ${plain.nick}`);
  expect(await plain.next()).toEqual(
    event('WHOIS', [plain.nick, expect.any(String)], expect.stringMatching(/ plain$/)),
  );
  expect(server.messages.some((m) => m.includes('failed admin login'))).toBe(false);

  const open = await startServer(['--allow-plain-login']);
  expect(open.messages).toContain(
    '--allow-plain-login: admin passwords may cross the network in clear',
  );
  const user = await ChatClient.connect(open.port);
  await login(user, defaultPassword(open.dataDir));
});

test('a wrong password or name gets the same answer; the log names the attempt, never the password', async () => {
  const { server, admin } = await adminRoom();
  const user = await ChatClient.connectTls(server.tlsPort, {
    ca: fs.readFileSync(path.join(server.dataDir, 'tls', 'cert.pem'), 'utf8'),
  });
  expect(await admin.next()).toEqual(event('JOIN', [user.nick]));
  await user.send('/login admin not the password at all');
  expect(await user.next()).toEqual(WRONG);
  await user.send('/login nosuchadmin not the password either');
  expect(await user.next()).toEqual(WRONG);
  await user.send('/login admin');
  expect(await user.next()).toEqual(
    event('ERROR', ['missing-argument'], 'usage: /login <name> <password>'),
  );
  const log = server.messages.join('\n');
  expect(log).toContain('failed admin login as "admin" from 127.0.0.1 (1 in a row)');
  expect(log).toContain('failed admin login as "nosuchadmin" from 127.0.0.1 (2 in a row)');
  expect(log).not.toContain('not the password');
  // Still a plain user.
  await user.send('/kick nobody');
  expect(await user.next()).toEqual(
    event('ERROR', ['not-permitted'], '/kick is for admins; /login <name> <password> first'),
  );
});

/** Sends a login and returns the answer and how long it took. */
async function attempt(client: ChatClient, password: string): Promise<[object, number]> {
  const sent = performance.now();
  await client.send(`/login admin ${password}`);
  const answer = await client.next();
  return [answer, performance.now() - sent];
}

test('failed logins are throttled per address: growing delays, then rate-limited', async () => {
  const server = await startServer(['--allow-plain-login']);
  const password = defaultPassword(server.dataDir);
  const guesser = await ChatClient.connect(server.port, server.host, '127.0.0.2');
  // Failures 1-4 are answered after 250, 500, 1000 and 2000 ms (at least: the hash comes first).
  for (const delay of [250, 500, 1000, 2000]) {
    const [answer, ms] = await attempt(guesser, 'guess');
    expect(answer).toEqual(WRONG);
    expect(ms).toBeGreaterThanOrEqual(delay - 5);
  }
  const locked = event(
    'ERROR',
    ['rate-limited'],
    'too many failed logins from 127.0.0.2; try again in 60s',
  );
  expect((await attempt(guesser, 'guess'))[0]).toEqual(locked);
  expect(server.messages).toContain(
    'failed admin login as "admin" from 127.0.0.2 (5 in a row; too many failed logins from 127.0.0.2; try again in 60s)',
  );
  // Locked out: even the right password, and from a new connection of the same address.
  const lockedNow = event(
    'ERROR',
    ['rate-limited'],
    expect.stringMatching(/^too many failed logins from 127\.0\.0\.2; try again in (60|59)s$/),
  );
  expect((await attempt(guesser, password))[0]).toEqual(lockedNow);
  const again = await ChatClient.connect(server.port, server.host, '127.0.0.2');
  expect((await attempt(again, password))[0]).toEqual(lockedNow);
  // Another address is not affected.
  const other = await ChatClient.connect(server.port, server.host, '127.0.0.3');
  await login(other, password);
});

test('one login per address is checked at a time: more connections buy no more guesses', async () => {
  const server = await startServer(['--allow-plain-login']);
  const a = await ChatClient.connect(server.port, server.host, '127.0.0.4');
  const b = await joinFrom(server, '127.0.0.4', [a]);
  await a.send('/login admin guess');
  await b.send('/login admin guess');
  expect(await b.next()).toEqual(
    event(
      'ERROR',
      ['rate-limited'],
      'a login from 127.0.0.4 is being checked; wait for its answer',
    ),
  );
  expect(await a.next()).toEqual(WRONG);
  expect(server.messages.filter((m) => m.startsWith('failed admin login'))).toHaveLength(1);
});
