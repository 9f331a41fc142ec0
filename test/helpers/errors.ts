/**
 * What a call threw, checked across realms: jest runs tests in their own VM context, so an
 * error built by the addon is an Error of Node's main context and fails `instanceof TypeError`
 * here. `util.types.isNativeError` and the constructor's name see through that.
 */
import { types } from 'node:util';

export interface Thrown {
  /** The constructor's name: 'Error', 'TypeError', 'RangeError'... */
  type: string;
  message: string;
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
}

/** Call `fn` and describe the native Error it throws; fails if it returns or throws a non-Error. */
export function thrownBy(fn: () => unknown): Thrown {
  try {
    fn();
  } catch (error) {
    if (!types.isNativeError(error)) throw new Error(`threw a non-Error: ${String(error)}`);
    const { code, errno, syscall } = error as Error & Record<string, unknown>;
    return { type: error.constructor.name, message: error.message, code, errno, syscall };
  }
  throw new Error('expected a throw; the call returned');
}
