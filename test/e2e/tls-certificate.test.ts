/**
 * The server's TLS identity, end to end: on first start it makes a self-signed certificate and a
 * private key (mode 0600) in its data dir, prints the certificate's SHA-256 fingerprint exactly as
 * `openssl x509 -fingerprint -sha256` does, and reuses both on the next start; `--tls-cert` and
 * `--tls-key` serve the user's own files instead. Clients verify it both ways a client can: with
 * the certificate as CA (its SAN names 127.0.0.1), or by pinning the fingerprint. A missing,
 * unreadable or garbage file, or only one of the two options, stops the start with one clear
 * line and exit code 1. No part of the key ever appears in the log.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';

import { ChatClient, event } from '../helpers/chat-client';
import { startServer, type RunningServer } from '../helpers/process';
import { logLines, runServer } from '../helpers/server-cli';
import {
  generatedCertificate,
  makeCertificate,
  opensslFingerprint,
  pemBodyLines,
  tempDir,
} from '../helpers/tls';
import { connectTlsSocket } from '../helpers/tls-connect';

const FINGERPRINT = /^TLS certificate SHA-256 fingerprint (([0-9A-F]{2}:){31}[0-9A-F]{2})$/;
const CREATED = /^created a self-signed certificate /;

/** A pattern matching `text` literally (file names contain dots). */
const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The fingerprint the server printed at start-up (exactly one such line). */
function loggedFingerprint(server: RunningServer): string {
  const lines = server.messages.filter((m) => FINGERPRINT.test(m));
  expect(lines).toHaveLength(1);
  return (FINGERPRINT.exec(lines[0] as string) as RegExpExecArray)[1] as string;
}

/** Fails if any line of the key's PEM body appears in `text`. */
function expectNoKeyIn(text: string, keyFile: string): void {
  for (const line of pemBodyLines(fs.readFileSync(keyFile, 'utf8'))) {
    expect(text).not.toContain(line);
  }
}

test('first start: cert.pem and a 0600 key.pem in the data dir; the fingerprint is printed as openssl does', async () => {
  const server = await startServer(['--tls-port', '0']);
  const { certFile, keyFile, cert } = generatedCertificate(server.dataDir);
  expect(server.messages).toContain(`created a self-signed certificate ${certFile}`);

  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(fs.statSync(certFile).mode & 0o002).toBe(0); // not world-writable
  expect(fs.statSync(path.dirname(keyFile)).mode & 0o077).toBe(0);

  const fingerprint = loggedFingerprint(server);
  expect(fingerprint).toBe(new X509Certificate(cert).fingerprint256);
  expect(fingerprint).toBe(opensslFingerprint(certFile));
  const x509 = new X509Certificate(cert);
  expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
  expect(x509.subjectAltName).toContain('DNS:localhost');

  // Both ways a client checks the server work, and a chat line flows over each.
  const byCa = await ChatClient.connectTls(server.tlsPort, { ca: cert });
  const byPin = await ChatClient.connectTls(server.tlsPort, { fingerprint });
  expect(await byCa.next()).toEqual(event('JOIN', [byPin.nick]));
  await byPin.send('pinned');
  for (const c of [byCa, byPin]) {
    expect(await c.next()).toEqual(event('MSG', [byPin.nick], 'pinned'));
  }
  expect((byCa.socket as TLSSocket).authorized).toBe(true);

  // And the checks are real: another CA, or another fingerprint, is refused by the client.
  const other = makeCertificate();
  await expect(connectTlsSocket(server.tlsPort, { ca: other.cert })).rejects.toThrow(
    /self[- ]signed certificate/,
  );
  const wrong = opensslFingerprint(other.certFile);
  await expect(connectTlsSocket(server.tlsPort, { fingerprint: wrong })).rejects.toThrow(
    `not ${wrong}`,
  );

  expectNoKeyIn(server.messages.join('\n'), keyFile);
});

test('a restart with the same data dir reuses the certificate: same fingerprint, no "created" line', async () => {
  const first = await startServer(['--tls-port', '0']);
  const { certFile, keyFile, cert } = generatedCertificate(first.dataDir);
  const key = fs.readFileSync(keyFile, 'utf8');
  const fingerprint = loggedFingerprint(first);
  // A client served first: the server is past its start-up (and its signal handlers are set; see
  // the report on main.ts: it announces `listening on` before it installs them).
  const pinned = await ChatClient.connectTls(first.tlsPort, { fingerprint });
  first.child.kill('SIGTERM');
  expect(await pinned.next()).toEqual(event('INFO', [], 'server shutting down'));
  expect(await first.exited).toEqual({ code: 0, signal: null });

  const second = await startServer(['--tls-port', '0', '--data-dir', first.dataDir]);
  expect(second.messages.filter((m) => CREATED.test(m))).toEqual([]);
  expect(loggedFingerprint(second)).toBe(fingerprint);
  expect(fs.readFileSync(certFile, 'utf8')).toBe(cert);
  expect(fs.readFileSync(keyFile, 'utf8')).toBe(key);
  expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  // A client that pinned the first start's fingerprint trusts the second.
  const client = await ChatClient.connectTls(second.tlsPort, { fingerprint });
  expect(client.nick).toBe('guest-1');
  expectNoKeyIn(second.messages.join('\n'), keyFile);
});

test('--tls-cert and --tls-key: the user files are served, and nothing is generated', async () => {
  const user = makeCertificate();
  const server = await startServer([
    '--tls-port',
    '0',
    '--tls-cert',
    user.certFile,
    '--tls-key',
    user.keyFile,
  ]);
  expect(loggedFingerprint(server)).toBe(opensslFingerprint(user.certFile));
  expect(server.messages.filter((m) => CREATED.test(m))).toEqual([]);
  expect(fs.existsSync(path.join(server.dataDir, 'tls'))).toBe(false);

  const { socket } = await connectTlsSocket(server.tlsPort, { ca: user.cert });
  expect(socket.getPeerCertificate().fingerprint256).toBe(opensslFingerprint(user.certFile));
  expect(socket.getPeerCertificate().subject.CN).toBe('test');
  expectNoKeyIn(server.messages.join('\n'), user.keyFile);
});

describe('a start that cannot serve TLS says why in one line and exits 1', () => {
  /** Runs a TLS server that must fail: one fatal line matching `message`, exit 1, no key. */
  async function expectFatal(args: string[], message: RegExp, keyFile?: string): Promise<void> {
    const result = await runServer(['--tls-port', '0', ...args]);
    expect(result.code).toBe(1);
    const fatal = logLines(result.stdout).filter((l) => l.level === 60);
    expect(fatal).toEqual([{ level: 60, time: expect.any(Number), msg: expect.any(String) }]);
    expect(fatal[0]?.msg).toMatch(message);
    expect(result.stdout).not.toContain('listening on');
    if (keyFile !== undefined) expectNoKeyIn(result.stdout + result.stderr, keyFile);
  }

  const TOGETHER = /^cannot start: --tls-cert and --tls-key go together: give both or neither$/;

  test('--tls-cert without --tls-key', async () => {
    const user = makeCertificate();
    await expectFatal(['--tls-cert', user.certFile], TOGETHER);
  });

  test('--tls-key without --tls-cert', async () => {
    const user = makeCertificate();
    await expectFatal(['--tls-key', user.keyFile], TOGETHER, user.keyFile);
  });

  test('a certificate file that does not exist, or is a directory', async () => {
    const user = makeCertificate();
    const missing = path.join(tempDir(), 'nope.pem');
    await expectFatal(
      ['--tls-cert', missing, '--tls-key', user.keyFile],
      new RegExp(`^cannot start: cannot read the TLS certificate ${literally(missing)}: ENOENT$`),
      user.keyFile,
    );
    const dir = tempDir();
    await expectFatal(
      ['--tls-cert', dir, '--tls-key', user.keyFile],
      new RegExp(`^cannot start: cannot read the TLS certificate ${literally(dir)}: EISDIR$`),
    );
  });

  test('a garbage certificate file, given or in the data dir', async () => {
    const user = makeCertificate();
    const garbage = path.join(tempDir(), 'garbage.pem');
    fs.writeFileSync(garbage, 'this is not a certificate\n');
    await expectFatal(
      ['--tls-cert', garbage, '--tls-key', user.keyFile],
      new RegExp(`^cannot start: ${literally(garbage)} is not a PEM certificate$`),
      user.keyFile,
    );
    // A generated certificate that was damaged later is not silently replaced.
    const dataDir = tempDir();
    fs.mkdirSync(path.join(dataDir, 'tls'));
    fs.copyFileSync(user.keyFile, path.join(dataDir, 'tls', 'key.pem'));
    fs.writeFileSync(path.join(dataDir, 'tls', 'cert.pem'), 'garbage');
    await expectFatal(
      ['--data-dir', dataDir],
      new RegExp(`^cannot start: ${literally(path.join(dataDir, 'tls', 'cert.pem'))} is not a PEM`),
      user.keyFile,
    );
  });

  test('a key file that does not exist', async () => {
    const user = makeCertificate();
    const missing = path.join(tempDir(), 'nope.pem');
    await expectFatal(
      ['--tls-cert', user.certFile, '--tls-key', missing],
      new RegExp(`^cannot start: cannot read the TLS key ${literally(missing)}: ENOENT$`),
    );
  });

  // A garbage key, or one that does not match the certificate, is caught before anything is
  // served, by an error naming the key file (not OpenSSL's bare DECODER message).
  test('a garbage or mismatched key file: the error names the key file', async () => {
    const user = makeCertificate();
    const garbage = path.join(tempDir(), 'garbage-key.pem');
    fs.writeFileSync(garbage, 'this is not a key\n');
    await expectFatal(
      ['--tls-cert', user.certFile, '--tls-key', garbage],
      new RegExp(literally(garbage)),
    );
    const other = makeCertificate();
    await expectFatal(
      ['--tls-cert', user.certFile, '--tls-key', other.keyFile],
      new RegExp(literally(other.keyFile)),
      other.keyFile,
    );
  });
});
