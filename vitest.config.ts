import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/**
 * The slow checks, whole-stack work that would dominate `npm test`: the benchmark's quick mode
 * and the short soak (a minute each), and `npm run demo` in the other API modes and with member
 * removal (each its own `npm start`). `npm test` leaves them out to answer in about a minute
 * (its v1 demo, in local-stack.test.ts, stays); `npm run test:slow` runs them
 * (vitest.slow.config.ts), and CI runs both.
 */
export const SLOW_TESTS = [
  'test/bench/bench-quick.test.ts',
  'test/e2e/soak.test.ts',
  'test/e2e/demo-in-every-mode.test.ts',
  'test/e2e/demo-remove-members.test.ts',
]

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
