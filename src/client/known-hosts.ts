/**
 * The fingerprints the user accepted, one `host:port fingerprint` a line, in
 * `$XDG_CONFIG_HOME/selectchat/known_hosts` (`~/.config/...` by default), like ssh's file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { formatHostPort } from '../protocol/address.js';
import { normaliseFingerprint } from './trust.js';

/** The known-hosts file for this environment. */
export function knownHostsFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const config =
    xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.config');
  return path.join(config, 'selectchat', 'known_hosts');
}

/** `host:port` as the file keys it (IPv6 addresses in brackets). */
export function hostKey(host: string, port: number): string {
  return formatHostPort(host, port);
}

export interface KnownHost {
  fingerprint: string;
  /** 1-based, for telling the user which line to delete. */
  line: number;
}

/** The remembered fingerprint of `key`, if any; a missing file knows nobody. */
export function lookupHost(file: string, key: string): KnownHost | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const [name, print] = (lines[i] as string).trim().split(/\s+/);
    if (name !== key || print === undefined) continue;
    const fingerprint = normaliseFingerprint(print);
    if (fingerprint !== undefined) return { fingerprint, line: i + 1 };
  }
  return undefined;
}

/** Remembers `fingerprint` for `key`; the directory is private to the user, as ssh's is. */
export function rememberHost(file: string, key: string, fingerprint: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.appendFileSync(file, `${key} ${fingerprint}\n`, { mode: 0o600 });
}
