// The shipped example through the real CLI: the config loads (with its .mjs imports), every
// target builds, status agrees with the calendar, and --force pcf reaches exactly pcf's dependents.
// A few weeks of one season keep it fast; `npm run bench` times the full range.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapDates, gameDates } from '../../example/schedule.mjs';
import { BIN } from '../rig.js';
import { ROOT } from './helpers.js';

const FROM = '2022-10-18';
const TO = '2022-11-20';
const PHASE3 = ['schedule', 'boxscores', 'team_boxscores', 'props', 'pgs', 'tog', 'tdg', 'upgc', 'utgc'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bftask-example-cli-'));
fs.cpSync(path.join(ROOT, 'backfill.config.ts'), path.join(dir, 'backfill.config.ts'));
fs.cpSync(path.join(ROOT, 'example'), path.join(dir, 'example'), { recursive: true });
// The processors import better-sqlite3 from the project's own dependencies.
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const bftask = async (...args: string[]) => {
  const r = await execa('node', [BIN, ...args], { cwd: dir, reject: false, env: { CI: 'true', NO_COLOR: '1' } });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
};
const json = (text: string) => JSON.parse(text) as { targets: { name: string; pending?: string[]; expected?: number; present?: number; missing?: string[]; steps?: unknown[] }[] };

describe('the example through the CLI', () => {
  const inRange = gameDates.filter((d) => d >= FROM && d <= TO);
  const phase4 = inRange.filter((d) => !bootstrapDates.includes(d));

  it('plans every target over the full range from an empty warehouse: 918 dates, 848 from phase 4 on', async () => {
    const plan = await bftask('exports', '--dry-run', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const targets = json(plan.stdout).targets;
    expect(targets).toHaveLength(20);
    for (const t of targets) {
      expect(t.pending, t.name).toHaveLength(PHASE3.includes(t.name) ? 918 : 848);
      expect(t.steps?.length, t.name).toBeGreaterThan(0);
    }
  });

  it('builds a few weeks of everything, then status is complete and a re-run does nothing', async () => {
    const run = await bftask('exports', '--from', FROM, '--to', TO);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/✔ \d+ steps, [\d,]+ dates built/);

    const status = await bftask('status', '--json', '--from', FROM, '--to', TO);
    expect(status.code, status.stdout).toBe(0);
    for (const t of json(status.stdout).targets) {
      const expected = PHASE3.includes(t.name) ? inRange.length : phase4.length;
      expect({ name: t.name, expected: t.expected, present: t.present, missing: t.missing }).toEqual({
        name: t.name,
        expected,
        present: expected,
        missing: [],
      });
    }
    expect(fs.readdirSync(path.join(dir, 'data', 'exports')).sort()).toEqual(phase4.map((d) => `${d}.json`));

    const again = await bftask('exports', '--from', FROM, '--to', TO);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to do');

    const forced = await bftask('mlfs', '--force', 'pcf', '--dry-run', '--json', '--from', FROM, '--to', TO);
    const pending = Object.fromEntries(json(forced.stdout).targets.map((t) => [t.name, t.pending?.length ?? 0]));
    expect(Object.entries(pending).filter(([, n]) => n > 0)).toEqual([
      ['pcf', phase4.length],
      ['pdc', phase4.length],
      ['mlfs', phase4.length],
    ]);
  });
});
