/**
 * Replacing a file so that a crash (kill -9, power loss) at any moment leaves either the old
 * file or the new one, never a torn mix: write a temporary file beside it, fsync it, rename it
 * over the old one, then fsync the directory so the rename itself is on disk.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

let writes = 0;

/** `<file>.<pid>.<n>.tmp`: unique per process and write, so two writers never share one. */
function temporaryName(file: string): string {
  return `${file}.${process.pid}.${++writes}.tmp`;
}

const TEMPORARY_RE = /^(.+)\.(\d+)\.\d+\.tmp$/;

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
 * process writes `file`; a writer that is still running keeps its own.
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
    const match = TEMPORARY_RE.exec(name);
    if (match?.[1] === base && !isRunning(Number(match[2]))) {
      await fs.rm(path.join(dir, name), { force: true });
    }
  }
}
