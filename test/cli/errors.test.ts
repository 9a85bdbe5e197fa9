// Config and usage errors: exit 2, one `bftask: ` line naming the thing at fault, nothing run or written.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSource } from '../rig.js';
import { projectMaker } from './util.js';

const GOOD_TARGETS = `{
  a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
  b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
}`;

interface Case {
  readonly name: string;
  /** The config file's text; undefined for a folder without one. */
  readonly config: string | undefined;
  readonly args: readonly string[];
  /** The part of the message that names the fault; the line must contain it. */
  readonly says: string;
}

const good = configSource(GOOD_TARGETS);
const withTargets = (targets: string, range?: [string, string]) => configSource(targets, range ? { range } : {});

const CASES: Case[] = [
  {
    name: 'unknown dependency, with did-you-mean',
    config: withTargets(`{
      a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
      b: { table: 'b_t', dateColumn: 'd', deps: ['aa'], run: proc('b_t') },
    }`),
    args: [],
    says: 'targets.b.deps[0]: unknown target "aa" — did you mean "a"?',
  },
  {
    name: 'dependency cycle, printed as a chain',
    config: withTargets(`{
      a: { table: 'a_t', dateColumn: 'd', deps: ['b'], run: proc('a_t') },
      b: { table: 'b_t', dateColumn: 'd', deps: ['a'], run: proc('b_t') },
    }`),
    args: [],
    says: 'dependency cycle: a -> b -> a',
  },
  { name: 'unknown target on the command line', config: good, args: ['aa'], says: 'unknown target "aa" — did you mean "a"?' },
  { name: 'unknown target, nothing close: the targets listed', config: good, args: ['zzzzzz'], says: 'unknown target "zzzzzz" (targets: a, b)' },
  { name: 'malformed --from', config: good, args: ['--from', '2024-1-5'], says: '--from 2024-1-5 is not a date: use YYYY-MM-DD' },
  { name: '--from after the config range', config: good, args: ['--from', '2024-02-01'], says: '--from 2024-02-01 leaves an empty range 2024-02-01..2024-01-10' },
  {
    name: 'start after end in the config range',
    config: withTargets(GOOD_TARGETS, ['2024-01-10', '2024-01-01']),
    args: [],
    says: 'range: start 2024-01-10 is after end 2024-01-01',
  },
  {
    name: 'malformed date in the config range',
    config: withTargets(GOOD_TARGETS, ['2024-1-1', '2024-01-10']),
    args: [],
    says: 'range.start: "2024-1-1" is not a date: use YYYY-MM-DD',
  },
  {
    name: 'empty run',
    config: withTargets(`{ a: { table: 'a_t', dateColumn: 'd', run: [] } }`),
    args: [],
    says: 'targets.a.run: must be a non-empty argv array',
  },
  {
    name: 'unknown placeholder',
    config: withTargets(`{ a: { table: 'a_t', dateColumn: 'd', run: ['node', 'job.mjs', '--day', '{date}'] } }`),
    args: [],
    says: 'targets.a.run[3]: unknown placeholder {date}',
  },
  {
    name: 'run given as a shell string',
    config: withTargets(`{ a: { table: 'a_t', dateColumn: 'd', run: 'node job.mjs --start {start}' } }`),
    args: [],
    says: 'targets.a.run: must be an argv array',
  },
  {
    name: 'two targets writing the same table',
    config: withTargets(`{
      a: { table: 'same', dateColumn: 'd', run: proc('same') },
      b: { table: 'same', dateColumn: 'd', run: proc('same') },
    }`),
    args: [],
    says: 'targets.b: writes same, which targets.a writes too',
  },
  {
    name: 'shard 0',
    config: withTargets(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), shard: 0 } }`),
    args: [],
    says: "targets.a.shard: must be a positive integer or 'auto', got 0",
  },
  {
    name: 'concurrency -1',
    config: withTargets(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), concurrency: -1 } }`),
    args: [],
    says: 'targets.a.concurrency: must be a positive integer, got -1',
  },
  {
    name: 'negative lookback',
    config: withTargets(`{
      a: { table: 'a_t', dateColumn: 'd', run: proc('a_t') },
      b: { table: 'b_t', dateColumn: 'd', deps: [{ target: 'a', lookback: -2 }], run: proc('b_t') },
    }`),
    args: [],
    says: 'targets.b.deps[0].lookback: must be a whole number of days (0 or more), got -2',
  },
  {
    name: 'misspelt target field, with did-you-mean',
    config: withTargets(`{ a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), shards: 3 } }`),
    args: [],
    says: 'targets.a.shards: unknown field — did you mean "shard"?',
  },
  {
    name: 'a config file with a syntax error names the file',
    config: `import { defineConfig, sqlite } from 'bftask';\nexport default defineConfig({ targets: { a: { ,, } } });\n`,
    args: [],
    says: 'backfill.config.ts: failed to load',
  },
  { name: '-j abc', config: good, args: ['-j', 'abc'], says: '--concurrency must be a positive integer, got "abc"' },
  { name: '--force of an unknown target', config: good, args: ['--force', 'bb'], says: '--force bb: unknown target — did you mean "b"?' },
  { name: '--force of a target outside the selection', config: good, args: ['a', '--force', 'b'], says: '--force b: not part of this build' },
  { name: '--config of a missing file', config: good, args: ['--config', 'nope.config.ts'], says: '--config nope.config.ts: no such file' },
  { name: 'no config anywhere above', config: undefined, args: [], says: 'no backfill.config.ts found' },
];

const project = projectMaker();

describe.concurrent('usage and config errors', () => {
  it.for(CASES)('$name: exit 2, one line, nothing run', async ({ config, args, says }, { expect }) => {
    const p = project(config === undefined ? {} : { 'backfill.config.ts': config });
    const result = await p.bftask(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^bftask: /);
    expect(lines[0]).toContain(says);
    // Nothing ran and nothing was written: no step, no log folder, no warehouse file.
    expect(fs.existsSync(path.join(p.dir, 'invocations.log'))).toBe(false);
    expect(fs.existsSync(path.join(p.dir, '.bftask'))).toBe(false);
    expect(fs.existsSync(path.join(p.dir, 'data'))).toBe(false);
  });

  it('reports every config problem at once, one line each', async ({ expect }) => {
    const p = project({
      'backfill.config.ts': withTargets(`{
        a: { table: 'a_t', dateColumn: 'd', run: proc('a_t'), shard: 0 },
        b: { table: 'b_t', dateColumn: 'd', deps: ['aa'], run: proc('b_t') },
      }`),
    });
    const result = await p.bftask(['--dry-run']);
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith('bftask: '))).toBe(true);
    expect(lines.some((l) => l.includes("targets.a.shard: must be a positive integer or 'auto', got 0"))).toBe(true);
    expect(lines.some((l) => l.includes('targets.b.deps[0]: unknown target "aa"'))).toBe(true);
  });
});
