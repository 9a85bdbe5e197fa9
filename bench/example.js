// Times the shipped example end to end in a scratch copy: the full build from an empty
// warehouse, then a no-op re-run, as the README reports them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin', 'bftask.js');

/**
 * Runs bftask in `dir`, returning seconds taken; throws if it fails.
 * @param {string} dir
 * @param {string[]} args
 */
function timed(dir, args) {
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, ...args, '--reporter', 'lines'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - t0) / 1000;
}

export function benchExample() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-bench-'));
  try {
    fs.cpSync(path.join(root, 'backfill.config.ts'), path.join(dir, 'backfill.config.ts'));
    fs.cpSync(path.join(root, 'example'), path.join(dir, 'example'), { recursive: true });
    // The processors import better-sqlite3 from the project's own dependencies.
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const mlfs = timed(dir, ['mlfs']);
    const exportsRest = timed(dir, ['exports']);
    const noop = timed(dir, ['mlfs']);
    fs.rmSync(path.join(dir, 'data'), { recursive: true, force: true });
    const full = timed(dir, ['exports']);
    return { mlfs, exportsRest, noop, full };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
