import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { dateMatcher, parseObjectPattern } from '../../src/outputs/pattern.js';

const run = ['job', '{start}', '{end}'];

function validate(target: Record<string, unknown>, warehouse: Record<string, unknown> = { kind: 'sqlite', path: 'w.db' }, extra: Record<string, unknown> = {}) {
  const result = validateConfig({ warehouse, range: { start: '2024-01-01', end: '2024-01-31' }, targets: { t: target }, ...extra }, '/p/backfill.config.ts');
  return result.ok ? { target: result.config.targets.get('t'), errors: [] } : { target: undefined, errors: result.errors };
}

describe('Cloud Storage patterns', () => {
  it('take the bucket, the object name and its fixed prefix apart', () => {
    expect(parseObjectPattern('gs://nba-props.exports/v1/results/{date}.json')).toEqual({
      bucket: 'nba-props.exports',
      name: 'v1/results/{date}.json',
      prefix: 'v1/results/',
    });
    expect(parseObjectPattern('gs://b_1/day={date}/data.json')).toMatchObject({ prefix: 'day=' });
  });

  it.each([
    ['gs://Bad_Bucket/{date}.json', '"Bad_Bucket" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)'],
    ['gs://b/{date}.json', '"b" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)'],
    ['gs://{date}/x.json', '{date} must be in the object name, not in the bucket name'],
    ['gs://bucket', 'the object name must contain {date}, e.g. gs://bucket/v1/results/{date}.json'],
    ['gs://bucket/', 'the object name must contain {date}, e.g. gs://bucket/v1/results/{date}.json'],
    ['gs:///{date}.json', '"" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)'],
    ['gs://ab/{date}.json', '"ab" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)'],
    ['gs://bucket-/{date}.json', '"bucket-" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)'],
    ['gs://a..b/{date}.json', '"a..b" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)'],
    [`gs://${'b'.repeat(64)}/{date}.json`, `"${'b'.repeat(64)}" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)`],
    [`gs://${'b'.repeat(64)}.x/{date}.json`, `"${'b'.repeat(64)}.x" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)`],
  ])('reject %s', (pattern, problem) => {
    expect(parseObjectPattern(pattern)).toEqual({ problem });
  });

  it.each([
    // 3 and 63 characters: the bounds, both allowed.
    ['abc', 'abc'],
    ['b'.repeat(63), 'b'.repeat(63)],
    // Dotted names may pass 63 in all, each part at most 63.
    [`${'b'.repeat(63)}.${'c'.repeat(63)}`, `${'b'.repeat(63)}.${'c'.repeat(63)}`],
  ])('accept the bucket %s', (bucket) => {
    expect(parseObjectPattern(`gs://${bucket}/d/{date}.json`)).toEqual({ bucket, name: 'd/{date}.json', prefix: 'd/' });
  });

  it('count only names that match the whole pattern with a real calendar date', () => {
    const match = dateMatcher('v1/results/{date}.json');
    expect(match('v1/results/2024-01-03.json')).toBe('2024-01-03');
    for (const name of ['v1/results/latest.json', 'v1/results/2024-01-03.json.tmp', 'v1/results/old/2024-01-03.json', 'v1/results/2024-02-30.json', 'v1/results/2024-1-3.json', 'x/v1/results/2024-01-03.json']) {
      expect(match(name), name).toBeUndefined();
    }
    const twice = dateMatcher('{date}/part-{date}.json');
    expect(twice('2024-01-03/part-2024-01-03.json')).toBe('2024-01-03');
    expect(twice('2024-01-03/part-2024-01-04.json')).toBeUndefined();
  });

  it('make a files target an objects output in the config', () => {
    expect(validate({ files: 'gs://exports/v1/{date}.json', run }).target?.output).toEqual({
      kind: 'objects',
      pattern: 'gs://exports/v1/{date}.json',
      bucket: 'exports',
      name: 'v1/{date}.json',
      prefix: 'v1/',
    });
    expect(validate({ files: 'gs://Exports/{date}.json', run }).errors).toEqual([
      'targets.t.files: "gs://Exports/{date}.json": "Exports" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)',
    ]);
  });

  it('may run on Cloud Run, where local files could not be seen', () => {
    const bigquery = { kind: 'bigquery', projectId: 'my-project', location: 'US', dataset: 'd' };
    const runners = (apiEndpoint?: string) => ({
      runners: { cloud: { kind: 'cloud-run-job', projectId: 'my-project', location: 'us-west2', job: 'exports', ...(apiEndpoint ? { apiEndpoint } : {}) } },
    });
    expect(validate({ files: 'gs://exports/v1/{date}.json', run, runner: 'cloud' }, bigquery, runners()).errors).toEqual([]);
    expect(validate({ files: 'out/{date}.json', run, runner: 'cloud' }, bigquery, runners()).errors).toEqual([
      `targets.t.runner: "cloud" runs steps on Cloud Run, whose files (out/{date}.json) stay in its container: write them to Cloud Storage, files: 'gs://BUCKET/…/{date}.json'`,
    ]);
    // An emulator on this machine (the tests' fake) runs them here.
    expect(validate({ files: 'out/{date}.json', run, runner: 'cloud' }, bigquery, runners('http://127.0.0.1:9000')).errors).toEqual([]);
  });
});

describe('data checks in the config', () => {
  const table = { table: 't_t', dateColumn: 'd', run };
  const select = 'SELECT d FROM t_t WHERE d BETWEEN @start AND @end AND v IS NULL';

  it('keep minRows and one SELECT, without its trailing ;', () => {
    expect(validate({ ...table, minRows: 400, check: `-- nulls\n${select};` }).target?.checks).toEqual({ minRows: 400, sql: `-- nulls\n${select}` });
    expect(validate({ ...table, check: `WITH x AS (SELECT 1) ${select}` }, { kind: 'bigquery', projectId: 'my-project', location: 'US', dataset: 'd' }).errors).toEqual([]);
    expect(validate(table).target?.checks).toEqual({});
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['negative minRows', { minRows: -1 }, 'targets.t.minRows: must be a whole number of rows, 1 or more, got -1'],
    ['fractional minRows', { minRows: 2.5 }, 'targets.t.minRows: must be a whole number of rows, 1 or more, got 2.5'],
    ['minRows as text', { minRows: '400' }, 'targets.t.minRows: must be a whole number of rows, 1 or more, got "400"'],
    ['a check that is not a SELECT', { check: 'DELETE FROM t_t WHERE d BETWEEN @start AND @end' }, 'targets.t.check: must be a SELECT (or WITH … SELECT), got "DELETE FROM t_t WHERE d BETWEEN @start AND @end"'],
    ['two statements', { check: `${select}; SELECT 1 WHERE @start < @end` }, 'targets.t.check: must be one SELECT, got 2 statements'],
    ['no @end', { check: 'SELECT d FROM t_t WHERE d >= @start' }, 'targets.t.check: must read only the dates @start..@end (both parameters), got "SELECT d FROM t_t WHERE d >= @start"'],
    ['an empty check', { check: ' ' }, 'targets.t.check: must be one SELECT of the dates in @start..@end that fail, e.g. SELECT d AS date FROM t WHERE d BETWEEN @start AND @end AND key IS NULL, got " "'],
  ])('%s is one line naming the target', (_, change, error) => {
    expect(validate({ ...table, ...change }).errors).toEqual([error]);
  });

  it('belong to table targets only', () => {
    expect(validate({ files: 'out/{date}.json', run, minRows: 3, check: select }).errors).toEqual([
      'targets.t.minRows: applies to table targets only: files have no rows to check',
      'targets.t.check: applies to table targets only: files have no rows to check',
    ]);
  });
});
