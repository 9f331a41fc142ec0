/**
 * Builds the C reference server and the load generator (bench/c/) with the system compiler into a
 * cache directory keyed by their sources, so nothing binary is ever committed and an edit to a
 * source rebuilds. The generator speaks TLS when OpenSSL's headers are there (Debian:
 * libssl-dev); without them it is built plain and the bench skips its TLS runs, saying why.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { C_DIR } from './paths';

export interface Binaries {
  refServer: string;
  loadgen: string;
  compiler: string;
  /** The generator can speak TLS; otherwise `tlsMissing` says why not. */
  tls: boolean;
  tlsMissing?: string;
}

const REF_SOURCES = ['ref-server.c', 'ref-clients.c'];
const LOADGEN_SOURCES = [
  'loadgen.c',
  'lg-conn.c',
  'lg-send.c',
  'lg-io.c',
  'lg-parse.c',
  'lg-track.c',
  'lg-hist.c',
  'lg-proc.c',
];
const FLAGS = ['-O2', '-Wall', '-Wextra'];
const TLS_FLAGS = { define: ['-DLG_TLS'], link: ['-lssl', '-lcrypto'] };

function compilerVersion(cc: string): string {
  try {
    return execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n', 1)[0];
  } catch {
    throw new Error(
      `no C compiler: "${cc} --version" failed; install gcc (apt-get install gcc) or set CC`,
    );
  }
}

function cacheKey(compiler: string): string {
  const hash = crypto.createHash('sha256').update(compiler).update(FLAGS.join(' '));
  for (const file of fs.readdirSync(C_DIR).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(C_DIR, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Compile to a temporary name, then rename: a concurrent run never sees half a binary. */
function compile(cc: string, out: string, sources: readonly string[], extra: Extra): void {
  const temp = `${out}.${process.pid}.tmp`;
  const files = sources.map((source) => path.join(C_DIR, source));
  execFileSync(cc, [...FLAGS, ...extra.define, '-o', temp, ...files, ...extra.link], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  fs.renameSync(temp, out);
}

interface Extra {
  define: string[];
  link: string[];
}

function compileError(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8').trim();
  return stderr !== undefined && stderr !== '' ? stderr : String(error);
}

/** The generator with TLS if OpenSSL builds, else without (and the reason, first line). */
function buildLoadgen(cc: string, dir: string): Pick<Binaries, 'loadgen' | 'tls' | 'tlsMissing'> {
  const withTls = path.join(dir, 'loadgen-tls');
  const plain = path.join(dir, 'loadgen');
  if (fs.existsSync(withTls)) return { loadgen: withTls, tls: true };
  try {
    compile(cc, withTls, LOADGEN_SOURCES, TLS_FLAGS);
    return { loadgen: withTls, tls: true };
  } catch (error) {
    const reason = compileError(error)
      .split('\n')
      .find((line) => /error/i.test(line));
    if (!fs.existsSync(plain)) {
      try {
        compile(cc, plain, LOADGEN_SOURCES, { define: [], link: [] });
      } catch (plainError) {
        throw new Error(`cannot build bench/c/loadgen:\n${compileError(plainError)}`);
      }
    }
    return {
      loadgen: plain,
      tls: false,
      tlsMissing:
        'the load generator was built without TLS: OpenSSL did not compile ' +
        `(${reason ?? 'unknown error'}); install libssl-dev (apt-get install libssl-dev)`,
    };
  }
}

export function buildBinaries(): Binaries {
  const cc = process.env.CC ?? 'cc';
  const compiler = compilerVersion(cc);
  const dir = path.join(os.tmpdir(), `selectchat-bench-${cacheKey(compiler)}`);
  fs.mkdirSync(dir, { recursive: true });
  const refServer = path.join(dir, 'ref-server');
  if (!fs.existsSync(refServer)) {
    try {
      compile(cc, refServer, REF_SOURCES, { define: [], link: [] });
    } catch (error) {
      throw new Error(`cannot build bench/c/ref-server:\n${compileError(error)}`);
    }
  }
  return { refServer, compiler, ...buildLoadgen(cc, dir) };
}
