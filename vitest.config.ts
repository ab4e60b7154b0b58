import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
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
