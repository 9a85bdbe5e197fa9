/** Parses the command line into typed options; every mistake is a UsageError naming the flag. */
import { parseArgs } from 'node:util';
import type { IsoDate } from '../config/types.js';
import { dateProblem } from '../util/dates.js';
import { UsageError, messageOf } from '../util/errors.js';
import { didYouMean } from '../util/suggest.js';
import { COMMANDS } from '../config/config.js';
import { GRAPH_FORMATS, type GraphFormat } from '../report/graph.js';

export type ReporterName = 'listr' | 'lines';

export type CommandName = 'build' | (typeof COMMANDS)[number] | 'help' | 'version';

export interface CliOptions {
  readonly command: CommandName;
  /** The words after the command: targets (build, status) or a run id (runs). */
  readonly targets: readonly string[];
  readonly from: IsoDate | undefined;
  readonly to: IsoDate | undefined;
  readonly concurrency: number | undefined;
  readonly config: string | undefined;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly force: readonly string[];
  readonly reporter: ReporterName | undefined;
  readonly failFast: boolean;
  readonly wait: boolean;
  /** `--no-stale`: plan from presence alone. */
  readonly noStale: boolean;
  /** `why --date D`, `logs --date D`. */
  readonly date: string | undefined;
  /** Runs: only failures and the final line. */
  readonly quiet: boolean;
  /** Runs: every step's command line (the lines reporter). */
  readonly verbose: boolean;
  /** `status --watch`: redraw while a run is in progress. */
  readonly watch: boolean;
  /** `logs -f`: follow the log while its step runs. */
  readonly follow: boolean;
  /** `report --out FILE`. */
  readonly out: string | undefined;
  /** `graph --format`. */
  readonly format: GraphFormat;
}

export const USAGE = `Usage: bftask [targets...] [options]     build targets and their incomplete prerequisites
       bftask status [targets...] [--json] [--watch]
                                            coverage per target, and the run in progress; exit 1 while incomplete
       bftask runs [RUN-ID] [--json]        recent runs, or one run's steps
       bftask why TARGET [--date D] [--json] why each pending date is pending, down to its root
       bftask logs TARGET [--date D] [-f]   the log of TARGET's latest step (that covered D); -f follows it
       bftask report [targets...] [--out F] a self-contained HTML report: coverage heatmap, status, runs
       bftask graph [targets...] [--format text|mermaid|dot]
                                            the dependency graph with each target's coverage

Options:
  -n, --dry-run         show pending dates and the exact commands; run nothing
      --json            with --dry-run or status: print one JSON object
      --force TARGET    rebuild every date of TARGET (repeatable) and what depends on it
      --from DATE       start of the range (YYYY-MM-DD; default: the config's range)
      --to DATE         end of the range
  -j, --concurrency N   at most N steps at once (default: the config's concurrency)
      --config PATH     the config file (default: nearest backfill.config.ts upward)
      --reporter NAME   listr (task list, the default on a terminal) or lines (timestamped lines)
      --fail-fast       after the first failure, start nothing new
      --wait            if another run is building the same targets, wait for it, then re-plan
      --no-stale        plan from presence alone: a date built before its inputs is not rebuilt
  -q, --quiet           print only failures and the final line
      --verbose         print every step's command line as it starts (the lines reporter)
      --no-color        no colour (so does the NO_COLOR variable, and any output that is not a terminal)
  -h, --help            show this help
  -v, --version         show the version

Exit codes: 0 done, 1 a step failed or incomplete, 2 usage or config error, 130/143/129 interrupted.`;

const OPTIONS = {
  'dry-run': { type: 'boolean', short: 'n' },
  json: { type: 'boolean' },
  force: { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  concurrency: { type: 'string', short: 'j' },
  config: { type: 'string' },
  reporter: { type: 'string' },
  'fail-fast': { type: 'boolean' },
  'no-stale': { type: 'boolean' },
  date: { type: 'string' },
  wait: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  watch: { type: 'boolean' },
  follow: { type: 'boolean', short: 'f' },
  out: { type: 'string', short: 'o' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Parses `argv` (without node and the script). */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (error) {
    const names = Object.keys(OPTIONS).map((name) => `--${name}`);
    throw new UsageError(`${cleanParseError(messageOf(error), names)} (bftask --help lists the options)`);
  }
  const { values, positionals } = parsed;
  const named = (COMMANDS as readonly string[]).includes(positionals[0] ?? '') ? (positionals[0] as (typeof COMMANDS)[number]) : undefined;
  const command: CommandName = values.help ? 'help' : values.version ? 'version' : (named ?? 'build');
  const allowed = ALLOWED[command];
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && allowed !== 'all' && !allowed.includes(name)) throw new UsageError(`${command} does not take --${name}`);
  }
  if (command === 'runs' && positionals.length > 2) throw new UsageError(`runs takes at most one run id, got ${positionals.slice(1).join(' ')}`);

  for (const flag of ['from', 'to'] as const) {
    const value = values[flag];
    const problem = value === undefined ? undefined : dateProblem(value);
    if (problem) throw new UsageError(`--${flag} ${value} ${problem}`);
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
  if (command === 'build' && values.json && !values['dry-run']) {
    throw new UsageError('--json goes with --dry-run or status');
  }
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose contradict each other: pick one');
  if (values['dry-run'] && (values.quiet || values.verbose)) throw new UsageError(`--${values.quiet ? 'quiet' : 'verbose'} goes with a run, not --dry-run`);
  if (values.verbose && reporter === 'listr') throw new UsageError('--verbose prints lines: it goes with --reporter lines, not listr');
  if (values.quiet && reporter !== undefined) throw new UsageError('--quiet shows no progress: it takes no --reporter');
  const format = values.format ?? 'text';
  if (!(GRAPH_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${GRAPH_FORMATS.join(', ')}, got "${format}"`);
  if (command === 'logs' && positionals.length !== 2) throw new UsageError('logs takes one target: bftask logs TARGET [--date YYYY-MM-DD] [-f]');
  return {
    command,
    targets: named ? positionals.slice(1) : positionals,
    from: values.from,
    to: values.to,
    concurrency,
    config: values.config,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    force: values.force ?? [],
    reporter,
    failFast: values['fail-fast'] ?? false,
    noStale: values['no-stale'] ?? false,
    date: values.date,
    wait: values.wait ?? false,
    quiet: values.quiet ?? false,
    verbose: values.verbose ?? false,
    watch: values.watch ?? false,
    follow: values.follow ?? false,
    out: values.out,
    format: format as GraphFormat,
  };
}

/** The options each command takes; anything else is a mistake worth saying. */
const ALLOWED: Record<CommandName, readonly string[] | 'all'> = {
  build: Object.keys(OPTIONS).filter((name) => !['date', 'watch', 'follow', 'out', 'format'].includes(name)),
  status: ['json', 'from', 'to', 'config', 'watch', 'no-color'],
  runs: ['json', 'config', 'no-color'],
  why: ['json', 'config', 'date', 'from', 'to', 'force', 'no-stale', 'no-color'],
  logs: ['config', 'date', 'follow', 'no-color'],
  report: ['config', 'from', 'to', 'out', 'no-color'],
  graph: ['config', 'from', 'to', 'format', 'no-color'],
  help: 'all',
  version: 'all',
};

/** node:util's messages carry advice for script authors; keep the part a user needs. */
function cleanParseError(message: string, options: readonly string[]): string {
  const flag = (name: string) => /^--[\w-]+$/.exec(name)?.[0] ?? /(--[\w-]+)/.exec(name)?.[1] ?? name;
  const missing = /Option '(?:-\w, )?(--[\w-]+)(?:, -\w)? <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value${needs(missing[1] as string)}`;
  // `--from -n`: the next word is an option, so the value was forgotten.
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value${needs(ambiguous[1] as string)}`;
  const unknown = /Unknown option '([^']+)'/.exec(message);
  // Only long names are worth a suggestion: every short one is one edit from every other.
  if (unknown) return `unknown option ${unknown[1]}${unknown[1]?.startsWith('--') ? didYouMean(unknown[1], options) : ''}`;
  const noValue = /Option '([^']+)' does not take an argument/.exec(message);
  if (noValue) return `${flag(noValue[1] as string)} takes no value`;
  return message.split('\n')[0]?.replace(/\. To specify a positional argument.*$/, '') ?? message;
}

/** What a flag's value should be, for "needs a value". */
function needs(flag: string): string {
  switch (flag) {
    case '--force':
      return ': the target to rebuild';
    case '--from':
    case '--to':
      return ': a date YYYY-MM-DD';
    case '--concurrency':
      return ': a positive integer';
    case '--date':
      return ': a date YYYY-MM-DD';
    case '--out':
      return ': the file to write';
    case '--format':
      return `: ${GRAPH_FORMATS.join(', ')}`;
    default:
      return '';
  }
}
