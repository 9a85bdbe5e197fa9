/**
 * `bftask logs TARGET [--date D] [-f]`: the log of the latest attempt of TARGET's step that
 * covered D (or of its latest step), under a header naming the run, the dates, the outcome and
 * the path; `-f` follows it while the step runs. Reads only.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Config } from '../config/config.js';
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
    io.out(formatLogHeader(attempt, io.shownPath, Date.now(), io.paint));
    io.out('');
    const more = reader(attempt.log, io);
    try {
      more();
    } catch (error) {
      throw new FatalError(`cannot read ${io.shownPath(attempt.log)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (!options.follow) return 0;
    for (let now = attempt; stillRunning(ledger, now); ) {
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_MS));
      more();
      now = ledger.attempt(attempt.id) ?? now;
    }
    // What it wrote between the last look and its end.
    more();
    return 0;
  } finally {
    ledger.close();
  }
}

/** While the attempt is recorded as running and the run that started it is alive. */
function stillRunning(ledger: Ledger, attempt: AttemptRecord): boolean {
  if (attempt.outcome !== 'running') return false;
  const run = ledger.run(attempt.runId);
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
