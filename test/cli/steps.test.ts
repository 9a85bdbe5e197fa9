// How pending dates become steps (shards, calendars, gaps) and how many steps run at once.
import { describe, expect, it } from 'vitest';
import { configSource, type ProcessorEvent, type Project } from '../rig.js';
import { datesIn, days, dryRun, expectedInvocations, expectedSteps, maxOverlap, newInvocations, projectMaker } from './util.js';

const newProject = projectMaker();
const project = (config: string): Project => newProject({ 'backfill.config.ts': config });

const RANGE = ['2024-01-01', '2024-01-10'] as const;
const ALL = days(...RANGE);

describe.concurrent('steps', () => {
  it('cut runs of consecutive calendar dates into shards; an excluded or present date splits a run', async () => {
    const EXCLUDED = '2024-01-05';
    const PRESENT = '2024-01-07';
    const p = project(
      configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), shard: 3 },
        b: { table: 'b_t', dateColumn: 'd', run: proc('b_t'), shard: 3, exclude: ['${EXCLUDED}'] },
        c: { table: 'c_t', dateColumn: 'd', run: proc('c_t'), shard: 100 },
      }`, { range: [...RANGE] }),
    );
    p.exec('CREATE TABLE c_t (d TEXT NOT NULL, value INTEGER)');
    p.exec('INSERT INTO c_t VALUES (?, 1)', PRESENT);

    const plan = await dryRun(p);
    const stepsOf = (name: string) => plan.get(name)?.steps.map(({ start, end }) => ({ start, end }));
    expect(stepsOf('a')).toEqual(expectedSteps(ALL, new Set(ALL), 3));
    expect(stepsOf('b')).toEqual(expectedSteps(ALL, new Set(ALL.filter((d) => d !== EXCLUDED)), 3));
    expect(stepsOf('c')).toEqual(expectedSteps(ALL, new Set(ALL.filter((d) => d !== PRESENT)), 100));
    // Spelled out once, so a wrong oracle cannot hide a wrong planner.
    expect(stepsOf('b')).toEqual([
      { start: '2024-01-01', end: '2024-01-03' },
      { start: '2024-01-04', end: '2024-01-04' },
      { start: '2024-01-06', end: '2024-01-08' },
      { start: '2024-01-09', end: '2024-01-10' },
    ]);

    const added = await newInvocations(p, async () => {
      expect((await p.bftask([])).code).toBe(0);
    });
    expect(added).toEqual(expectedInvocations(plan));
    expect(datesIn(p, 'b_t')).toEqual(ALL.filter((d) => d !== EXCLUDED));
    expect(datesIn(p, 'c_t')).toEqual(ALL);
  });

  it('with an explicit calendar, a gap between calendar dates does not split a step', async () => {
    const CALENDAR = ['2024-01-01', '2024-01-02', '2024-01-05', '2024-01-06', '2024-01-09', '2024-01-10'];
    const SHARD = 4;
    const p = project(
      configSource(`{
        g: { table: 'g_t', dateColumn: 'd', run: proc('g_t'), shard: ${SHARD} },
      }`, { range: [...RANGE], extra: `calendar: ${JSON.stringify(CALENDAR)},` }),
    );
    const plan = await dryRun(p);
    expect(plan.get('g')?.pending).toEqual(CALENDAR);
    expect(plan.get('g')?.steps.map(({ start, end }) => ({ start, end }))).toEqual(expectedSteps(CALENDAR, new Set(CALENDAR), SHARD));
    expect(plan.get('g')?.steps[0]).toMatchObject({ start: '2024-01-01', end: '2024-01-06' });

    const added = await newInvocations(p, async () => {
      expect((await p.bftask([])).code).toBe(0);
    });
    // The last field is how many dates BFTASK_DATES held: calendar dates only, not every day.
    expect(added).toEqual(expectedInvocations(plan));
    expect(added).toContain(`g 2024-01-01 2024-01-06 ${SHARD}`);
    expect(datesIn(p, 'g_t')).toEqual(CALENDAR);
  });
});

/** Each processor run as an interval, from the fixture's start and end lines. */
function intervals(events: readonly ProcessorEvent[], target?: string): { from: number; to: number }[] {
  const starts = events.filter((e) => e.event === 'start' && (target === undefined || e.target === target));
  return starts.map((s) => {
    const end = events.find((e) => e.event === 'end' && e.pid === s.pid);
    if (!end) throw new Error(`no end line for ${s.target} ${s.start}`);
    return { from: s.t, to: end.t };
  });
}

describe.concurrent('concurrency', () => {
  it("a target's own concurrency: 1 runs its steps one at a time while other targets overlap", async () => {
    const DAYS = ['2024-01-01', '2024-01-03'] as const;
    const COUNT = days(...DAYS).length;
    const p = project(
      configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--sleep', '300'), shard: 1, concurrency: 1 },
        b: { table: 'b_t', dateColumn: 'd', run: proc('b_t', '--barrier', '${COUNT}'), shard: 1 },
      }`, { range: [...DAYS], extra: 'concurrency: 4,' }),
    );
    const result = await p.bftask([]);
    // b's steps each wait until all of them have started: had they been run one at a time,
    // they would have given up (exit 4) and failed the run.
    expect(result.code, result.stdout).toBe(0);
    const events = p.events();
    const a = intervals(events, 'a');
    expect(a).toHaveLength(COUNT);
    // The sleep only widens the window in which a broken bound would show as overlap.
    expect(maxOverlap(a)).toBe(1);
    // The unbounded target did run in parallel, so the bound above is the target's, not an accident.
    expect(maxOverlap(intervals(events, 'b'))).toBe(COUNT);
  });

  it('a downstream step starts once the upstream steps it reads are done, not the whole upstream target', async () => {
    const DAYS = days('2024-01-01', '2024-01-03');
    const first = DAYS[0] as string;
    const last = DAYS[DAYS.length - 1] as string;
    const p = project(
      // a's last step waits until b's first step has started: if b waited for the whole of a,
      // that step would give up (exit 4) and the run would fail.
      configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--wait-for', 'b:${first}', '--wait-date', '${last}'), shard: 1, concurrency: 1 },
        b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), shard: 1 },
        c: { table: 'c_t', dateColumn: 'd', deps: [{ target: 'a', lookback: 1 }], run: proc('c_t'), shard: 1 },
      }`, { range: [first, last] }),
    );
    const result = await p.bftask([]);
    expect(result.code, result.stdout).toBe(0);
    const events = p.events();
    const at = (event: 'start' | 'end', target: string, date: string): number => {
      const e = events.find((x) => x.event === event && x.target === target && x.start === date);
      if (!e) throw new Error(`no ${event} line for ${target} ${date}`);
      return e.t;
    };
    for (const [i, d] of DAYS.entries()) {
      // Never before its inputs: a on d for b, a on d-1..d for c.
      expect(at('start', 'b', d)).toBeGreaterThanOrEqual(at('end', 'a', d));
      for (const input of DAYS.slice(Math.max(0, i - 1), i + 1)) expect(at('start', 'c', d)).toBeGreaterThanOrEqual(at('end', 'a', input));
    }
    // Spelled out from the events too: b's first date started while a's last was still running.
    expect(at('start', 'b', first)).toBeLessThan(at('end', 'a', last));
  });

  it('-j 2 bounds the steps running at once across all targets, over the config', async () => {
    const DAYS = ['2024-01-01', '2024-01-04'] as const;
    const p = project(
      // Steps of each target pass in pairs (--barrier 2), so two do run at once: the bound is reached.
      configSource(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--barrier', '2'), shard: 1 },
        b: { table: 'b_t', dateColumn: 'd', run: proc('b_t', '--barrier', '2'), shard: 1 },
      }`, { range: [...DAYS], extra: 'concurrency: 6,' }),
    );
    const result = await p.bftask(['-j', '2']);
    expect(result.code, result.stdout).toBe(0);
    const all = intervals(p.events());
    expect(all).toHaveLength(2 * days(...DAYS).length);
    expect(maxOverlap(all)).toBe(2);
  });
});
