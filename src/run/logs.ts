/** The run's log folder: `.bftask/logs/<run-id>/<target>/` next to the config. */
import fs from 'node:fs';
import path from 'node:path';

/** `20261125-101502`: a run's id, from its local start time. */
export function newRunId(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  );
}

/** Creates the run's log folder; a second run started in the same second gets `-2`, and so on. */
export function createRunLogDir(configDir: string, targets: readonly string[], stamp: string): { runId: string; logDir: string } {
  const root = path.join(configDir, '.bftask', 'logs');
  fs.mkdirSync(root, { recursive: true });
  for (let n = 1; ; n++) {
    const runId = n === 1 ? stamp : `${stamp}-${n}`;
    const logDir = path.join(root, runId);
    try {
      // Non-recursive mkdir fails if the folder exists: two runs never share one.
      fs.mkdirSync(logDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    for (const target of targets) fs.mkdirSync(path.join(logDir, target), { recursive: true });
    return { runId, logDir };
  }
}
