/**
 * `files` patterns: a local path, or `gs://BUCKET/OBJECT` on Cloud Storage. Pure: parsing and
 * matching names, so config validation and the readers agree on what a pattern means.
 */
import type { IsoDate } from '../config/types.js';
import { isIsoDate } from '../util/dates.js';

export const GCS_SCHEME = 'gs://';

/** A Cloud Storage pattern taken apart. */
export interface ObjectPattern {
  readonly bucket: string;
  /** The object name pattern, with `{date}`. */
  readonly name: string;
  /** The name's fixed part before the first `{date}`: what a listing asks for. */
  readonly prefix: string;
}

/**
 * Bucket names: lowercase letters, digits, `-`, `_` and `.`, starting and ending with a letter or
 * digit, 3 to 63 characters (up to 222 when dotted, 63 per dot-separated part).
 */
const BUCKET = /^[a-z0-9](?:[a-z0-9_.-]{1,220})[a-z0-9]$/;

/** The pattern's bucket and object name, or why it is not a Cloud Storage pattern bftask can list. */
export function parseObjectPattern(pattern: string): ObjectPattern | { problem: string } {
  const rest = pattern.slice(GCS_SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const name = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket.includes('{date}')) return { problem: '{date} must be in the object name, not in the bucket name' };
  const parts = bucket.split('.');
  if (!BUCKET.test(bucket) || bucket.includes('..') || (parts.length === 1 ? bucket.length > 63 : parts.some((p) => p.length > 63))) {
    return { problem: `"${bucket}" is not a bucket name (lowercase letters, digits, -, _ and ., 3 to 63 characters)` };
  }
  if (!name.includes('{date}')) return { problem: 'the object name must contain {date}, e.g. gs://bucket/v1/results/{date}.json' };
  return { bucket, name, prefix: name.slice(0, name.indexOf('{date}')) };
}

export const isObjectPattern = (pattern: string): boolean => pattern.startsWith(GCS_SCHEME);

/**
 * Reads the date out of a name that matches the whole pattern with a real calendar date, else
 * undefined: `latest.json`, `2024-01-03.json.tmp`, `sub/2024-01-03.json` and `2024-02-30.json`
 * do not count. A pattern with `{date}` twice needs the same date in both places.
 */
export function dateMatcher(namePattern: string): (name: string) => IsoDate | undefined {
  const pieces = namePattern.split('{date}').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // Anchored at both ends, so nothing may follow or precede; a backreference makes repeated {date}s agree.
  const regex = new RegExp(`^${pieces.map((p, i) => (i === 0 ? p : `${i === 1 ? '(\\d{4}-\\d{2}-\\d{2})' : '\\1'}${p}`)).join('')}$`);
  return (name) => {
    const date = regex.exec(name)?.[1];
    return date !== undefined && isIsoDate(date) ? date : undefined;
  };
}
