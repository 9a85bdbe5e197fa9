import { describe, expect, it } from 'vitest';
import { explainBigQueryError } from '../../src/warehouse/bigquery/errors.js';

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
