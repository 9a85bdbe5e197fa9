import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { validating, type Fields, type Raw } from './validating.js';

/**
 * Every field's checks, one bad value at a time: each must give exactly its own message (no
 * follow-on errors), and each accepted spelling must come out in the config as written.
 */


const run = ['job', '{start}', '{end}'];
const select = 'SELECT d FROM x WHERE d BETWEEN @start AND @end';
const base = (): Raw => ({
  warehouse: { kind: 'sqlite', path: 'w.db' },
  range: { start: '2024-01-01', end: '2024-01-31' },
  targets: {
    psza: { table: 'psza_t', dateColumn: 'd', run },
    pcf: { table: 'pcf_t', dateColumn: 'd', run, deps: ['psza'] },
  },
});
const bigquery = (fields: Fields = {}): Fields => ({ kind: 'bigquery', projectId: 'my-project', location: 'US', dataset: 'nba', ...fields });

const { errorsOf, configOf } = validating(base);

describe('the default export', () => {
  it.each<[unknown, string]>([
    [null, 'null'],
    [undefined, 'undefined'],
    ['sqlite', '"sqlite"'],
    [[], '[]'],
    [42, '42'],
  ])('%j is not a config', (raw, shown) => {
    const result = validateConfig(raw, '/p/backfill.config.ts');
    expect(result.ok ? [] : result.errors).toEqual([`the default export must be an object from defineConfig({...}), got ${shown}`]);
  });
});

const WAREHOUSE = "warehouse: must be a warehouse such as sqlite('data/warehouse.db')";
const TABLE = 'must be a table name (letters, digits, _; dataset.table on BigQuery)';
const LABEL_KEY = 'a label key is lowercase letters, digits, _ and -, starting with a letter';
const LOCATION = 'warehouse.location: must be a BigQuery location such as "US" or "europe-west1", got';
const TARGETS = 'targets: must be an object with at least one target';
const NOT_A_DATE = 'is not a date: use YYYY-MM-DD';

describe('one problem, one message', () => {
  it.each<[string, (c: Raw) => void, string[]]>([
    // The top level.
    ['a misspelt top-level field', (c) => (c.concurency = 2), ['concurency: unknown field — did you mean "concurrency"?']],
    // A misspelt required field: one line, not also the complaint that it is missing.
    [
      'a misspelt range',
      (c) => {
        c.rang = c.range;
        delete (c as Partial<Raw>).range;
      },
      ['rang: unknown field — did you mean "range"?'],
    ],
    [
      'a misspelt date column',
      (c) => {
        c.targets.pcf!.date_col = 'd';
        delete c.targets.pcf!.dateColumn;
      },
      ['targets.pcf.date_col: unknown field — did you mean "dateColumn"?'],
    ],
    // Given both ways, the field keeps its own error.
    ['a misspelt table beside a bad one', (c) => Object.assign(c.targets.pcf!, { tabel: 'x', table: 'a b' }), ['targets.pcf.tabel: unknown field — did you mean "table"?', `targets.pcf.table: ${TABLE}, got "a b"`]],
    ['concurrency 0', (c) => (c.concurrency = 0), ['concurrency: must be a positive integer, got 0']],
    ['concurrency as a string', (c) => (c.concurrency = '4'), ['concurrency: must be a positive integer, got "4"']],
    ['too many retries', (c) => (c.retries = 101), ['retries: must be a whole number from 0 to 100, got 101']],
    ['no targets', (c) => delete (c as Partial<Raw>).targets, [TARGETS]],
    ['an empty targets object', (c) => (c.targets = {}), [TARGETS]],
    ['targets as a list', (c) => (c.targets = [] as never), [TARGETS]],

    // The warehouse.
    ['no warehouse', (c) => delete (c as Partial<Raw>).warehouse, [WAREHOUSE]],
    ['a warehouse without a kind', (c) => (c.warehouse = { path: 'w.db' }), [WAREHOUSE]],
    ['a warehouse as a string', (c) => (c.warehouse = 'sqlite' as never), [WAREHOUSE]],
    ['sqlite without a path', (c) => (c.warehouse = { kind: 'sqlite' }), ['warehouse: sqlite() needs a file path, got undefined']],
    ['sqlite with an empty path', (c) => (c.warehouse = { kind: 'sqlite', path: '' }), ['warehouse: sqlite() needs a file path, got ""']],
    ['sqlite with a number for a path', (c) => (c.warehouse = { kind: 'sqlite', path: 5 }), ['warehouse: sqlite() needs a file path, got 5']],
    ['a misspelt BigQuery field', (c) => (c.warehouse = bigquery({ dataSet: 'x' })), ['warehouse.dataSet: unknown field — did you mean "dataset"?']],
    ['no project id', (c) => (c.warehouse = bigquery({ projectId: undefined })), ['warehouse.projectId: must be a Google Cloud project id, got undefined']],
    ['a project id in capitals', (c) => (c.warehouse = bigquery({ projectId: 'My-Project' })), ['warehouse.projectId: must be a Google Cloud project id, got "My-Project"']],
    ['a project id ending in -', (c) => (c.warehouse = bigquery({ projectId: 'my-project-' })), ['warehouse.projectId: must be a Google Cloud project id, got "my-project-"']],
    ['a project id in a list', (c) => (c.warehouse = bigquery({ projectId: ['my-project'] })), ['warehouse.projectId: must be a Google Cloud project id, got ["my-project"]']],
    ['no location', (c) => (c.warehouse = bigquery({ location: undefined })), [`${LOCATION} undefined`]],
    ['a location with a space', (c) => (c.warehouse = bigquery({ location: 'europe west1' })), [`${LOCATION} "europe west1"`]],
    ['a location as a number', (c) => (c.warehouse = bigquery({ location: 1 })), [`${LOCATION} 1`]],
    ['a dataset with a -', (c) => (c.warehouse = bigquery({ dataset: 'my-dataset' })), ['warehouse.dataset: must be a dataset name, got "my-dataset"']],
    ['a dataset as a boolean', (c) => (c.warehouse = bigquery({ dataset: true })), ['warehouse.dataset: must be a dataset name, got true']],
    ['maximumBytesBilled 0', (c) => (c.warehouse = bigquery({ maximumBytesBilled: 0 })), ['warehouse.maximumBytesBilled: must be a positive integer, got 0']],
    ['fractional maxTableWrites', (c) => (c.warehouse = bigquery({ maxTableWrites: 1.5 })), ['warehouse.maxTableWrites: must be a positive integer, got 1.5']],
    ['an endpoint without a scheme', (c) => (c.warehouse = bigquery({ apiEndpoint: 'localhost:9050' })), ['warehouse.apiEndpoint: must be an http(s) URL, got "localhost:9050"']],
    ['an endpoint after a space', (c) => (c.warehouse = bigquery({ apiEndpoint: ' http://127.0.0.1:9050' })), ['warehouse.apiEndpoint: must be an http(s) URL, got " http://127.0.0.1:9050"']],
    ['an endpoint before a space', (c) => (c.warehouse = bigquery({ apiEndpoint: 'http://127.0.0.1:9050 ' })), ['warehouse.apiEndpoint: must be an http(s) URL, got "http://127.0.0.1:9050 "']],
    ['an endpoint with no host', (c) => (c.warehouse = bigquery({ apiEndpoint: 'http://' })), ['warehouse.apiEndpoint: must be an http(s) URL, got "http://"']],
    ['an endpoint in a list', (c) => (c.warehouse = bigquery({ apiEndpoint: ['http://x'] })), ['warehouse.apiEndpoint: must be an http(s) URL, got ["http://x"]']],
    ['labels as a string', (c) => (c.warehouse = bigquery({ labels: 'env=prod' })), ['warehouse.labels: must be an object of strings, got "env=prod"']],
    ['labels as a list', (c) => (c.warehouse = bigquery({ labels: ['env'] })), ['warehouse.labels: must be an object of strings, got ["env"]']],
    ['a label key starting in capitals', (c) => (c.warehouse = bigquery({ labels: { Env: 'prod' } })), [`warehouse.labels.Env: ${LABEL_KEY}`]],
    ['a label key ending in capitals', (c) => (c.warehouse = bigquery({ labels: { envX: 'prod' } })), [`warehouse.labels.envX: ${LABEL_KEY}`]],
    ['a label key starting with a digit', (c) => (c.warehouse = bigquery({ labels: { '1env': 'prod' } })), [`warehouse.labels.1env: ${LABEL_KEY}`]],
    ['a label key of 64 characters', (c) => (c.warehouse = bigquery({ labels: { ['k'.repeat(64)]: 'v' } })), [`warehouse.labels.${'k'.repeat(64)}: ${LABEL_KEY}`]],
    ['a label value in capitals', (c) => (c.warehouse = bigquery({ labels: { env: 'Prod' } })), ['warehouse.labels.env: a label value is lowercase letters, digits, _ and -, got "Prod"']],
    ['a label value ending in capitals', (c) => (c.warehouse = bigquery({ labels: { env: 'prodX' } })), ['warehouse.labels.env: a label value is lowercase letters, digits, _ and -, got "prodX"']],
    ['a label value as a number', (c) => (c.warehouse = bigquery({ labels: { env: 3 } })), ['warehouse.labels.env: a label value is lowercase letters, digits, _ and -, got 3']],
    ['a label value of 64 characters', (c) => (c.warehouse = bigquery({ labels: { env: 'v'.repeat(64) } })), [`warehouse.labels.env: a label value is lowercase letters, digits, _ and -, got "${'v'.repeat(64)}"`]],
    // A broken warehouse is not also blamed on every table that needs its dataset.
    ['a bad BigQuery warehouse with no dataset', (c) => (c.warehouse = bigquery({ dataset: undefined, location: 'eu west' })), [`${LOCATION} "eu west"`]],

    // The range.
    ['no range', (c) => delete (c as Partial<Raw>).range, ["range: must be { start: 'YYYY-MM-DD', end: 'YYYY-MM-DD' }"]],
    ['a range as a string', (c) => (c.range = '2024' as never), ["range: must be { start: 'YYYY-MM-DD', end: 'YYYY-MM-DD' }"]],
    ['a range start that is no date, and nothing more', (c) => (c.range.start = 'soon'), [`range.start: "soon" ${NOT_A_DATE}`]],
    ['a range without an end', (c) => delete c.range.end, [`range.end: undefined ${NOT_A_DATE}`]],

    // The calendar.
    ['an unknown calendar word', (c) => (c.calendar = 'weekly'), ['calendar: must be \'daily\', a list of dates or { table, dateColumn }, got "weekly"']],
    ['a calendar as a number', (c) => (c.calendar = 7), ["calendar: must be 'daily', a list of dates or { table, dateColumn }, got 7"]],
    ['a calendar whose first date is bad', (c) => (c.calendar = ['x', '2024-01-02']), [`calendar[0]: "x" ${NOT_A_DATE}`]],
    ['a calendar whose second date is bad', (c) => (c.calendar = ['2024-01-02', 'x']), [`calendar[1]: "x" ${NOT_A_DATE}`]],
    ['a calendar table without a date column', (c) => (c.calendar = { table: 'games' }), ['calendar.dateColumn: must be a column name, got undefined']],
    ['a calendar date column without a table', (c) => (c.calendar = { dateColumn: 'd' }), ['calendar.table: must be a table name, got undefined']],
    [
      'a calendar table and column with spaces',
      (c) => (c.calendar = { table: 'my games', dateColumn: 'game date' }),
      ['calendar.table: must be a table name, got "my games"', 'calendar.dateColumn: must be a column name, got "game date"'],
    ],
    [
      'a calendar table and column in lists',
      (c) => (c.calendar = { table: ['games'], dateColumn: ['d'] }),
      ['calendar.table: must be a table name, got ["games"]', 'calendar.dateColumn: must be a column name, got ["d"]'],
    ],

    // A target's name and shape.
    ['a target name starting with a digit', (c) => (c.targets['1x'] = { table: 'x1', dateColumn: 'd', run }), ['targets.1x: a target name must start with a letter and hold only letters, digits, _ and -']],
    ['a target name with a dot', (c) => (c.targets['a.b'] = { table: 'ab', dateColumn: 'd', run }), ['targets.a.b: a target name must start with a letter and hold only letters, digits, _ and -']],
    ['a target that is a string', (c) => (c.targets.psza = 'job.sh' as never), ['targets.psza: must be an object with table, dateColumn and run']],

    // Dependencies.
    ['deps as a string', (c) => (c.targets.pcf!.deps = 'psza'), ['targets.pcf.deps: must be a list of target names']],
    ['a dependency that is a number', (c) => (c.targets.pcf!.deps = [42]), ['targets.pcf.deps[0]: must be a target name or { target, lookback }, got 42']],
    ['a dependency without a target', (c) => (c.targets.pcf!.deps = [{ lookback: 1 }]), ['targets.pcf.deps[0]: must be a target name or { target, lookback }, got {"lookback":1}']],
    ['a dependency listed twice', (c) => (c.targets.pcf!.deps = ['psza', { target: 'psza', lookback: 2 }]), ['targets.pcf.deps[1]: "psza" is listed twice']],
    ['a lookback as a string', (c) => (c.targets.pcf!.deps = [{ target: 'psza', lookback: '2' }]), ['targets.pcf.deps[0].lookback: must be a whole number of days (0 or more), got "2"']],
    ['a null lookback', (c) => (c.targets.pcf!.deps = [{ target: 'psza', lookback: null }]), ['targets.pcf.deps[0].lookback: must be a whole number of days (0 or more), got null']],

    // What a target writes.
    ['files and a table', (c) => (c.targets.pcf = { files: 'out/{date}.json', table: 'pcf_t', run }), ['targets.pcf: give either files or table and dateColumn, not both']],
    ['files and a date column', (c) => (c.targets.pcf = { files: 'out/{date}.json', dateColumn: 'd', run }), ['targets.pcf: give either files or table and dateColumn, not both']],
    ['files as a number', (c) => (c.targets.pcf = { files: 5, run }), ['targets.pcf.files: must be a path pattern containing {date}, got 5']],
    ['no table', (c) => delete c.targets.pcf!.table, [`targets.pcf.table: ${TABLE}, got undefined`]],
    ['a table name in quotes', (c) => (c.targets.pcf!.table = 'my "t"'), [`targets.pcf.table: ${TABLE}, got "my "t""`]],
    ['no date column', (c) => delete c.targets.pcf!.dateColumn, ['targets.pcf.dateColumn: must be a column name, got undefined']],
    ['a date column with a space', (c) => (c.targets.pcf!.dateColumn = 'game date'), ['targets.pcf.dateColumn: must be a column name, got "game date"']],
    ['a date column starting with a digit', (c) => (c.targets.pcf!.dateColumn = '1d'), ['targets.pcf.dateColumn: must be a column name, got "1d"']],
    ['a date column in a list', (c) => (c.targets.pcf!.dateColumn = ['d']), ['targets.pcf.dateColumn: must be a column name, got ["d"]']],
    // A target whose output is broken, or a config with no warehouse, gets no follow-on errors about its SQL.
    ['a bad table with sql', (c) => (c.targets.pcf = { table: 'pcf t', dateColumn: 'd', sql: select }), [`targets.pcf.table: ${TABLE}, got "pcf t"`]],
    ['no warehouse, with a sql target', (c) => {
      delete (c as Partial<Raw>).warehouse;
      c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', sql: select };
    }, [WAREHOUSE]],
    [
      'on BigQuery without a default dataset, a table without one',
      (c) => {
        c.warehouse = bigquery({ dataset: undefined });
        c.targets.psza!.table = 'nba.psza_t';
      },
      ['targets.pcf.table: "pcf_t": name its dataset (dataset.table) or set warehouse.dataset'],
    ],

    // What a target does.
    ['run and sql', (c) => (c.targets.pcf!.sql = select), ['targets.pcf: give either run (a command) or sql (a SELECT), not both']],
    ['sql for files', (c) => (c.targets.pcf = { files: 'out/{date}.json', sql: select }), ['targets.pcf.sql: a files target needs a command (run) to write its files']],
    ['blank sql', (c) => (c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', sql: '  ' }), ['targets.pcf.sql: must be a SELECT for the dates @start..@end, got "  "']],
    ['sql as a number', (c) => (c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', sql: 5 }), ['targets.pcf.sql: must be a SELECT for the dates @start..@end, got 5']],
    ...['WHERE d >= @start', 'WHERE d <= @end', 'WHERE d BETWEEN @start_date AND @end'].map((where): [string, (c: Raw) => void, string[]] => [
      `sql ${where}`,
      (c) => (c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', sql: `SELECT d FROM x ${where}` }),
      ['targets.pcf.sql: must select only the dates @start..@end (e.g. WHERE game_date BETWEEN @start AND @end)'],
    ]),
    // `#` starts a comment on BigQuery only: on SQLite the `;` after it ends a statement.
    ['a # and a ; in SQLite', (c) => (c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', sql: `${select} # x; DELETE FROM x` }), ['targets.pcf.sql: must be one SELECT, got 2 statements']],
    ['a run whose program is empty', (c) => (c.targets.pcf!.run = ['', '{start}']), ['targets.pcf.run[0]: must be a non-empty string, got ""']],
    ['a run whose program is a number', (c) => (c.targets.pcf!.run = [5]), ['targets.pcf.run[0]: must be a non-empty string, got 5']],
    ['a run argument that is a number', (c) => (c.targets.pcf!.run = ['job', 5]), ['targets.pcf.run[1]: must be a string, got 5']],
    ['no run', (c) => delete c.targets.pcf!.run, ['targets.pcf.run: must be a non-empty argv array']],
    // Other tools' names for a field are named, once: not also blamed as a missing run.
    [
      'the command under "command"',
      (c) => {
        c.targets.pcf!.command = c.targets.pcf!.run;
        delete c.targets.pcf!.run;
      },
      ['targets.pcf.command: unknown field — did you mean "run"?'],
    ],
    ['the inputs under "dependsOn"', (c) => (c.targets.pcf!.dependsOn = ['psza']), ['targets.pcf.dependsOn: unknown field — did you mean "deps"?']],
    ['exclude as a date', (c) => (c.targets.pcf!.exclude = '2024-01-05'), ['targets.pcf.exclude: must be a list of dates or a function (date) => boolean, got "2024-01-05"']],
    ['a target with too many retries', (c) => (c.targets.pcf!.retries = -1), ['targets.pcf.retries: must be a whole number from 0 to 100, got -1']],
    ['bisect as a word', (c) => (c.targets.pcf!.bisect = 'no'), ['targets.pcf.bisect: must be true or false, got "no"']],

    // Outputs shared between targets.
    [
      'two targets, one files pattern spelt two ways',
      (c) => {
        c.targets.pcf = { files: './out/{date}.json', run, deps: ['psza'] };
        c.targets.psza = { files: 'out/{date}.json', run };
      },
      ['targets.psza: writes out/{date}.json, which targets.pcf writes too'],
    ],
    [
      'on BigQuery, one table with and without its dataset',
      (c) => {
        c.warehouse = bigquery();
        c.targets.pcf!.table = 'nba.psza_t';
      },
      ['targets.psza: writes psza_t, which targets.pcf writes too'],
    ],
  ])('%s', (_, change, expected) => {
    expect(errorsOf(change)).toEqual(expected);
  });
});

describe('accepted as written', () => {
  it('every field of a SQLite config', () => {
    const config = configOf((c) => {
      Object.assign(c, { calendar: 'daily', concurrency: 8, retries: 2, retryDelay: '5s', timeout: '1h' });
      c.targets.pcf = {
        table: 'pcf_t',
        dateColumn: 'game_date',
        deps: [{ target: 'zeta', lookback: 10_000 }, { target: 'psza' }],
        run: ['job', ''],
        shard: 3,
        concurrency: 2,
        exclude: ['2024-01-05'],
        retries: 1,
        retryDelay: 30,
        timeout: '90s',
        bisect: false,
        minRows: 400,
        check: 'SELECT game_date FROM pcf_t WHERE game_date BETWEEN @start AND @end AND v IS NULL;',
      };
      c.targets.zeta = { files: 'out/{date}.json', run };
    });
    expect(config.concurrency).toBe(8);
    expect(config.calendar).toEqual({ kind: 'daily' });
    const { isExcluded, ...pcf } = config.targets.get('pcf')!;
    expect(pcf).toEqual({
      name: 'pcf',
      output: { kind: 'table', table: 'pcf_t', dateColumn: 'game_date' },
      label: 'pcf_t',
      // Sorted by name, and a missing lookback is the same date.
      deps: [
        { target: 'psza', lookback: 0 },
        { target: 'zeta', lookback: 10_000 },
      ],
      action: { kind: 'command', run: ['job', ''] },
      shard: 3,
      concurrency: 2,
      retries: 1,
      retryDelayMs: 30_000,
      timeoutMs: 90_000,
      bisect: false,
      // The check without its trailing ;, as it is sent.
      checks: { minRows: 400, sql: 'SELECT game_date FROM pcf_t WHERE game_date BETWEEN @start AND @end AND v IS NULL' },
    });
    expect([isExcluded('2024-01-04'), isExcluded('2024-01-05')]).toEqual([false, true]);
    const zeta = config.targets.get('zeta')!;
    expect([zeta.output, zeta.label]).toEqual([{ kind: 'files', pattern: 'out/{date}.json' }, 'out/{date}.json']);
    const psza = config.targets.get('psza')!;
    expect({ retries: psza.retries, retryDelayMs: psza.retryDelayMs, timeoutMs: psza.timeoutMs, bisect: psza.bisect }).toEqual({
      retries: 2,
      retryDelayMs: 5_000,
      timeoutMs: 3_600_000,
      bisect: true,
    });
  });

  it('defaults: concurrency 4, a daily calendar, no exclusions, one step for the whole run', () => {
    const config = configOf(() => {});
    expect([config.concurrency, config.calendar]).toEqual([4, { kind: 'daily' }]);
    const psza = config.targets.get('psza')!;
    expect([psza.isExcluded('2024-01-01'), psza.shard, psza.concurrency]).toEqual([false, Number.POSITIVE_INFINITY, undefined]);
  });

  it('every field of a BigQuery warehouse', () => {
    const warehouse = bigquery({
      location: 'europe-west1',
      maximumBytesBilled: 1_000_000_000,
      labels: { env: 'prod', team_x: '', ['k'.repeat(63)]: 'v'.repeat(63) },
      apiEndpoint: 'http://127.0.0.1:9050',
      maxTableWrites: 2,
    });
    expect(configOf((c) => (c.warehouse = warehouse)).warehouse).toEqual(warehouse);
  });

  it.each<[string, unknown, unknown]>([
    ['a list of dates, sorted and without repeats', ['2024-01-03', '2024-01-01', '2024-01-03'], { kind: 'dates', dates: ['2024-01-01', '2024-01-03'] }],
    ['a table and its date column', { table: 'nba.games', dateColumn: 'game_date' }, { kind: 'table', table: 'nba.games', dateColumn: 'game_date' }],
  ])('a calendar as %s', (_, calendar, expected) => {
    expect(configOf((c) => (c.calendar = calendar)).calendar).toEqual(expected);
  });

  it('two files targets with distinct patterns', () => {
    const config = configOf((c) => {
      c.targets.pcf = { files: 'out/pcf/{date}.json', run, deps: ['psza'] };
      c.targets.psza = { files: 'out/psza/{date}.json', run };
    });
    expect([...config.targets.values()].map((t) => t.label).sort()).toEqual(['out/pcf/{date}.json', 'out/psza/{date}.json']);
  });

  it('a range of one day', () => {
    expect(configOf((c) => (c.range = { start: '2024-01-05', end: '2024-01-05' })).range).toEqual({ start: '2024-01-05', end: '2024-01-05' });
  });

  it.each<[string, Fields, string, string]>([
    // The comment stays inside the statement: only statements of nothing but comments are dropped.
    ['a # comment on BigQuery', bigquery(), `${select} # x; DELETE FROM x`, `${select} # x; DELETE FROM x`],
    ["a ; in BigQuery's backslash-escaped string", bigquery(), `${select} AND s = 'a\\';b'`, `${select} AND s = 'a\\';b'`],
    ['a ; in a SQLite [quoted] name', { kind: 'sqlite', path: 'w.db' }, `SELECT [a;b] FROM x WHERE d BETWEEN @start AND @end`, 'SELECT [a;b] FROM x WHERE d BETWEEN @start AND @end'],
  ])('one SELECT with %s', (_, warehouse, sql, kept) => {
    const config = configOf((c) => {
      c.warehouse = warehouse;
      c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', sql };
    });
    expect(config.targets.get('pcf')?.action).toEqual({ kind: 'sql', sql: kept });
  });

  it.each<[string, Fields, string, string]>([
    ['SQLite tables', { kind: 'sqlite', path: 'w.db' }, 'psza_t', 'pcf_t'],
    ['BigQuery tables of two datasets', bigquery(), 'psza_t', 'stats.psza_t'],
    ['BigQuery tables of two projects', bigquery(), 'nba.psza_t', 'other-project.nba.psza_t'],
    ['BigQuery tables that differ only in where the dot is', bigquery(), 'ab.c', 'a.bc'],
  ])('two %s with distinct names', (_, warehouse, psza, pcf) => {
    const config = configOf((c) => {
      c.warehouse = warehouse;
      c.targets.psza!.table = psza;
      c.targets.pcf!.table = pcf;
    });
    expect([...config.targets.values()].map((t) => t.label).sort()).toEqual([pcf, psza].sort());
  });
});
