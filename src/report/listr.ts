/**
 * The TTY reporter: a listr2 task list with one row per target, never one per step (listr2
 * redraws every row on every update, which grows slow past ~100 rows). listr2 draws a frame on
 * every title change and on a 10 fps spinner, through log-update, which re-wraps the whole
 * frame with wrap-ansi character by character (~70 ms a frame on the 2-core machine): the
 * display alone doubled the wall time of the example's build. Here titles are set only when
 * they change, frames are coalesced to at most one per FRAME_MS, and a frame is written with a
 * plain erase-and-rewrite (rows are truncated to the terminal's width, so none wraps). The ETA
 * (a replay of the remaining steps, see eta.ts) is worked out once per REFRESH_MS, never per event.
 */
import { DefaultRenderer, Listr, ListrLogger, ProcessOutput } from 'listr2';
import { parseStepId, type Plan, type TargetPlan } from '../plan/plan.js';
import type { Reporter, RunEvent, RunInfo } from '../run/events.js';
import { unreachable } from '../util/unreachable.js';
import type { Eta } from './eta.js';
import { counted, formatCount, formatDuration, formatRate } from './format.js';
import { feed, progressOf, type RunProgress } from './progress.js';

const REFRESH_MS = 1000;
/** At most one frame per this many ms, however many rows changed. */
const FRAME_MS = 250;
const BAR_WIDTH = 16;

/** ESC[2K clears a line, ESC[1A moves up one, ESC[G goes to column 1. */
const eraseLines = (count: number): string => {
  let text = '';
  for (let i = 0; i < count; i++) text += i < count - 1 ? '\x1b[2K\x1b[1A' : '\x1b[2K';
  return count > 0 ? `${text}\x1b[G` : '';
};

/** listr2's renderer, drawing coalesced frames itself instead of through log-update. */
function frameRenderer(output: ProcessOutput) {
  return class FrameRenderer extends DefaultRenderer {
    #pending: NodeJS.Timeout | undefined;
    #lines = 0;
    #last = '';

    override update(): void {
      if (this.#pending) return;
      this.#pending = setTimeout(() => {
        this.#pending = undefined;
        this.#draw();
      }, FRAME_MS);
      this.#pending.unref();
    }

    #draw(): void {
      const rows = this.create().split('\n');
      // A frame taller than the terminal cannot be erased from below: keep its last rows.
      const height = process.stdout.rows ?? 24;
      const frame = `${rows.slice(Math.max(0, rows.length - height + 1)).join('\n')}\n`;
      if (frame === this.#last) return;
      output.stdout.write(eraseLines(this.#lines) + frame);
      this.#last = frame;
      this.#lines = frame.split('\n').length;
    }

    override end(): void {
      clearTimeout(this.#pending);
      this.#pending = undefined;
      // listr2 prints the final frame itself.
      output.stdout.write(eraseLines(this.#lines));
      this.#lines = 0;
      super.end();
    }
  };
}

interface Row {
  readonly plan: TargetPlan;
  done: number;
  settled: number;
  running: number;
  failed: number;
  skipped: number;
  started: number | undefined;
  ended: number | undefined;
  /** listr2's task wrapper: setting its title redraws the row. */
  task: { title: string | undefined } | undefined;
  settle: (error?: Error) => void;
  finished: boolean;
}

export function listrReporter(): Reporter {
  const rows = new Map<string, Row>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let width = 0;
  const output = new ProcessOutput();
  let progress: RunProgress | undefined;
  /** The latest estimate, refreshed with the titles. */
  let eta: Eta | undefined;
  const etaOf = (name: string): string | undefined => {
    const ms = eta?.targets.get(name);
    // A target with no cost of its own (no history, no step ended yet) gets no ETA of its own.
    return ms === undefined || eta?.borrowed.has(name) ? undefined : `ETA ${formatDuration(ms)}`;
  };

  const titleOf = (row: Row): string => {
    const { plan } = row;
    const name = plan.name.padEnd(width);
    if (plan.pending.length === 0) return `${name}  complete (${formatCount(plan.present)}/${formatCount(plan.expected.length)})`;
    const total = plan.pending.length;
    const filled = Math.round((BAR_WIDTH * row.done) / total);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    const parts = [`${name}  ${bar}  ${formatCount(row.done)}/${formatCount(total)} dates`];
    if (row.running > 0) parts.push(`${row.running} running`);
    if (row.failed > 0) parts.push(`${row.failed} failed`);
    if (row.skipped > 0) parts.push(`${row.skipped} skipped`);
    // How long it has run (or took), then, while it runs, its pace and what is left.
    if (row.started !== undefined) parts.push(formatDuration((row.ended ?? Date.now()) - row.started));
    if (!row.finished) {
      if (row.started === undefined) {
        const waiting = waitingOn(row.plan);
        if (waiting.length > 0) parts.push(`waiting on ${waiting.join(', ')}`);
      }
      const rate = progress?.rate(plan.name, Date.now());
      if (rate !== undefined) parts.push(formatRate(rate));
      const until = etaOf(plan.name);
      if (until) parts.push(until);
    }
    return parts.join(' · ');
  };

  const waitingOn = (plan: TargetPlan): string[] => {
    const upstream = new Set(plan.steps.flatMap((s) => s.needs.map((id) => parseStepId(id).target)));
    return [...upstream].filter((name) => !rows.get(name)?.finished).sort();
  };

  /** The last row: the run as a whole. */
  const footer: { task: Row['task']; settle: (error?: Error) => void } = { task: undefined, settle: () => {} };
  const startedAt = Date.now();
  const footerTitle = (): string => {
    let running = 0;
    let failed = 0;
    let skipped = 0;
    let done = 0;
    let total = 0;
    for (const row of rows.values()) {
      running += row.running;
      failed += row.failed;
      skipped += row.skipped;
      done += row.done;
      total += row.plan.pending.length;
    }
    const overall = eta?.overallMs ? ` · ETA ${formatDuration(eta.overallMs)}` : '';
    return `elapsed ${formatDuration(Date.now() - startedAt)} · ${formatCount(done)}/${formatCount(total)} dates · ${counted(running, 'step')} running · ${failed} failed${skipped > 0 ? ` · ${skipped} skipped` : ''}${overall}`;
  };

  /** Sets a title only when it changed: each assignment makes listr2 redraw. */
  const retitle = (task: Row['task'], title: string) => {
    if (task && task.title !== title) task.title = title;
  };
  const refresh = () => {
    eta = progress?.estimate(Date.now());
    for (const row of rows.values()) retitle(row.task, titleOf(row));
    retitle(footer.task, footerTitle());
  };

  return {
    start(plan: Plan, info: RunInfo) {
      progress = progressOf(plan, info);
      eta = progress.estimate(Date.now());
      width = Math.max(...plan.targets.map((t) => t.name.length));
      const footerDone = new Promise<void>((resolve, reject) => (footer.settle = (error) => (error ? reject(error) : resolve())));
      const footerTask = {
        title: footerTitle(),
        task: (_: unknown, task: { title: string | undefined }) => {
          footer.task = task;
          return footerDone;
        },
      };
      const listr = new Listr(
        [...plan.targets.map((t) => {
          let settle: Row['settle'] = () => {};
          const settled = new Promise<void>((resolve, reject) => {
            settle = (error) => (error ? reject(error) : resolve());
          });
          const row: Row = { plan: t, done: 0, settled: 0, running: 0, failed: 0, skipped: 0, started: undefined, ended: undefined, task: undefined, settle, finished: false };
          rows.set(t.name, row);
          if (t.steps.length === 0) finish(row);
          return {
            title: titleOf(row),
            task: (_: unknown, task: { title: string | undefined }) => {
              row.task = task;
              return settled;
            },
          };
        }), footerTask],
        {
          concurrent: true,
          exitOnError: false,
          // listr2's own SIGINT handler exits 127 at once, leaving steps unkilled and no summary:
          // bftask handles signals itself (run/interrupt.ts).
          registerSignalListeners: false,
          renderer: frameRenderer(output),
          // lazy: no spinner timer; truncate, not wrap: a row stays one line.
          rendererOptions: { collapseErrors: true, lazy: true, formatOutput: 'truncate', logger: new ListrLogger({ processOutput: output }) },
        },
      );
      running = listr.run().catch(() => {});
      timer = setInterval(refresh, REFRESH_MS);
      timer.unref();
    },
    event(event: RunEvent) {
      if (progress) feed(progress, event, Date.now());
      const row = rows.get(event.step.target);
      if (!row) return;
      switch (event.type) {
        case 'attempt-started':
          row.running++;
          row.started ??= Date.now();
          return;
        case 'attempt-ended':
          row.running--;
          if (!event.failure) row.done += event.step.dates.length;
          // A failure that will be retried or bisected is not the row's failure yet.
          else if (!event.next) row.failed++;
          return;
        case 'step-ended':
          row.settled++;
          row.skipped += event.outcome.pieces.filter((p) => p.kind === 'skipped').length;
          if (row.settled === row.plan.steps.length) finish(row);
          return;
        default:
          unreachable(event);
      }
    },
    async finish() {
      if (timer) clearInterval(timer);
      // The final frame says what happened, not what was expected to.
      progress = undefined;
      eta = undefined;
      for (const row of rows.values()) if (!row.finished) finish(row, 'interrupted');
      refresh();
      const failed = [...rows.values()].some((r) => r.failed > 0 || r.skipped > 0 || r.done < r.plan.pending.length);
      // The footer's mark is the run's: a check only when everything was built.
      footer.settle(failed ? new Error(footerTitle()) : undefined);
      await running;
    },
  };

  function finish(row: Row, why?: string): void {
    row.finished = true;
    row.ended = Date.now();
    if (row.task) row.task.title = titleOf(row);
    const incomplete = row.done < row.plan.pending.length;
    if (!incomplete) row.settle();
    else row.settle(new Error(`${titleOf(row)} · ${why ?? 'incomplete'}`));
  }
}
