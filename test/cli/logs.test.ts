// `bftask logs`: the log of the step that covered a date (a failed one here), with a header that
// names the run, the dates, the outcome and the path; and every new command's bad input — an
// unknown target, a date out of range, an unreadable ledger — as one line and exit 2.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { configSource } from '../rig.js';
import { hasExited, projectMaker, waitForRun } from './util.js';

const project = projectMaker();

const config = configSource(`{
    a: { table: 'a_t', dateColumn: 'd', run: proc('a_t', '--fail-date', '2024-01-03'), shard: 2 },
    b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t'), exclude: ['2024-01-02'] },
  }`, { range: ['2024-01-01', '2024-01-04'] });

describe.concurrent('bftask logs', () => {
  it('prints the log of the latest attempt that covered a failed date, under a header; a skipped date has none', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': config });
    expect((await p.bftask([])).code).toBe(1);
    const detail = JSON.parse((await p.bftask(['runs', '--json'])).stdout) as { runs: { id: string }[] };
    const runId = detail.runs[0]?.id as string;

    // a 2024-01-03..04 failed, was bisected, and 2024-01-03 failed alone: that is the latest attempt covering it.
    const failed = await p.bftask(['logs', 'a', '--date', '2024-01-03']);
    expect(failed.code, failed.stderr).toBe(0);
    const lines = failed.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^bftask · logs · a 2024-01-03 \\(1 date\\) · run ${runId} · attempt 1 · failed: exited with code 3 after [\\d.]+s$`));
    const log = `.bftask/logs/${runId}/a/2024-01-03_2024-01-03.log`;
    expect(lines[1]).toBe(`log: ${log}`);
    expect(lines[2]).toBe('');
    // execa drops the output's final newline.
    expect(`${lines.slice(3).join('\n')}\n`).toBe(fs.readFileSync(path.join(p.dir, log), 'utf8'));
    expect(failed.stdout).toMatch(/failing on purpose\n# exited with code 3 after [\d.]+s$/);

    // A date that built: its step's log, which says it succeeded.
    const ok = await p.bftask(['logs', 'a', '--date', '2024-01-01']);
    expect(ok.stdout.split('\n')[0]).toMatch(/^bftask · logs · a 2024-01-01\.\.2024-01-02 \(2 dates\) · run \S+ · attempt 1 · succeeded in [\d.]+s$/);
    // Without --date: the latest attempt of a's latest step, one of the halves.
    const latest = await p.bftask(['logs', 'a']);
    expect(latest.stdout.split('\n')[0]).toMatch(/^bftask · logs · a 2024-01-0[34] \(1 date\) · /);

    const skipped = await p.bftask(['logs', 'b', '--date', '2024-01-03']);
    expect(skipped.code).toBe(2);
    expect(skipped.stderr).toBe(`bftask: b 2024-01-03 was skipped in run ${runId} (a 2024-01-03 failed), so it has no log`);
  });

  it('-f follows a step into its retry, header by header, and ends with it', async ({ expect, onTestFinished }) => {
    // The first attempt waits for the test's release, then fails; the retry succeeds.
    const p = project({
      'backfill.config.ts': configSource(`{
        r: { table: 'r_t', dateColumn: 'd', run: proc('r_t', '--wait-for', 'release:go', '--fail-times', '1'), shard: 2, retries: 1 },
      }`, { range: ['2024-01-01', '2024-01-02'] }),
    });
    const run = p.spawn(['r']);
    onTestFinished(() => {
      if (!hasExited(run)) run.kill('SIGKILL');
    });
    await waitForRun(run, 'r to start', () => p.events().some((e) => e.event === 'start' && e.target === 'r'));
    const follow = p.spawn(['logs', 'r', '-f']);
    onTestFinished(() => {
      if (!hasExited(follow)) follow.kill('SIGKILL');
    });
    let followed = '';
    follow.stdout?.on('data', (chunk: Buffer) => (followed += chunk.toString()));
    await waitForRun(follow, 'logs -f to print the running attempt', () => followed.includes('processing 2024-01-01..2024-01-02'));
    fs.appendFileSync(path.join(p.dir, 'events.log'), `${JSON.stringify({ event: 'start', target: 'release', start: 'go' })}\n`);
    expect((await run).exitCode).toBe(0);
    expect((await follow).exitCode).toBe(0);
    const headers = followed.split('\n').filter((l) => l.startsWith('bftask · logs · '));
    expect(headers).toEqual([
      expect.stringMatching(/^bftask · logs · r 2024-01-01\.\.2024-01-02 \(2 dates\) · run \S+ · attempt 1 · running for [\d.ms]+ \(pid \d+\)$/),
      expect.stringMatching(/^bftask · logs · r 2024-01-01\.\.2024-01-02 \(2 dates\) · run \S+ · attempt 2 · (running for|succeeded in) /),
    ]);
    const [first, second] = followed.split(/\n(?=bftask · logs · r .* attempt 2)/);
    expect(first).toMatch(/failing on purpose\n# exited with code 4 after [\d.]+s\n$/);
    expect(second).toMatch(/^log: \S+\/r\/2024-01-01_2024-01-02\.attempt2\.log\n/m);
    expect(second).toMatch(/COMPLETE\n# exited with code 0 after [\d.]+s\n$/);
  });

  it('bad input is one line and exit 2, for logs, status, report and graph alike', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': config });
    const never = await p.bftask(['logs', 'a']);
    expect([never.code, never.stderr]).toEqual([2, 'bftask: no logs: nothing has run on this config yet']);
    const cases: [string[], string][] = [
      [['logs', 'aa'], 'bftask: unknown target "aa" — did you mean "a"? (bftask graph lists them)'],
      [['logs'], 'bftask: logs takes one target: bftask logs TARGET [--date YYYY-MM-DD] [-f]'],
      [['logs', 'a', '--date', '2024-02-30'], 'bftask: --date 2024-02-30 is not a date: use YYYY-MM-DD'],
      [['logs', 'a', '--date', '2025-01-01'], "bftask: --date 2025-01-01 is outside the config's range 2024-01-01..2024-01-04"],
      [['logs', 'b', '--date', '2024-01-02'], 'bftask: b excludes 2024-01-02: no step builds it'],
      [['graph', 'bb'], 'bftask: unknown target "bb" — did you mean "b"?'],
      [['graph', '--format', 'svg'], 'bftask: --format must be text, mermaid, dot, got "svg"'],
      [['report', 'xyzzy'], 'bftask: unknown target "xyzzy" (targets: a, b)'],
      [['report', '--from', '0999-12-31'], 'bftask: --from 0999-12-31 is out of range: use a year from 1000 to 9998'],
      [['status', '--watch', '--json'], 'bftask: --watch redraws the screen: it does not go with --json'],
      [['graph', '--date', '2024-01-01'], 'bftask: graph does not take --date'],
    ];
    const results = await Promise.all(cases.map(([args]) => p.bftask(args)));
    cases.forEach(([args, message], i) => expect([results[i]?.code, results[i]?.stderr], args.join(' ')).toEqual([2, message]));
    expect((await p.bftask([])).code).toBe(1);
    const again = await p.bftask(['logs', 'a', '--date', '2024-01-04']);
    expect(again.stdout).toMatch(/^bftask · logs · a 2024-01-04 \(1 date\) · run \S+ · attempt 1 · succeeded/);

    // An unreadable ledger: one line saying what to do, from every command that reads it.
    fs.writeFileSync(path.join(p.dir, '.bftask', 'state.db'), 'not a database, not at all, '.repeat(100));
    const readers = [['logs', 'a'], ['status'], ['report'], ['status', '--json']];
    for (const [i, result] of (await Promise.all(readers.map((args) => p.bftask(args)))).entries()) {
      expect(result.code, readers[i]?.join(' ')).toBe(2);
      expect(result.stderr, readers[i]?.join(' ')).toMatch(/^bftask: \.bftask\/state\.db is not a readable bftask ledger \(.*\): move it aside \(mv .*\) and re-run; the warehouse still says what is built$/);
    }
    expect(fs.existsSync(path.join(p.dir, 'bftask-report.html'))).toBe(false);
  });
});
