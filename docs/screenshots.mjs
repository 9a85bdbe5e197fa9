// Makes the README's screenshots from the shipped example: docs/running.png, a frame of the live
// display of a real run captured from a pseudo-terminal (`script`), and docs/report.png, the
// report of a warehouse with a gap in it, both drawn by headless Chromium (Debian's `chromium`).
//
//   npm run build && npx bftask exports && node docs/screenshots.mjs
//
// It rebuilds part of the example's warehouse (data/, not part of the repository) and leaves it
// complete again.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'bftask.js');
const COLS = 118;
const ROWS = 26;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-shots-'));

const bftask = (...args) => execFileSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

function chromium(args) {
  const profile = fs.mkdtempSync(path.join(scratch, 'profile-'));
  const result = spawnSync(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`, ...args],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`chromium failed: ${result.stderr}`);
}

// 1. A run from phase 4 to the exports with the ledger's history behind it, on a terminal.
const command = 'npx bftask exports --force tdza -j 4';
const typescript = path.join(scratch, 'typescript');
const env = { PATH: process.env.PATH, HOME: os.homedir(), TERM: 'xterm-256color' };
spawnSync('script', ['-qfc', `stty cols ${COLS} rows ${ROWS}; node ${BIN} exports --force tdza -j 4`, typescript], { cwd: ROOT, env, stdio: 'ignore' });
const raw = fs.readFileSync(typescript, 'utf8');
// Each frame follows the erase of the one before, which ends by going to column 1 (ESC [ G).
const frames = raw
  .split('\x1b[G')
  .slice(1)
  .map((f) => f.replace(/\r/g, '').replace(/\x1b\[(?![\d;]*m)[\d;?]*[A-Za-z]/g, ''))
  .filter((f) => f.includes('elapsed') && f.includes('ETA'));
const progress = (f) => {
  const m = /(\d[\d,]*)\/(\d[\d,]*) dates · \d+ steps? running/.exec(f.replace(/\x1b\[[\d;]*m/g, ''));
  return m ? Number(m[1].replaceAll(',', '')) / Number(m[2].replaceAll(',', '')) : 0;
};
const frame = frames.reduce((best, f) => (Math.abs(progress(f) - 0.45) < Math.abs(progress(best) - 0.45) ? f : best), frames[0] ?? '');
if (!frame) throw new Error('no frame with an ETA was captured');

const COLOURS = { 30: '#3b3b3b', 31: '#f14c4c', 32: '#23d18b', 33: '#e5c07b', 34: '#3b8eea', 35: '#d670d6', 36: '#29b8db', 37: '#e5e5e5', 90: '#8a8a8a', 91: '#f14c4c', 92: '#23d18b', 93: '#f5f543', 94: '#3b8eea', 95: '#d670d6', 96: '#29b8db', 97: '#ffffff' };
const escape = (text) => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
/** ANSI colours to spans. */
function toHtml(text) {
  let html = '';
  let style = { fg: undefined, bold: false, dim: false };
  let open = false;
  for (const part of text.split(/(\x1b\[[\d;]*m)/)) {
    const sgr = /^\x1b\[([\d;]*)m$/.exec(part);
    if (!sgr) {
      html += escape(part);
      continue;
    }
    for (const code of (sgr[1] || '0').split(';').map(Number)) {
      if (code === 0) style = { fg: undefined, bold: false, dim: false };
      else if (code === 1) style.bold = true;
      else if (code === 2) style.dim = true;
      else if (code === 22) style = { ...style, bold: false, dim: false };
      else if (code === 39) style.fg = undefined;
      else if (COLOURS[code]) style.fg = COLOURS[code];
    }
    if (open) html += '</span>';
    const css = [style.fg && `color:${style.fg}`, style.bold && 'font-weight:700', style.dim && 'opacity:.6'].filter(Boolean).join(';');
    html += css ? `<span style="${css}">` : '';
    open = Boolean(css);
  }
  return open ? `${html}</span>` : html;
}
const lines = frame.trimEnd().split('\n');
const terminal = `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: #1e1e1e; }
pre { margin: 0; padding: 14px 18px; color: #d4d4d4; font: 14px/1.4 "DejaVu Sans Mono", monospace; }
.prompt { color: #8a8a8a; }
</style><pre><span class="prompt">$</span> ${escape(command)}
${lines.map(toHtml).join('\n')}</pre>`;
fs.writeFileSync(path.join(scratch, 'terminal.html'), terminal);
chromium([`--screenshot=${path.join(ROOT, 'docs', 'running.png')}`, `--window-size=${Math.ceil(COLS * 8.43 + 36)},${Math.ceil((lines.length + 1) * 19.6 + 28)}`, `file://${path.join(scratch, 'terminal.html')}`]);

// 2. The report of a warehouse where a month of one feature table and one of a summary went
// missing: the gaps, and everything downstream that will be rebuilt after them.
const db = new Database(path.join(ROOT, 'data', 'warehouse.db'));
db.prepare("DELETE FROM player_composite_factors WHERE analysis_date BETWEEN '2022-01-08' AND '2022-02-06'").run();
db.prepare("DELETE FROM system_daily_performance WHERE game_date BETWEEN '2023-01-05' AND '2023-02-10'").run();
db.close();
// And a run in which one date of the gap fails: the same config with pcf's command wrapped.
const failing = path.join(ROOT, '.screenshots.config.ts');
fs.writeFileSync(
  failing,
  `import base from './backfill.config.ts';
const pcf = base.targets.pcf;
const fail = 'case "$BFTASK_DATES" in *2022-01-12*) echo "pcf: no shot zones for 2022-01-12" >&2; exit 1;; esac; exec "$@"';
export default { ...base, targets: { ...base.targets, pcf: { ...pcf, run: ['sh', '-c', fail, 'sh', ...pcf.run] } } };
`,
);
try {
  spawnSync('node', [BIN, 'pcf', '--config', failing], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
} finally {
  fs.rmSync(failing, { force: true });
}
const report = path.join(scratch, 'report.html');
bftask('report', '--out', report);
chromium([`--screenshot=${path.join(ROOT, 'docs', 'report.png')}`, '--window-size=1400,1150', `file://${report}`]);
bftask('exports');
fs.rmSync(scratch, { recursive: true, force: true });
console.log('wrote docs/running.png and docs/report.png');
