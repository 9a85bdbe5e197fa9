// The shipped example through the real CLI: the config loads (with its .mjs imports), the
// planner's figures for the full range are the README's, every target builds, status agrees with
// the calendar, and --force pcf reaches exactly what the README says.
// A few weeks of one season keep the build fast; `npm run bench` times the full range.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapDates, gameDates, RANGE } from '../../example/schedule.mjs';
import { BIN } from '../rig.js';
import { ROOT, loadConfig } from './helpers.js';

const FROM = '2022-10-18';
const TO = '2022-11-20';

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
interface Listed {
  name: string;
  pending?: string[];
  expected?: number;
  present?: number;
  missing?: string[];
  steps?: unknown[];
}
const json = (text: string) => JSON.parse(text) as { targets: Listed[] };

/** `bftask ...args --dry-run --json`, checked to succeed. */
async function planOf(...args: string[]): Promise<Listed[]> {
  const plan = await bftask(...args, '--dry-run', '--json');
  expect(plan.code, plan.stderr).toBe(0);
  return json(plan.stdout).targets;
}
const stepCount = (targets: readonly Listed[]) => targets.reduce((n, t) => n + (t.steps?.length ?? 0), 0);

/** A figure the README states, read from its text so the test and the README cannot drift apart. */
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
function readme(pattern: RegExp): number[] {
  const m = pattern.exec(README);
  expect(m, `README.md should say ${pattern}`).not.toBeNull();
  return (m as RegExpExecArray).slice(1).map(Number);
}

const config = await loadConfig();
/** Phase 4 and later exclude the bootstrap dates; phase 2 and 3 targets exclude nothing. */
const excludes = (name: string) => (config.targets[name]?.exclude as readonly string[] | undefined)?.length ?? 0;

describe('the example through the CLI', () => {
  const inRange = gameDates.filter((d) => d >= FROM && d <= TO);
  const phase4 = inRange.filter((d) => !bootstrapDates.includes(d));

  it("plans the full range from an empty warehouse with the README's figures", async () => {
    const [games, bootstrap, rolling] = readme(/they\s+expect (\d+) − (\d+) = (\d+) dates/);
    const [allTargets, allSteps] = readme(/`bftask exports` from an empty warehouse \(all (\d+) targets, (\d+) steps\)/);
    const [mlfsTargets, mlfsSteps] = readme(/`bftask mlfs` from empty \((\d+) targets, (\d+) steps\)/);
    const [restTargets, restSteps] = readme(/`bftask exports` after that \(the remaining (\d+) targets, (\d+) steps\)/);
    // The README's date figures are the schedule's.
    expect([games, bootstrap, rolling]).toEqual([gameDates.length, bootstrapDates.length, gameDates.length - bootstrapDates.length]);

    const all = await planOf('exports');
    expect(all).toHaveLength(allTargets as number);
    for (const t of all) expect(t.pending, t.name).toHaveLength(excludes(t.name) > 0 ? (rolling as number) : (games as number));
    expect(all.filter((t) => excludes(t.name) > 0).length).toBeGreaterThan(0);
    expect(all.filter((t) => excludes(t.name) === 0).length).toBeGreaterThan(0);
    expect(stepCount(all)).toBe(allSteps);
    // And from first principles: runs of consecutive calendar dates, broken by excluded dates,
    // cut into shards (from empty, every expected date is pending).
    let steps = 0;
    for (const target of Object.values(config.targets)) {
      const excluded = new Set(target.exclude as readonly string[] | undefined);
      let run = 0;
      for (const date of [...gameDates, 'end']) {
        if (date !== 'end' && !excluded.has(date)) run++;
        else if (run > 0) {
          steps += Math.ceil(run / (typeof target.shard === 'number' ? target.shard : run));
          run = 0;
        }
      }
    }
    expect(steps).toBe(allSteps);

    const mlfs = await planOf('mlfs');
    expect(mlfs).toHaveLength(mlfsTargets as number);
    expect(stepCount(mlfs)).toBe(mlfsSteps);
    // What `bftask exports` still has to do once mlfs is built: the targets mlfs does not need.
    const rest = all.filter((t) => !mlfs.some((m) => m.name === t.name));
    expect(rest).toHaveLength(restTargets as number);
    expect(stepCount(rest)).toBe(restSteps);
    expect(config.range).toEqual(RANGE);
  });

  it('builds a few weeks of everything, then status is complete and a re-run does nothing', async () => {
    const run = await bftask('exports', '--from', FROM, '--to', TO);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/✔ \d+ steps, [\d,]+ dates built/);

    const status = await bftask('status', '--json', '--from', FROM, '--to', TO);
    expect(status.code, status.stdout).toBe(0);
    const targets = json(status.stdout).targets;
    expect(targets.map((t) => t.name).sort()).toEqual(Object.keys(config.targets).sort());
    for (const t of targets) {
      const expected = excludes(t.name) > 0 ? phase4.length : inRange.length;
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

    // README: `npx bftask mlfs --force pcf -n     # pcf, pdc and mlfs pending, nothing else`.
    const said = /npx bftask mlfs --force pcf -n +# (.+) pending, nothing else/.exec(README)?.[1];
    expect(said, 'the README line on --force pcf').toBeDefined();
    const names = (said as string).split(/, | and /);
    expect(names.length).toBeGreaterThan(1);
    const forced = await planOf('mlfs', '--force', 'pcf', '--from', FROM, '--to', TO);
    const pending = Object.fromEntries(forced.map((t) => [t.name, t.pending?.length ?? 0]));
    expect(Object.entries(pending).filter(([, n]) => n > 0)).toEqual(names.map((n) => [n, phase4.length]));
  });
});
