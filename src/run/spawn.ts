/**
 * Runs one step's command. Each step gets its own process group so that cancelling kills the
 * command's children too (execa's own kill reaches only the direct child, and grandchildren
 * would keep the log open and the run alive).
 */
import fs from 'node:fs';

export type SpawnOutcome =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'spawn-failed'; readonly message: string };

export interface SpawnRequest {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr both go here, after a header line. */
  readonly logFile: string;
  readonly signal: AbortSignal;
}

/** How long a cancelled step has to exit after SIGTERM before its group gets SIGKILL. */
const KILL_GRACE_MS = 5_000;

/** Process groups still running, so an exiting bftask can take them down with it. */
const liveGroups = new Set<number>();

/** Sends `signal` to every running step's process group. */
export function killAllGroups(signal: NodeJS.Signals): void {
  for (const pid of liveGroups) killGroup(pid, signal);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Runs the command to completion (or cancellation) and says how it ended. */
export async function spawnStep(request: SpawnRequest): Promise<SpawnOutcome> {
  const [file, ...args] = request.argv;
  if (file === undefined) return { kind: 'spawn-failed', message: 'empty command' };
  const log = fs.openSync(request.logFile, 'a');
  const started = Date.now();
  fs.writeSync(log, `# ${new Date(started).toISOString()} ${JSON.stringify(request.argv)}\n`);
  /** The log's last line: how the process ended and how long it took, for whoever reads it later. */
  const footer = (how: string) => fs.writeSync(log, `# ${how} after ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  try {
    // Imported here, not at the top: commands that run nothing (status, --dry-run) skip its load time.
    const { execa } = await import('execa');
    const child = execa(file, args, {
      cwd: request.cwd,
      env: { ...request.env },
      extendEnv: true,
      stdin: 'ignore',
      // Both append to one file, passed straight to the child: no pipe for bftask to drain.
      stdout: { file: request.logFile, append: true },
      stderr: { file: request.logFile, append: true },
      detached: true,
      reject: false,
      cleanup: false,
    });
    const pid = child.pid;
    let grace: NodeJS.Timeout | undefined;
    const cancel = () => {
      if (pid === undefined) return;
      killGroup(pid, 'SIGTERM');
      grace = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
      // The grace timer must never be what keeps bftask alive.
      grace.unref();
    };
    if (pid !== undefined) liveGroups.add(pid);
    if (request.signal.aborted) cancel();
    else request.signal.addEventListener('abort', cancel, { once: true });
    const result = await child;
    request.signal.removeEventListener('abort', cancel);
    if (pid !== undefined) liveGroups.delete(pid);
    if (grace) clearTimeout(grace);
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      const message = String(result.originalMessage || result.shortMessage || 'failed to start').split('\n')[0] ?? '';
      footer(`failed to start: ${message}`);
      return { kind: 'spawn-failed', message };
    }
    if (result.signal) {
      footer(`killed by ${result.signal}`);
      return { kind: 'signal', signal: result.signal };
    }
    footer(`exited with code ${result.exitCode ?? 0}`);
    return { kind: 'exited', code: result.exitCode ?? 0 };
  } finally {
    fs.closeSync(log);
  }
}
