/** Helpers shared by the CLI tests: date arithmetic kept independent of src/, and plan oracles. */
import fs from 'node:fs';
import type { ResultPromise } from 'execa';
import { afterAll, expect } from 'vitest';
import { makeProject, type Project } from '../rig.js';

export interface DryRunStep {
  readonly start: string;
  readonly end: string;
  readonly argv: string[];
}

export interface DryRunTarget {
  readonly name: string;
  readonly table: string;
  readonly pending: string[];
  readonly reasons: Record<string, string>;
  readonly steps: DryRunStep[];
}

export interface StatusTarget {
  readonly name: string;
  readonly table: string;
  readonly expected: number;
  readonly present: number;
  readonly missing: string[];
  /** Present dates that fail their data checks. */
  readonly thin: string[];
}

/**
 * Makes projects for one test file. Tests run concurrently, each in its own temp folder, so
 * the folders are removed once the whole file is done rather than after each test.
 */
export function projectMaker(): (files: Record<string, string>) => Project {
  const made: Project[] = [];
  afterAll(() => {
    for (const p of made) p.remove();
  });
  return (files) => {
    const p = makeProject(files);
    made.push(p);
    return p;
  };
}

/** `date` moved by `n` calendar days (UTC, so no daylight-saving surprises). */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Every day from `start` to `end`, inclusive. */
export function days(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** `bftask --dry-run --json ...args`, checked to succeed quietly, as name → target. */
export async function dryRun(project: Project, args: readonly string[] = []): Promise<Map<string, DryRunTarget>> {
  const result = await project.bftask(['--dry-run', '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const parsed = JSON.parse(result.stdout) as { targets: DryRunTarget[] };
  return new Map(parsed.targets.map((t) => [t.name, t]));
}

/** `bftask status --json ...args` as exit code and name → target. */
export async function statusJson(project: Project, args: readonly string[] = []): Promise<{ code: number; targets: Map<string, StatusTarget> }> {
  const result = await project.bftask(['status', '--json', ...args]);
  expect(result.stderr).toBe('');
  const parsed = JSON.parse(result.stdout) as { targets: StatusTarget[] };
  return { code: result.code, targets: new Map(parsed.targets.map((t) => [t.name, t])) };
}

/** The invocations.log lines a plan's steps should produce (`target start end dateCount`), sorted. */
export function expectedInvocations(plan: Map<string, DryRunTarget>): string[] {
  const lines: string[] = [];
  for (const t of plan.values()) {
    for (const s of t.steps) {
      const count = t.pending.filter((d) => d >= s.start && d <= s.end).length;
      lines.push(`${t.name} ${s.start} ${s.end} ${count}`);
    }
  }
  return lines.sort();
}

/**
 * The steps the issue describes, from first principles: maximal runs of pending dates that are
 * consecutive in the calendar, each cut into pieces of at most `shard` dates.
 */
export function expectedSteps(calendar: readonly string[], pending: ReadonlySet<string>, shard: number): { start: string; end: string }[] {
  const runs: string[][] = [];
  let run: string[] = [];
  for (const d of calendar) {
    if (pending.has(d)) run.push(d);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  const steps: { start: string; end: string }[] = [];
  for (const r of runs) {
    for (let i = 0; i < r.length; i += shard) {
      const piece = r.slice(i, i + shard);
      steps.push({ start: piece[0] as string, end: piece[piece.length - 1] as string });
    }
  }
  return steps;
}

/** Pending dates per target name. */
export const pendingOf = (plan: Map<string, DryRunTarget>): Record<string, string[]> =>
  Object.fromEntries([...plan.values()].map((t) => [t.name, t.pending]));

/** The dates in a table's `d` column, sorted, with duplicates kept. */
export const datesIn = (project: Project, table: string): string[] =>
  project.query<{ d: string }>(`SELECT d FROM "${table}" ORDER BY d`).map((r) => r.d);

/** Runs `body` for invocations.log lines added while it runs, sorted. */
export async function newInvocations(project: Project, body: () => Promise<void>): Promise<string[]> {
  const before = project.invocations().length;
  await body();
  return project.invocations().slice(before).sort();
}

/** True while `pid` is a live process (a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: `pid (comm) S ...`; state Z is a zombie.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Polls `check` every 25 ms until it returns true, or fails after `timeoutMs`: a deadline that
 * only stops a broken run from hanging, so generous enough for a machine several times slower
 * than usual (a step's start took over 10 s with the load at 11 on 2 cores).
 */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The most intervals that overlap at any instant; touching ends do not overlap. */
export function maxOverlap(intervals: readonly { from: number; to: number }[]): number {
  const points = intervals.flatMap((i) => [
    { t: i.from, delta: 1 },
    { t: i.to, delta: -1 },
  ]);
  // At equal times, ends go first.
  points.sort((a, b) => a.t - b.t || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const p of points) {
    now += p.delta;
    most = Math.max(most, now);
  }
  return most;
}

/** Every live process below `pid` (children, grandchildren, ...), from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // `pid (comm) state ppid ...`: comm may hold spaces, so read after its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // Gone while we looked.
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** A process's command line as one string ('' once it is gone). */
export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** True once a spawned child has ended (a running ChildProcess has exitCode null, not undefined). */
export const hasExited = (child: { readonly exitCode: number | null; readonly signalCode: NodeJS.Signals | null }): boolean =>
  child.exitCode !== null || child.signalCode !== null;

/**
 * waitFor, for something a running bftask should bring about: fails at once if bftask ends
 * first, and either way with what bftask printed, so a failure says why.
 */
export async function waitForRun(run: ResultPromise, what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  let timedOut = false;
  try {
    await waitFor(what, () => check() || hasExited(run), timeoutMs);
  } catch {
    timedOut = true;
    run.kill('SIGKILL');
  }
  if (!timedOut && check()) return;
  const result = await run;
  throw new Error(`${timedOut ? 'timed out waiting' : 'bftask ended before'} ${what}; it said:\n${String(result.stdout)}${String(result.stderr)}`);
}
