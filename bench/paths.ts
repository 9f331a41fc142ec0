/**
 * Where things are, from the package root (the folder holding binding.gyp), so the same code
 * works compiled in dist/bench/ and as TypeScript under jest.
 */
import fs from 'node:fs';
import path from 'node:path';

function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'binding.gyp'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no binding.gyp above ${__dirname}`);
  }
}

export const ROOT = packageRoot();
export const C_DIR = path.join(ROOT, 'bench', 'c');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
/** The compiled server (`npm run build`). */
export const SERVER_MAIN = path.join(ROOT, 'dist', 'src', 'server', 'main.js');
