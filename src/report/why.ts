/** What `bftask why` prints: each date's chain of reasons, as indented lines or JSON. */
import type { Explanation } from '../plan/explain.js';
import { describeShortfall } from '../outputs/checks.js';
import { clock } from './runs.js';

/** `mlfs 2024-01-05 stale: pdc 2024-01-05 built 2026-11-24 10:02:11, after mlfs 2024-01-05 built …`, then its causes. */
export function formatExplanation(e: Explanation, labels: ReadonlyMap<string, string>, depth = 0): string[] {
  const lead = `${'  '.repeat(depth)}${e.target} ${e.date}`;
  switch (e.status) {
    case 'excluded':
      return [`${lead} excluded: never expected (the target's exclude)`];
    case 'up-to-date':
      return [
        e.built === undefined
          ? `${lead} up to date: present (built outside bftask's knowledge, so never stale on that account)`
          : `${lead} up to date: present, built ${clock(e.built)}, after all its inputs`,
      ];
    case 'pending':
      switch (e.reason) {
        case 'missing':
          return [`${lead} missing from ${labels.get(e.target) ?? e.target}`];
        case 'forced':
          return [`${lead} forced (--force ${e.target})`];
        case 'check':
          return [`${lead} thin: ${describeShortfall(e.shortfall, e.target)}`];
        case 'stale':
          return [`${lead} stale: ${e.input.target} ${e.input.date} built ${clock(e.input.built)}, after ${e.target} ${e.date} built ${clock(e.built)}`];
        case 'upstream': {
          const reason = e.because.status === 'pending' ? e.because.reason : undefined;
          const why = reason === 'upstream' ? 'pending' : reason === 'check' ? 'thin' : (reason ?? e.because.status);
          return [`${lead} pending: upstream ${e.input.target} ${e.input.date} is ${why}`, ...formatExplanation(e.because, labels, depth + 1)];
        }
      }
  }
}

/** Explanations as JSON, with times as ISO strings. */
export function explanationsJson(target: string, explanations: readonly Explanation[]): string {
  return JSON.stringify({ target, dates: explanations }, (key, value: unknown) =>
    key === 'built' && typeof value === 'number' ? new Date(value).toISOString() : value,
  );
}
