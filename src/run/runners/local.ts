/** The local runner: each step a process on this machine, in its own process group. */
import { spawnStep } from '../spawn.js';
import type { Runner } from './runner.js';

export const localRunner: Runner = {
  name: 'local',
  slots: undefined,
  describe: () => 'this machine',
  run: (step) =>
    spawnStep({
      argv: step.argv,
      cwd: step.cwd,
      env: step.env,
      logFile: step.logFile,
      signal: step.signal,
      onSpawn: (pid) => step.onStart?.({ pid }),
    }),
};
