/**
 * The admin state of a data dir, loaded at start-up: the accounts (creating the default admin if
 * there are none) and the bans (expired ones pruned). A damaged file stops the start with an
 * error naming the file and line: starting without the bans would let the banned in, and the
 * next save would overwrite the file the admin meant to fix.
 */
import fs from 'node:fs/promises';

import { Accounts, accountsFile } from './accounts';
import { removeStaleTemporaries } from '../fs/atomic-file';
import { BanList, bansFile } from './bans';
import { readDataFile } from './data-file';
import { ensureAdmin, passwordFile } from './default-admin';
import { ServerModeration, type AdminLog } from './moderation';
import { SnapshotWriter } from './snapshot-writer';

export interface OpenOptions {
  allowPlainLogin: boolean;
  log: AdminLog;
}

export interface AdminState {
  moderation: ServerModeration;
  /** The default admin's password file, if this start created the default admin. */
  createdPasswordFile: string | undefined;
  /** Where the default admin's password is written (it may not exist). */
  passwordFile: string;
  /** Bans in force at start-up. */
  bans: number;
}

/** Loads (and, on first start, creates) the admin state in `dataDir`. */
export async function openAdminState(dataDir: string, options: OpenOptions): Promise<AdminState> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const files = { accounts: accountsFile(dataDir), bans: bansFile(dataDir) };
  for (const file of [files.accounts, files.bans, passwordFile(dataDir)]) {
    await removeStaleTemporaries(file);
  }
  const accounts = await Accounts.load(files.accounts);
  const createdPasswordFile = await ensureAdmin(accounts, dataDir);
  const data = await readDataFile(files.bans);
  const bans = data === undefined ? new BanList() : BanList.parse(files.bans, data);
  const writer = new SnapshotWriter(
    files.bans,
    0o600,
    () => bans.serialize(),
    (error) => options.log.error(`cannot save the bans to ${files.bans}: ${error.message}`),
  );
  const moderation = new ServerModeration({
    accountsFile: files.accounts,
    bans,
    writer,
    allowPlainLogin: options.allowPlainLogin,
    log: options.log,
  });
  bans.prune(); // saves, if any had expired
  return { moderation, createdPasswordFile, passwordFile: passwordFile(dataDir), bans: bans.size };
}
