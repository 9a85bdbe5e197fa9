/** Small checks shared by the config's validators: each problem goes to `fail(where, message)`. */

export type Fail = (where: string, message: string) => void;

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*){0,2}$/;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a message shows it: strings quoted, the rest as JSON. */
export const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : String(JSON.stringify(v) ?? v));

export const isPositiveInteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/** A positive integer, or undefined when absent; anything else is reported. */
export function checkPositive(raw: unknown, where: string, fail: Fail, or = ''): number | undefined {
  if (raw === undefined) return undefined;
  if (isPositiveInteger(raw)) return raw;
  fail(where, `must be a positive integer${or}, got ${show(raw)}`);
  return undefined;
}
