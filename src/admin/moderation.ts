/**
 * The server's Moderation (see src/chat/commands/moderation.ts): accounts checked against the
 * accounts file at each login, failed logins throttled per address, and the ban list, saved after
 * every change. Everything here is logged, passwords never.
 */
import { ProtocolError } from '../protocol/errors';
import {
  banUntil,
  type BanEntry,
  type BanRequest,
  type LoginOutcome,
  type Moderation,
} from '../chat/commands/moderation';
import { Accounts } from './accounts';
import { parseBanTarget, userKey } from './ban-target';
import { Ban, MAX_BANS, type BanList } from './bans';
import { LoginThrottle, type Attempt, type ThrottleOptions } from './login-throttle';
import { DECOY_HASH, verifyPassword } from './password';
import type { SnapshotWriter } from './snapshot-writer';

/** The logger admin code writes to (pino's satisfies it). */
export interface AdminLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ModerationOptions {
  accountsFile: string;
  bans: BanList;
  /** Saves the bans after each change; without one they live in memory only. */
  writer?: SnapshotWriter;
  allowPlainLogin: boolean;
  log: AdminLog;
  now?: () => number;
  throttle?: Partial<ThrottleOptions>;
}

/** A name as the log shows it: quoted, and cut short (it is whatever a client typed). */
function shown(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name);
}

export class ServerModeration implements Moderation {
  readonly allowPlainLogin: boolean;
  readonly #accountsFile: string;
  readonly #bans: BanList;
  readonly #writer: SnapshotWriter | undefined;
  readonly #log: AdminLog;
  readonly #now: () => number;
  readonly #throttle: LoginThrottle;

  constructor(options: ModerationOptions) {
    this.allowPlainLogin = options.allowPlainLogin;
    this.#accountsFile = options.accountsFile;
    this.#bans = options.bans;
    this.#writer = options.writer;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#throttle = new LoginThrottle({ now: this.#now, ...options.throttle });
    this.#bans.onChange = () => this.#writer?.schedule();
  }

  login(address: string, name: string, password: string, answer: (o: LoginOutcome) => void): void {
    const attempt = this.#throttle.begin(address);
    if (attempt instanceof ProtocolError) {
      queueMicrotask(() => answer(attempt));
      return;
    }
    void this.#check(name, password).then((account) => {
      // The hash is done: the next address may be checked while this one waits out its delay.
      attempt.checked();
      this.#answer(attempt, name, account, answer);
    });
  }

  /** The account's name if `password` is its password; an Error if the file is unusable. */
  async #check(name: string, password: string): Promise<string | undefined | Error> {
    try {
      // Read at each login, so that `admin add|remove` takes effect without a restart.
      const account = (await Accounts.load(this.#accountsFile)).get(name);
      // An unknown name costs a hash too: the answer's timing does not tell names apart.
      const right = await verifyPassword(password, account?.hash ?? DECOY_HASH);
      return right ? account?.name : undefined;
    } catch (error) {
      return error as Error;
    }
  }

  #answer(
    attempt: Attempt,
    name: string,
    account: string | undefined | Error,
    answer: (o: LoginOutcome) => void,
  ): void {
    if (account instanceof Error) {
      attempt.release();
      this.#log.error(`admin logins are unavailable: ${account.message}`);
      answer(new ProtocolError('not-permitted', 'logins are unavailable; see the server log'));
    } else if (account !== undefined) {
      attempt.succeeded();
      attempt.release();
      this.#log.info(`admin login: ${account} from ${attempt.key}`);
      answer({ account });
    } else {
      const failure = attempt.failed();
      const locked = failure.error.code === 'rate-limited' ? `; ${failure.error.message}` : '';
      this.#log.warn(
        `failed admin login as ${shown(name)} from ${attempt.key} ` +
          `(${failure.failures} in a row${locked})`,
      );
      setTimeout(() => {
        attempt.release();
        answer(failure.error);
      }, failure.delayMs).unref();
    }
  }

  prepareBan(request: BanRequest): BanEntry | ProtocolError {
    const target = parseBanTarget(request.user ? userKey(request.target) : request.target);
    if (typeof target === 'string') {
      return new ProtocolError(
        'invalid-argument',
        `${target}; usage: /ban <target> [duration] [reason]`,
      );
    }
    const setAt = this.#now();
    const until = request.durationMs === undefined ? undefined : setAt + request.durationMs;
    return new Ban(target, { by: request.by, setAt, until, reason: request.reason });
  }

  addBan(entry: BanEntry): ProtocolError | undefined {
    if (!(entry instanceof Ban)) throw new TypeError('addBan takes a ban from prepareBan');
    if (!this.#bans.add(entry)) {
      return new ProtocolError(
        'not-permitted',
        `there are ${MAX_BANS} bans, the most kept; /unban some first`,
      );
    }
    this.#log.info(`ban on ${entry.target} by ${entry.by} (${banUntil(entry)}): ${entry.reason}`);
    return undefined;
  }

  removeBan(target: string): BanEntry | ProtocolError {
    const parsed = parseBanTarget(target);
    if (typeof parsed === 'string') {
      return new ProtocolError('invalid-argument', `${parsed}; usage: /unban <target>`);
    }
    const ban = this.#bans.remove(parsed.text);
    if (ban === undefined) {
      return new ProtocolError(
        'no-such-ban',
        `there is no ban on ${parsed.text}; /bans lists them`,
      );
    }
    this.#log.info(`ban on ${ban.target} lifted`);
    return ban;
  }

  bans(): readonly BanEntry[] {
    return this.#bans.list();
  }

  nickBan(nick: string): BanEntry | undefined {
    return this.#bans.forNick(nick);
  }

  /** The ban in force on a connecting client's address, checked before it joins. */
  addressBan(address: string): BanEntry | undefined {
    return this.#bans.forAddress(address);
  }

  /** Resolves once the bans on disk are the bans in memory. */
  saved(): Promise<void> {
    return this.#writer?.idle() ?? Promise.resolve();
  }
}
