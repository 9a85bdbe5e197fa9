// The ledger (.bftask/state.db): what `bftask runs` reads from it, what reading commands leave
// alone, and the one-line errors when it, or the folder for it, is unusable.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/ledger/schema.js';
import { configSource } from '../rig.js';
import { projectMaker } from './util.js';

const RANGE = ['2024-01-01', '2024-01-04'] as const;
const project = projectMaker();
const errorLines = (stderr: string) => stderr.split('\n').filter(Boolean);
const twoTargets = configSource(`{
  a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), shard: 2 },
  b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t', '--fail-date', '2024-01-04'), bisect: false },
}`, { range: [...RANGE] });

describe.concurrent('the ledger', () => {
  it('bftask runs lists runs newest first; runs ID shows a run\'s attempts; text and JSON agree', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': twoTargets });
    const first = await p.bftask([]);
    expect(first.code).toBe(1);
    const second = await p.bftask(['a', '--force', 'a']);
    expect(second.code).toBe(0);
    const list = JSON.parse((await p.bftask(['runs', '--json'])).stdout) as {
      runs: { id: string; argv: string[]; outcome: string; exitCode: number; steps: { ok: number; failed: number } }[];
    };
    expect(list.runs.map((r) => [r.argv, r.outcome, r.exitCode, r.steps.ok, r.steps.failed])).toEqual([
      [['a', '--force', 'a'], 'succeeded', 0, 2, 0],
      [[], 'failed', 1, 2, 1],
    ]);
    const [newest, oldest] = list.runs;
    expect((newest?.id ?? '') > (oldest?.id ?? '')).toBe(true);
    const text = await p.bftask(['runs']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^ +${oldest?.id} +\\S+ \\S+ +[\\d.]+s +failed +2 +1 +bftask$`, 'm'));

    const detail = await p.bftask(['runs', oldest?.id as string, '--json']);
    const { run, attempts } = JSON.parse(detail.stdout) as { run: { id: string }; attempts: { target: string; start: string; end: string; outcome: string; exitCode: number | null; log: string | null }[] };
    expect(run.id).toBe(oldest?.id);
    expect(attempts.map((a) => [a.target, a.start, a.end, a.outcome, a.exitCode])).toEqual([
      ['a', '2024-01-01', '2024-01-02', 'succeeded', 0],
      ['a', '2024-01-03', '2024-01-04', 'succeeded', 0],
      ['b', '2024-01-01', '2024-01-04', 'failed', 3],
    ]);
    const shown = await p.bftask(['runs', oldest?.id as string]);
    expect(shown.stdout).toMatch(/^ {4}b 2024-01-01\.\.2024-01-04 {2}exited with code 3 \(attempt 1\) · log \.bftask\/logs\/\S+\/b\/2024-01-01_2024-01-04\.log$/m);
    expect(fs.existsSync(path.resolve(p.dir, attempts[2]?.log as string))).toBe(true);
  });

  it('status, --dry-run and runs leave the ledger as it was', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': twoTargets });
    await p.bftask([]);
    const file = path.join(p.dir, '.bftask', 'state.db');
    const before = fs.readFileSync(file);
    for (const args of [['status'], ['-n'], ['-n', '--json'], ['runs'], ['runs', '--json']]) {
      await p.bftask(args);
      expect(fs.readFileSync(file).equals(before), args.join(' ')).toBe(true);
    }
  });

  it.for([
    ['not a database', (file: string) => fs.writeFileSync(file, 'garbage '.repeat(1000)), 'is not a readable bftask ledger (file is not a database): move it aside (mv .bftask/state.db .bftask/state.db.broken) and re-run; the warehouse still says what is built'],
    ['from a newer bftask', (file: string) => {
      const db = new Database(file);
      db.pragma('user_version = 99');
      db.close();
    }, `was written by a newer bftask (ledger schema 99; this one knows ${SCHEMA_VERSION}): upgrade bftask, or move the file aside to start a new ledger`],
  ] as const)('a ledger %s: one line, exit 2, for runs, reads and builds; nothing run', async ([, spoil, message], { expect }) => {
    const p = project({ 'backfill.config.ts': twoTargets });
    fs.mkdirSync(path.join(p.dir, '.bftask'));
    spoil(path.join(p.dir, '.bftask', 'state.db'));
    for (const args of [[], ['runs']]) {
      const result = await p.bftask(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(errorLines(result.stderr)).toEqual([`bftask: .bftask/state.db ${message}`]);
    }
    expect(p.invocations()).toEqual([]);
  });

  it('a ledger from the bftask before (schema 2, in WAL mode as runs leave it): read as it is by reading commands, migrated by the next run', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': twoTargets });
    expect((await p.bftask(['a'])).code).toBe(0);
    const file = path.join(p.dir, '.bftask', 'state.db');
    // What the previous bftask wrote: no plan column, user_version 2, WAL.
    const db = new Database(file);
    db.exec('ALTER TABLE runs DROP COLUMN plan');
    db.pragma('user_version = 2');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    for (const args of [['runs'], ['status', 'a'], ['logs', 'a'], ['report', '--out', '-'], ['-n']]) {
      const result = await p.bftask(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stderr, args.join(' ')).toBe('');
    }
    const version = () => {
      const reader = new Database(file, { readonly: true });
      const v = reader.pragma('user_version', { simple: true });
      reader.close();
      return v;
    };
    expect(version()).toBe(2);
    expect((await p.bftask(['b'])).code).toBe(1);
    expect(version()).toBe(SCHEMA_VERSION);
    const list = JSON.parse((await p.bftask(['runs', '--json'])).stdout) as { runs: { argv: string[] }[] };
    expect(list.runs.map((r) => r.argv)).toEqual([['b'], ['a']]);
  });

  it('a config folder where .bftask cannot be created: one line, exit 2, nothing run', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': twoTargets, '.bftask': 'a file where the folder would go\n' });
    const result = await p.bftask([]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^bftask: cannot create \S+\.bftask\/logs for bftask's logs: /);
    expect(p.invocations()).toEqual([]);
  });

  it('runs with an unknown id: one line with a suggestion, exit 2', async ({ expect }) => {
    const p = project({ 'backfill.config.ts': twoTargets });
    await p.bftask(['a']);
    const id = (JSON.parse((await p.bftask(['runs', '--json'])).stdout) as { runs: { id: string }[] }).runs[0]?.id as string;
    const typo = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
    const result = await p.bftask(['runs', typo]);
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)).toEqual([`bftask: no run ${typo} — did you mean "${id}"? (bftask runs lists them)`]);
  });
});
