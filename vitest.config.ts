import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Deadlines for a hang, not measures of speed: on a 2-core machine loaded by other work the
    // example pipeline's beforeAll took over 60 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // vitest's default is one worker fewer than the cores: 1 on a 2-core machine, so the test
    // files ran one after another. The end-to-end files spend much of their time waiting on
    // child processes (steps that sleep or wait at a barrier, a 5 s grace period, bftask
    // starting), so one worker more than the cores keeps both cores busy.
    maxWorkers: os.availableParallelism() + 1,
  },
});
