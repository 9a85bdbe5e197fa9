/**
 * Runs one step's command, through the step launcher (launcher-main.ts): a small process started
 * once per run that forks each step, so bftask's own memory never makes a fork dear and no fork
 * blocks its event loop. Each step gets its own process group so that cancelling kills the
 * command's children too; bftask signals the group itself, by its id.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { launch, type LaunchReply, type LaunchRequest } from './launch.js';

export type SpawnOutcome =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'spawn-failed'; readonly message: string };

export interface SpawnRequest {
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Variables added to bftask's own environment. */
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr both go here, after a header line; a footer line says how it ended. */
  readonly logFile: string;
  readonly signal: AbortSignal;
  /** Called with the child's pid (its process group's id) as soon as it exists. */
  readonly onSpawn?: ((pid: number) => void) | undefined;
}

/** How long a cancelled step has to exit after SIGTERM before its group gets SIGKILL. */
const KILL_GRACE_MS = 5_000;
const LAUNCHER = fileURLToPath(new URL('./launcher-main.js', import.meta.url));

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

interface Waiting {
  readonly onPid: (pid: number) => void;
  readonly onEnd: (outcome: SpawnOutcome) => void;
}

type Launcher = ChildProcessByStdio<Writable, Readable, null>;

let launcher: Launcher | undefined;
/** The launcher could not be started or died: steps are started by bftask itself from then on. */
let direct = false;
let nextId = 1;
const waiting = new Map<number, Waiting>();

function receive(reply: LaunchReply): void {
  const entry = waiting.get(reply.id);
  if (!entry) return;
  if (reply.pid !== undefined) return entry.onPid(reply.pid);
  waiting.delete(reply.id);
  entry.onEnd(
    reply.error !== undefined
      ? { kind: 'spawn-failed', message: reply.error }
      : reply.signal !== undefined
        ? { kind: 'signal', signal: reply.signal }
        : { kind: 'exited', code: reply.code ?? 0 },
  );
  idle();
}

/** The launcher, started on first use; it holds bftask open only while steps run. */
function theLauncher(): Launcher | undefined {
  if (launcher || direct) return launcher;
  const child = spawn(process.execPath, [LAUNCHER], { stdio: ['pipe', 'pipe', 'inherit'] });
  readline.createInterface({ input: child.stdout }).on('line', (line) => receive(JSON.parse(line) as LaunchReply));
  const lost = () => {
    if (launcher !== child) return;
    launcher = undefined;
    direct = true;
    // Whatever it was running is no longer watched by anyone: stop it, and say so.
    killAllGroups('SIGKILL');
    for (const [id, entry] of waiting) {
      waiting.delete(id);
      entry.onEnd({ kind: 'spawn-failed', message: 'the step launcher exited unexpectedly' });
    }
  };
  child.on('error', lost);
  child.on('exit', lost);
  // A write to a launcher that just died fails with EPIPE: 'exit' says the rest.
  child.stdin.on('error', () => {});
  launcher = child;
  return child;
}

/** Lets bftask exit when no step is running; holds it open while one is. */
function idle(): void {
  if (!launcher) return;
  const busy = waiting.size > 0;
  for (const handle of [launcher, launcher.stdin, launcher.stdout] as { ref(): void; unref(): void }[]) {
    if (busy) handle.ref();
    else handle.unref();
  }
}

/** Runs the command to completion (or cancellation) and says how it ended. */
export function spawnStep(request: SpawnRequest): Promise<SpawnOutcome> {
  const child = theLauncher();
  const id = nextId++;
  return new Promise((resolve) => {
    let pid: number | undefined;
    let grace: NodeJS.Timeout | undefined;
    const cancel = () => {
      if (pid === undefined) return;
      killGroup(pid, 'SIGTERM');
      grace = setTimeout(() => killGroup(pid as number, 'SIGKILL'), KILL_GRACE_MS);
      // The grace timer must never be what keeps bftask alive.
      grace.unref();
    };
    waiting.set(id, {
      onPid(started) {
        pid = started;
        liveGroups.add(started);
        request.onSpawn?.(started);
        // Cancelled before it had started: stop it now.
        if (request.signal.aborted) cancel();
      },
      onEnd(outcome) {
        request.signal.removeEventListener('abort', cancel);
        if (pid !== undefined) liveGroups.delete(pid);
        if (grace) clearTimeout(grace);
        resolve(outcome);
      },
    });
    request.signal.addEventListener('abort', cancel, { once: true });
    const message: LaunchRequest = { id, argv: request.argv, cwd: request.cwd, env: request.env, log: request.logFile };
    if (child) {
      idle();
      child.stdin.write(`${JSON.stringify(message)}\n`);
    } else launch(message, receive);
  });
}
