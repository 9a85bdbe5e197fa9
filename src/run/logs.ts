/** The run's log folder: `.bftask/logs/<run-id>/<target>/` next to the config. */
import fs from 'node:fs';
import path from 'node:path';
import { messageOf, UsageError } from '../util/errors.js';

/** `20261125-101502`: a run's id, from its local start time. */
export function newRunId(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-` +
    `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  );
}

export interface RunFolder {
  /** Unique among this config's runs: the folder's name, and the id every label and record uses. */
  readonly runId: string;
  readonly logDir: string;
  /** Creates `<logDir>/<target>/` for each target that runs steps, and points `logs/latest` here. */
  open(targets: Iterable<string>): void;
  /** Removes the folder again if the run never opened it (nothing to do, or an error first). */
  discardIfUnused(): void;
}

/**
 * Reserves a run id by creating its log folder: a second run started in the same second gets
 * `-2`, and so on. The id is fixed before the warehouse is opened, so BigQuery job labels, the
 * log folder and every message name the same run.
 */
export function reserveRun(configDir: string, now = new Date()): RunFolder {
  const root = path.join(configDir, '.bftask', 'logs');
  /** The first folder this call created, if any: a run that ends up doing nothing removes it. */
  let created: string | undefined;
  try {
    created = fs.mkdirSync(root, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot create ${root} for bftask's logs: ${messageOf(error)}`);
  }
  const stamp = newRunId(now);
  for (let n = 1; ; n++) {
    const runId = n === 1 ? stamp : `${stamp}-${n}`;
    const logDir = path.join(root, runId);
    try {
      // Non-recursive mkdir fails if the folder exists: two runs never share one.
      fs.mkdirSync(logDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new UsageError(`cannot create ${logDir} for bftask's logs: ${messageOf(error)}`);
    }
    let opened = false;
    return {
      runId,
      logDir,
      open(targets) {
        opened = true;
        for (const target of targets) fs.mkdirSync(path.join(logDir, target), { recursive: true });
        pointLatest(root, runId);
      },
      discardIfUnused() {
        if (opened) return;
        fs.rmSync(logDir, { recursive: true, force: true });
        // An error before anything ran (a warehouse that is no database) leaves no trace.
        for (let dir = root; created && dir.length >= created.length; dir = path.dirname(dir)) {
          try {
            fs.rmdirSync(dir);
          } catch {
            break;
          }
        }
      },
    };
  }
}

/** `logs/latest` -> the newest run's folder, replaced atomically (rename over the old link). */
function pointLatest(root: string, runId: string): void {
  const temp = path.join(root, `.latest-${process.pid}`);
  try {
    fs.rmSync(temp, { force: true });
    fs.symlinkSync(runId, temp);
    fs.renameSync(temp, path.join(root, 'latest'));
  } catch {
    // A file system without symlinks only loses the shortcut.
    fs.rmSync(temp, { force: true });
  }
}

/** The last `n` lines a step's command wrote (bftask's own `# ` lines left out), for the summary. */
export function logTail(file: string, n: number): string[] {
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      // The end is enough: a log can be gigabytes.
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, 16_384);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !l.startsWith('# '))
    .slice(-n);
}
