/**
 * `bftask report`: one self-contained HTML page — the coverage heatmap (targets in dependency
 * order, dates by season and month), the status table and the last runs. Pure: data in, text out.
 */
import type { Range } from '../../config/config.js';
import type { IsoDate } from '../../config/types.js';
import { formatRun } from '../../util/dates.js';
import { counted, formatCount, formatDuration } from '../format.js';
import { clock, type RunSummary } from '../runs.js';
import { SCRIPT, STYLE } from './assets.js';
import { blocksOf, CODE, runsOf, STATES, type CellState, type HeatmapRow } from './heatmap.js';

export interface ReportTarget extends HeatmapRow {
  readonly label: string;
  readonly expected: number;
  readonly present: number;
  readonly missing: number;
  /** Present dates that fail the target's data checks. */
  readonly thin: number;
  /** The first missing (and thin) ranges, as text. */
  readonly gaps: string;
}

export interface ReportData {
  readonly title: string;
  readonly range: Range;
  readonly warehouse: string;
  readonly generated: number;
  readonly calendar: readonly IsoDate[];
  /** In dependency order. */
  readonly targets: readonly ReportTarget[];
  /** Recent runs, newest first. */
  readonly runs: readonly RunSummary[];
  /** The config has data checks: the status table shows `thin` even when nothing is. */
  readonly withChecks?: boolean;
  readonly shownPath: (file: string) => string;
}

const LEGEND: Readonly<Record<CellState, string>> = {
  present: 'present',
  stale: 'stale (to be rebuilt)',
  thin: 'thin (fails its data checks)',
  missing: 'missing',
  failed: 'failed in its last attempt',
  running: 'being built now',
  excluded: 'excluded',
};
const STATE_OF = new Map(STATES.map((s) => [CODE[s], s]));

/** Narrowest and widest a date's column may be, in pixels. */
const MIN_CELL = 2;
const MAX_CELL = 16;
/** About how wide a block's track may grow. */
const TRACK_PX = 1120;
/** Runs shown, and failures listed under each. */
const RUNS_SHOWN = 10;
const FAILURES_SHOWN = 12;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The whole page. */
export function renderReport(data: ReportData): string {
  const blocks = blocksOf(data.calendar);
  const widest = Math.max(1, ...blocks.map((b) => b.end - b.start));
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(TRACK_PX / widest)));
  const incomplete = data.targets.filter((t) => t.missing > 0 || t.thin > 0);
  const totals = Object.fromEntries(STATES.map((s) => [s, data.targets.reduce((n, t) => n + t.counts[s], 0)])) as Record<CellState, number>;
  const payload = {
    calendar: data.calendar,
    notes: Object.fromEntries(data.targets.map((t) => [t.name, Object.fromEntries(t.notes)])),
  };
  // `<` escaped, so no text in the data can close the script element.
  const json = JSON.stringify(payload).replace(/</g, '\\u003c');
  const verdict =
    incomplete.length === 0
      ? `<p class="verdict ok">${data.targets.length === 1 ? '1 target' : `all ${data.targets.length} targets`} complete</p>`
      : `<p class="verdict bad">${incomplete.length} of ${counted(data.targets.length, 'target')} incomplete: ${escape(incomplete.map((t) => t.name).join(', '))}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bftask report · ${escape(data.title)}</title>
<style>${STYLE}</style>
</head>
<body style="--cell: ${cell}px">
<header>
<h1>bftask report <span>· ${escape(data.title)}</span></h1>
<p class="meta">${formatRun(data.range)} · ${counted(data.calendar.length, 'calendar date')} · ${counted(data.targets.length, 'target')} · warehouse ${escape(data.warehouse)} · generated ${clock(data.generated)}</p>
${verdict}
</header>
<section id="heatmap">
<h2>Coverage</h2>
<div class="legend">${STATES.map((s) => `<span><i class="${CODE[s]}"></i>${LEGEND[s]} <b>${formatCount(totals[s])}</b></span>`).join('')}</div>
${blocks.map((b, k) => renderBlock(data, b, k)).join('\n')}
</section>
<section id="status">
<h2>Status</h2>
${renderStatus(data)}
</section>
<section id="runs">
<h2>Last runs</h2>
${renderRuns(data)}
</section>
<div id="tip" hidden></div>
<script type="application/json" id="data">${json}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function renderBlock(data: ReportData, block: ReturnType<typeof blocksOf>[number], k: number): string {
  const { start, end } = block;
  const n = end - start;
  const first = data.calendar[start] as IsoDate;
  const last = data.calendar[end - 1] as IsoDate;
  const months = block.months.map((m) => `<span style="flex: ${m.count}">${m.label}</span>`).join('');
  const rows = data.targets.map((t) => {
    const cells = runsOf(t.cells, start, end)
      .map((r) => {
        const from = data.calendar[r.start] as IsoDate;
        const to = data.calendar[r.start + r.count - 1] as IsoDate;
        const title = `${t.name} ${formatRun({ start: from, end: to })}: ${STATE_OF.get(r.code) ?? r.code}${r.count > 1 ? ` (${r.count})` : ''}`;
        return `<i class="${r.code}" style="flex: ${r.count}" title="${escape(title)}"></i>`;
      })
      .join('');
    return `<div class="line row" data-t="${escape(t.name)}"><span class="name">${escape(t.name)}</span><div class="track" data-s="${start}" data-e="${end}">${cells}</div></div>`;
  });
  return `<div class="block" data-block="${k}">
<h3>${block.label} <small>${formatRun({ start: first, end: last })} · ${counted(n, 'date')}</small></h3>
<div class="grid" style="--n: ${n}">
<div class="line months"><span class="name"></span><div class="track">${months}</div></div>
${rows.join('\n')}
</div>
</div>`;
}

function renderStatus(data: ReportData): string {
  const showThin = (data.withChecks ?? false) || data.targets.some((t) => t.thin > 0);
  const head = ['target', 'table', 'expected', 'present', ...(showThin ? ['thin'] : []), 'missing', 'stale', 'failed', 'done', 'first gaps'];
  const numeric = new Set(head.map((h, i) => (['target', 'table', 'first gaps'].includes(h) ? -1 : i)));
  const rows = data.targets.map((t) => {
    const done = t.expected === 0 ? 100 : (100 * t.present) / t.expected;
    const cells = [
      `<td class="mono">${escape(t.name)}</td>`,
      `<td class="mono">${escape(t.label)}</td>`,
      `<td class="num">${formatCount(t.expected)}</td>`,
      `<td class="num">${formatCount(t.present)}</td>`,
      ...(showThin ? [`<td class="num${t.thin > 0 ? ' bad' : ''}">${formatCount(t.thin)}</td>`] : []),
      `<td class="num${t.missing > 0 ? ' bad' : ''}">${formatCount(t.missing)}</td>`,
      `<td class="num">${formatCount(t.counts.stale)}</td>`,
      `<td class="num${t.counts.failed > 0 ? ' bad' : ''}">${formatCount(t.counts.failed)}</td>`,
      `<td class="num${t.present === t.expected ? ' ok' : ''}">${t.present === t.expected ? '100%' : `${Math.min(done, 99.9).toFixed(1)}%`}</td>`,
      `<td class="mono">${escape(t.gaps)}</td>`,
    ];
    return `<tr data-t="${escape(t.name)}">${cells.join('')}</tr>`;
  });
  return `<table class="status"><thead><tr>${head.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function renderRuns(data: ReportData): string {
  if (data.runs.length === 0) return '<p class="meta">no runs yet</p>';
  const now = data.generated;
  const rows = data.runs.slice(0, RUNS_SHOWN).map(({ run, attempts }) => {
    const ok = attempts.filter((a) => a.outcome === 'succeeded').length;
    const failures = attempts.filter((a) => (a.outcome === 'failed' || a.outcome === 'timed-out') && a.next === undefined);
    const built = attempts.filter((a) => a.outcome === 'succeeded').reduce((n, a) => n + a.dates.length, 0);
    const outcome = run.outcome === 'succeeded' ? 'ok' : run.outcome === 'running' ? '' : 'bad';
    const row = `<tr data-run="${escape(run.id)}"><td class="mono">${escape(run.id)}</td><td>${clock(run.started)}</td><td class="num">${formatDuration((run.ended ?? now) - run.started)}</td><td class="${outcome}">${run.outcome}</td><td class="num">${ok}</td><td class="num">${formatCount(built)}</td><td class="num${failures.length > 0 ? ' bad' : ''}">${failures.length}</td><td class="mono">${escape(['bftask', ...run.argv].join(' '))}</td></tr>`;
    if (failures.length === 0) return row;
    const items = failures.slice(0, FAILURES_SHOWN).map((a) => {
      const log = a.log ? ` · <code>${escape(data.shownPath(a.log))}</code>` : '';
      return `<li><b>${escape(a.target)} ${formatRun(a)}</b> ${escape(a.message ?? a.outcome)}${log}</li>`;
    });
    if (failures.length > FAILURES_SHOWN) items.push(`<li>… and ${failures.length - FAILURES_SHOWN} more</li>`);
    return `${row}\n<tr class="failures-row"><td colspan="8"><ul class="failures">${items.join('')}</ul></td></tr>`;
  });
  return `<table class="runs"><thead><tr><th>run</th><th>started</th><th class="num">duration</th><th>outcome</th><th class="num">steps ok</th><th class="num">dates built</th><th class="num">failed</th><th>command</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}
