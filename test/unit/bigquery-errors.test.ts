import { describe, expect, it } from 'vitest';
import { explainBigQueryError } from '../../src/warehouse/bigquery/errors.js';
import { ATTEMPTS, defaultBackoff, retrying } from '../../src/warehouse/bigquery/retry.js';

/** An error shaped like the client library's ApiError. */
const apiError = (code: number | undefined, reason: string, message: string) =>
  Object.assign(new Error(message), { code, errors: [{ reason, message }] });

describe('explainBigQueryError', () => {
  it.each<[string, unknown, { message: RegExp; config: boolean; retry: boolean }]>([
    [
      'a request without credentials (401)',
      apiError(401, 'required', 'Request is missing required authentication credential.'),
      { message: /^reading x: no Google credentials: run `gcloud auth application-default login`/, config: true, retry: false },
    ],
    [
      'a 403 that names its permission',
      apiError(403, 'accessDenied', 'Access Denied: Table p:d.t: Permission bigquery.tables.get denied on table p:d.t'),
      { message: /access denied: needs bigquery\.tables\.get/, config: true, retry: false },
    ],
    [
      'a 403 that does not: the call says what it needs',
      apiError(403, 'accessDenied', 'Access Denied: Project p: User does not have permission in project p.'),
      { message: /access denied: needs bigquery\.jobs\.create/, config: true, retry: false },
    ],
    [
      'a job-level rate limit (no HTTP code)',
      apiError(undefined, 'rateLimitExceeded', 'Exceeded rate limits: too many table update operations for this table'),
      { message: /rate limit/, config: false, retry: true },
    ],
    [
      'a job that failed after running: 403 rateLimitExceeded from getQueryResults',
      apiError(403, 'rateLimitExceeded', 'Exceeded rate limits: too many table update operations for this table'),
      { message: /^reading x: rate limit: Exceeded rate limits/, config: false, retry: true },
    ],
    ['HTTP 503 backendError', apiError(503, 'backendError', 'Backend error'), { message: /^reading x: BigQuery failed \(HTTP 503\): Backend error$/, config: false, retry: true }],
    ['HTTP 500 without a reason', apiError(500, '', 'Internal error'), { message: /HTTP 500/, config: false, retry: true }],
    ['HTTP 429', apiError(429, '', 'Too many requests'), { message: /HTTP 429/, config: false, retry: true }],
    ['a job-level backendError (no HTTP code)', apiError(undefined, 'backendError', 'Backend error'), { message: /BigQuery failed: Backend error/, config: false, retry: true }],
    [
      'a connection reset on the way',
      Object.assign(new Error('request to https://bigquery.googleapis.com/ failed, reason: socket hang up'), { code: 'ECONNRESET' }),
      { message: /socket hang up/, config: false, retry: true },
    ],
    [
      'a refused connection: a wrong endpoint, not worth waiting for',
      Object.assign(new Error('request to http://127.0.0.1:1/ failed, reason: connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      { message: /ECONNREFUSED/, config: false, retry: false },
    ],
    [
      'quotaExceeded: retrying would not help today',
      apiError(403, 'quotaExceeded', 'Quota exceeded: Your table exceeded quota for Number of partition modifications'),
      { message: /quota exceeded: .* — wait for the quota to refill, then re-run/, config: false, retry: false },
    ],
    [
      'the bytes cap',
      apiError(400, 'bytesBilledLimitExceeded', 'Query exceeded limit for bytes billed: 1000. 10485760 or higher required.'),
      { message: /would bill at least 10485760 bytes, over the cap of 1000: raise warehouse\.maximumBytesBilled/, config: true, retry: false },
    ],
  ])('%s', (_, error, expected) => {
    const explained = explainBigQueryError(error, 'reading x', 'bigquery.jobs.create');
    expect(explained.message).toMatch(expected.message);
    expect({ config: explained.config, retry: explained.retry }).toEqual({ config: expected.config, retry: expected.retry });
  });
});

describe('retry policy', () => {
  it('waits 1 s, 2 s, 4 s and 8 s, each plus up to half of it in jitter; BFTASK_BIGQUERY_BACKOFF_MS sets the first wait', () => {
    const waits = (env: NodeJS.ProcessEnv) => [0, 1, 2, 3].map(defaultBackoff(env));
    waits({}).forEach((ms, n) => {
      expect(ms).toBeGreaterThanOrEqual(1000 * 2 ** n);
      expect(ms).toBeLessThanOrEqual(1500 * 2 ** n);
    });
    waits({ BFTASK_BIGQUERY_BACKOFF_MS: '0' }).forEach((ms) => expect(ms).toBe(0));
    waits({ BFTASK_BIGQUERY_BACKOFF_MS: 'soon' }).forEach((ms, n) => expect(ms).toBeGreaterThanOrEqual(1000 * 2 ** n));
  });

  it(`tries ${ATTEMPTS} times what is worth retrying, once what is not, and says how many tries it took`, async () => {
    const run = async (error: Error) => {
      let tries = 0;
      const waits: (number | undefined)[] = [];
      const attempt = await retrying(
        async () => {
          tries++;
          throw error;
        },
        (e) => explainBigQueryError(e, 'reading x'),
        { backoffMs: (n) => n, onFailure: (_, wait) => waits.push(wait) },
      );
      return { tries, waits, message: 'failure' in attempt ? attempt.failure.message : undefined };
    };
    expect(await run(apiError(503, 'backendError', 'Backend error'))).toEqual({
      tries: 5,
      waits: [0, 1, 2, 3, undefined],
      message: 'reading x: BigQuery failed (HTTP 503): Backend error (gave up after 5 tries)',
    });
    expect(await run(apiError(404, 'notFound', 'Not found: Dataset p:d'))).toEqual({ tries: 1, waits: [undefined], message: 'reading x: not found: Dataset p:d' });
  });
});
