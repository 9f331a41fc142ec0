/**
 * Builds the C reference server and the load generator (bench/c/) with the system compiler into
 * a cache directory keyed by their sources, so nothing binary is ever committed and an edit to a
 * source rebuilds.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const C_DIR = path.resolve(__dirname, '..', '..', 'bench', 'c');

export interface Binaries {
  refServer: string;
  loadgen: string;
  compiler: string;
}

const TARGETS = {
  refServer: { name: 'ref-server', sources: ['ref-server.c'] },
  loadgen: {
    name: 'loadgen',
    sources: ['loadgen.c', 'lg-conn.c', 'lg-parse.c', 'lg-track.c', 'lg-hist.c', 'lg-proc.c'],
  },
} as const;

const FLAGS = ['-O2', '-Wall', '-Wextra'];

function compilerVersion(cc: string): string {
  try {
    return execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n', 1)[0];
  } catch {
    throw new Error(`no C compiler: "${cc} --version" failed; install gcc or set CC`);
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
function compile(cc: string, dir: string, name: string, sources: readonly string[]): string {
  const out = path.join(dir, name);
  if (fs.existsSync(out)) return out;
  const temp = `${out}.${process.pid}.tmp`;
  const files = sources.map((source) => path.join(C_DIR, source));
  execFileSync(cc, [...FLAGS, '-o', temp, ...files], { stdio: ['ignore', 'inherit', 'inherit'] });
  fs.renameSync(temp, out);
  return out;
}

export function buildBinaries(): Binaries {
  const cc = process.env.CC ?? 'cc';
  const compiler = compilerVersion(cc);
  const dir = path.join(os.tmpdir(), `selectchat-bench-${cacheKey(compiler)}`);
  fs.mkdirSync(dir, { recursive: true });
  return {
    refServer: compile(cc, dir, TARGETS.refServer.name, TARGETS.refServer.sources),
    loadgen: compile(cc, dir, TARGETS.loadgen.name, TARGETS.loadgen.sources),
    compiler,
  };
}
