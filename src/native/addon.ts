/**
 * The native addon, loaded once and typed. Everything here maps one-to-one
 * onto a C call in native/; policy lives in the modules that use it.
 *
 * Hot-path calls return a number: >= 0 on success, or a negated errno
 * (`-EAGAIN` means "would block"). Set-up calls throw coded errors.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A socket address as the addon reports it. */
export interface SocketAddress {
  address: string;
  port: number;
  family: 4 | 6;
}

/** An accepted connection: its fd and its peer's address. */
export interface Accepted extends SocketAddress {
  fd: number;
}

/** One readiness loop parked inside Node's event loop (native/binding_loop.cc). */
export interface NativeLoop {
  /** Watch exactly `events` on fd (0 stops). 0, or -ERANGE past the ceiling. */
  set(fd: number, events: number): number;
  get(fd: number): number;
  /** One synchronous wait that fills the events array; blocks the process. */
  poll(timeoutMs: number): number;
  start(): void;
  stop(): void;
  close(): void;
  /**
   * Read and split fd's input natively with this line limit (0: stop). 0 or -errno: -EMSGSIZE
   * past `maxLine`, -EALREADY if fd is framed already.
   */
  frame(fd: number, maxLine: number): number;
  /** The longest line limit frame() accepts, from the size of the line storage. */
  readonly maxLine: number;
  /** Time every wait and call onReady after empty ones too. */
  trace(on: boolean): void;
  /** Records of the last poll(). */
  readonly records: number;
  readonly backend: string;
  readonly maxFds: number;
  readonly count: number;
  readonly active: boolean;
}

/** Batch storage the native loop fills during each wait (src/loop/line-batch.ts). */
export interface NativeLoopStorage {
  /** Line bytes; at least 64 KiB. */
  lines: Uint8Array;
  /** `[fd, kind, offset, length]` records; at least 1024 of them. */
  records: Int32Array;
  /** Counters, slots as in src/loop/stats.ts. */
  stats: Float64Array;
}

export interface NativeLoopConstructor {
  new (
    backend: string,
    maxFds: number,
    events: Int32Array,
    onReady: (count: number, records: number) => void,
    storage?: NativeLoopStorage,
  ): NativeLoop;
}

export interface Addon {
  Loop: NativeLoopConstructor;
  backends: readonly string[];
  READABLE: number;
  WRITABLE: number;
  IOV_MAX: number;
  SHUT_RD: number;
  SHUT_WR: number;
  SHUT_RDWR: number;
  fdListen(host: string, port: number, backlog: number): number;
  fdAccept(fd: number): Accepted | number;
  fdLocalAddress(fd: number): SocketAddress;
  fdPeerAddress(fd: number): SocketAddress;
  fdRead(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fdWrite(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fdWritev(fd: number, buffers: readonly Uint8Array[]): number;
  /**
   * One send per row of `table` (`[fd, offset, length, result]`, offsets into
   * `buffer[offset, offset + length)`); each result is bytes written or -errno. Returns the total.
   */
  fdSendRanges(
    buffer: Uint8Array,
    offset: number,
    length: number,
    rows: number,
    table: Int32Array,
  ): number;
  fdShutdown(fd: number, how: number): number;
  fdClose(fd: number): number;
  fdSetNoDelay(fd: number, on: number): number;
  fdSetKeepAlive(fd: number, on: number, idleSeconds: number): number;
  fdDupAbove(fd: number, minFd: number): number;
  /** Raise the soft RLIMIT_NOFILE to the hard one; the new soft limit. */
  fdRaiseLimit(): number;
}

const BINARY = path.join('build', 'Release', 'selectchat.node');

/** The package root: the nearest folder above this file holding binding.gyp. */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'binding.gyp'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no binding.gyp above ${__dirname}`);
  }
}

function load(): Addon {
  const file = path.join(packageRoot(), BINARY);
  if (!fs.existsSync(file)) {
    throw new Error(`the native addon ${file} is not built: run "npm ci" (or "npm rebuild")`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a .node file has no ES import
  return require(file) as Addon;
}

export const addon: Addon = load();
