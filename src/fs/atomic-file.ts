/**
 * Replacing a file so that a crash (kill -9, power loss) at any moment leaves either the old
 * file or the new one, never a torn mix: write a temporary file beside it, fsync it, rename it
 * over the old one, then fsync the directory so the rename itself is on disk. Every file the
 * server writes goes through here: the admin state (accounts, bans, the default admin's
 * password) and the generated TLS certificate and key.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

let writes = 0;

/** `<file>.<pid>.<n>.tmp`: unique per process and write, so two writers never share one. */
function temporaryName(file: string): string {
  return `${file}.${process.pid}.${++writes}.tmp`;
}

/**
 * The pid of the writer whose temporary file of `base` is `name`: `<base>.<pid>.<n>.tmp`, or
 * `<base>.<pid>.tmp` as the certificate's writer named them before it came here.
 */
function writerOf(name: string, base: string): number | undefined {
  if (!name.startsWith(`${base}.`)) return undefined;
  const match = /^(\d+)(?:\.\d+)?\.tmp$/.exec(name.slice(base.length + 1));
  return match === null ? undefined : Number(match[1]);
}

/** Makes the directory's entries (a rename) durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems cannot fsync a directory; the rename is still atomic there.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Atomically replaces `file` with `content`. The new file is created with `mode` (never more
 * open than that, not even for a moment). On failure the old file is untouched and the
 * temporary file removed.
 */
export async function writeFileAtomic(file: string, content: string, mode: number): Promise<void> {
  const temporary = temporaryName(file);
  try {
    const handle = await fs.open(temporary, 'wx', mode);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false; // a previous process that had our pid: not us yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files of `file` left by a process killed mid-write. Call before this
 * process writes `file`; a writer that is still running keeps its own. One left by an earlier
 * process with this process's pid (always PID 1 in a container) is removed too, or this
 * process's first write of `file` would find its temporary name taken.
 */
export async function removeStaleTemporaries(file: string): Promise<void> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return; // no directory yet: nothing was left behind
  }
  for (const name of names) {
    const pid = writerOf(name, base);
    if (pid !== undefined && !isRunning(pid)) await fs.rm(path.join(dir, name), { force: true });
  }
}
