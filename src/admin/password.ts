/**
 * Password hashing: scrypt (memory-hard, in Node's crypto, run on libuv's thread pool so the
 * event loop never waits for it), a random salt per password, the parameters stored with the
 * hash so they can be raised later without invalidating old hashes, and a constant-time compare.
 *
 * Stored form: `scrypt:<N>:<r>:<p>:<salt base64>:<key base64>`.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
}

/**
 * 2^15 × 8 × 128 bytes = 32 MiB and about 50 to 100 ms per hash on a small server: slow for a
 * guesser, unnoticeable for an admin who logs in once. (OWASP's scrypt minimum is N=2^17 with
 * r=8, p=1 at 128 MiB; a chat server that may check several logins at once stays smaller.)
 */
export const SCRYPT_PARAMS: ScryptParams = { N: 1 << 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on parameters read from a file, so a hand-edited hash cannot exhaust the server. */
const MAX_N = 1 << 20;
const MAX_MEMORY = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 2 * 128 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** The stored form of a fresh hash of `password`. */
export async function hashPassword(
  password: string,
  params: ScryptParams = SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  const { N, r, p } = params;
  return `scrypt:${N}:${r}:${p}:${salt.toString('base64')}:${key.toString('base64')}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

const HASH_RE = /^scrypt:(\d+):(\d+):(\d+):([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2})$/;

function parseHash(stored: string): ParsedHash | string {
  const match = HASH_RE.exec(stored);
  if (match === null) return 'not a scrypt:N:r:p:salt:key password hash';
  const [N, r, p] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || r < 1 || p < 1 || p > 16 || 128 * N * r * p > MAX_MEMORY) {
    return `scrypt parameters N=${N} r=${r} p=${p} are out of range`;
  }
  const salt = Buffer.from(match[4] as string, 'base64');
  const key = Buffer.from(match[5] as string, 'base64');
  if (salt.length < 8 || key.length < 16) return 'password hash with a short salt or key';
  return { params: { N, r, p }, salt, key };
}

/** Why `stored` is not a usable hash, or undefined if it is. */
export function hashProblem(stored: string): string | undefined {
  const parsed = parseHash(stored);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** True if `password` is the one `stored` was made from. Compares in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (typeof parsed === 'string') return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/**
 * A hash no password matches, checked for unknown account names so that a wrong name costs
 * the same time as a wrong password and the answer does not tell which one was wrong.
 */
export const DECOY_HASH = `scrypt:${SCRYPT_PARAMS.N}:${SCRYPT_PARAMS.r}:${SCRYPT_PARAMS.p}:${Buffer.alloc(SALT_BYTES).toString('base64')}:${Buffer.alloc(KEY_BYTES).toString('base64')}`;

/** A random password for the default admin: 24 URL-safe characters, 144 bits. */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Why `password` cannot be an admin's, or undefined. Typed on a chat line, it must survive the
 * server's line handling: no control characters (they are stripped) and no leading or trailing
 * spaces (they are trimmed); and it must be long enough to resist guessing.
 */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length < 8) return 'a password needs at least 8 characters';
  if (Buffer.byteLength(password) > 1024) return 'a password may have at most 1024 bytes';
  // eslint-disable-next-line no-control-regex -- the line reader removes these characters
  if (/[\x00-\x1f\x7f-\x9f]/.test(password)) return 'a password may not contain control characters';
  if (password.trim() !== password) return 'a password may not start or end with a space';
  return undefined;
}
