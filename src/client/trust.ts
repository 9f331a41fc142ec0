/**
 * Whether to trust a TLS server's certificate, decided as ssh decides about host keys: a
 * certificate the system's CAs vouch for, or one the user accepted before for this host:port, is
 * trusted; a different one for a known host:port is refused loudly; an unknown one is asked
 * about once. `--fingerprint` pins one, `--insecure` trusts anything (and says so).
 */
import type { TrustMode } from './options.js';

/** What the handshake showed about the server. */
export interface PeerCertificate {
  /** SHA-256 of the DER certificate, `AB:CD:...` (Node's `fingerprint256`). */
  fingerprint: string;
  /** True when Node verified the chain against the trusted CAs and the host name. */
  authorized: boolean;
  /** Why Node did not verify it, e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  authorizationError: string | undefined;
}

export type Verdict =
  | { kind: 'trust'; why: string }
  | { kind: 'ask' }
  | { kind: 'refuse'; why: string; changed: boolean };

const HEX_BYTES = 32;

/** `ab:cd…`, `ABCD…` or `SHA256:ab:cd…` to `AB:CD:…`; undefined unless 32 hex bytes. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text
    .trim()
    .replace(/^sha-?256[:=]?/i, '')
    .replace(/:/g, '')
    .toUpperCase();
  if (!new RegExp(`^[0-9A-F]{${HEX_BYTES * 2}}$`).test(hex)) return undefined;
  return (hex.match(/../g) as string[]).join(':');
}

/** `AB:CD:EF:…:12:34:56`, short enough for a status line. */
export function shortFingerprint(fingerprint: string): string {
  const bytes = fingerprint.split(':');
  if (bytes.length <= 8) return fingerprint;
  return `${bytes.slice(0, 4).join(':')}…${bytes.slice(-4).join(':')}`;
}

/**
 * The verdict on `peer` for `mode`; `known` is the fingerprint remembered for this host:port.
 * In `ca` mode Node has already refused an unverified certificate before this is asked.
 */
export function judge(mode: TrustMode, peer: PeerCertificate, known: string | undefined): Verdict {
  switch (mode.kind) {
    case 'insecure':
      return { kind: 'trust', why: 'INSECURE: the certificate was not checked (--insecure)' };
    case 'ca':
      return peer.authorized
        ? { kind: 'trust', why: `signed by ${mode.caFile}` }
        : { kind: 'refuse', why: `not signed by ${mode.caFile}`, changed: false };
    case 'fingerprint':
      return peer.fingerprint === mode.fingerprint
        ? { kind: 'trust', why: 'pinned with --fingerprint' }
        : {
            kind: 'refuse',
            why: `its fingerprint is ${peer.fingerprint}, not the --fingerprint ${mode.fingerprint}`,
            changed: false,
          };
    case 'known-hosts':
      if (known === peer.fingerprint) return { kind: 'trust', why: 'remembered in known_hosts' };
      if (known !== undefined) {
        return {
          kind: 'refuse',
          why: `its fingerprint changed from ${known} to ${peer.fingerprint}`,
          changed: true,
        };
      }
      if (peer.authorized) return { kind: 'trust', why: 'signed by a trusted CA' };
      return { kind: 'ask' };
  }
}
