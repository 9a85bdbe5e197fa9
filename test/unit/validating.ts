// Shared by the config tests: validate a base config after one change, and read the errors
// or the config that come out.
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
