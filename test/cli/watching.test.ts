// A run in progress, seen from a second terminal: `status` (text and --json) shows the run, its
// running steps, dates done and pending and an ETA from the first run's history; `status --watch`
// ends by itself when the run does; `logs -f` follows a running step's log to its end. The run's
// steps wait for a line the test appends to events.log once it has looked, so nothing here
// depends on timing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { configSource } from '../rig.js';
import { projectMaker, waitForRun } from './util.js';

const project = projectMaker();

// HOLD set: a's steps wait for `release` to start before they write.
const config = configSource(`{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', ...(process.env.HOLD ? ['--wait-for', 'release:go'] : [])), shard: 2 },
    b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
  }`, { range: ['2024-01-01', '2024-01-04'] });

interface RunningJson {
  runs: {
    id: string;
    pid: number;
    host: string;
    started: string;
    argv: string[];
    targets: string[];
    steps: { target: string; start: string; end: string; dates: number; attempt: number; pid: number | null; started: string; elapsedMs: number; log: string | null }[];
    dates: { total: number; built: number; failed: number; skipped: number; pending: number } | null;
    etaMs: number | null;
    endsAt: string | null;
  }[];
}

describe('watching a run from another terminal', () => {
  it('status shows the run in progress, --watch ends with it, logs -f follows a step to its end', async ({ expect, onTestFinished }) => {
    const p = project({ 'backfill.config.ts': config });
    // History: a first run, so the second has an ETA before any of its steps ends.
    expect((await p.bftask([])).code).toBe(0);
    const before = p.events().length;
    const run = p.spawn(['--force', 'a'], { env: { HOLD: '1' } });
    onTestFinished(() => {
      if (run.exitCode === undefined) run.kill('SIGKILL');
    });
    const started = () => p.events().slice(before).filter((e) => e.event === 'start' && e.target === 'a');
    await waitForRun(run, "both of a's steps to start", () => started().length === 2);

    const json = await p.bftask(['status', '--json']);
    expect(json.stderr).toBe('');
    // Forcing a rebuilds present dates: coverage stays complete while it runs.
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout) as { targets: unknown[]; running?: RunningJson };
    expect(status.targets).toHaveLength(2);
    const [live, ...others] = status.running?.runs ?? [];
    expect(others).toEqual([]);
    const runs = JSON.parse((await p.bftask(['runs', '--json'])).stdout) as { runs: { id: string; outcome: string }[] };
    expect(runs.runs[0]).toMatchObject({ id: live?.id, outcome: 'running' });
    expect(live).toMatchObject({ pid: run.pid, argv: ['--force', 'a'], targets: ['a', 'b'], dates: { total: 8, built: 0, failed: 0, skipped: 0, pending: 8 } });
    expect(live?.steps.map((s) => [s.target, s.start, s.end, s.dates, s.attempt])).toEqual([
      ['a', '2024-01-01', '2024-01-02', 2, 1],
      ['a', '2024-01-03', '2024-01-04', 2, 1],
    ]);
    // Each step's pid is the processor's own (it leads its process group).
    expect(live?.steps.map((s) => s.pid).sort()).toEqual(started().map((e) => e.pid).sort());
    expect(live?.steps.every((s) => s.log?.endsWith(`.bftask/logs/${live.id}/a/${s.start}_${s.end}.log`))).toBe(true);
    // From the first run's timings: a and then b still to go.
    expect(live?.etaMs).toBeGreaterThan(0);
    expect(Date.parse(live?.endsAt ?? '')).toBeGreaterThan(Date.parse(live?.started ?? ''));

    const text = await p.bftask(['status']);
    expect(text.stdout).toMatch(new RegExp(`^  running: run ${live?.id} · pid ${run.pid} · started \\S+ \\S+ \\([\\d.hms]+ ago\\) · bftask --force a$`, 'm'));
    expect(text.stdout).toMatch(/^ {4}building a, b$/m);
    expect(text.stdout).toMatch(/^ {4}2 steps running now:$/m);
    expect(text.stdout).toMatch(/^ {6}a 2024-01-01\.\.2024-01-02 +\(2 dates\) +pid \d+ +[\d.]+s +\.bftask\/logs\/\S+\/a\/2024-01-01_2024-01-02\.log$/m);
    expect(text.stdout).toMatch(/^ {4}0\/8 dates done · 8 pending · ETA [\d.hms]+ \(about \d\d:\d\d\)$/m);

    // Both started before the release, while the step still runs.
    const watch = p.spawn(['status', '--watch']);
    const follow = p.spawn(['logs', 'a', '--date', '2024-01-03', '-f']);
    onTestFinished(() => {
      for (const child of [watch, follow]) if (child.exitCode === undefined) child.kill('SIGKILL');
    });
    let watched = '';
    let followed = '';
    watch.stdout?.on('data', (chunk: Buffer) => (watched += chunk.toString()));
    follow.stdout?.on('data', (chunk: Buffer) => (followed += chunk.toString()));
    await waitForRun(watch, 'status --watch to draw the running run', () => watched.includes('refreshing every'));
    await waitForRun(follow, 'logs -f to print what the step wrote so far', () => followed.includes('processing 2024-01-03..2024-01-04'));
    expect(followed).toMatch(/^bftask · logs · a 2024-01-03\.\.2024-01-04 \(2 dates\) · run \S+ · attempt 1 · running for [\d.ms]+ \(pid \d+\)$/m);
    expect(followed).not.toContain('COMPLETE');

    fs.appendFileSync(path.join(p.dir, 'events.log'), `${JSON.stringify({ event: 'start', target: 'release', start: 'go' })}\n`);
    const ended = await run;
    expect(ended.exitCode, String(ended.stdout)).toBe(0);
    // Both end by themselves once the run (and the step) has.
    const [watchEnd, followEnd] = await Promise.all([watch, follow]);
    expect(watchEnd.exitCode).toBe(0);
    const screens = watched.split(/\n(?=bftask · status)/);
    expect(screens[0]).toContain(`running: run ${live?.id}`);
    expect(screens.at(-1)).not.toContain('running: run');
    expect(screens.at(-1)).toMatch(/the run has ended$/m);
    expect(followEnd.exitCode).toBe(0);
    expect(followed).toMatch(/COMPLETE\n# exited with code 0 after [\d.]+s\n$/);

    const after = JSON.parse((await p.bftask(['status', '--json'])).stdout) as Record<string, unknown>;
    expect(after).not.toHaveProperty('running');
  });
});
