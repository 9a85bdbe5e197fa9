/** "Did you mean" hints for misspelt names. */

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Case, `_` and `-` aside: date_column, DateColumn and dateColumn are one name to a reader. */
const fold = (name: string) => name.toLowerCase().replace(/[-_]/g, '');

/** ` — did you mean "psza"?` for the closest candidate within a small edit distance, else ''. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of [...candidates].sort()) {
    const d = distance(fold(name), fold(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Failing that, the longest candidate the name starts with (jobName: job), or the only one
  // that starts with the name (date_col: dateColumn; "team" among team_a and team_b: neither).
  if (best === undefined && fold(name).length >= 3) {
    const n = fold(name);
    const longer = [...candidates].filter((c) => fold(c).startsWith(n) && fold(c) !== n);
    const shorter = [...candidates].filter((c) => fold(c).length >= 3 && n.startsWith(fold(c))).sort((a, b) => b.length - a.length);
    best = shorter[0] ?? (longer.length === 1 ? longer[0] : undefined);
  }
  return best === undefined ? '' : ` — did you mean "${best}"?`;
}
