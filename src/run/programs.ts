/**
 * Finds each command target's program before anything runs, so `pyhton3` is a config error with
 * a suggestion instead of `spawn pyhton3 ENOENT` from the first step, hours into a backfill.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { didYouMean } from '../util/suggest.js';

/** One message per target whose program cannot be run, naming the target and the program. */
export function missingPrograms(config: Config, targets: Iterable<string>, env = process.env): string[] {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const problems: string[] = [];
  for (const name of [...targets].sort()) {
    const target = config.targets.get(name);
    if (target?.action.kind !== 'command') continue;
    const program = target.action.run[0] as string;
    const where = `targets.${name}.run[0]`;
    // Like execa and the shell: a name with a slash is a path (from the step's folder, the
    // config's), a bare name is looked up on PATH.
    if (program.includes('/')) {
      const file = path.resolve(config.dir, program);
      if (!fs.existsSync(file)) problems.push(`${where}: "${program}" does not exist (looked for ${file})`);
      else if (!isExecutable(file)) problems.push(`${where}: "${program}" is not an executable file (chmod +x ${program}?)`);
    } else if (!dirs.some((dir) => isExecutable(path.join(dir, program)))) {
      problems.push(`${where}: "${program}" is not a program on PATH${didYouMean(program, programsOn(dirs))}`);
    }
  }
  return problems;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Every name on PATH: read only when a program is missing, to suggest the one meant. */
function programsOn(dirs: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const dir of dirs) {
    try {
      for (const entry of fs.readdirSync(dir)) names.add(entry);
    } catch {
      // A PATH entry that does not exist is common and harmless.
    }
  }
  return names;
}
