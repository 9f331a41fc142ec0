/**
 * The room must stay transport-independent and the protocol pure (ARCHITECTURE: "the room logic
 * knows nothing about sockets"). These checks read the import lines, so a stray import fails CI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
}

test('src/chat imports only src/chat and src/protocol', () => {
  const files = sources(join(ROOT, 'chat'));
  expect(files.length).toBeGreaterThan(5);
  for (const file of files) {
    for (const spec of imports(file)) {
      const ok = spec.startsWith('.') && !/\/(native|loop|transport|server)\//.test(spec + '/');
      expect([file, spec, ok]).toEqual([file, spec, true]);
    }
  }
});

test('src/protocol imports only itself: no I/O', () => {
  for (const file of sources(join(ROOT, 'protocol'))) {
    for (const spec of imports(file))
      expect([file, spec]).toEqual([file, expect.stringMatching(/^\.\/[a-z-]+$/)]);
  }
});
