/** Checks `retries`, `retryDelay`, `timeout` and `bisect`, at the top level (defaults) and per target. */
import { parseDuration } from '../util/durations.js';
import { show } from './checks.js';

export interface Policy {
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly timeoutMs: number | undefined;
}

export const DEFAULT_POLICY: Policy = { retries: 0, retryDelayMs: 10_000, timeoutMs: undefined };

/** At most this many retries: more is a typo, and a backfill that fails 100 times needs a person. */
const MAX_RETRIES = 100;


/** Reads the fields from `raw` over `defaults`; each problem goes to `fail(field, message)`. */
export function checkPolicy(raw: Record<string, unknown>, defaults: Policy, fail: (field: string, message: string) => void): Policy {
  let { retries, retryDelayMs, timeoutMs } = defaults;
  if (raw.retries !== undefined) {
    if (Number.isInteger(raw.retries) && (raw.retries as number) >= 0 && (raw.retries as number) <= MAX_RETRIES) retries = raw.retries as number;
    else fail('retries', `must be a whole number from 0 to ${MAX_RETRIES}, got ${show(raw.retries)}`);
  }
  if (raw.retryDelay !== undefined) {
    const ms = parseDuration(raw.retryDelay);
    if (ms !== undefined) retryDelayMs = ms;
    else fail('retryDelay', `must be seconds or a duration such as '10s', '5m', got ${show(raw.retryDelay)}`);
  }
  if (raw.timeout !== undefined) {
    const ms = parseDuration(raw.timeout);
    if (ms !== undefined && ms > 0) timeoutMs = ms;
    else fail('timeout', `must be a positive number of seconds or a duration such as '90s', '30m', '2h', got ${show(raw.timeout)}`);
  }
  return { retries, retryDelayMs, timeoutMs };
}

/** `bisect`: true unless the target says false. */
export function checkBisect(raw: unknown, fail: (field: string, message: string) => void): boolean {
  if (raw === undefined) return true;
  if (typeof raw === 'boolean') return raw;
  fail('bisect', `must be true or false, got ${show(raw)}`);
  return true;
}
