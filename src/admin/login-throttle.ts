/**
 * Failed logins, per client address: each failure is answered after a growing delay, and after
 * a few the address is locked out for a while (`ERROR rate-limited`). One attempt per address is
 * checked at a time, so opening more connections does not buy more guesses. IPv6 clients are
 * counted per /64, the block one subscriber usually has, or a guesser would simply hop addresses.
 */
import { ProtocolError } from '../protocol/errors';
import { userKey } from './ban-target';

export interface ThrottleOptions {
  /** The first failure's delay; each next failure doubles it. */
  baseDelayMs: number;
  /** Failures in a row that lock an address out. */
  maxFailures: number;
  /** The first lockout; each next one (without a success between) doubles, up to an hour. */
  lockoutMs: number;
  /** A record without a failure for this long is forgotten. */
  forgetAfterMs: number;
  /** Addresses tracked at most; the least recently failed are forgotten first. */
  maxTracked: number;
  /**
   * Logins checked at once, server-wide (each scrypt holds 32 MiB while it runs). A failure
   * gives its slot back when its hash is done, not after its delay: waiting costs nothing, and
   * slots held through the delays would let a few addresses lock every admin out.
   */
  maxConcurrent: number;
  now: () => number;
}

export const THROTTLE_DEFAULTS: ThrottleOptions = {
  baseDelayMs: 250,
  maxFailures: 5,
  lockoutMs: 60_000,
  forgetAfterMs: 3_600_000,
  maxTracked: 10_000,
  maxConcurrent: 16,
  now: Date.now,
};

const MAX_LOCKOUT_MS = 3_600_000;

interface Record {
  failures: number;
  lockouts: number;
  lockedUntil: number;
  lastFailure: number;
  busy: boolean;
}

/** What a failure means for the answer: when to give it, and which. */
export interface FailureAnswer {
  readonly delayMs: number;
  readonly error: ProtocolError;
  /** 1-based count of failures in a row, for the log. */
  readonly failures: number;
}

/**
 * One attempt in progress: `checked` once its hash is done, then exactly one of `succeeded` or
 * `failed`, then `release` once it is answered.
 */
export interface Attempt {
  /** The address or /64 it is counted under. */
  readonly key: string;
  /**
   * The password has been checked: the server-wide slot is free for another address. The
   * address itself stays busy until `release`, through a failure's delay.
   */
  checked(): void;
  succeeded(): void;
  failed(): FailureAnswer;
  /** The answer has been given: the address may try again (`checked` too, if not yet). */
  release(): void;
}

function rateLimited(text: string): ProtocolError {
  return new ProtocolError('rate-limited', text);
}

export class LoginThrottle {
  readonly #options: ThrottleOptions;
  readonly #records = new Map<string, Record>();
  #inFlight = 0;

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.#options = { ...THROTTLE_DEFAULTS, ...options };
  }

  /** Starts an attempt from `address`, or says why it may not be made now. */
  begin(address: string): Attempt | ProtocolError {
    const key = userKey(address);
    const now = this.#options.now();
    const record = this.#record(key, now);
    if (record.lockedUntil > now) {
      const seconds = Math.ceil((record.lockedUntil - now) / 1000);
      return rateLimited(`too many failed logins from ${key}; try again in ${seconds}s`);
    }
    if (record.busy) {
      return rateLimited(`a login from ${key} is being checked; wait for its answer`);
    }
    if (this.#inFlight >= this.#options.maxConcurrent) {
      return rateLimited('the server is checking too many logins; try again in a moment');
    }
    record.busy = true;
    this.#inFlight++;
    let checking = true;
    let released = false;
    const checked = (): void => {
      if (!checking) return;
      checking = false;
      this.#inFlight--;
    };
    return {
      key,
      checked,
      succeeded: () => this.#records.delete(key),
      failed: () => this.#failed(key, record),
      release: () => {
        checked();
        if (released) return; // twice is once: the address may have begun another attempt
        released = true;
        record.busy = false;
      },
    };
  }

  /** Logins being checked now, server-wide (for tests). */
  get checking(): number {
    return this.#inFlight;
  }

  /** Addresses tracked now (for tests). */
  get tracked(): number {
    return this.#records.size;
  }

  #record(key: string, now: number): Record {
    let record = this.#records.get(key);
    if (
      record !== undefined &&
      !record.busy &&
      now - record.lastFailure > this.#options.forgetAfterMs
    ) {
      this.#records.delete(key);
      record = undefined;
    }
    if (record === undefined) {
      record = { failures: 0, lockouts: 0, lockedUntil: 0, lastFailure: now, busy: false };
      // Addresses that only ever succeed never stay; the oldest failures go first when full.
      if (this.#records.size >= this.#options.maxTracked) this.#evictOldest();
      this.#records.set(key, record);
    }
    return record;
  }

  #evictOldest(): void {
    for (const [key, record] of this.#records) {
      if (!record.busy) {
        this.#records.delete(key);
        return;
      }
    }
  }

  #failed(key: string, record: Record): FailureAnswer {
    const now = this.#options.now();
    record.failures++;
    record.lastFailure = now;
    // Keep the map in order of last failure, for eviction.
    this.#records.delete(key);
    this.#records.set(key, record);
    const failures = record.failures;
    if (failures < this.#options.maxFailures) {
      const delayMs = this.#options.baseDelayMs * 2 ** (failures - 1);
      return {
        delayMs,
        failures,
        error: new ProtocolError('not-permitted', 'wrong name or password'),
      };
    }
    const lockMs = Math.min(this.#options.lockoutMs * 2 ** record.lockouts, MAX_LOCKOUT_MS);
    record.lockouts++;
    record.failures = 0;
    record.lockedUntil = now + lockMs;
    const seconds = Math.ceil(lockMs / 1000);
    return {
      delayMs: 0,
      failures,
      error: rateLimited(`too many failed logins from ${key}; try again in ${seconds}s`),
    };
  }
}
