/**
 * Accounts and the admin state of a data dir: accounts saved and read back, names ignoring case,
 * the default admin made once (its password in a 0600 file, verifiable against the account), and
 * start-up pruning expired bans and refusing damaged files.
 */
import fs from 'node:fs';
import path from 'node:path';

import { Accounts, accountsFile } from '../../src/admin/accounts';
import { ensureAdmin, passwordFile } from '../../src/admin/default-admin';
import { openAdminState } from '../../src/admin/open';
import { verifyPassword } from '../../src/admin/password';
import { tempDir } from '../helpers/tls';

const CHEAP = { N: 1024, r: 8, p: 1 };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('accounts are saved (0600) and read back; names are unique ignoring case', async () => {
  const file = accountsFile(tempDir());
  const accounts = await Accounts.load(file);
  expect(accounts.size).toBe(0);
  expect(await accounts.set('Alice', 'alice password', CHEAP)).toBe(true);
  expect(await accounts.set('bob', 'bob password', CHEAP)).toBe(true);
  expect(await accounts.set('ALICE', 'new password', CHEAP)).toBe(false);
  await accounts.save();
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const again = await Accounts.load(file);
  expect(again.list().map((a) => a.name)).toEqual(['ALICE', 'bob']);
  expect(await verifyPassword('new password', again.get('alice')?.hash as string)).toBe(true);
  expect(again.remove('Bob')).toBe(true);
  expect(again.remove('bob')).toBe(false);
  await expect(again.set('no spaces', 'x', CHEAP)).rejects.toThrow('invalid admin name no spaces');
});

test('the default admin is made once, its password in a 0600 file', async () => {
  const dir = tempDir();
  const accounts = await Accounts.load(accountsFile(dir));
  const file = await ensureAdmin(accounts, dir);
  expect(file).toBe(passwordFile(dir));
  expect(fs.statSync(file as string).mode & 0o777).toBe(0o600);
  const password = fs.readFileSync(file as string, 'utf8').trim();
  const saved = await Accounts.load(accountsFile(dir));
  expect(await verifyPassword(password, saved.get('admin')?.hash as string)).toBe(true);
  expect(await ensureAdmin(saved, dir)).toBeUndefined();
  expect(fs.readFileSync(file as string, 'utf8').trim()).toBe(password);
});

test('start-up creates the data dir (0700), prunes expired bans and saves the pruned list', async () => {
  const dir = path.join(tempDir(), 'data');
  const first = await openAdminState(dir, { allowPlainLogin: false, log: quiet });
  expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  expect(first.createdPasswordFile).toBe(passwordFile(dir));
  const past = new Date(Date.now() - 1000).toISOString();
  const old = new Date(Date.now() - 60_000).toISOString();
  fs.writeFileSync(
    path.join(dir, 'bans'),
    `10.0.0.1 a ${old} ${past} :over\n10.0.0.2 a ${old} permanent :kept\n`,
  );
  const second = await openAdminState(dir, { allowPlainLogin: true, log: quiet });
  expect(second.createdPasswordFile).toBeUndefined();
  expect(second.bans).toBe(1);
  expect(second.moderation.allowPlainLogin).toBe(true);
  await second.moderation.saved();
  expect(fs.readFileSync(path.join(dir, 'bans'), 'utf8')).not.toContain('10.0.0.1');
  expect(second.moderation.addressBan('10.0.0.2')?.reason).toBe('kept');
});

test('start-up refuses a damaged accounts file, naming file and line', async () => {
  const dir = tempDir();
  fs.writeFileSync(accountsFile(dir), '\n\nadmin\n');
  await expect(openAdminState(dir, { allowPlainLogin: false, log: quiet })).rejects.toThrow(
    `${accountsFile(dir)}:3: bad time ""`,
  );
});
