import { describe, expect, it } from 'vitest';
import { validating, type Fields, type Raw } from './validating.js';
import { limitsOf } from '../../src/plan/limits.js';

/**
 * `runners` and a target's `runner`, and the retry policy (`retries`, `retryDelay`, `timeout`)
 * at its edges: one bad value, exactly one message; a good one comes out as written.
 */


const run = ['job', '{start}', '{end}'];
const cloud = (fields: Fields = {}): Fields => ({ kind: 'cloud-run-job', projectId: 'my-project', location: 'us-west2', job: 'backfill', ...fields });
const base = (): Raw => ({
  warehouse: { kind: 'bigquery', projectId: 'my-project', location: 'US', dataset: 'nba' },
  range: { start: '2024-01-01', end: '2024-01-31' },
  targets: {
    psza: { table: 'psza_t', dateColumn: 'd', run },
    pcf: { table: 'pcf_t', dateColumn: 'd', run, deps: ['psza'] },
  },
});

const { errorsOf, configOf } = validating(base);

const RUNNER = 'must be a runner such as cloudRunJob({ projectId, location, job })';

describe('runners: one problem, one message', () => {
  it.each<[string, (c: Raw) => void, string[]]>([
    ['runners as a list', (c) => (c.runners = [cloud()]), ['runners: must be an object of runners such as { cloud: cloudRunJob({...}) }, got [{"kind":"cloud-run-job","projectId":"my-project","location":"us-west2","job":"backfill"}]']],
    ['a runner that is a string', (c) => (c.runners = { cloud: 'cloud-run' }), [`runners.cloud: ${RUNNER}, got "cloud-run"`]],
    ['a runner of another kind', (c) => (c.runners = { cloud: { ...cloud(), kind: 'k8s' } }), [`runners.cloud: ${RUNNER}, got {"kind":"k8s","projectId":"my-project","location":"us-west2","job":"backfill"}`]],
    ['a misspelt runner field', (c) => (c.runners = { cloud: cloud({ projectID: 'my-project' }) }), ['runners.cloud.projectID: unknown field — did you mean "projectId"?']],
    ['a project id in capitals', (c) => (c.runners = { cloud: cloud({ projectId: 'My-Project' }) }), ['runners.cloud.projectId: must be a Google Cloud project id, got "My-Project"']],
    ['a project id too short', (c) => (c.runners = { cloud: cloud({ projectId: 'abcd' }) }), ['runners.cloud.projectId: must be a Google Cloud project id, got "abcd"']],
    ['a multi-region location', (c) => (c.runners = { cloud: cloud({ location: 'US' }) }), ['runners.cloud.location: must be a Cloud Run region such as "us-west2", got "US"']],
    ['a zone, not a region', (c) => (c.runners = { cloud: cloud({ location: 'us-west2-a' }) }), ['runners.cloud.location: must be a Cloud Run region such as "us-west2", got "us-west2-a"']],
    ['a job with capitals', (c) => (c.runners = { cloud: cloud({ job: 'Backfill' }) }), ['runners.cloud.job: must be a Cloud Run job name (lowercase letters, digits, -), got "Backfill"']],
    ['a job ending in -', (c) => (c.runners = { cloud: cloud({ job: 'backfill-' }) }), ['runners.cloud.job: must be a Cloud Run job name (lowercase letters, digits, -), got "backfill-"']],
    ['concurrency 0', (c) => (c.runners = { cloud: cloud({ concurrency: 0 }) }), ['runners.cloud.concurrency: must be a positive integer, got 0']],
    ['an endpoint without a scheme', (c) => (c.runners = { cloud: cloud({ apiEndpoint: 'localhost:8080' }) }), ['runners.cloud.apiEndpoint: must be an http(s) URL, got "localhost:8080"']],
    ['a timeout of 0', (c) => (c.runners = { cloud: cloud({ timeout: 0 }) }), ["runners.cloud.timeout: must be seconds or a duration such as '30m', got 0"]],
    ['a timeout in words', (c) => (c.runners = { cloud: cloud({ timeout: '2 hours' }) }), ["runners.cloud.timeout: must be seconds or a duration such as '30m', got \"2 hours\""]],
    // A broken runner is named once, not again by the target that uses it.
    ['a target on a broken runner', (c) => {
      c.runners = { cloud: cloud({ job: 'Backfill' }) };
      c.targets.pcf!.runner = 'cloud';
    }, ['runners.cloud.job: must be a Cloud Run job name (lowercase letters, digits, -), got "Backfill"']],
    // A misspelt required field is one mistake: not also "job is missing".
    ['a misspelt job field', (c) => {
      const { job: _, ...rest } = cloud();
      c.runners = { cloud: { ...rest, jobName: 'backfill' } };
    }, ['runners.cloud.jobName: unknown field — did you mean "job"?']],
    ['a runner no one declared', (c) => (c.targets.pcf!.runner = 'cloud'), ['targets.pcf.runner: unknown runner "cloud": declare it in runners, e.g. runners: { cloud: cloudRunJob({...}) }']],
    ['a misspelt runner name', (c) => {
      c.runners = { cloud: cloud() };
      c.targets.pcf!.runner = 'clud';
    }, ['targets.pcf.runner: unknown runner "clud" — did you mean "cloud"?']],
    ['a runner name far from any', (c) => {
      c.runners = { cloud: cloud(), batch: cloud({ job: 'other' }) };
      c.targets.pcf!.runner = 'kubernetes';
    }, ['targets.pcf.runner: unknown runner "kubernetes" (runners: cloud, batch)']],
    ['a SQL target on a runner', (c) => {
      c.runners = { cloud: cloud() };
      c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', deps: ['psza'], sql: 'SELECT d FROM psza_t WHERE d BETWEEN @start AND @end', runner: 'cloud' };
    }, ['targets.pcf.runner: only command targets (run) run on a runner; a SQL target runs in the warehouse']],
    ['a SQLite warehouse with a runner in the cloud', (c) => {
      c.warehouse = { kind: 'sqlite', path: 'w.db' };
      c.runners = { cloud: cloud() };
      c.targets.pcf!.runner = 'cloud';
    }, ['targets.pcf.runner: "cloud" runs steps on Cloud Run, which cannot reach the SQLite file w.db: use a BigQuery warehouse']],
    ['a SQLite warehouse with a runner at a remote endpoint', (c) => {
      c.warehouse = { kind: 'sqlite', path: 'w.db' };
      c.runners = { cloud: cloud({ apiEndpoint: 'https://run.example.com' }) };
      c.targets.pcf!.runner = 'cloud';
    }, ['targets.pcf.runner: "cloud" runs steps on Cloud Run, which cannot reach the SQLite file w.db: use a BigQuery warehouse']],
  ])('%s', (_, change, expected) => {
    expect(errorsOf(change)).toEqual(expected);
  });
});

describe('runners: accepted as written', () => {
  it('every field, with defaults where a runner says nothing', () => {
    const config = configOf((c) => {
      c.runners = {
        cloud: cloud({ concurrency: 40, apiEndpoint: 'https://run.googleapis.com', timeout: '1h' }),
        small: cloud({ projectId: 'p-1234', location: 'europe-west1', job: 'b' }),
      };
      c.targets.pcf!.runner = 'cloud';
    });
    expect(config.runners.get('cloud')).toEqual({
      ...cloud({ concurrency: 40, apiEndpoint: 'https://run.googleapis.com', timeout: '1h' }),
      name: 'cloud',
      slots: 40,
      timeoutMs: 3_600_000,
    });
    expect(config.runners.get('small')).toEqual({ ...cloud({ projectId: 'p-1234', location: 'europe-west1', job: 'b' }), name: 'small', slots: 10, timeoutMs: undefined });
    expect([config.targets.get('pcf')?.runner, config.targets.get('psza')?.runner]).toEqual(['cloud', undefined]);
  });

  it('a SQLite warehouse with a runner on this machine (an emulator, a test)', () => {
    for (const apiEndpoint of ['http://127.0.0.1:8123', 'http://localhost:8123']) {
      const config = configOf((c) => {
        c.warehouse = { kind: 'sqlite', path: 'w.db' };
        c.runners = { cloud: cloud({ apiEndpoint }) };
        c.targets.pcf!.runner = 'cloud';
      });
      expect(config.targets.get('pcf')?.runner).toBe('cloud');
    }
  });
});

describe('the retry policy at its edges', () => {
  it.each<[string, (c: Raw) => void, string[]]>([
    ['retries 100 is the most', (c) => (c.retries = 100), []],
    ['retries 101', (c) => (c.retries = 101), ['retries: must be a whole number from 0 to 100, got 101']],
    ['retries 0 is allowed', (c) => (c.retries = 0), []],
    ['retries -1', (c) => (c.retries = -1), ['retries: must be a whole number from 0 to 100, got -1']],
    ['retries 1.5', (c) => (c.retries = 1.5), ['retries: must be a whole number from 0 to 100, got 1.5']],
    ['retryDelay 0 is allowed (retry at once)', (c) => (c.retryDelay = 0), []],
    ['retryDelay in words', (c) => (c.retryDelay = 'soon'), ["retryDelay: must be seconds or a duration such as '10s', '5m', got \"soon\""]],
    ['retryDelay negative', (c) => (c.targets.pcf!.retryDelay = -5), ["targets.pcf.retryDelay: must be seconds or a duration such as '10s', '5m', got -5"]],
    ['timeout 0', (c) => (c.timeout = 0), ["timeout: must be a positive number of seconds or a duration such as '90s', '30m', '2h', got 0"]],
    ["timeout '0s'", (c) => (c.targets.pcf!.timeout = '0s'), ["targets.pcf.timeout: must be a positive number of seconds or a duration such as '90s', '30m', '2h', got \"0s\""]],
    ['timeout as a list', (c) => (c.timeout = ['1h']), ["timeout: must be a positive number of seconds or a duration such as '90s', '30m', '2h', got [\"1h\"]"]],
  ])('%s', (_, change, expected) => {
    expect(errorsOf(change)).toEqual(expected);
  });

  it('defaults: no retries, 10 s between them, no timeout, bisection on; a target overrides the top level', () => {
    const plain = configOf(() => {}).targets.get('psza')!;
    expect([plain.retries, plain.retryDelayMs, plain.timeoutMs, plain.bisect]).toEqual([0, 10_000, undefined, true]);
    const config = configOf((c) => {
      Object.assign(c, { retries: 3, retryDelay: '1m', timeout: 60 });
      Object.assign(c.targets.pcf!, { retries: 0, retryDelay: 0, timeout: '1h30m' });
    });
    const psza = config.targets.get('psza')!;
    const pcf = config.targets.get('pcf')!;
    expect([psza.retries, psza.retryDelayMs, psza.timeoutMs]).toEqual([3, 60_000, 60_000]);
    expect([pcf.retries, pcf.retryDelayMs, pcf.timeoutMs]).toEqual([0, 0, 5_400_000]);
  });
});

describe('pools and freshness', () => {
  it.each<[string, (c: Raw) => void, string[]]>([
    ['pools as a list', (c) => (c.pools = ['bigquery']), ['pools: must be an object of pool names and sizes, got ["bigquery"]']],
    ['a pool of size 0', (c) => (c.pools = { bigquery: 0, api: 2 }), ['pools.bigquery: must be a positive integer, got 0']],
    ['a pool no one declared', (c) => (c.targets.pcf!.pool = 'bigquery'), ['targets.pcf.pool: there is no pool "bigquery": declare it in pools, e.g. pools: { bigquery: 4 }']],
    ['an undeclared pool whose name is no word', (c) => (c.targets.pcf!.pool = 'big query'), ['targets.pcf.pool: there is no pool "big query": declare it in pools, e.g. pools: { bigquery: 4 }']],
    ['a pool given as a number', (c) => (c.targets.pcf!.pool = 4), ['targets.pcf.pool: there is no pool 4: declare it in pools, e.g. pools: { bigquery: 4 }']],
    ['a misspelt pool', (c) => {
      c.pools = { bigquery: 4 };
      c.targets.pcf!.pool = 'bigqeury';
    }, ['targets.pcf.pool: unknown pool "bigqeury" — did you mean "bigquery"?']],
    ['a pool far from any', (c) => {
      c.pools = { bigquery: 4, api: 2 };
      c.targets.pcf!.pool = 'slots';
    }, ['targets.pcf.pool: unknown pool "slots" (pools: bigquery, api)']],
    ['freshness as a word it does not know', (c) => (c.freshness = 'mtime'), ["freshness: must be 'timestamps' or 'presence', got \"mtime\""]],
    ['freshness as a boolean', (c) => (c.freshness = false), ["freshness: must be 'timestamps' or 'presence', got false"]],
    // The SELECT under another tool's name: one line, not also "run is missing".
    ['the SELECT under "query"', (c) => (c.targets.pcf = { table: 'pcf_t', dateColumn: 'd', deps: ['psza'], query: 'SELECT d FROM psza_t' }), ['targets.pcf.query: unknown field — did you mean "sql"?']],
  ])('%s', (_, change, expected) => {
    expect(errorsOf(change)).toEqual(expected);
  });

  it('accepted: pools with their targets, both freshness words, timestamps by default', () => {
    const config = configOf((c) => {
      c.pools = { bigquery: 4, api: 1 };
      c.targets.pcf!.pool = 'bigquery';
      c.freshness = 'presence';
    });
    expect([...config.pools]).toEqual([['bigquery', 4], ['api', 1]]);
    expect([config.targets.get('pcf')?.pool, config.targets.get('psza')?.pool]).toEqual(['bigquery', undefined]);
    expect(config.freshness).toBe('presence');
    expect(configOf((c) => (c.freshness = 'timestamps')).freshness).toBe('timestamps');
    expect(configOf(() => {}).freshness).toBe('timestamps');
  });
});

describe('limitsOf: the bounds a run starts steps within, as the scheduler and the ETA read them', () => {
  it('the global bound, each target with a bound of its own, pools and runners\' slots', () => {
    const config = configOf((c) => {
      c.pools = { bigquery: 4 };
      c.runners = { cloud: cloud({ concurrency: 40 }) };
      c.targets.psza!.concurrency = 2;
      c.targets.pcf!.pool = 'bigquery';
      c.targets.third = { table: 'third_t', dateColumn: 'd', run, runner: 'cloud' };
      c.targets.plain = { table: 'plain_t', dateColumn: 'd', run };
    });
    const limits = limitsOf(config, 3);
    expect(limits.concurrency).toBe(3);
    expect(Object.fromEntries(limits.targets ?? [])).toEqual({
      psza: { concurrency: 2, pool: undefined, runner: undefined },
      pcf: { concurrency: undefined, pool: 'bigquery', runner: undefined },
      third: { concurrency: undefined, pool: undefined, runner: 'cloud' },
    });
    expect([...(limits.pools ?? [])]).toEqual([['bigquery', 4]]);
    expect([...(limits.runners ?? [])]).toEqual([['cloud', 40]]);
  });
});
