import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';

const run = ['job', '{start}', '{end}'];
const base = () => ({
  warehouse: { kind: 'sqlite', path: 'w.db' },
  range: { start: '2024-01-01', end: '2024-01-31' },
  targets: {
    psza: { table: 'psza_t', dateColumn: 'd', run } as Record<string, unknown>,
    pcf: { table: 'pcf_t', dateColumn: 'd', run, deps: ['psza'] } as Record<string, unknown>,
  } as Record<string, Record<string, unknown>>,
});

type Config = ReturnType<typeof base>;

function errorsOf(change: (c: Config) => void): string[] {
  const config = base();
  change(config);
  const result = validateConfig(config, '/p/backfill.config.ts');
  return result.ok ? [] : result.errors;
}

describe('validateConfig', () => {
  it('accepts a good config and orders targets by dependency', () => {
    const result = validateConfig(base(), '/p/backfill.config.ts');
    expect(result.ok && result.config.order).toEqual(['psza', 'pcf']);
    expect(result.ok && result.config.dir).toBe('/p');
  });

  it.each<[string, (c: Config) => void, string]>([
    ['unknown dependency, with a suggestion', (c) => (c.targets.pcf!.deps = ['psza', 'pzsa']), 'targets.pcf.deps[1]: unknown target "pzsa" — did you mean "psza"?'],
    ['self dependency', (c) => (c.targets.pcf!.deps = ['pcf']), 'targets.pcf.deps[0]: a target cannot depend on itself'],
    [
      'dependency cycle, as a chain',
      (c) => {
        c.targets.psza!.deps = ['mlfs'];
        c.targets.mlfs = { table: 'mlfs_t', dateColumn: 'd', run, deps: ['pcf'] };
      },
      'dependency cycle: mlfs -> pcf -> psza -> mlfs',
    ],
    ['malformed range date', (c) => (c.range.start = '2024-1-5'), 'range.start: "2024-1-5" is not a date: use YYYY-MM-DD'],
    ['impossible date', (c) => (c.range.end = '2024-02-30'), 'range.end: "2024-02-30" is not a date: use YYYY-MM-DD'],
    ['start after end', (c) => (c.range.start = '2024-02-01'), 'range: start 2024-02-01 is after end 2024-01-31'],
    ['empty run', (c) => (c.targets.pcf!.run = []), 'targets.pcf.run: must be a non-empty argv array'],
    ['run as a shell string', (c) => (c.targets.pcf!.run = 'job --start {start}'), "targets.pcf.run: must be an argv array such as ['python3', 'job.py', '--start-date', '{start}'], not a shell string"],
    ['unknown placeholder', (c) => (c.targets.pcf!.run = ['job', '--day={date}']), 'targets.pcf.run[1]: unknown placeholder {date}: use {start}, {end}, {target}, {table}'],
    ['two targets, one table', (c) => (c.targets.pcf!.table = 'psza_t'), 'targets.psza: writes psza_t, which targets.pcf writes too'],
    ['shard 0', (c) => (c.targets.pcf!.shard = 0), "targets.pcf.shard: must be a positive integer or 'auto', got 0"],
    ['negative concurrency', (c) => (c.targets.pcf!.concurrency = -1), 'targets.pcf.concurrency: must be a positive integer, got -1'],
    ['negative lookback', (c) => (c.targets.pcf!.deps = [{ target: 'psza', lookback: -1 }]), 'targets.pcf.deps[0].lookback: must be a whole number of days (0 or more), got -1'],
    ['fractional lookback', (c) => (c.targets.pcf!.deps = [{ target: 'psza', lookback: 1.5 }]), 'targets.pcf.deps[0].lookback: must be a whole number of days (0 or more), got 1.5'],
    ['absurd lookback', (c) => (c.targets.pcf!.deps = [{ target: 'psza', lookback: 10_001 }]), 'targets.pcf.deps[0].lookback: must be at most 10000 days, got 10001'],
    ['a year bftask cannot step past', (c) => (c.range.end = '9999-12-31'), 'range.end: "9999-12-31" is out of range: use a year from 1000 to 9998'],
    ['a year before 1000', (c) => (c.range.start = '0999-12-31'), 'range.start: "0999-12-31" is out of range: use a year from 1000 to 9998'],
    ['calendar date out of range', (c) => Object.assign(c, { calendar: ['2024-01-02', '9999-01-01'] }), 'calendar[1]: "9999-01-01" is out of range: use a year from 1000 to 9998'],
    ['async exclude', (c) => (c.targets.pcf!.exclude = async (d: string) => d < '2024-01-05'), 'targets.pcf.exclude: must return true or false, got a Promise (exclude must not be async) for 2024-01-01'],
    ['exclude returning a string', (c) => (c.targets.pcf!.exclude = () => 'yes'), 'targets.pcf.exclude: must return true or false, got "yes" for 2024-01-01'],
    ['exclude that throws', (c) => (c.targets.pcf!.exclude = () => { throw new Error('boom'); }), 'targets.pcf.exclude: threw for 2024-01-01: boom'],
    ['two statements of SQL', (c) => (c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', sql: 'SELECT d FROM x WHERE d BETWEEN @start AND @end; DELETE FROM x' }), 'targets.pcf.sql: must be one SELECT, got 2 statements'],
    ['two tables differing only in case on SQLite', (c) => (c.targets.pcf!.table = 'PSZA_T'), 'targets.psza: writes psza_t, which targets.pcf writes too'],
    ['global concurrency', (c) => Object.assign(c, { concurrency: 1.5 }), 'concurrency: must be a positive integer, got 1.5'],
    ['misspelt field', (c) => (c.targets.pcf!.dep = ['psza']), 'targets.pcf.dep: unknown field — did you mean "deps"?'],
    ['bad table name', (c) => (c.targets.pcf!.table = 'pcf; DROP TABLE x'), 'targets.pcf.table: must be a table name (letters, digits, _; dataset.table on BigQuery), got "pcf; DROP TABLE x"'],
    ['dataset on sqlite', (c) => (c.targets.pcf!.table = 'nba.pcf'), 'targets.pcf.table: "nba.pcf": SQLite tables have no dataset; drop the prefix'],
    ['bad exclude date', (c) => (c.targets.pcf!.exclude = ['2024-13-01']), 'targets.pcf.exclude[0]: "2024-13-01" is not a date: use YYYY-MM-DD'],
    ['files without {date}', (c) => (c.targets.pcf = { files: 'out/x.json', run }), 'targets.pcf.files: must be a path pattern containing {date}, got "out/x.json"'],
    ['a command name as target', (c) => (c.targets.status = { table: 's', dateColumn: 'd', run }), 'targets.status: "status" is a bftask command: rename the target'],
    ['unknown warehouse', (c) => (c.warehouse = { kind: 'duckdb', path: 'x' }), 'warehouse.kind: unknown warehouse "duckdb": use sqlite(...) or bigquery(...)'],
  ])('%s', (_, change, expected) => {
    expect(errorsOf(change)).toContain(expected);
  });

  it('accepts lookback 0 (the same date) and a run argument with literal braces', () => {
    const config = base();
    config.targets.pcf!.deps = [{ target: 'psza', lookback: 0 }];
    config.targets.pcf!.run = ['job', '--opts', '{"mode":"full"}', '{ start }', '{start}'];
    const result = validateConfig(config, '/p/backfill.config.ts');
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.config.targets.get('pcf')?.deps).toEqual([{ target: 'psza', lookback: 0 }]);
  });

  it('keeps one SELECT, without a trailing ; or comment, and ignores ; inside quotes and comments', () => {
    const config = base();
    const sql = "SELECT d, ';' AS semi /* ; */ FROM x -- a ; here\nWHERE d BETWEEN @start AND @end";
    config.targets.pcf = { table: 'pcf_t', dateColumn: 'd', sql: `${sql};\n-- the end\n;  ` };
    const result = validateConfig(config, '/p/backfill.config.ts');
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.config.targets.get('pcf')?.action).toEqual({ kind: 'sql', sql });
  });

  it('an exclude that goes wrong on a later date names the target and the date when asked', () => {
    const config = base();
    config.targets.pcf!.exclude = (d: string) => (d < '2024-01-10' ? false : (undefined as unknown as boolean));
    const result = validateConfig(config, '/p/backfill.config.ts');
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const isExcluded = result.config.targets.get('pcf')!.isExcluded;
    expect(isExcluded('2024-01-02')).toBe(false);
    expect(() => isExcluded('2024-01-10')).toThrow('targets.pcf.exclude must return true or false, got undefined for 2024-01-10');
  });

  it('on BigQuery, one table named with and without the default dataset is one table', () => {
    const config = base() as Record<string, unknown> & ReturnType<typeof base>;
    config.warehouse = { kind: 'bigquery', projectId: 'my-project', location: 'US', dataset: 'nba' } as never;
    config.targets.psza!.table = 'psza_t';
    config.targets.pcf!.table = 'my-project.nba.psza_t';
    const result = validateConfig(config, '/p/backfill.config.ts');
    expect(result.ok ? [] : result.errors).toEqual(['targets.psza: writes psza_t, which targets.pcf writes too']);
  });

  it('reports every problem at once', () => {
    const errors = errorsOf((c) => {
      c.targets.pcf!.shard = 0;
      c.targets.psza!.run = [];
      c.range.end = 'soon';
    });
    expect(errors).toHaveLength(3);
  });
});
