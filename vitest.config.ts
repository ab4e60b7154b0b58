import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/**
 * The slow checks: the benchmark's quick mode and the short soak, each a minute of whole-stack
 * work. `npm test` leaves them out to answer in about two minutes; `npm run test:slow` runs them
 * (vitest.slow.config.ts), and CI runs both.
 */
export const SLOW_TESTS = ['test/bench/bench-quick.test.ts', 'test/e2e/soak.test.ts']

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...SLOW_TESTS],
    environment: 'node',
    // The suite waits more than it computes (child processes, sockets, simulated latency): one
    // worker per core leaves the CPU two-thirds idle. Two per core halves the wall time here.
    maxWorkers: 2 * availableParallelism(),
    // Handlers log at DEBUG everywhere; the secret guard captures it all and checks it.
    env: { POWERTOOLS_LOG_LEVEL: 'DEBUG' },
    setupFiles: ['test/support/secret-guard.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'functions/**/*.ts', 'cli/**/*.ts', 'dev/**/*.ts', 'ops/**/*.ts'],
      reporter: ['text-summary', 'text'],
    },
  },
})
