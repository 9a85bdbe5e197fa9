/** Checks the command line against the config: target names, forced targets, the range. */
import type { Config } from '../config/config.js';
import { withDependencies } from '../config/graph.js';
import type { PlanRequest } from '../session.js';
import { UsageError } from '../util/errors.js';
import { didYouMean } from '../util/suggest.js';
import type { CliOptions } from './args.js';

export function resolveRequest(config: Config, options: CliOptions): PlanRequest {
  const names = [...config.targets.keys()];
  for (const name of options.targets) {
    if (!config.targets.has(name)) throw new UsageError(`unknown target "${name}"${didYouMean(name, names) || ` (targets: ${listed(config.order)})`}`);
  }
  const roots = [...new Set(options.targets)];
  const selection = withDependencies(roots.length > 0 ? roots : names, (n) =>
    config.targets.get(n)?.deps.map((d) => d.target) ?? [],
  );
  for (const name of options.force) {
    if (!config.targets.has(name)) throw new UsageError(`--force ${name}: unknown target${didYouMean(name, names)}`);
    if (!selection.has(name)) {
      throw new UsageError(`--force ${name}: not part of this build (${roots.join(', ')} and their prerequisites); name it as a target too`);
    }
  }
  const range = { start: options.from ?? config.range.start, end: options.to ?? config.range.end };
  if (range.start > range.end) {
    const culprit = options.from ? `--from ${range.start}` : `--to ${range.end}`;
    throw new UsageError(`${culprit} leaves an empty range ${range.start}..${range.end}`);
  }
  // Builds reach back for lookbacks down to the config's own start; status reports the range only.
  const floor = options.command === 'build' ? config.range.start : undefined;
  return {
    roots,
    range,
    force: new Set(options.force),
    presenceOnly: options.noStale,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(floor ? { floor } : {}),
  };
}

/** `a, b, c` — or the first few and a count, so the line stays one line. */
function listed(names: readonly string[], max = 12): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … ${names.length - max} more`;
}
