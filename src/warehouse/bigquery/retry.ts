/**
 * bftask's one retry policy for BigQuery, for reads and writes alike. The client library's own
 * retries are off (see client.ts): its waits (1-5 s each, fixed) could neither be cut short by
 * Ctrl-C nor shortened by tests, and a retry it hid was one bftask could not log.
 */
import type { Explained } from './errors.js';

/** Tries per request: the first and four retries. */
export const ATTEMPTS = 5;

/**
 * Waits before retry n (0-based): 1 s, 2 s, 4 s, 8 s, each plus up to half again of jitter.
 * BFTASK_BIGQUERY_BACKOFF_MS sets the first wait, for emulators and tests.
 */
export function defaultBackoff(env: NodeJS.ProcessEnv = process.env): (attempt: number) => number {
  const configured = Number(env.BFTASK_BIGQUERY_BACKOFF_MS);
  const first = env.BFTASK_BIGQUERY_BACKOFF_MS !== undefined && Number.isFinite(configured) && configured >= 0 ? configured : 1000;
  return (attempt) => first * 2 ** attempt * (1 + Math.random() / 2);
}

export interface RetryPolicy {
  readonly backoffMs: (attempt: number) => number;
  /** Cuts a wait short; the last failure is then returned. */
  readonly signal?: AbortSignal;
  /** Told of every failure, with the wait before the next try (undefined: no more tries). */
  readonly onFailure?: (explained: Explained, retryInMs: number | undefined) => void;
}

/**
 * Runs `work` until it succeeds, fails with an error not worth retrying, or ATTEMPTS are spent.
 * A failure that was retried says how many tries it took.
 */
export async function retrying<T>(
  work: () => Promise<T>,
  explain: (error: unknown) => Explained,
  policy: RetryPolicy,
): Promise<{ readonly value: T } | { readonly failure: Explained }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await work() };
    } catch (error) {
      const explained = explain(error);
      const last = !explained.retry || attempt + 1 >= ATTEMPTS || policy.signal?.aborted === true;
      const wait = last ? undefined : Math.round(policy.backoffMs(attempt));
      policy.onFailure?.(explained, wait);
      const given = () => (attempt === 0 ? explained : { ...explained, message: `${explained.message} (gave up after ${attempt + 1} tries)` });
      if (wait === undefined) return { failure: given() };
      await sleep(wait, policy.signal);
      if (policy.signal?.aborted) return { failure: explained };
    }
  }
}

/** Waits `ms`, or less if `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
