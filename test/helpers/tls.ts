/**
 * TLS in end-to-end tests: the server's generated certificate and its fingerprint as openssl
 * prints it, user certificates made with openssl, the first bytes of a real ClientHello, and
 * waiting for the server's log and its fd count (neither of which has an event to await).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { openFdCount } from './fds';
import type { RunningServer } from './process';
import { eventually, teardown } from './teardown';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  /** The certificate, PEM: a client's `ca`. */
  cert: string;
}

/** The certificate and key a server made in its data dir. */
export function generatedCertificate(dataDir: string): CertificateFiles {
  const certFile = path.join(dataDir, 'tls', 'cert.pem');
  return { certFile, keyFile: path.join(dataDir, 'tls', 'key.pem'), cert: read(certFile) };
}

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** Runs a command to completion; throws with its stderr if it fails. */
export function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
  }
  return result.stdout;
}

/** The SHA-256 fingerprint of a PEM certificate file, from `openssl x509 -fingerprint`. */
export function opensslFingerprint(certFile: string): string {
  const out = run('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', certFile]);
  const match = /^sha256 Fingerprint=([0-9A-F:]+)$/im.exec(out.trim());
  if (match === null) throw new Error(`unexpected openssl output: ${out}`);
  return match[1] as string;
}

/** A temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-tls-'));
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A user's own certificate (P-256, CN=test, SAN IP 127.0.0.1, one day), made by openssl. */
export function makeCertificate(dir = tempDir()): CertificateFiles {
  const certFile = path.join(dir, 'user-cert.pem');
  const keyFile = path.join(dir, 'user-key.pem');
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=test',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-days',
    '1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile, cert: read(certFile) };
}

/** The body of a PEM file (its base64 lines), none of which a log may ever contain. */
export function pemBodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
}

/**
 * The first bytes a real `tls.connect` client sends: its ClientHello, caught by a local server
 * that never answers.
 */
export async function clientHello(): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const caught = new Promise<Buffer>((resolve) => {
    server.once('connection', (socket) => {
      socket.once('data', (data: Buffer) => {
        resolve(data);
        socket.destroy();
      });
    });
  });
  const { port } = server.address() as net.AddressInfo;
  const client = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  client.on('error', () => undefined); // the catcher hangs up on it
  const hello = await caught;
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return hello;
}

/** Waits until the server's log has `count` messages matching `pattern`, and returns them. */
export function logged(server: RunningServer, pattern: RegExp, count = 1): Promise<string[]> {
  return eventually(() => {
    const found = server.messages.filter((m) => pattern.test(m));
    if (found.length > count) throw new Error(`more than ${count} of ${pattern}: ${found}`);
    return found.length === count ? found : undefined;
  });
}

/** Waits until the server has exactly `count` open fds (it has no event saying it closed one). */
export function fdCountReaches(server: RunningServer, count: number): Promise<true> {
  return eventually(() => (openFdCount(server.pid) === count ? true : undefined)).catch(() => {
    throw new Error(`the server has ${openFdCount(server.pid)} fds open, not ${count}`);
  });
}
