/**
 * `selectchat-server admin add|remove|list`: managing admin accounts in the data dir. A running
 * server reads the accounts at each login, so changes apply at once, without a restart.
 */
import fs from 'node:fs/promises';

import { Command } from 'commander';

import { isValidNick } from '../protocol/nick';
import { Accounts, accountsFile } from './accounts';
import { DataFileError } from './data-file';
import { DEFAULT_ADMIN, passwordFile } from './default-admin';
import { readNewPassword, UsageError } from './password-input';

interface DirOption {
  dataDir: string;
}

function withDataDir(command: Command): Command {
  return command.option('--data-dir <dir>', "the server's data dir", 'data');
}

async function add(name: string, options: DirOption & { passwordStdin?: boolean }): Promise<void> {
  if (!isValidNick(name)) {
    throw new UsageError(
      `invalid admin name ${name}: use 1-24 letters, digits, _ or -, starting with a letter`,
    );
  }
  const accounts = await Accounts.load(accountsFile(options.dataDir));
  const password = await readNewPassword(options.passwordStdin === true);
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const created = await accounts.set(name, password);
  await accounts.save();
  console.log(created ? `added admin ${name}` : `changed the password of admin ${name}`);
  if (name.toLowerCase() === DEFAULT_ADMIN) await forgetDefaultPassword(options.dataDir);
}

/** The default admin's password file holds a password that no longer works: remove it. */
async function forgetDefaultPassword(dataDir: string): Promise<void> {
  const file = passwordFile(dataDir);
  try {
    await fs.unlink(file);
    console.log(`removed ${file}: its password is no longer valid`);
  } catch {
    // There was none.
  }
}

async function remove(name: string, options: DirOption): Promise<void> {
  const accounts = await Accounts.load(accountsFile(options.dataDir));
  if (!accounts.remove(name)) throw new UsageError(`there is no admin ${name}`);
  await accounts.save();
  console.log(`removed admin ${name}; sessions logged in to it stay admins until they leave`);
  if (name.toLowerCase() === DEFAULT_ADMIN) await forgetDefaultPassword(options.dataDir);
  if (accounts.size === 0) {
    console.log('no admins are left: the next start creates the default admin again');
  }
}

async function list(options: DirOption): Promise<void> {
  const accounts = await Accounts.load(accountsFile(options.dataDir));
  if (accounts.size === 0) console.log('no admins; the server creates the default admin at start');
  for (const a of accounts.list())
    console.log(`${a.name} since ${new Date(a.created).toISOString()}`);
}

function program(): Command {
  const admin = new Command('selectchat-server admin').description(
    'Manage the admin accounts (stored in <data-dir>/admins as scrypt hashes).',
  );
  withDataDir(
    admin
      .command('add <name>')
      .description('add an admin, or set the password of one; asks for the password twice'),
  )
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(add);
  withDataDir(admin.command('remove <name>').description('remove an admin')).action(remove);
  withDataDir(admin.command('list').description('list the admins')).action(list);
  return admin;
}

/** Runs `admin ...` (`argv` after the word `admin`); resolves with the exit code. */
export async function runAdminCli(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof DataFileError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
