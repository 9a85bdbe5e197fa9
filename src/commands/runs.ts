/** `bftask runs [ID]`: what the ledger remembers of recent runs, or of one. Reads only. */
import type { Config } from '../config/config.js';
import { Ledger } from '../ledger/ledger.js';
import { formatRunDetail, formatRuns, runDetailJson, runsJson } from '../report/runs.js';
import { UsageError } from '../util/errors.js';
import { didYouMean } from '../util/suggest.js';
import type { Io } from './io.js';

const RECENT = 20;

export async function runs(config: Config, id: string | undefined, json: boolean, io: Io): Promise<number> {
  const ledger = Ledger.openForRead(config.dir);
  if (!ledger) {
    if (id !== undefined) throw new UsageError(`no run ${id}: nothing has run on this config yet`);
    io.out(json ? JSON.stringify({ runs: [] }) : 'no runs yet');
    return 0;
  }
  try {
    if (id === undefined) {
      const list = ledger.runs(RECENT).map((run) => ({ run, attempts: ledger.attemptsOf(run.id) }));
      io.out(json ? runsJson(list) : formatRuns(list));
      return 0;
    }
    const run = ledger.run(id);
    if (!run) throw new UsageError(`no run ${id}${didYouMean(id, ledger.runs(RECENT).map((r) => r.id))} (bftask runs lists them)`);
    const detail = { run, attempts: ledger.attemptsOf(id) };
    io.out(json ? runDetailJson(detail) : formatRunDetail(detail, io.shownPath));
    return 0;
  } finally {
    ledger.close();
  }
}
