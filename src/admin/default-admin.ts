/**
 * The embedded default admin: a fresh server has no accounts, so at start-up it creates `admin`
 * with a random password and writes that password, once, to a file only its owner can read. The
 * log says where the file is, never what is in it.
 */
import path from 'node:path';

import type { Accounts } from './accounts';
import { writeFileAtomic } from '../fs/atomic-file';
import { randomPassword } from './password';

/** The default admin's name. */
export const DEFAULT_ADMIN = 'admin';

/** Where the default admin's password is written. */
export function passwordFile(dataDir: string): string {
  return path.join(dataDir, 'admin-password');
}

/**
 * Creates the default admin if there is no admin at all; returns the password file it wrote, or
 * undefined if admins existed. The password file comes first: a crash between the two writes
 * leaves no account, and the next start makes a new one.
 */
export async function ensureAdmin(
  accounts: Accounts,
  dataDir: string,
): Promise<string | undefined> {
  if (accounts.size > 0) return undefined;
  const password = randomPassword();
  const file = passwordFile(dataDir);
  await writeFileAtomic(file, `${password}\n`, 0o600);
  await accounts.set(DEFAULT_ADMIN, password);
  await accounts.save();
  return file;
}
