// `bftask report`: one self-contained HTML file, rendered in a real headless Chromium (Debian's
// `chromium`; .ci/run installs it and names it in CHROMIUM, which makes it required). The rendered DOM must hold the heatmap in dependency order,
// by season and month, with every cell's state (present, stale, missing, failed, excluded), the
// status table and the runs; its own script must have run under a policy that forbids any fetch;
// and a screenshot must show the states' colours.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, it } from 'vitest';
import { configSource } from '../rig.js';
import { decodePng } from '../report/png.js';
import { projectMaker } from './util.js';

const project = projectMaker();

/**
 * The browser: CHROMIUM when set (CI sets it, so there a missing browser fails the test), else
 * Debian's `chromium` from PATH; undefined only when neither is there, and the test is skipped.
 */
function findChromium(): string | undefined {
  const named = process.env.CHROMIUM;
  if (named) {
    if (!fs.existsSync(named)) throw new Error(`CHROMIUM=${named} does not exist: apt-get install -y chromium (.ci/run does)`);
    return named;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
const chromium = findChromium();
if (!chromium) console.warn('test/cli/report.test.ts: skipped: no chromium on PATH (apt-get install -y chromium; .ci/run installs it and sets CHROMIUM)');

/** Headless Chromium with no network, no profile of its own and nothing in the background. */
async function browse(dir: string, args: string[]) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-chromium-'));
  try {
    const result = await execa(
      chromium as string,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, ...args],
      { cwd: dir, reject: false, timeout: 90_000 },
    );
    return result;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// Two seasons (a gap of seven weeks), an excluded date, a failing date.
const CALENDAR = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08', '2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05', '2024-03-06'];
const config = configSource(
  `{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-date', '2024-03-05'), shard: 4 },
    b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), exclude: ['2024-01-03'], shard: 4 },
    c: { table: 'c_t', dateColumn: 'd', deps: ['b'], run: proc('c_t') },
  }`,
  { range: ['2024-01-01', '2024-03-10'], extra: `calendar: ${JSON.stringify(CALENDAR)},` },
);

/** A row of one block as its cell codes, from the rendered runs (`<i class="p" style="flex: 3">`). */
function rowCodes(block: string, target: string): string {
  const row = new RegExp(`<div class="line row" data-t="${target}">(.*?)</div></div>`).exec(block)?.[1] ?? '';
  return [...row.matchAll(/<i class="(\w)" style="flex: (\d+);?"/g)].map((m) => (m[1] as string).repeat(Number(m[2]))).join('');
}

describe.skipIf(!chromium)('bftask report', () => {
  it('writes one self-contained page that renders in headless Chromium: heatmap, status, runs', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': config });
    expect((await p.bftask([])).code).toBe(1);
    // a rebuilt on 01-02 makes b's 01-02 stale and c's 01-02 due after it.
    expect((await p.bftask(['a', '--force', 'a', '--from', '2024-01-02', '--to', '2024-01-02'])).code).toBe(0);
    p.exec('DELETE FROM c_t WHERE d = ?', '2024-01-08');
    const runs = (JSON.parse((await p.bftask(['runs', '--json'])).stdout) as { runs: { id: string }[] }).runs.map((r) => r.id);

    const written = await p.bftask(['report', '--out', 'out/report.html']);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/^wrote out\/report\.html: 3 targets × 14 dates, \d+ KB$/);
    const file = path.join(p.dir, 'out', 'report.html');
    const html = fs.readFileSync(file, 'utf8');
    // Nothing to fetch, and a policy that would refuse it anyway.
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<link|\bsrc=|\bhref=|url\(|@import|https?:/i);

    const dom = await browse(p.dir, ['--dump-dom', `file://${file}`]);
    const page = String(dom.stdout);
    expect(page, String(dom.stderr)).toMatch(/<\/html>\s*$/);
    // The page's own script ran, inline, under that policy.
    expect(page).toMatch(/^<html lang="en" class="js">/m);
    const blocks = (page.split('<section id="status">')[0] as string).split('<div class="block"').slice(1);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/<h3>Jan 2024 <small>2024-01-01\.\.2024-01-08 · 8 dates<\/small><\/h3>/);
    expect(blocks[1]).toMatch(/<h3>Mar 2024 <small>2024-03-01\.\.2024-03-06 · 6 dates<\/small><\/h3>/);
    expect(blocks[1]).toMatch(/<span style="flex: 6;?">Mar 2024<\/span>/);
    // Rows in dependency order.
    for (const block of blocks) expect([...block.matchAll(/data-t="(\w+)"/g)].map((m) => m[1])).toEqual(['a', 'b', 'c']);
    // p present, s stale, x excluded, m missing, f failed in its last attempt.
    expect(rowCodes(blocks[0] as string, 'a') + rowCodes(blocks[1] as string, 'a')).toBe('pppppppp' + 'ppppfp');
    expect(rowCodes(blocks[0] as string, 'b') + rowCodes(blocks[1] as string, 'b')).toBe('psxppppp' + 'ppppmp');
    expect(rowCodes(blocks[0] as string, 'c')).toBe('pspppppm');
    expect(rowCodes(blocks[1] as string, 'c')).toBe('ppppmp');

    // Hover details, by calendar index.
    const data = JSON.parse(/<script type="application\/json" id="data">(.*?)<\/script>/s.exec(page)?.[1] ?? '{}') as { calendar: string[]; notes: Record<string, Record<string, string>> };
    expect(data.calendar).toEqual(CALENDAR);
    const [failedRun, forcedRun] = [runs[1], runs[0]];
    expect(data.notes.a?.['12']).toBe(`failed in run ${failedRun}: exited with code 3 · log .bftask/logs/${failedRun}/a/2024-03-05_2024-03-05.log`);
    expect(data.notes.b?.['12']).toBe(`skipped in run ${failedRun}: a 2024-03-05 failed`);
    expect(data.notes.b?.['1']).toMatch(/^stale: a 2024-01-02 was built \S+ \S+, after this date \(built \S+ \S+\)$/);
    expect(data.notes.c?.['1']).toBe('to be rebuilt: it reads b 2024-01-02, which is stale');
    expect(data.notes.c?.['7']).toBe(`built in run ${failedRun}, missing since`);

    const status = /<table class="status">(.*?)<\/table>/s.exec(page)?.[1] ?? '';
    const cells = (t: string) => [...(new RegExp(`<tr data-t="${t}">(.*?)</tr>`).exec(status)?.[1] ?? '').matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
    expect(cells('a')).toEqual(['a', 'a_t', '14', '13', '1', '0', '1', '92.9%', '2024-03-05']);
    expect(cells('b')).toEqual(['b', 'b_t', '13', '12', '1', '1', '0', '92.3%', '2024-03-05']);
    expect(cells('c')).toEqual(['c', 'c_t', '14', '12', '2', '1', '0', '85.7%', '2024-01-08, 2024-03-05']);
    const runRows = [...page.matchAll(/<tr data-run="([^"]+)">(.*?)<\/tr>/g)];
    expect(runRows.map((m) => m[1])).toEqual([forcedRun, failedRun]);
    expect(runRows[1]?.[2]).toContain('<td class="bad">failed</td>');
    expect(page).toMatch(new RegExp(`<li><b>a 2024-03-05</b> exited with code 3 · <code>\\.bftask/logs/${failedRun}/a/2024-03-05_2024-03-05\\.log</code></li>`));

    const shot = path.join(p.dir, 'shot.png');
    const screenshot = await browse(p.dir, [`--screenshot=${shot}`, '--window-size=1200,800', `file://${file}`]);
    expect(fs.existsSync(shot), String(screenshot.stderr)).toBe(true);
    const image = decodePng(fs.readFileSync(shot));
    expect([image.width, image.height]).toEqual([1200, 800]);
    const seen = new Map<string, number>();
    for (let y = 0; y < image.height; y += 2) for (let x = 0; x < image.width; x += 2) {
      const colour = image.pixel(x, y);
      seen.set(colour, (seen.get(colour) ?? 0) + 1);
    }
    // Not blank: text, and each state's own colour (page.ts's style) on screen.
    expect(seen.size).toBeGreaterThan(20);
    for (const [state, colour] of [['present', '#2da44e'], ['stale', '#e3a008'], ['missing', '#f3b5b0'], ['failed', '#b42318']] as const) {
      expect(seen.get(colour) ?? 0, state).toBeGreaterThan(10);
    }
  });
});
