import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { reconnectDelay } from '../../../src/client/backoff.js';
import { clientCommand } from '../../../src/client/client-command.js';
import {
  hostKey,
  knownHostsFile,
  lookupHost,
  rememberHost,
} from '../../../src/client/known-hosts.js';
import {
  judge,
  normaliseFingerprint,
  shortFingerprint,
  type PeerCertificate,
} from '../../../src/client/trust.js';
import { teardown } from '../../helpers/teardown.js';

const A = Array.from({ length: 32 }, (_, i) => (i + 0xa0).toString(16).toUpperCase()).join(':');
const B = A.replace(/^A0/, 'B0');
const selfSigned: PeerCertificate = {
  fingerprint: A,
  authorized: false,
  authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
};

test('fingerprints are accepted with or without colons, any case, with a SHA256 prefix', () => {
  const bare = A.replace(/:/g, '').toLowerCase();
  expect(normaliseFingerprint(bare)).toBe(A);
  expect(normaliseFingerprint(`SHA256:${A.toLowerCase()}`)).toBe(A);
  expect(normaliseFingerprint('AB:CD')).toBeUndefined();
  expect(normaliseFingerprint(bare + '00')).toBeUndefined();
  expect(shortFingerprint(A)).toBe('A0:A1:A2:A3…BC:BD:BE:BF');
});

describe('judge, like ssh', () => {
  const known = { kind: 'known-hosts' } as const;

  test('an unknown self-signed certificate is asked about; a known one is trusted', () => {
    expect(judge(known, selfSigned, undefined)).toEqual({ kind: 'ask' });
    expect(judge(known, selfSigned, A)).toMatchObject({ kind: 'trust' });
  });

  test('a changed certificate is refused, even one a CA signed', () => {
    expect(judge(known, selfSigned, B)).toMatchObject({ kind: 'refuse', changed: true });
    expect(judge(known, { ...selfSigned, authorized: true }, B)).toMatchObject({ kind: 'refuse' });
    expect(judge(known, { ...selfSigned, authorized: true }, undefined)).toMatchObject({
      kind: 'trust',
    });
  });

  test('--fingerprint pins, --ca needs the chain, --insecure trusts anything and says so', () => {
    expect(judge({ kind: 'fingerprint', fingerprint: A }, selfSigned, B)).toMatchObject({
      kind: 'trust',
    });
    expect(judge({ kind: 'fingerprint', fingerprint: B }, selfSigned, undefined)).toMatchObject({
      kind: 'refuse',
      changed: false,
    });
    expect(judge({ kind: 'ca', caFile: 'ca.pem' }, selfSigned, undefined)).toMatchObject({
      kind: 'refuse',
    });
    expect(judge({ kind: 'insecure' }, selfSigned, B)).toEqual({
      kind: 'trust',
      why: expect.stringMatching(/INSECURE/),
    });
  });
});

describe('known_hosts', () => {
  function tempFile(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selectchat-known-'));
    teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    return path.join(dir, 'selectchat', 'known_hosts');
  }

  test('lives under XDG_CONFIG_HOME, or ~/.config; a relative XDG_CONFIG_HOME is ignored', () => {
    expect(knownHostsFile({ XDG_CONFIG_HOME: '/x/conf' })).toBe('/x/conf/selectchat/known_hosts');
    expect(knownHostsFile({})).toBe(path.join(os.homedir(), '.config/selectchat/known_hosts'));
    expect(knownHostsFile({ XDG_CONFIG_HOME: 'rel' })).toBe(
      path.join(os.homedir(), '.config/selectchat/known_hosts'),
    );
  });

  test('remembers per host:port, in a private file, and tells which line', () => {
    const file = tempFile();
    expect(lookupHost(file, '127.0.0.1:7443')).toBeUndefined();
    rememberHost(file, hostKey('127.0.0.1', 7443), A);
    rememberHost(file, hostKey('::1', 7443), B);
    expect(lookupHost(file, '127.0.0.1:7443')).toEqual({ fingerprint: A, line: 1 });
    expect(lookupHost(file, '[::1]:7443')).toEqual({ fingerprint: B, line: 2 });
    expect(lookupHost(file, '127.0.0.1:7444')).toBeUndefined();
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(fs.statSync(path.dirname(file)).mode & 0o077).toBe(0);
  });

  test('comments and garbage lines are skipped', () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `# mine\nlocalhost:1 not-a-print\n\nlocalhost:1 ${A}\n`);
    expect(lookupHost(file, 'localhost:1')).toEqual({ fingerprint: A, line: 4 });
  });
});

test('the client keeps /quit, /clear and /connect; everything else is for the server', () => {
  expect(clientCommand('/quit see you')).toEqual({ name: 'quit', reason: 'see you' });
  expect(clientCommand('/QUIT')).toEqual({ name: 'quit', reason: undefined });
  expect(clientCommand('/clear')).toEqual({ name: 'clear' });
  expect(clientCommand('/connect')).toEqual({ name: 'connect', host: undefined, port: undefined });
  expect(clientCommand('/connect example.org 7443')).toEqual({
    name: 'connect',
    host: 'example.org',
    port: 7443,
  });
  expect(clientCommand('/connect h 99999')).toMatchObject({ name: 'invalid' });
  expect(clientCommand('/clear all')).toMatchObject({ name: 'invalid' });
  for (const line of ['/help', '/quitter', 'quit', '//quit', '/nick quit'])
    expect(clientCommand(line)).toBeUndefined();
});

test('reconnection backs off from half a second to thirty, with jitter', () => {
  const middle = () => 0.5;
  expect([0, 1, 2, 3, 10].map((n) => reconnectDelay(n, undefined, middle))).toEqual([
    500, 1000, 2000, 4000, 30000,
  ]);
  expect(reconnectDelay(0, undefined, () => 0)).toBe(400);
  expect(reconnectDelay(20, undefined, () => 0.999)).toBe(30000);
});
