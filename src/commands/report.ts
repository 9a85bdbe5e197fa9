/**
 * `bftask report [targets...] [--out FILE]`: writes one self-contained HTML page — coverage
 * heatmap, status, last runs — from the warehouse and the ledger. Reads both; writes only FILE.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { IsoDate } from '../config/types.js';
import { Ledger, type AttemptRecord } from '../ledger/ledger.js';
import { explain } from '../plan/explain.js';
import type { PendingReason } from '../plan/plan.js';
import { formatDates } from '../report/format.js';
import { heatmapRow } from '../report/html/heatmap.js';
import { renderReport, type ReportTarget } from '../report/html/page.js';
import { clock } from '../report/runs.js';
import { newRunId } from '../run/logs.js';
import { planFromWarehouse, type PlanRequest } from '../session.js';
import { counted } from '../report/format.js';
import { messageOf, UsageError } from '../util/errors.js';
import { withWarehouse } from '../warehouse/open.js';
import type { Io } from './io.js';

export interface ReportOptions {
  /** Where to write; `-` for stdout. */
  readonly out: string | undefined;
}

const DEFAULT_OUT = 'bftask-report.html';
/** Runs whose attempts say which dates failed last. */
const RECENT_RUNS = 20;
/** Stale dates explained one by one (`why`); past this, a generic note. */
const MAX_EXPLAINED = 5_000;

export async function report(config: Config, options: ReportOptions, request: PlanRequest, io: Io): Promise<number> {
  const out = options.out ?? DEFAULT_OUT;
  const file = out === '-' ? undefined : path.resolve(out);
  if (file && fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new UsageError(`--out ${out} is a folder: name a file`);
  const ledger = Ledger.openForRead(config.dir);
  try {
    return await withWarehouse(config, io, newRunId(), false, async (warehouse) => {
      const planned = await planFromWarehouse(config, warehouse, { ...request, force: new Set() }, ledger);
      const { plan, built } = planned;
      const calendar = planned.calendar.filter((d) => d >= plan.range.start && d <= plan.range.end);
      const recent = ledger?.runs(RECENT_RUNS) ?? [];
      const attempts = ledger?.attemptsOfRuns(recent.map((r) => r.id)) ?? [];
      // The latest attempt to cover each (target, date): attempts are in the order they started.
      const last = new Map<string, AttemptRecord>();
      for (const a of attempts) for (const d of a.dates) last.set(`${a.target}\0${d}`, a);
      let explained = 0;
      const targets: ReportTarget[] = plan.targets.map((t) => {
        const row = heatmapRow({
          name: t.name,
          calendar,
          expected: new Set(t.expected),
          missing: new Set(t.missing),
          thin: new Set(t.thin),
          pending: new Map(t.pending.map((d, i) => [d, t.reasons[i] as PendingReason])),
          lastAttempt: (date) => last.get(`${t.name}\0${date}`),
          shownPath: io.shownPath,
          why: (date) => (explained++ < MAX_EXPLAINED ? staleNote(explain({ config, built }, plan, t.name, date)) : undefined),
        });
        const gaps = [formatDates(t.missing, calendar), t.thin.length > 0 ? `thin ${formatDates(t.thin, calendar)}` : ''].filter(Boolean).join('; ');
        return { ...row, label: t.label, expected: t.expected.length, present: t.present, missing: t.missing.length, thin: t.thin.length, gaps };
      });
      const html = renderReport({
        title: path.basename(config.dir),
        range: plan.range,
        warehouse: warehouse.description,
        generated: Date.now(),
        calendar,
        targets,
        runs: recent.map((run) => ({ run, attempts: attempts.filter((a) => a.runId === run.id) })),
        withChecks: plan.targets.some((t) => Object.keys(config.targets.get(t.name)?.checks ?? {}).length > 0),
        shownPath: io.shownPath,
      });
      if (!file) {
        io.write(html);
        return 0;
      }
      // Whole or not at all: a browser reloading it never sees half a page.
      const temp = `${file}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(temp, html);
        fs.renameSync(temp, file);
      } catch (error) {
        fs.rmSync(temp, { force: true });
        throw new UsageError(`cannot write ${out}: ${messageOf(error)}`);
      }
      const kb = Math.max(1, Math.round(Buffer.byteLength(html) / 1024));
      io.out(`wrote ${io.shownPath(file)}: ${counted(targets.length, 'target')} × ${counted(calendar.length, 'date')}, ${kb} KB`);
      return 0;
    });
  } finally {
    ledger?.close();
  }
}

/** Why a present date is to be rebuilt, one level down. */
function staleNote(e: ReturnType<typeof explain>): string | undefined {
  if (e.status !== 'pending') return undefined;
  if (e.reason === 'stale') return `stale: ${e.input.target} ${e.input.date} was built ${clock(e.input.built)}, after this date (built ${clock(e.built)})`;
  if (e.reason === 'upstream') {
    const why = e.because.status === 'pending' ? e.because.reason : e.because.status;
    return `to be rebuilt: it reads ${e.input.target} ${e.input.date}, which is ${why === 'upstream' ? 'to be rebuilt' : why}`;
  }
  return undefined;
}
