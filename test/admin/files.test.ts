/**
 * The admin files on disk: record lines checked byte by byte with their line numbers, atomic
 * replacement (mode, no temporary left, the old file intact on failure), temporaries of killed
 * writers removed, and the bans writer coalescing changes into few writes of the latest state.
 */
import fs from 'node:fs';
import path from 'node:path';

import { removeStaleTemporaries, writeFileAtomic } from '../../src/fs/atomic-file';
import { parseRecords, readDataFile, recordLines } from '../../src/admin/data-file';
import { SnapshotWriter } from '../../src/admin/snapshot-writer';
import { tempDir } from '../helpers/tls';

test('record lines: comments and blanks skipped, CRLF and spaces trimmed, numbers kept', () => {
  const data = Buffer.from('# head\r\n\r\n  one a  \r\n\t# note\ntwo\tb\n');
  expect(recordLines('f', data)).toEqual([
    { number: 3, text: 'one a' },
    { number: 5, text: 'two\tb' },
  ]);
  expect(recordLines('f', Buffer.alloc(0))).toEqual([]);
});

test.each([
  [Buffer.from('ok\n\xc3\x28\n', 'latin1'), 'f:2: not UTF-8 text'],
  [Buffer.from('ok\nok\n\x00\x00\n'), 'f:3: control characters in the line'],
  [Buffer.from('a\rb\n'), 'f:1: control characters in the line'],
  [Buffer.from('x 1\ny 2\nx 3\n'), 'f:3: key x is listed twice'],
  [Buffer.from('x 1\nbad\n'), 'f:2: no value'],
])('a bad file is refused at its line: %s', (data, message) => {
  const parse = (text: string): [string, string] | string => {
    const [k, v] = text.split(' ');
    return v === undefined ? 'no value' : [k as string, v];
  };
  expect(() => parseRecords('f', data, parse, ([k]) => `key ${k}`)).toThrow(message);
});

test('readDataFile: undefined for a missing file, an error naming it otherwise', async () => {
  const dir = tempDir();
  expect(await readDataFile(path.join(dir, 'none'))).toBeUndefined();
  await expect(readDataFile(dir)).rejects.toThrow(`${dir}: cannot read it (EISDIR)`);
});

test('writeFileAtomic replaces the file whole, with its mode, and leaves nothing beside it', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'bans');
  fs.writeFileSync(file, 'old\n', { mode: 0o644 });
  await writeFileAtomic(file, 'new\n', 0o600);
  expect(fs.readFileSync(file, 'utf8')).toBe('new\n');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.readdirSync(dir)).toEqual(['bans']);
});

test('a failed write leaves the old file and no temporary', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'bans');
  fs.writeFileSync(file, 'old\n');
  fs.mkdirSync(path.join(dir, 'sub'));
  // Renaming a file over a directory fails after the temporary is written.
  await expect(writeFileAtomic(path.join(dir, 'sub'), 'x', 0o600)).rejects.toThrow(
    /EISDIR|EEXIST|ENOTEMPTY/,
  );
  expect(fs.readdirSync(dir).sort()).toEqual(['bans', 'sub']);
  await expect(writeFileAtomic(path.join(dir, 'missing', 'bans'), 'x', 0o600)).rejects.toThrow(
    /ENOENT/,
  );
  expect(fs.readFileSync(file, 'utf8')).toBe('old\n');
});

test('temporaries of dead writers are removed; a live writer keeps its own', async () => {
  const dir = tempDir();
  const names = [
    'bans.99999999.1.tmp', // no such process
    `bans.${process.pid}.7.tmp`, // left by an earlier process that had this pid
    `bans.${process.ppid}.2.tmp`, // a live process: still writing
    'admins.99999999.1.tmp', // another file's
    'bans.tmp',
  ];
  for (const name of names) fs.writeFileSync(path.join(dir, name), 'x');
  await removeStaleTemporaries(path.join(dir, 'bans'));
  expect(fs.readdirSync(dir).sort()).toEqual(
    ['admins.99999999.1.tmp', `bans.${process.ppid}.2.tmp`, 'bans.tmp'].sort(),
  );
  await removeStaleTemporaries(path.join(dir, 'nowhere', 'bans')); // no directory: nothing to do
});

test('the snapshot writer coalesces a burst of changes into few writes of the last state', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'state');
  let state = 0;
  let snapshots = 0;
  const errors: Error[] = [];
  const writer = new SnapshotWriter(
    file,
    0o600,
    () => `${++snapshots} ${state}\n`,
    (e) => errors.push(e),
  );
  for (state = 1; state <= 100; state++) writer.schedule();
  state = 100;
  await writer.idle();
  expect(fs.readFileSync(file, 'utf8')).toBe(`${snapshots} 100\n`);
  expect(snapshots).toBe(2); // the first change, then everything after it at once
  await writer.idle(); // idle when idle
  expect(errors).toEqual([]);
});

test('a failed save is reported and retried at the next change', async () => {
  const dir = tempDir();
  const errors: string[] = [];
  const file = path.join(dir, 'later', 'state');
  const writer = new SnapshotWriter(
    file,
    0o600,
    () => 'x\n',
    (e) => errors.push(e.message),
  );
  writer.schedule();
  await writer.idle();
  expect(errors).toEqual([expect.stringMatching(/ENOENT/)]);
  fs.mkdirSync(path.dirname(file));
  writer.schedule();
  await writer.idle();
  expect(fs.readFileSync(file, 'utf8')).toBe('x\n');
});
