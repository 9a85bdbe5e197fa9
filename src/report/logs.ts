/** The header `bftask logs` prints above a step's log: what ran, in which run, how it ended, where. */
import type { AttemptRecord } from '../ledger/ledger.js';
import { formatRun } from '../util/dates.js';
import { PLAIN, type Paint } from './color.js';
import { counted, formatDuration } from './format.js';

/** `a 2024-03-05 failed` for the ledger's `a:2024-03-05_2024-03-05 failed` (why dates were skipped). */
export function describeSkip(message: string | undefined): string {
  if (!message) return 'an input failed';
  return message.replace(/\b([A-Za-z][\w-]*):(\d{4}-\d\d-\d\d)_(\d{4}-\d\d-\d\d)\b/g, (_, target: string, start: string, end: string) =>
    `${target} ${formatRun({ start, end })}`,
  );
}

/** How an attempt ended, in a few words. */
export function attemptOutcome(a: AttemptRecord, now: number): string {
  const took = formatDuration((a.ended ?? now) - a.started);
  switch (a.outcome) {
    case 'running':
      return `running for ${took}${a.process ? ` (pid ${a.process.pid})` : ''}`;
    case 'succeeded':
      return `succeeded in ${took}`;
    case 'skipped':
      return `skipped: ${describeSkip(a.message)}`;
    case 'failed':
    case 'timed-out':
    case 'interrupted':
    case 'orphaned': {
      const next = a.next === 'retry' ? ', then retried' : a.next === 'bisect' ? ', then bisected' : '';
      return `${a.outcome === 'failed' ? 'failed' : a.outcome}${a.message && a.message !== a.outcome ? `: ${a.message}` : ''} after ${took}${next}`;
    }
  }
}

/** `bftask · logs · pcf 2024-01-03..2024-01-05 (3 dates) · run … · attempt 2 · failed: exited with code 3`, then the path. */
export function formatLogHeader(a: AttemptRecord, shownPath: (file: string) => string, now: number, paint: Paint = PLAIN): string {
  const outcome = attemptOutcome(a, now);
  const coloured = a.outcome === 'succeeded' ? paint.green(outcome) : a.outcome === 'running' ? paint.yellow(outcome) : paint.red(outcome);
  return [
    `bftask · logs · ${a.target} ${formatRun(a)} (${counted(a.dates.length, 'date')}) · run ${a.runId} · attempt ${a.attempt} · ${coloured}`,
    `log: ${a.log ? shownPath(a.log) : '(none)'}`,
  ].join('\n');
}
