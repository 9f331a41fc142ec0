/**
 * The error codes in three places that must agree: ERROR_CODES (the type every ProtocolError is
 * made with), PROTOCOL.md's table, and the server's code, which must send each one: a code
 * listed but never sent, or sent but listed as reserved, misleads every client author.
 */
import fs from 'node:fs';
import path from 'node:path';

import { ERROR_CODES } from '../../src/protocol/errors';

const ROOT = path.resolve(__dirname, '..', '..');

/** PROTOCOL.md's "Error codes" section. */
function errorSection(): string {
  const text = fs.readFileSync(path.join(ROOT, 'PROTOCOL.md'), 'utf8');
  return text.split('\n## Error codes\n')[1]?.split('\n## ')[0] ?? '';
}

/** Every source file under src/, but errors.ts, which only lists the codes. */
function sources(dir = path.join(ROOT, 'src')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.tsx?$/.test(entry.name) && !file.endsWith(path.join('protocol', 'errors.ts'))
      ? [fs.readFileSync(file, 'utf8')]
      : [];
  });
}

test('PROTOCOL.md documents exactly ERROR_CODES, in order, with no reserved section', () => {
  const section = errorSection();
  const codes = [...section.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((m) => m[1]);
  expect(codes).toEqual([...ERROR_CODES]);
  expect(section).not.toMatch(/reserved/i);
});

test('the server sends every code it lists', () => {
  const code = sources().join('\n');
  const unused = ERROR_CODES.filter((c) => !code.includes(`'${c}'`));
  expect(unused).toEqual([]);
});
