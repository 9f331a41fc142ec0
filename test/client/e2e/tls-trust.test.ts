/**
 * TLS trust like ssh, end to end with the real client in tmux and the real server's
 * self-signed certificate: the first connection shows the fingerprint and asks once, the
 * answer is kept in known_hosts under XDG_CONFIG_HOME, and a changed certificate is refused
 * loudly. `--fingerprint` skips the question and `--insecure` says on screen what it is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startServer, type RunningServer } from '../../helpers/process';
import { teardown } from '../../helpers/teardown';
import { Tmux } from '../../helpers/tmux';

jest.setTimeout(60_000);

/** Wide enough that no notice these tests read wraps. */
const COLUMNS = 200;

function configHome(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-config-'));
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The fingerprint the server printed at start. */
function fingerprintOf(server: RunningServer): string {
  const line = server.messages.find((m) => m.startsWith('TLS certificate SHA-256 fingerprint '));
  return (line as string).split(' ').at(-1) as string;
}

const tlsServer = (port = 0): Promise<RunningServer> =>
  startServer(['--port', 'off', '--tls-port', String(port)]);

test('asked once, remembered, and a changed certificate refused loudly', async () => {
  const server = await tlsServer();
  const fingerprint = fingerprintOf(server);
  const home = configHome();
  const tmux = new Tmux();
  const args = ['--tls', '--port', String(server.tlsPort)];
  const where = `127.0.0.1:${server.tlsPort}`;

  const alice = tmux.client(
    'alice',
    [...args, '--nick', 'alice'],
    { XDG_CONFIG_HOME: home },
    COLUMNS,
  );
  const asked = await alice.waitFor(`Trust the certificate of ${where} and remember it? [y/n]`);
  expect(asked).toContain(`Its SHA-256 fingerprint is ${fingerprint}`);
  expect(asked).not.toMatch(/alice │ connected/); // nothing before the answer
  alice.keys('y');
  await alice.waitFor(/alice │ connected/);
  const knownHosts = path.join(home, 'selectchat', 'known_hosts');
  expect(fs.readFileSync(knownHosts, 'utf8')).toBe(`${where} ${fingerprint}\n`);

  // The next client with the same config dir is not asked, and they chat over TLS.
  const bob = tmux.client('bob', [...args, '--nick', 'bob'], { XDG_CONFIG_HOME: home }, COLUMNS);
  const trusted = await bob.waitFor(/bob │ connected/);
  expect(trusted).toContain('remembered in known_hosts');
  expect(trusted).not.toContain('Trust the certificate');
  expect(trusted).toMatch(/TLS [0-9A-F:]{11}…[0-9A-F:]{11} │ bob/);
  bob.line('over TLS');
  await alice.waitFor('<bob> over TLS');

  // Same address, new certificate: the reconnecting client refuses and stays down.
  server.child.kill('SIGTERM');
  await server.exited;
  const impostor = await tlsServer(server.tlsPort);
  expect(fingerprintOf(impostor)).not.toBe(fingerprint);
  const refused = await alice.waitFor(`WARNING: THE CERTIFICATE OF ${where} HAS CHANGED`);
  expect(refused).toMatch(/REFUSING TO CONNECT/);
  await alice.waitFor(/alice │ disconnected/);
  expect(fs.readFileSync(knownHosts, 'utf8')).toBe(`${where} ${fingerprint}\n`);
  expect(impostor.messages.filter((m) => /^connect/.test(m) && m.includes('alice'))).toEqual([]);

  // A new client is refused the same way, and is not asked.
  const carol = tmux.client('carol', args, { XDG_CONFIG_HOME: home }, COLUMNS);
  const warned = await carol.waitFor('HAS CHANGED');
  expect(warned).not.toContain('Trust the certificate');
});

test('--fingerprint skips the question; --insecure says on screen that it is insecure', async () => {
  const server = await tlsServer();
  const tmux = new Tmux();
  const port = ['--port', String(server.tlsPort)];
  const pinned = tmux.client(
    'pinned',
    [...port, '--fingerprint', fingerprintOf(server)],
    { XDG_CONFIG_HOME: configHome() },
    COLUMNS,
  );
  const screen = await pinned.waitFor(/│ connected/);
  expect(screen).toContain('pinned with --fingerprint');
  expect(screen).not.toContain('Trust the certificate');

  const wrong = fingerprintOf(server).replace(/^../, (byte) => (byte === '00' ? '01' : '00'));
  const refused = tmux.client(
    'wrong',
    [...port, '--fingerprint', wrong],
    {
      XDG_CONFIG_HOME: configHome(),
    },
    COLUMNS,
  );
  await refused.waitFor(/refusing 127\.0\.0\.1:\d+: its fingerprint is/);
  await refused.waitFor(/│ disconnected/);

  const insecure = tmux.client(
    'insecure',
    [...port, '--insecure'],
    {
      XDG_CONFIG_HOME: configHome(),
    },
    COLUMNS,
  );
  const warned = await insecure.waitFor(/│ connected/);
  expect(warned).toContain('TLS INSECURE: certificate not checked');
  expect(warned).toContain('INSECURE: the certificate was not checked');
});
