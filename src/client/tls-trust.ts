/**
 * The trust decision's conversation with the user: what trust.ts decided, said on screen, the
 * question asked when it is for the user to decide, and the answer remembered.
 */
import fs from 'node:fs';

import { lookupHost, rememberHost } from './known-hosts.js';
import type { TrustMode } from './options.js';
import type { SessionView } from './session.js';
import { judge, shortFingerprint, type PeerCertificate } from './trust.js';

type Talk = Pick<SessionView, 'notice' | 'ask'>;

function warnChanged(
  talk: Talk,
  server: string,
  why: string,
  file: string,
  line: number | undefined,
): void {
  talk.notice(`WARNING: THE CERTIFICATE OF ${server} HAS CHANGED. REFUSING TO CONNECT.`, true);
  talk.notice(
    `Someone may be impersonating the server, or it got a new certificate: ${why}.`,
    true,
  );
  talk.notice(
    `If the change is expected, delete line ${line ?? '?'} of ${file} and /connect.`,
    true,
  );
}

async function askUser(
  talk: Talk,
  peer: PeerCertificate,
  server: string,
  file: string,
): Promise<boolean> {
  talk.notice(
    `The authenticity of ${server} cannot be established: its certificate is not signed by a ` +
      `CA you trust (${peer.authorizationError ?? 'unverified'}).`,
    true,
  );
  talk.notice(`Its SHA-256 fingerprint is ${peer.fingerprint}`, true);
  talk.notice('Compare it with the fingerprint the server logs when it starts.', true);
  const yes = await talk.ask({ server, fingerprint: peer.fingerprint });
  if (yes) {
    rememberHost(file, server, peer.fingerprint);
    talk.notice(`trusted; remembered in ${file}`, false);
  } else {
    talk.notice('certificate not trusted: not connecting (/connect to be asked again)', true);
  }
  return yes;
}

/** true to go on; otherwise why the certificate was refused. */
export async function decideTrust(
  peer: PeerCertificate,
  mode: TrustMode,
  server: string,
  knownHosts: string,
  talk: Talk,
): Promise<true | string> {
  const known = lookupHost(knownHosts, server);
  const verdict = judge(mode, peer, known?.fingerprint);
  switch (verdict.kind) {
    case 'trust': {
      const insecure = mode.kind === 'insecure';
      const print = insecure ? peer.fingerprint : shortFingerprint(peer.fingerprint);
      talk.notice(`TLS certificate SHA-256 ${print}: ${verdict.why}`, insecure);
      return true;
    }
    case 'refuse':
      if (verdict.changed) warnChanged(talk, server, verdict.why, knownHosts, known?.line);
      else talk.notice(`refusing ${server}: ${verdict.why}`, true);
      return verdict.why;
    case 'ask':
      return (await askUser(talk, peer, server, knownHosts))
        ? true
        : 'you did not trust the certificate';
  }
}

/** The PEM of `--ca`, or an error saying why it cannot be read. */
export function readCa(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the --ca file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}
