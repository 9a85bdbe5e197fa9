/**
 * `bftask logs TARGET [--date D] [-f]`: the log of the latest attempt of TARGET's step that
 * covered D (or of its latest step), under a header naming the run, the dates, the outcome and
 * the path; `-f` follows it while the step runs, into its retries (or the bisected half holding
 * D). Reads only.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Config } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import { Ledger, type AttemptRecord } from '../ledger/ledger.js';
import { describeSkip, formatLogHeader } from '../report/logs.js';
import { dateProblem, formatRun } from '../util/dates.js';
import { FatalError, UsageError } from '../util/errors.js';
import { isRunning } from '../util/processes.js';
import { didYouMean } from '../util/suggest.js';
import type { Io } from './io.js';

export interface LogsOptions {
  readonly target: string;
  readonly date: string | undefined;
  readonly follow: boolean;
}

/** How often `-f` looks for more of the log. */
const FOLLOW_MS = 250;

export async function logs(config: Config, options: LogsOptions, io: Io): Promise<number> {
  const { target: name, date } = options;
  const target = config.targets.get(name);
  if (!target) throw new UsageError(`unknown target "${name}"${didYouMean(name, config.targets.keys())} (bftask graph lists them)`);
  if (date !== undefined) {
    const problem = dateProblem(date);
    if (problem) throw new UsageError(`--date ${date} ${problem}`);
    if (date < config.range.start || date > config.range.end) throw new UsageError(`--date ${date} is outside the config's range ${formatRun(config.range)}`);
    if (target.isExcluded(date)) throw new UsageError(`${name} excludes ${date}: no step builds it`);
  }
  const ledger = Ledger.openForRead(config.dir);
  if (!ledger) throw new UsageError(`no logs: nothing has run on this config yet`);
  try {
    const attempt = ledger.latestAttempt(name, date, true);
    if (!attempt?.log) {
      const skipped = ledger.latestAttempt(name, date, false);
      if (skipped?.outcome === 'skipped') {
        throw new UsageError(`${name} ${date ?? formatRun(skipped)} was skipped in run ${skipped.runId} (${describeSkip(skipped.message)}), so it has no log`);
      }
      throw new UsageError(date === undefined ? `no step of ${name} has run yet` : `no step of ${name} has covered ${date} yet (bftask why ${name} --date ${date} says why)`);
    }
    let more = print(attempt, io);
    if (!options.follow) return 0;
    // A retry or a bisection carries on with the step: follow the attempt that takes over the date.
    const covered = date ?? (attempt.dates[0] as IsoDate);
    for (let current = attempt; ; ) {
      current = await follow(ledger, current, more);
      const next = current.next === undefined ? undefined : await successor(ledger, current, covered);
      if (!next) return 0;
      io.out('');
      more = print(next, io);
      current = next;
    }
  } finally {
    ledger.close();
  }
}

/** Prints an attempt's header and its log so far; returns what prints the rest as it comes. */
function print(attempt: AttemptRecord, io: Io): () => void {
  const file = attempt.log as string;
  io.out(formatLogHeader(attempt, io.shownPath, Date.now(), io.paint));
  io.out('');
  const read = reader(file, io);
  const more = () => {
    try {
      read();
    } catch (error) {
      throw new FatalError(`cannot read ${io.shownPath(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };
  more();
  return more;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, FOLLOW_MS));

/** Copies the attempt's log while it runs; returns its record once it has ended. */
async function follow(ledger: Ledger, attempt: AttemptRecord, more: () => void): Promise<AttemptRecord> {
  let now = attempt;
  while (now.outcome === 'running' && runAlive(ledger, now.runId)) {
    await pause();
    more();
    now = ledger.attempt(attempt.id) ?? now;
  }
  // A failure's retry or bisection is recorded just after its end, by another write: look again.
  if (now.outcome !== 'succeeded' && now.next === undefined) {
    await pause();
    now = ledger.attempt(attempt.id) ?? now;
  }
  // What it wrote between the last look and its end.
  more();
  return now;
}

/** The attempt of the same run that takes over `date` after `ended`, once it starts; undefined if the run ends first. */
async function successor(ledger: Ledger, ended: AttemptRecord, date: IsoDate): Promise<AttemptRecord | undefined> {
  for (;;) {
    const latest = ledger.latestAttempt(ended.target, date, true);
    if (latest && latest.id > ended.id && latest.runId === ended.runId) return latest;
    if (!runAlive(ledger, ended.runId)) return undefined;
    await pause();
  }
}

/** Whether the run is recorded as running and its process is alive. */
function runAlive(ledger: Ledger, runId: string): boolean {
  const run = ledger.run(runId);
  return run !== undefined && run.outcome === 'running' && isRunning(run.process) !== false;
}

/** Writes a file to `io` as it grows: each call copies what was added since the last. */
function reader(file: string, io: Io): () => void {
  // A multi-byte character split across two looks is held back until it is whole.
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(64 * 1024);
  let offset = 0;
  return () => {
    const fd = fs.openSync(file, 'r');
    try {
      for (let n = fs.readSync(fd, buffer, 0, buffer.length, offset); n > 0; n = fs.readSync(fd, buffer, 0, buffer.length, offset)) {
        offset += n;
        const text = decoder.write(buffer.subarray(0, n));
        if (text) io.write(text);
      }
    } finally {
      fs.closeSync(fd);
    }
  };
}
