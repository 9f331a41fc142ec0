/**
 * The admin state's files (accounts, bans): UTF-8 text, one record per line, `#` comments and
 * blank lines ignored. One record per line is what lets a damaged or hand-edited file be reported
 * by file and line, so its owner can fix that line instead of losing the whole file.
 */
import fs from 'node:fs/promises';

/** A file the server cannot use as it is; the message names the file and, if known, the line. */
export class DataFileError extends Error {
  readonly file: string;
  /** 1-based; undefined when the problem is the file as a whole (unreadable). */
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, problem: string) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'DataFileError';
    this.file = file;
    this.line = line;
  }
}

/** One record's line: its text and where it is. */
export interface RecordLine {
  readonly number: number;
  readonly text: string;
}

/**
 * The record lines of `data`, checked line by line so that a bad byte is reported where it is:
 * each must be valid UTF-8 without control characters (a torn or binary file fails here).
 */
export function recordLines(file: string, data: Buffer): RecordLine[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: RecordLine[] = [];
  let start = 0;
  for (let number = 1; start <= data.length; number++) {
    let end = data.indexOf(0x0a, start);
    if (end === -1) end = data.length;
    const bytes = data.subarray(start, end > start && data[end - 1] === 0x0d ? end - 1 : end);
    start = end + 1;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new DataFileError(file, number, 'not UTF-8 text');
    }
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
      throw new DataFileError(file, number, 'control characters in the line');
    }
    const trimmed = text.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) lines.push({ number, text: trimmed });
  }
  return lines;
}

/**
 * Parses every record with `parse`, which returns the record or a problem in words. With `key`,
 * two records with the same key are an error naming the second.
 */
export function parseRecords<T>(
  file: string,
  data: Buffer,
  parse: (text: string) => T | string,
  key?: (record: T) => string,
): T[] {
  const seen = new Set<string>();
  return recordLines(file, data).map(({ number, text }) => {
    const record = parse(text);
    if (typeof record === 'string') throw new DataFileError(file, number, record);
    const k = key?.(record);
    if (k !== undefined && seen.has(k))
      throw new DataFileError(file, number, `${k} is listed twice`);
    if (k !== undefined) seen.add(k);
    return record;
  });
}

/** The file's bytes, or undefined if it does not exist; other failures name the file. */
export async function readDataFile(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new DataFileError(file, undefined, `cannot read it (${code ?? String(error)})`);
  }
}

/** Splits `text` at its first run of spaces: `[first word, rest]`. */
export function splitWord(text: string): [string, string] {
  const match = /^(\S*)\s*(.*)$/s.exec(text) as RegExpExecArray;
  return [match[1] as string, match[2] as string];
}
