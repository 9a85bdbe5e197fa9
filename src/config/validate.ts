/**
 * Checks a loaded config object and turns it into a `Config`. Every problem is collected and
 * reported at once, each naming the field at fault (`targets.pcf.deps[1]: ...`).
 */
import path from 'node:path';
import { dateProblem, isIsoDate } from '../util/dates.js';
import { UsageError, messageOf } from '../util/errors.js';
import { didYouMean } from '../util/suggest.js';
import { checkPositive, IDENTIFIER, isPositiveInteger, isRecord, show, TABLE_NAME, type Fail } from './checks.js';
import { topologicalOrder } from './graph.js';
import { checkDataChecks, checkOutput, checkSharedOutputs } from './outputs.js';
import { checkRunners, checkTargetRunner } from './runners-config.js';
import { checkWarehouse } from './warehouse-config.js';
import { checkBisect, checkPolicy, DEFAULT_POLICY, type Policy } from './policy.js';
import { sqlStatements } from './sql-text.js';
import { COMMANDS, PLACEHOLDERS } from './config.js';
import type { Action, Calendar, Config, Dependency, Output, Runner, Target } from './config.js';
import type { IsoDate, WarehouseConfig } from './types.js';

export type Validated = { ok: true; config: Config } | { ok: false; errors: string[] };

const TARGET_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const TOP_KEYS = ['warehouse', 'range', 'calendar', 'concurrency', 'pools', 'runners', 'freshness', 'retries', 'retryDelay', 'timeout', 'targets'];
const TARGET_KEYS = [
  'table', 'dateColumn', 'files', 'minRows', 'check', 'deps', 'run', 'sql', 'shard', 'concurrency', 'pool', 'runner', 'exclude', 'retries', 'retryDelay',
  'timeout', 'bisect',
];
/** Names other tools use for a target's fields (Make, Airflow, the issue tracker's prose): named, not guessed at. */
const TARGET_SYNONYMS: Readonly<Record<string, string>> = {
  command: 'run', cmd: 'run', argv: 'run', args: 'run', exec: 'run',
  dependencies: 'deps', depends: 'deps', dependsOn: 'deps', depends_on: 'deps', needs: 'deps', inputs: 'deps', upstream: 'deps',
  column: 'dateColumn', partitionColumn: 'dateColumn', partitionField: 'dateColumn',
  query: 'sql', output: 'table', path: 'files', file: 'files',
};

/** Longer lookbacks are a typo: no feature reads 27 years back, and date arithmetic must stay in range. */
const MAX_LOOKBACK = 10_000;

/** Validates `raw` (the config module's default export) loaded from `file`. */
export function validateConfig(raw: unknown, file: string): Validated {
  const errors: string[] = [];
  const fail = (where: string, message: string) => errors.push(`${where}: ${message}`);
  if (!isRecord(raw)) {
    return { ok: false, errors: [`the default export must be an object from defineConfig({...}), got ${show(raw)}`] };
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key)) fail(key, `unknown field${didYouMean(key, TOP_KEYS)}`);
  }

  const warehouse = checkWarehouse(raw.warehouse, fail);
  const range = checkRange(raw.range, fail);
  const calendar = checkCalendar(raw.calendar, fail);
  let concurrency = 4;
  if (raw.concurrency !== undefined) {
    if (isPositiveInteger(raw.concurrency)) concurrency = raw.concurrency;
    else fail('concurrency', `must be a positive integer, got ${show(raw.concurrency)}`);
  }
  const defaults = checkPolicy(raw, DEFAULT_POLICY, fail);
  const runners = checkRunners(raw.runners, fail);
  const declaredRunners = new Set(isRecord(raw.runners) ? Object.keys(raw.runners) : []);
  const pools = new Map<string, number>();
  if (raw.pools !== undefined) {
    if (!isRecord(raw.pools)) fail('pools', `must be an object of pool names and sizes, got ${show(raw.pools)}`);
    else {
      for (const [name, size] of Object.entries(raw.pools)) {
        if (isPositiveInteger(size)) pools.set(name, size);
        else fail(`pools.${name}`, `must be a positive integer, got ${show(size)}`);
      }
    }
  }
  let freshness: Config['freshness'] = 'timestamps';
  if (raw.freshness !== undefined) {
    if (raw.freshness === 'timestamps' || raw.freshness === 'presence') freshness = raw.freshness;
    else fail('freshness', `must be 'timestamps' or 'presence', got ${show(raw.freshness)}`);
  }

  const targets = new Map<string, Target>();
  if (!isRecord(raw.targets) || Object.keys(raw.targets).length === 0) {
    fail('targets', 'must be an object with at least one target');
  } else {
    const names = Object.keys(raw.targets);
    for (const name of names.sort()) {
      const target = checkTarget(name, raw.targets[name], names, { warehouse, range, defaults, pools, runners, declaredRunners }, (field, message) =>
        fail(`targets.${name}${field}`, message),
      );
      if (target) targets.set(name, target);
    }
    checkSharedOutputs(targets, warehouse, path.dirname(file), fail);
  }

  let order: string[] = [];
  if (errors.length === 0) {
    const sorted = topologicalOrder([...targets.keys()], (n) => targets.get(n)?.deps.map((d) => d.target) ?? []);
    if ('cycle' in sorted) errors.push(`dependency cycle: ${sorted.cycle.join(' -> ')}`);
    else order = sorted.order;
  }
  if (errors.length > 0 || !warehouse || !range || !calendar) return { ok: false, errors: onePerTypo(errors, raw) };
  const dir = path.dirname(file);
  return { ok: true, config: { file, dir, warehouse, range, calendar, concurrency, pools, runners, freshness, targets, order } };
}


function checkRange(raw: unknown, fail: Fail): { start: IsoDate; end: IsoDate } | undefined {
  if (!isRecord(raw)) {
    fail('range', "must be { start: 'YYYY-MM-DD', end: 'YYYY-MM-DD' }");
    return undefined;
  }
  let ok = true;
  for (const key of ['start', 'end'] as const) {
    const problem = dateProblem(raw[key]);
    if (problem) {
      fail(`range.${key}`, `${show(raw[key])} ${problem}`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  const { start, end } = raw as { start: IsoDate; end: IsoDate };
  if (start > end) {
    fail('range', `start ${start} is after end ${end}`);
    return undefined;
  }
  return { start, end };
}

function checkCalendar(raw: unknown, fail: Fail): Calendar | undefined {
  if (raw === undefined || raw === 'daily') return { kind: 'daily' };
  if (Array.isArray(raw)) {
    const bad = raw.findIndex((d) => dateProblem(d) !== undefined);
    if (bad >= 0) {
      fail(`calendar[${bad}]`, `${show(raw[bad])} ${dateProblem(raw[bad])}`);
      return undefined;
    }
    return { kind: 'dates', dates: [...new Set(raw as IsoDate[])].sort() };
  }
  if (isRecord(raw)) {
    let ok = true;
    if (typeof raw.table !== 'string' || !TABLE_NAME.test(raw.table)) {
      fail('calendar.table', `must be a table name, got ${show(raw.table)}`);
      ok = false;
    }
    if (typeof raw.dateColumn !== 'string' || !IDENTIFIER.test(raw.dateColumn)) {
      fail('calendar.dateColumn', `must be a column name, got ${show(raw.dateColumn)}`);
      ok = false;
    }
    return ok ? { kind: 'table', table: raw.table as string, dateColumn: raw.dateColumn as string } : undefined;
  }
  fail('calendar', `must be 'daily', a list of dates or { table, dateColumn }, got ${show(raw)}`);
  return undefined;
}

/** What a target's checks need from the rest of the config. */
interface TargetContext {
  readonly warehouse: WarehouseConfig | undefined;
  readonly range: { start: IsoDate } | undefined;
  readonly defaults: Policy;
  readonly pools: ReadonlyMap<string, number>;
  readonly runners: ReadonlyMap<string, Runner>;
  readonly declaredRunners: ReadonlySet<string>;
}

function checkTarget(
  name: string,
  raw: unknown,
  names: readonly string[],
  context: TargetContext,
  fail: Fail,
): Target | undefined {
  const { warehouse, range, defaults, pools, runners, declaredRunners } = context;
  const before = { count: 0 };
  const note: Fail = (where, message) => {
    before.count++;
    fail(where, message);
  };
  if (!TARGET_NAME.test(name)) note('', 'a target name must start with a letter and hold only letters, digits, _ and -');
  if ((COMMANDS as readonly string[]).includes(name)) note('', `"${name}" is a bftask command: rename the target`);
  if (!isRecord(raw)) {
    note('', 'must be an object with table, dateColumn and run');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (TARGET_KEYS.includes(key)) continue;
    const synonym = TARGET_SYNONYMS[key];
    note(`.${key}`, `unknown field${synonym ? ` — did you mean "${synonym}"?` : didYouMean(key, TARGET_KEYS)}`);
  }

  const output = checkOutput(raw, warehouse, note);
  const label = output?.kind === 'table' ? output.table : output?.pattern;

  const deps: Dependency[] = [];
  if (raw.deps !== undefined && !Array.isArray(raw.deps)) note('.deps', 'must be a list of target names');
  (Array.isArray(raw.deps) ? raw.deps : []).forEach((dep: unknown, i: number) => {
    const where = `.deps[${i}]`;
    const target = typeof dep === 'string' ? dep : isRecord(dep) ? dep.target : undefined;
    const lookback = isRecord(dep) ? (dep.lookback ?? 0) : 0;
    if (typeof target !== 'string') {
      note(where, `must be a target name or { target, lookback }, got ${show(dep)}`);
      return;
    }
    if (!names.includes(target)) {
      note(where, `unknown target "${target}"${didYouMean(target, names)}`);
      return;
    }
    if (target === name) note(where, 'a target cannot depend on itself');
    if (isRecord(dep) && dep.lookback !== undefined && !(Number.isInteger(dep.lookback) && (dep.lookback as number) >= 0)) {
      note(`${where}.lookback`, `must be a whole number of days (0 or more), got ${show(dep.lookback)}`);
      return;
    }
    if ((lookback as number) > MAX_LOOKBACK) {
      note(`${where}.lookback`, `must be at most ${MAX_LOOKBACK} days, got ${show(lookback)}`);
      return;
    }
    if (deps.some((d) => d.target === target)) note(where, `"${target}" is listed twice`);
    deps.push({ target, lookback: lookback as number });
  });
  deps.sort((a, b) => (a.target < b.target ? -1 : 1));

  const action = checkAction(raw, output, warehouse, note);
  const shard = raw.shard === 'auto' ? 'auto' : (checkPositive(raw.shard, '.shard', note, " or 'auto'") ?? Number.POSITIVE_INFINITY);
  let pool: string | undefined;
  if (raw.pool !== undefined) {
    if (typeof raw.pool === 'string' && pools.has(raw.pool)) pool = raw.pool;
    else if (pools.size === 0) note('.pool', `there is no pool ${show(raw.pool)}: declare it in pools, e.g. pools: { ${typeof raw.pool === 'string' && /^\w+$/.test(raw.pool) ? raw.pool : 'bigquery'}: 4 }`);
    else note('.pool', `unknown pool ${show(raw.pool)}${didYouMean(String(raw.pool), pools.keys()) || ` (pools: ${[...pools.keys()].join(', ')})`}`);
  }
  const concurrency = checkPositive(raw.concurrency, '.concurrency', note);
  const isExcluded = checkExclude(raw.exclude, name, range, note);
  const localFiles = output?.kind === 'files' ? output.pattern : undefined;
  const runner = checkTargetRunner(raw.runner, runners, declaredRunners, action?.kind === 'command', warehouse, localFiles, note);
  const policy = checkPolicy(raw, defaults, (field, message) => note(`.${field}`, message));
  const bisect = checkBisect(raw.bisect, (field, message) => note(`.${field}`, message));
  const checks = checkDataChecks(raw, output, warehouse, note);

  if (before.count > 0 || !output || !label || !action || !isExcluded || !checks) return undefined;
  return { name, output, label, deps, action, shard, pool, runner, concurrency, isExcluded, ...policy, bisect, checks };
}

function checkAction(
  raw: Record<string, unknown>,
  output: Output | undefined,
  warehouse: WarehouseConfig | undefined,
  fail: Fail,
): Action | undefined {
  if (raw.sql === undefined) {
    // `command: [...]` was already named as an unknown field for run: one mistake, one line.
    if (raw.run === undefined && Object.keys(raw).some((key) => TARGET_SYNONYMS[key] === 'run' || TARGET_SYNONYMS[key] === 'sql')) return undefined;
    const run = checkRun(raw.run, fail);
    return run && { kind: 'command', run };
  }
  if (raw.run !== undefined) {
    fail('', 'give either run (a command) or sql (a SELECT), not both');
    return undefined;
  }
  if (output !== undefined && output.kind !== 'table') {
    fail('.sql', 'a files target needs a command (run) to write its files');
    return undefined;
  }
  if (typeof raw.sql !== 'string' || raw.sql.trim() === '') {
    fail('.sql', `must be a SELECT for the dates @start..@end, got ${show(raw.sql)}`);
    return undefined;
  }
  if (!/@start\b/.test(raw.sql) || !/@end\b/.test(raw.sql)) {
    fail('.sql', 'must select only the dates @start..@end (e.g. WHERE game_date BETWEEN @start AND @end)');
    return undefined;
  }
  // bftask wraps the SELECT in its own statements, so exactly one may be given; a trailing `;`
  // or comment is fine and dropped.
  const statements = sqlStatements(raw.sql, warehouse?.kind === 'bigquery' ? 'bigquery' : 'sqlite');
  if (statements.length !== 1) {
    fail('.sql', `must be one SELECT, got ${statements.length} statements`);
    return undefined;
  }
  return { kind: 'sql', sql: statements[0] as string };
}

function checkRun(raw: unknown, fail: Fail): string[] | undefined {
  if (typeof raw === 'string') {
    fail('.run', `must be an argv array such as ['python3', 'job.py', '--start-date', '{start}'], not a shell string`);
    return undefined;
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    fail('.run', 'must be a non-empty argv array');
    return undefined;
  }
  let ok = true;
  raw.forEach((arg: unknown, i) => {
    if (typeof arg !== 'string' || (i === 0 && arg === '')) {
      fail(`.run[${i}]`, `must be a${i === 0 ? ' non-empty' : ''} string, got ${show(arg)}`);
      ok = false;
      return;
    }
    // Only a word in braces is a placeholder: literal JSON such as '{"mode":"full"}' passes through.
    for (const [, placeholder] of arg.matchAll(/\{(\w+)\}/g)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(placeholder as string)) {
        const known = PLACEHOLDERS.map((p) => `{${p}}`).join(', ');
        fail(`.run[${i}]`, `unknown placeholder {${placeholder}}: use ${known}`);
        ok = false;
      }
    }
  });
  return ok ? (raw as string[]) : undefined;
}

function checkExclude(
  raw: unknown,
  name: string,
  range: { start: IsoDate } | undefined,
  fail: Fail,
): ((date: IsoDate) => boolean) | undefined {
  if (raw === undefined) return () => false;
  if (typeof raw === 'function') {
    const call = (date: IsoDate): boolean | string => {
      let result: unknown;
      try {
        result = raw(date);
      } catch (error) {
        return `threw for ${date}: ${messageOf(error)}`;
      }
      // An async function returns a Promise, which is truthy: every date would be excluded.
      if (typeof result !== 'boolean') {
        const what = result instanceof Promise ? 'a Promise (exclude must not be async)' : show(result);
        return `must return true or false, got ${what} for ${date}`;
      }
      return result;
    };
    // One call now, so the usual mistakes are reported with every other config problem.
    const probe = range ? call(range.start) : true;
    if (typeof probe === 'string') {
      fail('.exclude', probe);
      return undefined;
    }
    return (date) => {
      const result = call(date);
      if (typeof result === 'string') throw new UsageError(`targets.${name}.exclude ${result}`);
      return result;
    };
  }
  if (Array.isArray(raw)) {
    const bad = raw.findIndex((d) => !isIsoDate(d));
    if (bad >= 0) {
      fail(`.exclude[${bad}]`, `${show(raw[bad])} is not a date: use YYYY-MM-DD`);
      return undefined;
    }
    const excluded = new Set<string>(raw as IsoDate[]);
    return (date) => excluded.has(date);
  }
  fail('.exclude', `must be a list of dates or a function (date) => boolean, got ${show(raw)}`);
  return undefined;
}

/**
 * A misspelt field is one mistake, so one line: `rang: unknown field — did you mean "range"?`
 * says it all, and the complaint that `range` is missing goes (only when it is: a field given
 * both ways keeps its own errors).
 */
function onePerTypo(errors: readonly string[], raw: Record<string, unknown>): string[] {
  const suggested = new Set<string>();
  for (const error of errors) {
    const match = /^((?:[^:\s]+\.)?)[^.:\s]+: unknown field — did you mean "([^"]+)"\?$/.exec(error);
    if (!match) continue;
    const path = `${match[1]}${match[2]}`;
    const value = path.split('.').reduce<unknown>((at, key) => (isRecord(at) ? at[key] : undefined), raw);
    if (value === undefined) suggested.add(path);
  }
  return errors.filter((error) => !suggested.has(error.slice(0, error.indexOf(': '))));
}
