/**
 * The report's heatmap, as data: one state per (target, calendar date), a note for the cells
 * worth explaining, and the calendar cut into blocks (seasons where the calendar has long gaps,
 * years otherwise) and months. Pure.
 */
import type { IsoDate } from '../../config/types.js';
import type { AttemptRecord } from '../../ledger/ledger.js';
import type { PendingReason } from '../../plan/plan.js';
import { addDays } from '../../util/dates.js';
import { describeSkip } from '../logs.js';

export type CellState = 'present' | 'stale' | 'thin' | 'missing' | 'failed' | 'running' | 'excluded';

/** One letter per state: a row is a string, a cell a character. */
export const CODE: Readonly<Record<CellState, string>> = { present: 'p', stale: 's', thin: 't', missing: 'm', failed: 'f', running: 'r', excluded: 'x' };
export const STATES: readonly CellState[] = ['present', 'stale', 'thin', 'missing', 'failed', 'running', 'excluded'];

export interface HeatmapRow {
  readonly name: string;
  /** One code per calendar date. */
  readonly cells: string;
  /** Details for some cells, by calendar index. */
  readonly notes: ReadonlyMap<number, string>;
  readonly counts: Readonly<Record<CellState, number>>;
}

export interface RowInput {
  readonly name: string;
  readonly calendar: readonly IsoDate[];
  readonly expected: ReadonlySet<IsoDate>;
  readonly missing: ReadonlySet<IsoDate>;
  /** Present but failing the target's data checks (`minRows`, `check`): not done. */
  readonly thin?: ReadonlySet<IsoDate>;
  /** Why each pending date is pending (missing, stale, upstream...). */
  readonly pending: ReadonlyMap<IsoDate, PendingReason>;
  /** The latest attempt that covered a date, if the ledger remembers one. */
  readonly lastAttempt: (date: IsoDate) => AttemptRecord | undefined;
  /** Why a pending present date is pending, in a few words (from `why`). */
  readonly why?: (date: IsoDate, reason: PendingReason) => string | undefined;
  /** A log path as the reader should see it. */
  readonly shownPath?: (file: string) => string;
}

/** The state of each date of one target, with notes for failures, skips and staleness. */
export function heatmapRow(input: RowInput): HeatmapRow {
  const notes = new Map<number, string>();
  const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<CellState, number>;
  let cells = '';
  input.calendar.forEach((date, i) => {
    const state = cellState(input, date, i, notes);
    counts[state]++;
    cells += CODE[state];
  });
  return { name: input.name, cells, notes, counts };
}

function cellState(input: RowInput, date: IsoDate, i: number, notes: Map<number, string>): CellState {
  if (!input.expected.has(date)) return 'excluded';
  const attempt = input.lastAttempt(date);
  const inRun = attempt && `run ${attempt.runId}${attempt.attempt > 1 ? `, attempt ${attempt.attempt}` : ''}`;
  if (attempt?.outcome === 'running') {
    notes.set(i, `being built now (${inRun})`);
    return 'running';
  }
  const failed = (a: AttemptRecord) =>
    notes.set(i, `failed in ${inRun}: ${a.message ?? a.outcome}${a.log ? ` · log ${input.shownPath?.(a.log) ?? a.log}` : ''}`);
  if (input.thin?.has(date)) {
    // A step after which its dates are still thin fails: that failure says more.
    if (attempt?.outcome === 'failed' || attempt?.outcome === 'timed-out') {
      failed(attempt);
      return 'failed';
    }
    notes.set(i, 'present, but fails its data checks (minRows or check): to be rebuilt');
    return 'thin';
  }
  const reason = input.pending.get(date);
  if (!input.missing.has(date)) {
    if (reason === undefined || reason === 'missing') return 'present';
    const why = input.why?.(date, reason);
    notes.set(i, why ?? (reason === 'stale' ? 'stale: an input it reads was built after it' : `pending (${reason})`));
    return 'stale';
  }
  if (!attempt) return 'missing';
  switch (attempt.outcome) {
    case 'failed':
    case 'timed-out':
      failed(attempt);
      return 'failed';
    case 'skipped':
      notes.set(i, `skipped in run ${attempt.runId}: ${describeSkip(attempt.message)}`);
      return 'missing';
    case 'interrupted':
    case 'orphaned':
      notes.set(i, `${attempt.outcome} in ${inRun}`);
      return 'missing';
    case 'succeeded':
      // Built once, gone since (deleted by hand, or by another writer).
      notes.set(i, `built in ${inRun}, missing since`);
      return 'missing';
  }
}

export interface Block {
  /** `2021-22`, or a year. */
  readonly label: string;
  /** Calendar indexes [start, end). */
  readonly start: number;
  readonly end: number;
  readonly months: readonly { readonly label: string; readonly count: number }[];
}

/** A gap longer than this between two calendar dates starts a new block (a season). */
const SEASON_GAP_DAYS = 30;
/** A calendar without gaps is cut by year once it is longer than this. */
const MAX_UNCUT = 400;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The calendar's blocks: seasons where it has long gaps, else years (or one block when short). */
export function blocksOf(calendar: readonly IsoDate[]): Block[] {
  const cuts: number[] = [0];
  let gaps = false;
  for (let i = 1; i < calendar.length; i++) {
    if (addDays(calendar[i - 1] as IsoDate, SEASON_GAP_DAYS) < (calendar[i] as IsoDate)) {
      cuts.push(i);
      gaps = true;
    }
  }
  if (!gaps && calendar.length > MAX_UNCUT) {
    for (let i = 1; i < calendar.length; i++) if ((calendar[i] as IsoDate).slice(0, 4) !== (calendar[i - 1] as IsoDate).slice(0, 4)) cuts.push(i);
  }
  cuts.push(calendar.length);
  const blocks: Block[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const start = cuts[k] as number;
    const end = cuts[k + 1] as number;
    if (end <= start) continue;
    const first = calendar[start] as IsoDate;
    const last = calendar[end - 1] as IsoDate;
    const [y1, y2] = [first.slice(0, 4), last.slice(0, 4)];
    const [m1, m2] = [MONTHS[Number(first.slice(5, 7)) - 1], MONTHS[Number(last.slice(5, 7)) - 1]];
    // A season across New Year is `2021–22`; a block within a year names its months.
    const label = y1 !== y2 ? `${y1}–${y2.slice(2)}` : gaps && m1 !== m2 ? `${m1}–${m2} ${y1}` : gaps ? `${m1} ${y1}` : y1;
    const months: { label: string; count: number }[] = [];
    let previous = '';
    for (let i = start; i < end; i++) {
      const month = (calendar[i] as IsoDate).slice(0, 7);
      if (month !== previous) {
        const m = Number(month.slice(5, 7)) - 1;
        // The year on the block's first month and on every January.
        months.push({ label: months.length === 0 || m === 0 ? `${MONTHS[m]} ${month.slice(0, 4)}` : (MONTHS[m] as string), count: 0 });
        previous = month;
      }
      (months[months.length - 1] as { count: number }).count++;
    }
    blocks.push({ label, start, end, months });
  }
  return blocks;
}

/** Runs of equal codes in `cells[start, end)`: what the page draws, one element per run. */
export function runsOf(cells: string, start: number, end: number): { code: string; start: number; count: number }[] {
  const runs: { code: string; start: number; count: number }[] = [];
  for (let i = start; i < end; i++) {
    const code = cells[i] as string;
    const last = runs[runs.length - 1];
    if (last && last.code === code) last.count++;
    else runs.push({ code, start: i, count: 1 });
  }
  return runs;
}
