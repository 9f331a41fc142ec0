/**
 * The session against a scripted server over a real socket: when it reconnects by itself and
 * when it stays down (a refused connection, a kick or a nick ban of us, but not a refused
 * `/nick`), and how a script's session gives up instead of retrying for ever.
 */
import net from 'node:net';

import type { LinkState } from '../../../src/client/screen-state.js';
import { Session, type SessionSettings } from '../../../src/client/session.js';
import { fakeServer, type FakePeer } from '../../helpers/fake-server.js';
import { teardown } from '../../helpers/teardown.js';

interface Watched {
  session: Session;
  notices: string[];
  exits: number[];
  link(): LinkState | undefined;
  /** The next notice matching `pattern` (one already seen counts). */
  notice(pattern: RegExp): Promise<string>;
}

const QUICK = { firstMs: 5, maxMs: 5, jitter: 0 };

function watch(port: number, nick?: string, settings: Partial<SessionSettings> = {}): Watched {
  const notices: string[] = [];
  const exits: number[] = [];
  const waiters: (() => void)[] = [];
  let link: LinkState | undefined;
  const changed = (): void => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const session = new Session(
    { host: '127.0.0.1', port, tls: undefined, nick },
    {
      event: changed,
      notice: (text) => {
        notices.push(text);
        changed();
      },
      status: (status) => {
        link = status.link ?? link;
      },
      ask: () => Promise.resolve(false),
      clear: () => undefined,
      exit: (code) => {
        exits.push(code);
        changed();
      },
    },
    { knownHosts: '/nonexistent/known_hosts', backoff: QUICK, ...settings },
  );
  teardown(() => session.quit());
  const notice = async (pattern: RegExp): Promise<string> => {
    for (;;) {
      const found = notices.find((text) => pattern.test(text));
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  session.start();
  return { session, notices, exits, link: () => link, notice };
}

/** Welcomes the session as guest-1 and takes the lines it sends after WELCOME. */
async function welcome(peer: FakePeer, ...expected: string[]): Promise<void> {
  peer.send('WELCOME guest-1 :welcome');
  for (const line of ['/list', ...expected]) expect(await peer.next()).toBe(line);
}

const LOST = /^disconnected from 127\.0\.0\.1:\d+/;

test('a /nick refused with ERROR banned does not stop reconnecting', async () => {
  const server = await fakeServer();
  const watched = watch(server.port, 'mallory');
  const peer = await server.connection();
  await welcome(peer, '/nick mallory');
  peer.send('ERROR banned :the nick mallory is banned: no reason given (permanent)');
  peer.close();
  expect(await watched.notice(LOST)).toMatch(/; reconnecting in \d/);
  const again = await server.connection();
  await welcome(again, '/nick mallory');
});

test('ERROR banned instead of WELCOME (a refused connection) stops reconnecting', async () => {
  const server = await fakeServer();
  const watched = watch(server.port);
  const peer = await server.connection();
  peer.send('ERROR banned :spamming links (permanent)');
  peer.close();
  expect(await watched.notice(LOST)).toMatch(
    /; not reconnecting \(banned\); \/connect to try again$/,
  );
  expect(watched.link()).toBe('disconnected');
  expect(watched.exits).toEqual([]);
});

describe('after WELCOME', () => {
  test.each([
    ['a KICK of us', 'KICK Guest-1 admin :flooding', /not reconnecting \(kicked by admin\)/],
    ['a BAN of our nick', 'BAN nick:guest-1 admin :rude', /not reconnecting \(banned by admin\)/],
    ['a KICK of someone else', 'KICK bob admin :flooding', /reconnecting in/],
    ['a BAN of another nick', 'BAN nick:bob admin :rude', /reconnecting in/],
    ['a BAN of an address', 'BAN 127.0.0.1 admin :rude', /reconnecting in/],
  ])('%s, then the server closes: %p', async (_what, line, expected) => {
    const server = await fakeServer();
    const watched = watch(server.port);
    const peer = await server.connection();
    await welcome(peer);
    peer.send(line);
    peer.close();
    const lost = await watched.notice(LOST);
    expect(lost).toMatch(expected);
    if (!/not reconnecting/.test(lost)) await server.connection();
  });
});

/** A port nothing listens on (it was just closed). */
async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('a script (giveUpAfter) is told with exit 1 rather than wait for ever', () => {
  test('when the server cannot be reached that many times in a row', async () => {
    const watched = watch(await deadPort(), undefined, { giveUpAfter: 3 });
    watched.session.submit('a line typed meanwhile');
    expect(await watched.notice(/giving up/)).toMatch(
      /connection refused; giving up after 3 attempts in a row$/,
    );
    expect(watched.notices.filter((text) => /reconnecting in/.test(text))).toHaveLength(2);
    expect(watched.notices).toContain('1 line(s) not sent: not connected');
    expect(watched.exits).toEqual([1]);
  });

  test('when it will not reconnect by itself', async () => {
    const server = await fakeServer();
    const watched = watch(server.port, undefined, { giveUpAfter: 3 });
    const peer = await server.connection();
    peer.send('ERROR banned :spamming links (permanent)');
    peer.close();
    expect(await watched.notice(LOST)).toMatch(/; not reconnecting \(banned\)$/);
    expect(watched.exits).toEqual([1]);
  });
});
