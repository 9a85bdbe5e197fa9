// Shared by the config tests: validate a base config after one change, and read the errors
// or the config that come out.
import type { Config } from '../../src/config/config.js';
import type { TargetConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';

export type Fields = Record<string, unknown>;
export interface Raw {
  [key: string]: unknown;
  warehouse: Fields;
  range: Fields;
  targets: Record<string, Fields>;
}

export function validating(base: () => Raw) {
  const validate = (change: (c: Raw) => void) => {
    const config = base();
    change(config);
    return validateConfig(config, '/p/backfill.config.ts');
  };
  return {
    /** The messages for the changed config; [] when it is valid. */
    errorsOf: (change: (c: Raw) => void): string[] => {
      const result = validate(change);
      return result.ok ? [] : result.errors;
    },
    /** The validated config; throws with the messages when it is not valid. */
    configOf: (change: (c: Raw) => void) => {
      const result = validate(change);
      if (!result.ok) throw new Error(result.errors.join('\n'));
      return result.config;
    },
  };
}

/**
 * A validated SQLite config over January 2024 from target definitions (table `<name>_t`, date
 * column `d`, command `run` unless a target says otherwise), so the planner sees what the CLI would.
 */
export function configOfTargets(targets: Record<string, Partial<TargetConfig>>, run: readonly string[]): Config {
  const full: Record<string, TargetConfig> = {};
  for (const [name, t] of Object.entries(targets)) full[name] = { table: `${name}_t`, dateColumn: 'd', run, ...t } as TargetConfig;
  const result = validateConfig(
    { warehouse: { kind: 'sqlite', path: 'w.db' }, range: { start: '2024-01-01', end: '2024-01-31' }, targets: full },
    '/p/backfill.config.ts',
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}
