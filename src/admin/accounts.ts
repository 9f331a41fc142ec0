/**
 * Admin accounts: a name and a scrypt hash each, in `<data-dir>/admins`, one per line:
 *
 *     <name> <created, ISO-8601> <scrypt hash>
 *
 * Names follow the nick rules and are unique ignoring case. The file is mode 0600 and is
 * replaced atomically; the server reads it at each login, so `admin add` takes effect at once.
 */
import path from 'node:path';

import { writeFileAtomic } from '../fs/atomic-file';
import { parseTime } from '../protocol/event-parser';
import { isValidNick, nickKey } from '../protocol/nick';
import { parseRecords, readDataFile, splitWord } from './data-file';
import { hashPassword, hashProblem, type ScryptParams } from './password';

export interface Account {
  readonly name: string;
  /** When it was made or its password last set, ms since the epoch. */
  readonly created: number;
  /** `scrypt:...`, see password.ts. */
  readonly hash: string;
}

/** Where the accounts live. */
export function accountsFile(dataDir: string): string {
  return path.join(dataDir, 'admins');
}

const HEADER =
  '# selectchat admin accounts, one per line: <name> <created> <scrypt hash>\n' +
  '# Manage them with: selectchat-server admin add|remove|list\n';

function parseAccount(text: string): Account | string {
  const [name, rest] = splitWord(text);
  const [createdText, hash] = splitWord(rest);
  if (!isValidNick(name)) return `bad admin name ${JSON.stringify(name)}`;
  const created = parseTime(createdText);
  if (created === undefined) return `bad time ${JSON.stringify(createdText)}`;
  const problem = hashProblem(hash);
  return problem === undefined ? { name, created, hash } : problem;
}

export class Accounts {
  readonly file: string;
  readonly #byKey = new Map<string, Account>();

  private constructor(file: string, accounts: Account[]) {
    this.file = file;
    for (const account of accounts) this.#byKey.set(nickKey(account.name), account);
  }

  /** The accounts in `file` (none if it does not exist); a bad line is a DataFileError. */
  static async load(file: string): Promise<Accounts> {
    const data = await readDataFile(file);
    if (data === undefined) return new Accounts(file, []);
    const accounts = parseRecords(file, data, parseAccount, (a) => `admin ${nickKey(a.name)}`);
    return new Accounts(file, accounts);
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** Accounts in the file's order. */
  list(): Account[] {
    return [...this.#byKey.values()];
  }

  /** The account `name`, ignoring case. */
  get(name: string): Account | undefined {
    return this.#byKey.get(nickKey(name));
  }

  /** Creates `name` or sets its password; true if it is new. Call `save()` after. */
  async set(name: string, password: string, params?: ScryptParams): Promise<boolean> {
    if (!isValidNick(name)) throw new RangeError(`invalid admin name ${name}`);
    const created = !this.#byKey.has(nickKey(name));
    const hash = await hashPassword(password, params);
    this.#byKey.set(nickKey(name), { name, created: Date.now(), hash });
    return created;
  }

  /** Removes `name`; false if there is none. Call `save()` after. */
  remove(name: string): boolean {
    return this.#byKey.delete(nickKey(name));
  }

  /** Writes the accounts back, atomically, mode 0600. */
  save(): Promise<void> {
    const lines = this.list().map(
      (a) => `${a.name} ${new Date(a.created).toISOString()} ${a.hash}`,
    );
    return writeFileAtomic(this.file, HEADER + lines.map((l) => l + '\n').join(''), 0o600);
  }
}
