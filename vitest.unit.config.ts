import { defineConfig } from 'vitest/config';

// The unit tests only: what `npm run mutation` runs against each mutant. The end-to-end tests
// spawn the built CLI from dist/, so they would never see a mutant and only cost time.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
  },
});
