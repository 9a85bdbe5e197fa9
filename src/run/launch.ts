/**
 * Starting one step: its log file (header line, then the command's stdout and stderr, then a
 * footer saying how it ended) and its own process group. Used by the step launcher
 * (launcher-main.ts) and, should the launcher be unavailable, by bftask itself.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface LaunchRequest {
  readonly id: number;
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Variables added to the launching process's own environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly log: string;
}

/** `{ id, pid }` once started; then `{ id, code }`, `{ id, signal }` or `{ id, error }`. */
export interface LaunchReply {
  readonly id: number;
  readonly pid?: number;
  readonly code?: number;
  readonly signal?: string;
  readonly error?: string;
}

export function launch(request: LaunchRequest, reply: (message: LaunchReply) => void): void {
  const { id, argv, log } = request;
  const [file, ...args] = argv;
  let fd: number;
  try {
    fd = fs.openSync(log, 'a');
  } catch (error) {
    reply({ id, error: `cannot open its log ${log}: ${(error as Error).message}` });
    return;
  }
  const started = Date.now();
  fs.writeSync(fd, `# ${new Date(started).toISOString()} ${JSON.stringify(argv)}\n`);
  /** The log's last line: how the process ended and how long it took, for whoever reads it later. */
  const footer = (how: string) => fs.appendFileSync(log, `# ${how} after ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  if (file === undefined) {
    fs.closeSync(fd);
    reply({ id, error: 'empty command' });
    return;
  }
  const child = spawn(file, args, {
    cwd: request.cwd,
    env: { ...process.env, ...request.env },
    stdio: ['ignore', fd, fd],
    // Its own process group: cancelling kills the command's children too.
    detached: true,
  });
  // The child has its own copy of the descriptor.
  fs.closeSync(fd);
  let failed = false;
  child.on('error', (error) => {
    failed = true;
    const message = error.message.split('\n')[0] ?? 'failed to start';
    footer(`failed to start: ${message}`);
    reply({ id, error: message });
  });
  if (child.pid !== undefined) reply({ id, pid: child.pid });
  child.on('exit', (code, signal) => {
    if (failed) return;
    footer(signal ? `killed by ${signal}` : `exited with code ${code ?? 0}`);
    reply(signal ? { id, signal } : { id, code: code ?? 0 });
  });
}
