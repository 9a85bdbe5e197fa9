import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrapDates, gameDates, RANGE } from '../../example/schedule.mjs';
import { LOOKBACK_DAYS } from '../../example/lib/windows.mjs';
import { MAX_REST } from '../../example/lib/context.mjs';
import { ROOT, loadConfig } from './helpers.js';

const config = await loadConfig();
const targets = Object.entries(config.targets);
const ROLLING = ['tdza', 'psza', 'pcf', 'pdc', 'mlfs', 'predictions', 'grading', 'sdp', 'pps', 'sta', 'exports'];

describe('backfill.config.ts', () => {
  it('runs on the schedule module calendar and the backfill range', () => {
    expect(config.range).toEqual(RANGE);
    expect(config.calendar).toEqual(gameDates);
    expect(config.warehouse).toEqual({ kind: 'sqlite', path: 'data/warehouse.db' });
  });

  it('excludes exactly the bootstrap dates from phase 4 on, and nothing before', () => {
    for (const [name, target] of targets) {
      expect(target.exclude ?? [], name).toEqual(ROLLING.includes(name) ? bootstrapDates : []);
    }
  });

  it('points every target at a processor that writes its table', () => {
    for (const [name, target] of targets) {
      const run = target.run ?? [];
      const script = run[1] ?? '';
      expect(run.slice(0, 2), name).toEqual(['node', `example/jobs/${name}.mjs`]);
      expect(run.slice(-4), name).toEqual(['--start-date', '{start}', '--end-date', '{end}']);
      const source = fs.readFileSync(path.join(ROOT, script), 'utf8');
      if (target.table !== undefined) expect(source, name).toContain(`name: '${target.table}'`);
      else expect(run, name).toContain(path.dirname(target.files ?? ''));
    }
  });

  it('declares lookbacks that cover the windows the processors read', () => {
    const lookbacks = targets.flatMap(([name, t]) => (t.deps ?? []).flatMap((dep) =>
      typeof dep === 'string' || dep.lookback === undefined ? [] : [[name, dep.target, dep.lookback]]));
    expect(lookbacks.filter(([, dep]) => dep === 'schedule').map(([, , k]) => k)).toEqual([MAX_REST, MAX_REST]);
    const windows = lookbacks.filter(([, dep]) => dep !== 'schedule');
    expect(windows.length).toBeGreaterThan(0);
    expect(windows.every(([, , k]) => k === LOOKBACK_DAYS)).toBe(true);
    for (const [name, target] of targets) {
      for (const dep of target.deps ?? []) expect(Object.keys(config.targets), name).toContain(typeof dep === 'string' ? dep : dep.target);
    }
  });
});
