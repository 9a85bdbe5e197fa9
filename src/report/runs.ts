/** What `bftask runs` prints: recent runs, or one run's steps by target, as text or JSON. */
import type { AttemptRecord, RunRecord } from '../ledger/ledger.js';
import { formatRun } from '../util/dates.js';
import { counted, formatDuration, formatTable } from './format.js';

/** A run with what its attempts add up to. */
export interface RunSummary {
  readonly run: RunRecord;
  readonly attempts: readonly AttemptRecord[];
}

/** Attempts that were a piece's last word: built, or failed with nothing after. */
const finalFailure = (a: AttemptRecord) => (a.outcome === 'failed' || a.outcome === 'timed-out') && a.next === undefined;

const counts = (attempts: readonly AttemptRecord[]) => ({
  ok: attempts.filter((a) => a.outcome === 'succeeded').length,
  failed: attempts.filter(finalFailure).length,
  skipped: attempts.filter((a) => a.outcome === 'skipped').length,
  interrupted: attempts.filter((a) => a.outcome === 'interrupted' || a.outcome === 'orphaned').length,
});

/** `2026-11-25 23:18:47` in local time. */
export function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A crashed run's end is the last the ledger heard of it: it lived at least that long. */
const duration = (run: RunRecord, now: number) =>
  `${run.outcome === 'crashed' ? '≥ ' : ''}${formatDuration((run.ended ?? now) - run.started)}`;
const commandOf = (run: RunRecord) => ['bftask', ...run.argv].join(' ');

export function formatRuns(runs: readonly RunSummary[], now = Date.now()): string {
  if (runs.length === 0) return 'no runs yet';
  const rows = [['run', 'started', 'duration', 'outcome', 'ok', 'failed', 'command']];
  for (const { run, attempts } of runs) {
    const c = counts(attempts);
    rows.push([run.id, clock(run.started), duration(run, now), run.outcome, String(c.ok), String(c.failed), commandOf(run)]);
  }
  return formatTable(rows, ['l', 'l', 'r', 'l', 'r', 'r', 'l']).map((l) => `  ${l}`).join('\n');
}

export function runsJson(runs: readonly RunSummary[], now = Date.now()): string {
  return JSON.stringify({
    runs: runs.map(({ run, attempts }) => ({
      id: run.id,
      argv: run.argv,
      started: new Date(run.started).toISOString(),
      ended: run.ended === undefined ? null : new Date(run.ended).toISOString(),
      durationMs: (run.ended ?? now) - run.started,
      outcome: run.outcome,
      exitCode: run.exitCode ?? null,
      steps: counts(attempts),
    })),
  });
}

/** One run: a line per target, then each failure with its log. */
export function formatRunDetail({ run, attempts }: RunSummary, shownPath: (file: string) => string, now = Date.now()): string {
  const lines = [
    `run ${run.id} · ${commandOf(run)} · started ${clock(run.started)} · ${duration(run, now)} · ${run.outcome}` +
      `${run.exitCode === undefined ? '' : ` (exit ${run.exitCode})`}`,
    `  pid ${run.process.pid} on ${run.process.host} · in ${run.cwd}`,
    '',
  ];
  const targets = [...new Set(attempts.map((a) => a.target))];
  const rows = [['target', 'ok', 'failed', 'skipped', 'interrupted', 'attempts', 'time']];
  for (const target of targets) {
    const mine = attempts.filter((a) => a.target === target);
    const c = counts(mine);
    const ran = mine.filter((a) => a.outcome !== 'skipped');
    const ms = ran.reduce((n, a) => n + ((a.ended ?? now) - a.started), 0);
    rows.push([target, String(c.ok), String(c.failed), String(c.skipped), String(c.interrupted), String(ran.length), formatDuration(ms)]);
  }
  lines.push(...formatTable(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']).map((l) => `  ${l}`));
  const failures = attempts.filter(finalFailure);
  if (failures.length > 0) lines.push('', `  ${counted(failures.length, 'failure')}:`);
  for (const a of failures) {
    lines.push(`    ${a.target} ${formatRun(a)}  ${a.message ?? a.outcome} (attempt ${a.attempt})${a.log ? ` · log ${shownPath(a.log)}` : ''}`);
  }
  const retried = attempts.filter((a) => a.outcome === 'succeeded' && a.attempt > 1);
  for (const a of retried) lines.push(`    ${a.target} ${formatRun(a)}  succeeded on attempt ${a.attempt}`);
  return lines.join('\n');
}

export function runDetailJson({ run, attempts }: RunSummary, now = Date.now()): string {
  const [summary] = JSON.parse(runsJson([{ run, attempts }], now)).runs as unknown[];
  return JSON.stringify({
    run: summary,
    attempts: attempts.map((a) => ({
      target: a.target,
      step: a.stepId,
      start: a.start,
      end: a.end,
      dates: a.dates,
      attempt: a.attempt,
      outcome: a.outcome,
      next: a.next ?? null,
      started: new Date(a.started).toISOString(),
      ended: a.ended === undefined ? null : new Date(a.ended).toISOString(),
      exitCode: a.exitCode ?? null,
      signal: a.signal ?? null,
      message: a.message ?? null,
      pid: a.process?.pid ?? null,
      log: a.log ?? null,
    })),
  });
}
