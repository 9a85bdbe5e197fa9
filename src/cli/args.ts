/** Parses the command line into typed options; every mistake is a UsageError naming the flag. */
import { parseArgs } from 'node:util';
import type { IsoDate } from '../config/types.js';
import { isIsoDate } from '../util/dates.js';
import { UsageError, messageOf } from '../util/errors.js';

export type ReporterName = 'listr' | 'lines';

export interface CliOptions {
  readonly command: 'build' | 'status' | 'help' | 'version';
  readonly targets: readonly string[];
  readonly from: IsoDate | undefined;
  readonly to: IsoDate | undefined;
  readonly concurrency: number | undefined;
  readonly config: string | undefined;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly force: readonly string[];
  readonly reporter: ReporterName | undefined;
}

export const USAGE = `Usage: bftask [targets...] [options]     build targets and their incomplete prerequisites
       bftask status [targets...] [--json]  coverage per target; exit 1 while incomplete

Options:
  -n, --dry-run         show pending dates and the exact commands; run nothing
      --json            with --dry-run or status: print one JSON object
      --force TARGET    rebuild every date of TARGET (repeatable) and what depends on it
      --from DATE       start of the range (YYYY-MM-DD; default: the config's range)
      --to DATE         end of the range
  -j, --concurrency N   at most N steps at once (default: the config's concurrency)
      --config PATH     the config file (default: nearest backfill.config.ts upward)
      --reporter NAME   listr (task list, the default on a terminal) or lines (timestamped lines)
  -h, --help            show this help
  -v, --version         show the version

Exit codes: 0 done, 1 a step failed or incomplete, 2 usage or config error, 130/143/129 interrupted.`;

/** Parses `argv` (without node and the script). */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'dry-run': { type: 'boolean', short: 'n' },
        json: { type: 'boolean' },
        force: { type: 'string', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        concurrency: { type: 'string', short: 'j' },
        config: { type: 'string' },
        reporter: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(`${cleanParseError(messageOf(error))} (bftask --help lists the options)`);
  }
  const { values, positionals } = parsed;
  const isStatus = positionals[0] === 'status';
  const command = values.help ? 'help' : values.version ? 'version' : isStatus ? 'status' : 'build';

  for (const flag of ['from', 'to'] as const) {
    const value = values[flag];
    if (value !== undefined && !isIsoDate(value)) throw new UsageError(`--${flag} ${value} is not a date: use YYYY-MM-DD`);
  }
  if (values.from && values.to && values.from > values.to) {
    throw new UsageError(`--from ${values.from} is after --to ${values.to}`);
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!/^\d+$/.test(values.concurrency) || !Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new UsageError(`--concurrency must be a positive integer, got "${values.concurrency}"`);
    }
  }
  const reporter = values.reporter;
  if (reporter !== undefined && reporter !== 'listr' && reporter !== 'lines') {
    throw new UsageError(`--reporter must be listr or lines, got "${reporter}"`);
  }
  if (command === 'status' && (values['dry-run'] || values.force)) {
    throw new UsageError(`status reads coverage only: drop ${values['dry-run'] ? '--dry-run' : '--force'}`);
  }
  if (command === 'build' && values.json && !values['dry-run']) {
    throw new UsageError('--json goes with --dry-run or status');
  }
  return {
    command,
    targets: isStatus ? positionals.slice(1) : positionals,
    from: values.from,
    to: values.to,
    concurrency,
    config: values.config,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    force: values.force ?? [],
    reporter,
  };
}

/** node:util's messages carry advice for script authors; keep the part a user needs. */
function cleanParseError(message: string): string {
  const missing = /Option '(--[\w-]+)(?:, -\w)? <value>' argument missing/.exec(message) ??
    /Option '-\w, (--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value${missing[1] === '--force' ? ': the target to rebuild' : ''}`;
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  return message.replace(/\. To specify a positional argument.*$/, '');
}
